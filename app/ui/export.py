"""Export the report (PDF / Word / Excel, Chinese or English) in a ``QThreadPool`` worker.

The window never freezes: a progress dialog shows while ``ReportService.write`` runs in the pool;
the worker reports back by signal (it never touches widgets), then the user may open the file or
its folder.

Signals (ExportController):
    finished(object): the written ``Path``.
    failed(object): the exception.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QMessageBox,
    QProgressDialog,
    QPushButton,
    QWidget,
)

from app.paths import reports_dir
from app.ui import errors
from app.ui.evidence_view import open_with_system
from app.ui.i18n import language, tr

FORMATS = ((".pdf", "exp.pdf"), (".docx", "exp.docx"), (".xlsx", "exp.xlsx"))


def default_path(view, suffix: str, lang: str) -> Path:
    """``<reports dir>/<lab>-<date>-<lang>.<suffix>`` with a file-system-safe lab name."""
    name = re.sub(r'[\\/:*?"<>|\s]+', "_", view.summary.lab_name)[:60].strip("_") or "lab"
    return reports_dir() / f"{name}-{view.summary.assessed_on.isoformat()}-{lang}{suffix}"


class ExportDialog(QDialog):
    """Choose format, report language and file."""

    def __init__(self, parent: QWidget | None, view):
        super().__init__(parent)
        self.view = view
        self.setWindowTitle(tr("exp.title"))
        form = QFormLayout(self)
        self.format = QComboBox()
        for suffix, key in FORMATS:
            self.format.addItem(tr(key), suffix)
        form.addRow(tr("exp.format"), self.format)
        self.lang = QComboBox()
        self.lang.addItem(tr("exp.lang.zh"), "zh")
        self.lang.addItem(tr("exp.lang.en"), "en")
        self.lang.setCurrentIndex(0 if language() == "zh" else 1)
        form.addRow(tr("exp.language"), self.lang)
        row = QHBoxLayout()
        self.path = QLineEdit()
        browse = QPushButton(tr("exp.browse"))
        browse.clicked.connect(self._browse)
        row.addWidget(self.path, 1)
        row.addWidget(browse)
        form.addRow(tr("exp.file"), row)
        bb = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        bb.accepted.connect(self.accept)
        bb.rejected.connect(self.reject)
        form.addRow(bb)
        self.format.currentIndexChanged.connect(lambda _i: self._suggest())
        self.lang.currentIndexChanged.connect(lambda _i: self._suggest())
        self._suggest()
        self.resize(620, 180)

    def _suggest(self) -> None:
        self.path.setText(str(default_path(self.view, self.format.currentData(), self.lang.currentData())))

    def _browse(self) -> None:
        suffix = self.format.currentData()
        path, _f = QFileDialog.getSaveFileName(self, tr("exp.title"), self.path.text(), f"*{suffix}")
        if path:
            if not path.lower().endswith(suffix):
                path += suffix
            self.path.setText(path)

    @classmethod
    def ask(cls, parent: QWidget | None, view) -> tuple[Path, str] | None:
        """(file, report language) or None."""
        dlg = cls(parent, view)
        if dlg.exec() != QDialog.DialogCode.Accepted:
            return None
        return Path(dlg.path.text()).expanduser(), dlg.lang.currentData()


class _WorkerSignals(QObject):
    finished = Signal(object)
    failed = Signal(object)


class ExportWorker(QRunnable):
    """Write one report file in the thread pool (no widgets here)."""

    def __init__(self, reports, assessment_id: int, out: Path, lang: str):
        super().__init__()
        self.signals = _WorkerSignals()
        self.reports = reports
        self.assessment_id = assessment_id
        self.out = out
        self.lang = lang
        self.setAutoDelete(False)

    def run(self) -> None:
        try:
            path = self.reports.write(self.assessment_id, self.out, self.lang)
        except Exception as exc:  # noqa: BLE001 - handed to the main thread for the dialog
            self.signals.failed.emit(exc)
            return
        self.signals.finished.emit(path)


class ExportController(QObject):
    """Runs one export with a progress dialog (see module docstring)."""

    finished = Signal(object)
    failed = Signal(object)
    _running: set = set()

    def __init__(self, parent: QWidget, services, view, out: Path, lang: str):
        super().__init__(parent)
        self.window = parent
        self.services = services
        self.view = view
        self.out = Path(out)
        self.lang = lang
        self.started_at = dt.datetime.now()
        self.worker = ExportWorker(services.reports, view.summary.id, self.out, lang)
        self.worker.signals.finished.connect(self._on_finished, Qt.ConnectionType.QueuedConnection)
        self.worker.signals.failed.connect(self._on_failed, Qt.ConnectionType.QueuedConnection)
        self.progress = QProgressDialog(tr("exp.running", name=self.out.name), "", 0, 0, parent)
        self.progress.setWindowTitle(tr("exp.title"))
        self.progress.setCancelButton(None)
        self.progress.setWindowModality(Qt.WindowModality.WindowModal)
        self.progress.setMinimumDuration(300)

    def start(self) -> None:
        """Start the worker (returns at once)."""
        ExportController._running.add(self)
        self.progress.setValue(0)
        QThreadPool.globalInstance().start(self.worker)

    def _done(self) -> None:
        self.progress.reset()
        self.progress.hide()
        ExportController._running.discard(self)

    def _on_finished(self, path) -> None:
        self._done()
        self.finished.emit(path)
        self.offer_open(Path(path))

    def _on_failed(self, exc) -> None:
        self._done()
        self.failed.emit(exc)
        errors.report(self.window, exc)

    def offer_open(self, path: Path) -> None:
        """Tell the user where the file is; offer to open it or its folder."""
        box = QMessageBox(
            QMessageBox.Icon.Information,
            tr("exp.done_title"),
            tr("exp.done", path=str(path)),
            QMessageBox.StandardButton.Close,
            self.window,
        )
        open_file = box.addButton(tr("exp.open_file"), QMessageBox.ButtonRole.AcceptRole)
        open_folder = box.addButton(tr("exp.open_folder"), QMessageBox.ButtonRole.ActionRole)
        self.ask_open(box)
        clicked = box.clickedButton()
        if clicked is open_file:
            open_with_system(path)
        elif clicked is open_folder:
            open_with_system(path.parent)

    @staticmethod
    def ask_open(box: QMessageBox) -> None:
        """Run the 'open it?' box (replaced in tests)."""
        box.exec()

    @classmethod
    def run_dialog(cls, parent: QWidget, services, view) -> ExportController | None:
        """Ask for format/language/file, then export in the background."""
        if not hasattr(services, "reports"):
            errors.show_message(parent, "information", tr("exp.title"), tr("exp.unavailable"))
            return None
        choice = ExportDialog.ask(parent, view)
        if choice is None:
            return None
        ctl = cls(parent, services, view, choice[0], choice[1])
        ctl.start()
        return ctl

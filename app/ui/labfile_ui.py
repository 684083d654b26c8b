"""File → Export lab file (.labx) / Import lab file: dialogs and background runs.

Both run ``LabFileService`` in a pool thread (``app.ui.background``) with a progress dialog fed by
the service's progress callback, so a lab file with a hundred photos never freezes the window.
An import that meets conflicts comes back to the main thread, shows the merge dialog
(``app.ui.merge_dialog.resolve_conflicts``) and runs again with the user's choices; cancelling
imports nothing.  A broken or hostile file is refused by the service before the database is
touched; the dialog names the file and the problem.

Signals (LabFileImport):
    imported(object): the ``ImportResult``.
    cancelled(): the user cancelled the merge dialog (nothing imported).
    failed(object): the exception (already shown to the user).
"""

from __future__ import annotations

import re
from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QWidget,
)

from app.paths import reports_dir
from app.ui import errors, merge_dialog
from app.ui.background import BackgroundTask
from app.ui.i18n import tr


def default_labfile_path(view, anonymised: bool = False) -> Path:
    """``<reports dir>/<lab>-<date>[-anon].labx`` with a file-system-safe lab name."""
    name = re.sub(r'[\\/:*?"<>|\s]+', "_", view.summary.lab_name)[:60].strip("_") or "lab"
    suffix = "-anon" if anonymised else ""
    return reports_dir() / f"{name}-{view.summary.assessed_on.isoformat()}{suffix}.labx"


class LabFileExportDialog(QDialog):
    """Choose the file and whether to anonymise."""

    def __init__(self, parent: QWidget | None, view):
        super().__init__(parent)
        self.view = view
        self.setWindowTitle(tr("lx.export_title"))
        form = QFormLayout(self)
        row = QHBoxLayout()
        self.path = QLineEdit(str(default_labfile_path(view)))
        browse = QPushButton(tr("exp.browse"))
        browse.clicked.connect(self._browse)
        row.addWidget(self.path, 1)
        row.addWidget(browse)
        form.addRow(tr("exp.file"), row)
        self.anonymise = QCheckBox(tr("lx.anonymise"))
        self.anonymise.toggled.connect(self._on_anonymise)
        form.addRow("", self.anonymise)
        hint = QLabel(tr("lx.anonymise_hint"))
        hint.setWordWrap(True)
        hint.setStyleSheet("color: #666")
        form.addRow("", hint)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        form.addRow(self.buttons)
        self.path.textChanged.connect(
            lambda t: self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(bool(t.strip()))
        )
        self.resize(640, 190)

    def _on_anonymise(self, on: bool) -> None:
        # follow the suggestion only while the user has not typed a path of their own
        if self.path.text() == str(default_labfile_path(self.view, not on)):
            self.path.setText(str(default_labfile_path(self.view, on)))

    def _browse(self) -> None:
        path, _f = QFileDialog.getSaveFileName(self, tr("lx.export_title"), self.path.text(), tr("lx.filter"))
        if path:
            if not path.lower().endswith(".labx"):
                path += ".labx"
            self.path.setText(path)

    def choice(self) -> tuple[Path, bool]:
        """(file, anonymised)."""
        path = Path(self.path.text().strip()).expanduser()
        if path.suffix.lower() != ".labx":
            path = path.with_name(path.name + ".labx")
        return path, self.anonymise.isChecked()

    @classmethod
    def ask(cls, parent: QWidget | None, view) -> tuple[Path, bool] | None:
        """(file, anonymised) or None if cancelled."""
        dlg = cls(parent, view)
        try:
            if dlg.exec() != QDialog.DialogCode.Accepted:
                return None
            return dlg.choice()
        finally:
            dlg.deleteLater()


def export_labfile(parent: QWidget, services, view) -> BackgroundTask | None:
    """Ask where (and whether anonymised), then export in the background; tell the user the result."""
    choice = LabFileExportDialog.ask(parent, view)
    if choice is None:
        return None
    out, anonymise = choice
    assessment_id = view.summary.id
    task = BackgroundTask(
        parent,
        tr("lx.exporting", name=out.name),
        lambda progress: services.labfiles.export(assessment_id, out, anonymise=anonymise, progress=progress),
        title=tr("lx.export_title"),
    )

    def done(result) -> None:
        errors.show_message(
            parent,
            "information",
            tr("lx.exported_title"),
            tr("lx.exported", path=str(result.path), evidence=result.evidence_files, size=max(1, result.bytes // 1024)),
        )

    task.finished.connect(done)
    task.failed.connect(lambda exc: errors.report(parent, exc))
    return task.start()


def report_import_error(parent: QWidget | None, path: Path, exc: BaseException) -> None:
    """A refused lab file: name the file and the problem; anything else goes to ``errors.report``."""
    from app.services.labfile import LabFileError

    if isinstance(exc, LabFileError):
        errors.log.warning("lab file refused: %s", exc)
        errors.show_message(
            parent,
            "warning",
            tr("lx.error_title"),
            tr("lx.error", name=Path(path).name, problem=exc.message),
        )
        return
    errors.report(parent, exc)


class LabFileImport(QObject):
    """One import of a lab file (see the module docstring)."""

    imported = Signal(object)
    cancelled = Signal()
    failed = Signal(object)

    def __init__(self, parent: QWidget, services, path: Path, by: str = ""):
        super().__init__(parent)
        self.window = parent
        self.services = services
        self.path = Path(path)
        self.by = by
        self.task: BackgroundTask | None = None
        self._resolutions: dict[str, str] | None = None

    def start(self, resolutions: dict[str, str] | None = None) -> LabFileImport:
        """Run the import (again, with ``resolutions``) in the background."""
        self._resolutions = resolutions
        path, by, services = self.path, self.by, self.services
        self.task = BackgroundTask(
            self.window,
            tr("lx.importing", name=path.name),
            lambda progress: services.labfiles.import_file(path, resolutions=resolutions, by=by, progress=progress),
            title=tr("lx.import_title"),
        )
        self.task.finished.connect(self.imported.emit)
        self.task.failed.connect(self._on_failed)
        self.task.start()
        return self

    def _on_failed(self, exc: BaseException) -> None:
        from app.services.merge import MergeConflictError

        if isinstance(exc, MergeConflictError) and self._resolutions is None:
            resolutions = merge_dialog.resolve_conflicts(exc.conflicts, self.window)
            if resolutions is None:
                if hasattr(self.window, "statusBar"):
                    self.window.statusBar().showMessage(tr("lx.cancelled"), 6000)
                self.cancelled.emit()
                return
            self.start(resolutions)
            return
        report_import_error(self.window, self.path, exc)
        self.failed.emit(exc)

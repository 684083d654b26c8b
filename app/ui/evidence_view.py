"""Evidence files of the current item: list with thumbnails, attach (dialog or drag-and-drop),
open in the system viewer, remove (undoable through the session's undo stack).

Signals:
    files_dropped(list): local file paths dropped on the panel.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from PySide6.QtCore import QAbstractListModel, QModelIndex, QPersistentModelIndex, QSize, Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListView,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.services.dto import EvidenceDTO
from app.ui.i18n import tr
from app.ui.models import ID_ROLE, OBJECT_ROLE

THUMB = 56
_Index = QModelIndex | QPersistentModelIndex


class EvidenceModel(QAbstractListModel):
    """Evidence DTOs of one item; images get a thumbnail as decoration (loaded once per hash)."""

    def __init__(self, reader=None, parent=None):
        super().__init__(parent)
        self._rows: list[EvidenceDTO] = []
        self._reader = reader  # callable(evidence_id) -> bytes
        self._thumbs: dict = {}  # sha256 -> QIcon

    def set_rows(self, rows: list[EvidenceDTO]) -> None:
        """Replace the files shown."""
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def _thumb(self, ev: EvidenceDTO):  # -> QIcon | None
        if not ev.mime.startswith("image/") or self._reader is None:
            return None
        if ev.sha256 not in self._thumbs:
            # imported here: the first QIcon sets up its type with QIcon.ThemeIcon's ~150 members,
            # 11 M instructions the first window spends for nothing when no item there has a photo
            from PySide6.QtGui import QIcon, QImage, QPixmap

            img = QImage()
            try:
                ok = img.loadFromData(self._reader(ev.id))
            except Exception:  # noqa: BLE001 - a broken file just has no thumbnail
                ok = False
            if not ok:
                return None
            pm = QPixmap.fromImage(
                img.scaled(THUMB, THUMB, Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.SmoothTransformation)
            )
            self._thumbs[ev.sha256] = QIcon(pm)
        return self._thumbs[ev.sha256]

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        ev = self._rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return ev.original_name
        if role == Qt.ItemDataRole.DecorationRole:
            return self._thumb(ev)
        if role == Qt.ItemDataRole.ToolTipRole:
            return tr(
                "ev.tooltip",
                name=ev.original_name,
                size=max(1, ev.size // 1024),
                added=ev.added_at.strftime("%Y-%m-%d %H:%M") if ev.added_at else "",
                sha=ev.sha256[:16],
            )
        if role == ID_ROLE:
            return ev.id
        if role == OBJECT_ROLE:
            return ev
        return None


class EvidencePanel(QWidget):
    """The evidence box in the item panel (see module docstring)."""

    files_dropped = Signal(list)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.session = None
        self.item_id: str | None = None
        self.setAcceptDrops(True)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        self.title = QLabel(tr("ev.title"))
        self.title.setStyleSheet("font-weight: bold")
        lay.addWidget(self.title)
        self.model = EvidenceModel(reader=self._read)
        self.list = QListView()
        self.list.setModel(self.model)
        self.list.setViewMode(QListView.ViewMode.ListMode)
        self.list.setIconSize(QSize(THUMB, THUMB))
        self.list.setMinimumHeight(70)
        self.list.setMaximumHeight(150)
        self.list.doubleClicked.connect(lambda _i: self.open_selected())
        lay.addWidget(self.list)
        row = QHBoxLayout()
        self.attach_btn = QPushButton(tr("ev.attach"))
        self.open_btn = QPushButton(tr("ev.open"))
        self.remove_btn = QPushButton(tr("ev.remove"))
        for b in (self.attach_btn, self.open_btn, self.remove_btn):
            row.addWidget(b)
        row.addStretch(1)
        lay.addLayout(row)
        self.attach_btn.clicked.connect(self.attach_dialog)
        self.open_btn.clicked.connect(self.open_selected)
        self.remove_btn.clicked.connect(self.remove_selected)
        self.files_dropped.connect(self._attach_paths)
        self._update_buttons()

    # -- state ---------------------------------------------------------------------------------
    def set_item(self, session, item_id: str | None) -> None:
        """Show the evidence of ``item_id``."""
        self.session = session
        self.item_id = item_id
        self.refresh()

    def refresh(self) -> None:
        """Re-read the file list from the evidence service."""
        if self.session is None or self.item_id is None:
            self.model.set_rows([])
        else:
            try:
                rows = self.session.services.evidence.list(self.session.assessment_id, self.item_id)
            except Exception as exc:  # noqa: BLE001
                self.session.failed.emit(exc)
                rows = []
            self.model.set_rows(rows)
        self._update_buttons()

    def _update_buttons(self) -> None:
        has_item = self.session is not None and self.item_id is not None
        self.attach_btn.setEnabled(has_item)
        has_rows = self.model.rowCount() > 0
        self.open_btn.setEnabled(has_rows)
        self.remove_btn.setEnabled(has_rows)

    def _read(self, evidence_id: int) -> bytes:
        return self.session.services.evidence.read(evidence_id)

    def selected(self) -> EvidenceDTO | None:
        """The selected file (or the only one)."""
        idx = self.list.currentIndex()
        if not idx.isValid() and self.model.rowCount() == 1:
            idx = self.model.index(0, 0)
        return idx.data(OBJECT_ROLE) if idx.isValid() else None

    # -- commands ------------------------------------------------------------------------------
    def attach_dialog(self) -> None:
        """Choose files and attach them."""
        if self.item_id is None:
            return
        from PySide6.QtWidgets import QFileDialog  # on demand, like QUrl below: ~1 ms of a start each

        paths, _f = QFileDialog.getOpenFileNames(self, tr("ev.dialog"), str(Path.home()), tr("ev.filter"))
        self._attach_paths(paths)

    def _attach_paths(self, paths: list) -> None:
        if not paths or self.session is None or self.item_id is None:
            return
        self.session.add_evidence(self.item_id, [Path(p) for p in paths])

    def open_selected(self) -> Path | None:
        """Write the selected file to a temp folder and open it with the system viewer."""
        ev = self.selected()
        if ev is None or self.session is None:
            return None
        folder = Path(tempfile.gettempdir()) / "labassess-evidence"
        try:
            path = self.session.services.evidence.export_to(ev.id, folder)
        except Exception as exc:  # noqa: BLE001
            self.session.failed.emit(exc)
            return None
        if not open_with_system(path):
            self.session.failed.emit(OSError(tr("err.no_viewer", path=str(path))))
        return path

    def remove_selected(self) -> None:
        """Detach the selected file (undo brings it back)."""
        ev = self.selected()
        if ev is None or self.session is None:
            return
        self.session.remove_evidence(ev.id, self.item_id or "", ev.original_name)

    # -- drag and drop -------------------------------------------------------------------------
    def dragEnterEvent(self, event) -> None:
        if self.item_id is not None and event.mimeData().hasUrls():
            event.acceptProposedAction()
        else:
            event.ignore()

    def dragMoveEvent(self, event) -> None:
        self.dragEnterEvent(event)

    def dropEvent(self, event) -> None:
        paths = [u.toLocalFile() for u in event.mimeData().urls() if u.isLocalFile()]
        paths = [p for p in paths if Path(p).is_file()]
        if paths:
            event.acceptProposedAction()
            self.files_dropped.emit(paths)
        else:
            event.ignore()


def open_with_system(path: Path) -> bool:
    """Open a file or folder with the desktop's default program (replaced in tests)."""
    from PySide6.QtCore import QUrl
    from PySide6.QtGui import QDesktopServices

    return QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))

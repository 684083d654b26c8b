"""Small data-in/data-out dialogs.  Each has an ``ask(...)`` classmethod returning a value or None
(tests monkeypatch ``ask`` instead of driving a modal loop)."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QPlainTextEdit,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.ui.i18n import tr
from app.ui.labels import plain_label


class NaReasonDialog(QDialog):
    """Ask why an item does not apply, prefilled with the item's typical justification."""

    def __init__(self, parent: QWidget | None, item_id: str, prefill: str):
        super().__init__(parent)
        self.setWindowTitle(tr("iv.na_title"))
        lay = QVBoxLayout(self)
        lab = plain_label(tr("iv.na_prompt", item=item_id), wrap=True)
        lay.addWidget(lab)
        self.edit = QPlainTextEdit(prefill)
        self.edit.selectAll()
        lay.addWidget(self.edit)
        self.error = plain_label()
        self.error.setStyleSheet("color: #c62828")
        lay.addWidget(self.error)
        bb = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        bb.accepted.connect(self._accept)
        bb.rejected.connect(self.reject)
        lay.addWidget(bb)
        self.resize(460, 220)

    def _accept(self) -> None:
        if not self.edit.toPlainText().strip():
            self.error.setText(tr("iv.na_required"))
            return
        self.accept()

    def value(self) -> str:
        """The reason entered."""
        return self.edit.toPlainText().strip()

    @classmethod
    def ask(cls, parent: QWidget | None, item_id: str, prefill: str) -> str | None:
        """The reason, or None if cancelled."""
        dlg = cls(parent, item_id, prefill)
        return dlg.value() if dlg.exec() == QDialog.DialogCode.Accepted else None


class ShortcutsDialog(QDialog):
    """A table of every action and its shortcuts (built from the action table)."""

    def __init__(self, parent: QWidget | None = None):
        from app.ui.actions import ACTIONS, shortcut_text

        super().__init__(parent)
        self.setWindowTitle(tr("dlg.shortcuts_title"))
        lay = QVBoxLayout(self)
        rows = [(tr(a.text), shortcut_text(a)) for a in ACTIONS if a.shortcuts]
        table = QTableWidget(len(rows), 2)
        table.setHorizontalHeaderLabels([tr("dlg.shortcuts_title"), ""])
        for r, (text, keys) in enumerate(rows):
            table.setItem(r, 0, QTableWidgetItem(text.replace("&", "")))
            table.setItem(r, 1, QTableWidgetItem(keys))
        table.resizeColumnsToContents()
        table.horizontalHeader().setStretchLastSection(True)
        table.verticalHeader().setVisible(False)
        lay.addWidget(table)
        bb = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        bb.rejected.connect(self.reject)
        bb.accepted.connect(self.accept)
        lay.addWidget(bb)
        self.resize(520, 560)

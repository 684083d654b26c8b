"""The welcome page: shown on first run (no labs yet) and whenever no assessment is open.

Signals:
    demo_requested(): "open the demo lab".
    new_lab_requested(): "set up my lab".
    open_db_requested(): "open an existing database".
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from app.ui.i18n import tr
from app.ui.labels import plain_label


class WelcomeWidget(QWidget):
    """See the module docstring."""

    demo_requested = Signal()
    new_lab_requested = Signal()
    open_db_requested = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        outer = QVBoxLayout(self)
        outer.addStretch(1)
        box = QFrame()
        box.setMaximumWidth(760)
        v = QVBoxLayout(box)
        self.heading = QLabel(tr("welcome.heading"))
        f = self.heading.font()
        f.setPointSizeF(f.pointSizeF() * 2.0)
        f.setBold(True)
        self.heading.setFont(f)
        v.addWidget(self.heading)
        self.body = QLabel(tr("welcome.body"))
        self.body.setWordWrap(True)
        v.addWidget(self.body)
        v.addSpacing(16)
        self.hint = plain_label(wrap=True)
        self.hint.setStyleSheet("color: #555")
        v.addWidget(self.hint)
        row = QHBoxLayout()
        self.demo_btn = self._card(row, tr("welcome.demo"), tr("welcome.demo_hint"), self.demo_requested)
        self.new_btn = self._card(row, tr("welcome.new_lab"), tr("welcome.new_lab_hint"), self.new_lab_requested)
        v.addLayout(row)
        v.addSpacing(8)
        self.open_btn = QPushButton(tr("welcome.open_db"))
        self.open_btn.setFlat(True)
        self.open_btn.setStyleSheet("text-align: left; color: #1565c0")
        self.open_btn.clicked.connect(self.open_db_requested)
        v.addWidget(self.open_btn, 0, Qt.AlignmentFlag.AlignLeft)
        self.db_label = plain_label()
        self.db_label.setStyleSheet("color: #777")
        self.db_label.setWordWrap(True)
        self.db_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        v.addWidget(self.db_label)
        h = QHBoxLayout()
        h.addStretch(1)
        h.addWidget(box, 4)
        h.addStretch(1)
        outer.addLayout(h)
        outer.addStretch(2)

    def _card(self, row: QHBoxLayout, title: str, hint: str, signal) -> QPushButton:
        frame = QFrame()
        frame.setFrameShape(QFrame.Shape.StyledPanel)
        v = QVBoxLayout(frame)
        btn = QPushButton(title)
        btn.setMinimumHeight(44)
        f = btn.font()
        f.setBold(True)
        f.setPointSizeF(f.pointSizeF() * 1.15)
        btn.setFont(f)
        btn.clicked.connect(signal)
        v.addWidget(btn)
        lab = QLabel(hint)
        lab.setWordWrap(True)
        v.addWidget(lab)
        row.addWidget(frame, 1)
        return btn

    def set_state(self, db_display: str, has_labs: bool) -> None:
        """Show the database location; with labs present, say how to open an assessment."""
        self.db_label.setText(tr("welcome.database", path=db_display))
        self.hint.setText(tr("welcome.no_assessment") if has_labs else "")
        self.hint.setVisible(has_labs)

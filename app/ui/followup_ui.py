"""Start a follow-up re-check: title, assessor and date (with a calendar) for the new assessment.

The follow-up itself is created by ``FollowupService.start_followup`` (same lab, same checklist
snapshots, answers carried over and marked "to re-verify"); see ``MainWindow.on_followup``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QWidget,
)

from app.ui.i18n import tr
from app.ui.labels import plain_label


@dataclass(frozen=True)
class FollowupChoice:
    """What the user entered."""

    title: str
    assessor: str
    date: dt.date


def _qdate(d: dt.date) -> QDate:
    return QDate(d.year, d.month, d.day)


class FollowupDialog(QDialog):
    """See the module docstring."""

    def __init__(self, parent: QWidget | None, previous, assessor: str = ""):
        super().__init__(parent)
        self.previous = previous
        self.setWindowTitle(tr("fu.title", lab=previous.lab_name))
        form = QFormLayout(self)
        intro = QLabel(tr("fu.intro"))
        intro.setWordWrap(True)
        form.addRow(intro)
        form.addRow(
            tr("fu.previous"),
            plain_label(f"#{previous.id} · {previous.title or ''} · {previous.assessed_on.isoformat()}"),
        )
        today = max(dt.date.today(), previous.assessed_on)
        self.title = QLineEdit(tr("fu.default_title", date=today.isoformat()))
        form.addRow(tr("wiz.assessment_title"), self.title)
        self.assessor = QLineEdit(assessor)
        form.addRow(tr("wiz.assessor"), self.assessor)
        self.date = QDateEdit(_qdate(today))
        self.date.setCalendarPopup(True)
        self.date.setDisplayFormat("yyyy-MM-dd")
        self.date.setMinimumDate(_qdate(previous.assessed_on))  # never before the assessment it follows
        form.addRow(tr("wiz.date"), self.date)
        bb = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        bb.accepted.connect(self.accept)
        bb.rejected.connect(self.reject)
        form.addRow(bb)
        self.resize(560, 220)

    def choice(self) -> FollowupChoice:
        """The entered title, assessor and date."""
        d = self.date.date()
        return FollowupChoice(
            self.title.text().strip(), self.assessor.text().strip(), dt.date(d.year(), d.month(), d.day())
        )

    @classmethod
    def ask(cls, parent: QWidget | None, previous, assessor: str = "") -> FollowupChoice | None:
        """The choice, or None if cancelled."""
        dlg = cls(parent, previous, assessor)
        try:
            if dlg.exec() != QDialog.DialogCode.Accepted:
                return None
            return dlg.choice()
        finally:
            dlg.deleteLater()

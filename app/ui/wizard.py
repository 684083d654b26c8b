"""Start a new assessment: title, assessor, date and the checklist packs (pre-selected from the lab
profile with ``app.assessment.applicability.pack_applies``).

``NewAssessmentDialog.ask(parent, lab, packs, assessor)`` returns a ``NewAssessmentChoice`` or None.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QCheckBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from app.assessment.applicability import pack_applies
from app.checklists.schema import Checklist
from app.services.dto import LabDTO
from app.ui.i18n import language, tr
from app.ui.labels import plain_label


@dataclass(frozen=True)
class NewAssessmentChoice:
    """What the user chose."""

    pack_ids: tuple[str, ...]
    title: str
    assessor: str
    date: dt.date


def preselected(packs: tuple[Checklist, ...], lab: LabDTO) -> set[str]:
    """Pack ids selected by default: requirements, gates, safety and the supplements that apply."""
    return {p.id for p in packs if pack_applies(p, lab.profile)}


class NewAssessmentDialog(QDialog):
    """See the module docstring."""

    def __init__(self, parent: QWidget | None, lab: LabDTO, packs: tuple[Checklist, ...], assessor: str = ""):
        super().__init__(parent)
        self.setWindowTitle(tr("wiz.title", lab=lab.name))
        today = dt.date.today()
        lay = QVBoxLayout(self)
        form = QFormLayout()
        form.addRow(tr("wiz.lab"), QLabel(lab.name))
        self.title_edit = QLineEdit(tr("wiz.default_title", date=today.isoformat()))
        form.addRow(tr("wiz.assessment_title"), self.title_edit)
        self.assessor = QLineEdit(assessor)
        form.addRow(tr("wiz.assessor"), self.assessor)
        self.date = QDateEdit(QDate(today.year, today.month, today.day))
        self.date.setCalendarPopup(True)
        self.date.setDisplayFormat("yyyy-MM-dd")
        form.addRow(tr("wiz.date"), self.date)
        lay.addLayout(form)
        box = QGroupBox(tr("wiz.packs"))
        bv = QVBoxLayout(box)
        chosen = preselected(packs, lab)
        self.pack_boxes: dict[str, QCheckBox] = {}
        lang = language()
        for p in packs:
            cb = QCheckBox(
                tr(
                    "wiz.pack_line",
                    title=p.title.get(lang),
                    kind=tr(f"wiz.kind.{p.kind}")
                    if p.kind in ("requirements", "gates", "safety", "supplement")
                    else p.kind,
                    n=len(p.items) if p.kind != "gates" else len(p.gates),
                    version=p.version,
                )
            )
            cb.setChecked(p.id in chosen)
            cb.setToolTip(p.description.get(lang))
            bv.addWidget(cb)
            self.pack_boxes[p.id] = cb
        lay.addWidget(box)
        self.error = plain_label()
        self.error.setStyleSheet("color: #c62828")
        lay.addWidget(self.error)
        bb = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        bb.accepted.connect(self._accept)
        bb.rejected.connect(self.reject)
        lay.addWidget(bb)
        self.resize(640, 420)

    def choice(self) -> NewAssessmentChoice:
        """The current choice."""
        q = self.date.date()
        return NewAssessmentChoice(
            pack_ids=tuple(pid for pid, cb in self.pack_boxes.items() if cb.isChecked()),
            title=self.title_edit.text().strip(),
            assessor=self.assessor.text().strip(),
            date=dt.date(q.year(), q.month(), q.day()),
        )

    def _accept(self) -> None:
        if not self.choice().pack_ids:
            self.error.setText(tr("wiz.no_packs"))
            return
        self.accept()

    @classmethod
    def ask(cls, parent: QWidget | None, lab: LabDTO, packs, assessor: str = "") -> NewAssessmentChoice | None:
        """The choice, or None if cancelled."""
        dlg = cls(parent, lab, tuple(packs), assessor)
        return dlg.choice() if dlg.exec() == QDialog.DialogCode.Accepted else None

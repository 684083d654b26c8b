"""Plain, frozen data objects the services return.  The UI and CLI never see ORM rows.

The improvement plan's DTOs are in ``app.services.plan_dto``.
"""

from __future__ import annotations

import datetime as dt

from app.assessment.gates import GateResult
from app.assessment.model import LabProfile, Status
from app.assessment.scoring import ScoreResult
from app.checklists.schema import Checklist, Text
from app.records import Record, field


class LabDTO(Record):
    """A lab with its database identity."""

    id: int
    uid: str
    profile: LabProfile
    notes: str = ""

    @property
    def name(self) -> str:
        """The lab's name."""
        return self.profile.name


class PackRef(Record):
    """A checklist pack as used by an assessment (the snapshot it keeps)."""

    checklist_id: str
    version: str
    title: Text
    kind: str


class AssessmentSummary(Record):
    """One line of an assessment list."""

    id: int
    uid: str
    lab_id: int
    lab_name: str
    title: str
    assessor: str
    assessed_on: dt.date
    status: str
    follows_id: int | None
    packs: tuple[PackRef, ...]
    readiness: float | None = None
    progress: float = 0.0
    gaps: int = 0
    critical_gaps: int = 0


class AnswerDTO(Record):
    """The current answer to an item, with its version for optimistic locking."""

    item_id: str
    status: Status
    note: str = ""
    na_reason: str = ""
    maturity: int | None = None
    flagged: bool = False
    reverify: bool = False
    version: int = 0
    updated_by: str = ""
    updated_at: dt.datetime | None = None


class HistoryEntry(Record):
    """One change of an answer."""

    item_id: str
    old_status: str | None
    new_status: str
    old_note: str | None
    new_note: str
    changed_by: str
    changed_at: dt.datetime


class AssessmentView(Record):
    """Everything needed to show, score and report one assessment."""

    summary: AssessmentSummary
    lab: LabDTO
    packs: tuple[Checklist, ...]
    gates_pack: Checklist | None
    answers: dict[str, AnswerDTO]
    score: ScoreResult
    gates: tuple[GateResult, ...]
    band: str
    band_label: Text
    earliest_application: dt.date | None
    excluded_items: frozenset[str] = field(default_factory=frozenset)

    @property
    def all_gates_pass(self) -> bool:
        """True if every gate passes."""
        return bool(self.gates) and all(g.state == "pass" for g in self.gates)


class EvidenceDTO(Record):
    """An evidence file attached to an assessment item."""

    id: int
    uid: str
    assessment_id: int
    item_id: str | None
    sha256: str
    original_name: str
    size: int
    mime: str
    added_by: str
    added_at: dt.datetime
    removed: bool = False


class BulkResult(Record):
    """Outcome of a bulk answer import."""

    applied: int
    unchanged: int

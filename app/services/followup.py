"""Follow-up re-checks: start one from an earlier assessment, see what changed, close actions, compare.

* ``start_followup`` creates a new assessment of the same lab, on the SAME checklist snapshots as
  the earlier one (so items compare one to one), with ``follows_id`` set.  Every answer is carried
  over marked ``reverify`` ("to re-verify") until someone re-checks it: answering it differently
  clears the mark (``AssessmentService.answer``), and ``AssessmentService.confirm`` clears it
  without changing the answer.
* ``outcomes`` classifies every item: closed (was a gap, now conform or N/A), still open (a gap
  then and now), regressed (was conform, or partial and now nonconform), new gap (not answered or
  N/A before, a gap now), unchanged.
* ``close_action`` closes a plan action with the evidence of closure, the effectiveness check and
  who verified it (through ``PlanService.update``, status ``verified``).
* ``compare`` takes any two assessments of one lab: score deltas by clause, gaps closed /
  remaining / new, and the plan actions that are overdue.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select

from app.assessment.model import Status
from app.checklists.schema import Text
from app.services.assessments import AssessmentService
from app.services.dto import AssessmentSummary
from app.services.errors import NotFound, ValidationError
from app.storage.database import Database
from app.storage.orm import Answer, AnswerHistory, Assessment, AssessmentPack, PlanAction

OUTCOMES = ("closed", "still_open", "regressed", "new_gap", "unchanged")
OUTCOME_LABELS = {
    "closed": Text("已关闭", "Closed"),
    "still_open": Text("仍未关闭", "Still open"),
    "regressed": Text("退步", "Regressed"),
    "new_gap": Text("新差距", "New gap"),
    "unchanged": Text("无变化", "Unchanged"),
}
CLOSED_ACTION_STATUSES = ("done", "verified")
_SEVERITY = {"conform": 0, "partial": 1, "nonconform": 2}


@dataclass(frozen=True)
class ItemOutcome:
    """What happened to one item between two assessments."""

    item_id: str
    clause: str
    text: Text
    before: str | None  # status, None if not answered
    after: str | None
    outcome: str  # one of OUTCOMES
    pending: bool = False  # carried over and not re-verified yet
    note_after: str = ""


@dataclass(frozen=True)
class ClauseDelta:
    """A clause's score before and after (percent, None if nothing assessed)."""

    clause: str
    title: Text
    before: float | None
    after: float | None

    @property
    def delta(self) -> float | None:
        """after - before in percentage points."""
        return None if self.before is None or self.after is None else round(self.after - self.before, 1)


@dataclass(frozen=True)
class OverdueAction:
    """A plan action past its due date and not done."""

    id: int
    assessment_id: int
    text: Text
    owner: str
    due_date: dt.date
    status: str
    days_overdue: int


@dataclass(frozen=True)
class Comparison:
    """Two assessments of one lab side by side (``before`` is the earlier one)."""

    before: AssessmentSummary
    after: AssessmentSummary
    lab_name: str
    readiness_before: float | None
    readiness_after: float | None
    clauses: tuple[ClauseDelta, ...]
    outcomes: tuple[ItemOutcome, ...]
    overdue: tuple[OverdueAction, ...]
    pending: int

    def of(self, outcome: str) -> tuple[ItemOutcome, ...]:
        """The items with one outcome."""
        return tuple(o for o in self.outcomes if o.outcome == outcome)

    @property
    def readiness_delta(self) -> float | None:
        """Readiness change in percentage points."""
        if self.readiness_before is None or self.readiness_after is None:
            return None
        return round(self.readiness_after - self.readiness_before, 1)


def classify(before: str | None, after: str | None) -> str:
    """The outcome of one item from its status before and after (see the module docstring)."""
    was_gap = before in ("partial", "nonconform")
    is_gap = after in ("partial", "nonconform")
    if was_gap and after in ("conform", "na"):
        return "closed"
    if was_gap and is_gap:
        return "regressed" if _SEVERITY[after] > _SEVERITY[before] else "still_open"
    if before == "conform" and is_gap:
        return "regressed"
    if is_gap:
        return "new_gap"
    return "unchanged"


class FollowupService:
    """Follow-up re-checks and comparisons."""

    def __init__(self, db: Database, assessments: AssessmentService, plans=None):
        self.db = db
        self.assessments = assessments
        self.plans = plans

    def start_followup(
        self,
        previous_assessment_id: int,
        assessor: str = "",
        date: dt.date | None = None,
        title: str = "",
        by: str = "",
    ) -> AssessmentSummary:
        """Start a follow-up of ``previous_assessment_id``: same lab, same checklist snapshots,
        answers carried over and marked "to re-verify" — all in one transaction."""
        with self.db.transaction() as s:
            prev = s.get(Assessment, previous_assessment_id)
            if prev is None:
                raise NotFound("assessment", previous_assessment_id)
            on = date or dt.date.today()
            if on < prev.assessed_on:
                raise ValidationError(
                    "date", f"a follow-up cannot be dated before the assessment it follows ({prev.assessed_on})"
                )
            row = Assessment(
                lab_id=prev.lab_id,
                assessor=assessor,
                assessed_on=on,
                follows_id=prev.id,
                title=title or (f"跟踪复查 / Follow-up of #{prev.id}"),
            )
            s.add(row)
            s.flush()
            for ap in prev.packs:
                s.add(AssessmentPack(assessment_id=row.id, snapshot_id=ap.snapshot_id, position=ap.position))
            who = by or assessor or f"follow-up of #{prev.id}"
            for a in s.scalars(select(Answer).where(Answer.assessment_id == prev.id).order_by(Answer.item_id)):
                if a.status == Status.UNASSESSED.value:
                    continue
                new = Answer(
                    assessment_id=row.id,
                    item_id=a.item_id,
                    status=a.status,
                    note=a.note or "",
                    na_reason=a.na_reason or "",
                    maturity=a.maturity,
                    flagged=a.flagged,
                    reverify=True,
                    version=1,
                    updated_by=who,
                )
                s.add(new)
                s.flush()
                s.add(
                    AnswerHistory(
                        answer_id=new.id,
                        old_status=None,
                        new_status=a.status,
                        old_note=None,
                        new_note=a.note or "",
                        old_na_reason=None,
                        new_na_reason=a.na_reason or "",
                        changed_by=f"carried over from #{prev.id}",
                    )
                )
            s.flush()
            return self.assessments._summary(s, row)

    def pending(self, assessment_id: int) -> list[str]:
        """Items still marked "to re-verify"."""
        with self.db.transaction() as s:
            return list(
                s.scalars(
                    select(Answer.item_id)
                    .where(Answer.assessment_id == assessment_id, Answer.reverify.is_(True))
                    .order_by(Answer.item_id)
                )
            )

    def outcomes(self, followup_id: int, previous_id: int | None = None) -> list[ItemOutcome]:
        """Per item: closed / still open / regressed / new gap / unchanged (vs the assessment it follows)."""
        if previous_id is None:
            with self.db.transaction() as s:
                row = s.get(Assessment, followup_id)
                if row is None:
                    raise NotFound("assessment", followup_id)
                if row.follows_id is None:
                    raise ValidationError("assessment", f"#{followup_id} is not a follow-up; use compare A B")
                previous_id = row.follows_id
        return self._outcomes(previous_id, followup_id)

    def _outcomes(self, before_id: int, after_id: int) -> list[ItemOutcome]:
        before = self.assessments.answers(before_id)
        after = self.assessments.answers(after_id)
        items = {}
        for pack in self.assessments.packs(after_id) + self.assessments.packs(before_id):
            if pack.kind == "gates":
                continue
            for it in pack.items:
                items.setdefault(it.id, it)
        out = []
        for item_id, it in items.items():
            b, a = before.get(item_id), after.get(item_id)
            bs = b.status.value if b and b.status is not Status.UNASSESSED else None
            as_ = a.status.value if a and a.status is not Status.UNASSESSED else None
            if bs is None and as_ is None:
                continue
            out.append(
                ItemOutcome(
                    item_id,
                    it.clause_key,
                    it.text,
                    bs,
                    as_,
                    classify(bs, as_),
                    bool(a and a.reverify),
                    a.note if a else "",
                )
            )
        order = {k: i for i, k in enumerate(OUTCOMES)}
        out.sort(key=lambda o: (order[o.outcome], o.item_id))
        return out

    def close_action(
        self,
        action_id: int,
        *,
        closure_note: str,
        effectiveness: str,
        verified_by: str,
        verified_on: dt.date | None = None,
        expected_version: int | None = None,
    ):
        """Close a plan action: evidence of closure, effectiveness check and verifier are required."""
        for name, value in (
            ("closure_note", closure_note),
            ("effectiveness", effectiveness),
            ("verified_by", verified_by),
        ):
            if not (value or "").strip():
                raise ValidationError(
                    name, "required to close an action (evidence of closure, effectiveness check and who verified it)"
                )
        changes = dict(
            status="verified",
            closure_note=closure_note.strip(),
            effectiveness=effectiveness.strip(),
            verified_by=verified_by.strip(),
            verified_on=verified_on or dt.date.today(),
        )
        if self.plans is not None:
            return self.plans.update(action_id, expected_version=expected_version, **changes)
        from app.services.plans import closure_event
        from app.storage.errors import StaleWriteError
        from app.storage.orm import utcnow

        with self.db.transaction() as s:
            row = s.get(PlanAction, action_id)
            if row is None:
                raise NotFound("plan action", action_id)
            if expected_version is not None and row.version != expected_version:
                raise StaleWriteError(f"plan action {action_id}", expected_version, row.version)
            old_status = row.status
            for k, v in changes.items():
                setattr(row, k, v)
            event = closure_event(row, old_status)
            if event is not None:
                row.closure_history = [*(row.closure_history or ()), event]
            row.version = (row.version or 0) + 1
            row.updated_at = utcnow()
            return row.id

    def overdue(self, assessment_ids, as_of: dt.date | None = None) -> list[OverdueAction]:
        """Plan actions of the given assessments past their due date and not done or verified."""
        as_of = as_of or dt.date.today()
        with self.db.transaction() as s:
            rows = s.scalars(
                select(PlanAction)
                .where(
                    PlanAction.assessment_id.in_(list(assessment_ids)),
                    PlanAction.due_date.is_not(None),
                    PlanAction.due_date < as_of,
                    PlanAction.status.not_in(CLOSED_ACTION_STATUSES),
                    PlanAction.dropped.is_(False),
                )
                .order_by(PlanAction.due_date, PlanAction.id)
            )
            return [
                OverdueAction(
                    r.id,
                    r.assessment_id,
                    Text(r.text_zh or r.text_en, r.text_en or r.text_zh),
                    r.owner_name or r.owner_role,
                    r.due_date,
                    r.status,
                    (as_of - r.due_date).days,
                )
                for r in rows
            ]

    def compare(self, a_id: int, b_id: int, as_of: dt.date | None = None) -> Comparison:
        """Compare two assessments of one lab (order does not matter: the earlier is 'before')."""
        va, vb = self.assessments.view(a_id), self.assessments.view(b_id)
        if va.summary.lab_id != vb.summary.lab_id:
            raise ValidationError("compare", f"#{a_id} and #{b_id} are assessments of different labs")
        if (va.summary.assessed_on, va.summary.id) > (vb.summary.assessed_on, vb.summary.id):
            va, vb = vb, va
        before_cl = {c.key: c for c in va.score.clauses}
        after_cl = {c.key: c for c in vb.score.clauses}
        keys = list(dict.fromkeys([*before_cl, *after_cl]))
        clauses = tuple(
            ClauseDelta(
                k,
                (after_cl.get(k) or before_cl[k]).title,
                before_cl[k].percent if k in before_cl else None,
                after_cl[k].percent if k in after_cl else None,
            )
            for k in keys
        )
        outcomes = self._outcomes(va.summary.id, vb.summary.id)
        return Comparison(
            before=va.summary,
            after=vb.summary,
            lab_name=va.lab.name,
            readiness_before=va.score.readiness,
            readiness_after=vb.score.readiness,
            clauses=clauses,
            outcomes=tuple(outcomes),
            overdue=tuple(
                self.overdue([va.summary.id, vb.summary.id], as_of or max(dt.date.today(), vb.summary.assessed_on))
            ),
            pending=sum(1 for o in outcomes if o.pending),
        )

    def write_report(self, a_id: int, b_id: int, out, lang: str = "zh", as_of: dt.date | None = None):
        """Compare two assessments (as ``compare``) and write the follow-up PDF report to ``out``
        (``app.report.followup_pdf``, zh or en); returns the written path.  Used by the desktop app."""
        from pathlib import Path

        from app.report.followup_pdf import write_followup_pdf

        return write_followup_pdf(self.compare(a_id, b_id, as_of), Path(out), lang)

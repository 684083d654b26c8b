"""Improvement-plan use cases: generate, regenerate (keeping user edits), edit, add, delete actions.

Plan actions live in the ``plan_action`` table.  A generated action is identified by its ``key``
(the content's action key, or ``gate-G7`` for a gate action).  Every user change is recorded in
``edited`` (the names of the fields the user changed); regeneration refreshes only the fields the
user has not edited, never touches user-added actions (``origin='user'``), and marks actions whose
gaps closed as ``dropped`` instead of deleting them.  Each row has a ``version``; an edit made
against an older version raises ``StaleWriteError``.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable

from sqlalchemy import select

from app.assessment.plan import ACTION_STATUSES, PRIORITIES, Plan, PlannedAction, generate_plan
from app.checklists.schema import OWNER_ROLES, TRAINING_THEMES
from app.checklists.training import TrainingCatalogue, shipped_training
from app.services.assessments import AssessmentService
from app.services.dto import AssessmentView
from app.services.errors import NotFound, ValidationError
from app.services.plan_dto import ClosureEvent, PlanActionDTO, PlanDTO, RegenerateSummary
from app.storage.database import Database
from app.storage.errors import StaleWriteError
from app.storage.orm import Assessment, PlanAction, utcnow

MAX_TEXT = 20_000
MAX_NAME = 120

#: Fields regeneration writes (unless the user edited them).
GENERATED_FIELDS = (
    "text_zh",
    "text_en",
    "item_ids",
    "clauses",
    "priority",
    "phase",
    "owner_role",
    "owner_name",
    "effort_days",
    "training_theme",
    "start_date",
    "due_date",
    "closure_evidence_zh",
    "closure_evidence_en",
)
#: Fields a user may change with ``update``.
EDITABLE_FIELDS = GENERATED_FIELDS + ("status", "closure_note", "effectiveness", "verified_by", "verified_on")


def _dto(row: PlanAction) -> PlanActionDTO:
    return PlanActionDTO(
        id=row.id,
        uid=row.uid,
        assessment_id=row.assessment_id,
        key=row.key or "",
        origin=row.origin,
        text_zh=row.text_zh or "",
        text_en=row.text_en or "",
        item_ids=tuple(row.item_ids or ()),
        clauses=tuple(row.clauses or ()),
        priority=row.priority,
        phase=row.phase,
        owner_role=row.owner_role or "",
        owner_name=row.owner_name or "",
        effort_days=float(row.effort_days or 0),
        training_theme=row.training_theme or "",
        start_date=row.start_date,
        due_date=row.due_date,
        status=row.status,
        closure_evidence_zh=row.closure_evidence_zh or "",
        closure_evidence_en=row.closure_evidence_en or "",
        closure_note=row.closure_note or "",
        effectiveness=row.effectiveness or "",
        verified_by=row.verified_by or "",
        verified_on=row.verified_on,
        edited=tuple(row.edited or ()),
        dropped=bool(row.dropped),
        position=row.position or 0,
        version=row.version,
        closure_history=closure_events(row.closure_history),
    )


def closure_events(raw) -> tuple[ClosureEvent, ...]:
    """The stored closure history (a JSON list) as events; malformed entries are skipped."""
    out = []
    for e in raw or ():
        if not isinstance(e, dict) or e.get("event") not in ("closed", "reopened"):
            continue
        try:
            on = dt.date.fromisoformat(str(e["on"])) if e.get("on") else None
        except ValueError:
            on = None
        out.append(
            ClosureEvent(
                e["event"],
                on,
                str(e.get("closure_note") or ""),
                str(e.get("effectiveness") or ""),
                str(e.get("verified_by") or ""),
                str(e.get("by") or ""),
            )
        )
    return tuple(out)


def closure_event(row: PlanAction, old_status: str, by: str = "") -> dict | None:
    """The history entry for a status change of ``row`` (already changed), or None.

    A closure records its verifier; a reopening records ``by`` (who reopened it) when known.
    """
    if row.status == "verified" and old_status != "verified":
        return {
            "event": "closed",
            "on": (row.verified_on or dt.date.today()).isoformat(),
            "closure_note": row.closure_note or "",
            "effectiveness": row.effectiveness or "",
            "verified_by": row.verified_by or "",
        }
    if old_status == "verified" and row.status != "verified":
        event = {"event": "reopened", "on": dt.date.today().isoformat()}
        if by:
            event["by"] = by[:MAX_NAME]
        return event
    return None


def _values(a: PlannedAction) -> dict:
    return {
        "text_zh": a.text.zh,
        "text_en": a.text.en,
        "item_ids": list(a.item_ids),
        "clauses": list(a.clauses),
        "priority": a.priority,
        "phase": a.phase,
        "owner_role": a.owner_role,
        "owner_name": a.owner_name,
        "effort_days": float(a.effort_days),
        "training_theme": a.training_theme,
        "start_date": a.start,
        "due_date": a.due,
        "closure_evidence_zh": a.closure_evidence.zh,
        "closure_evidence_en": a.closure_evidence.en,
    }


def _same(old, new) -> bool:
    if isinstance(old, (list, tuple)) or isinstance(new, (list, tuple)):
        return list(old or ()) == list(new or ())
    if isinstance(new, float) or isinstance(old, float):
        return old is not None and new is not None and abs(float(old) - float(new)) < 1e-9
    return old == new


def _validate(changes: dict) -> dict:
    out = {}
    for name, value in changes.items():
        if name not in EDITABLE_FIELDS:
            raise ValidationError(name, f"cannot be edited; editable fields: {', '.join(EDITABLE_FIELDS)}")
        if name in (
            "text_zh",
            "text_en",
            "closure_evidence_zh",
            "closure_evidence_en",
            "closure_note",
            "effectiveness",
        ):
            value = "" if value is None else str(value)
            if len(value) > MAX_TEXT:
                raise ValidationError(name, f"at most {MAX_TEXT} characters (got {len(value)})")
        elif name in ("owner_name", "verified_by"):
            value = "" if value is None else str(value)
            if len(value) > MAX_NAME:
                raise ValidationError(name, f"at most {MAX_NAME} characters")
        elif name == "priority":
            if value not in PRIORITIES:
                raise ValidationError(name, f"use one of {', '.join(PRIORITIES)}")
        elif name == "status":
            if value not in ACTION_STATUSES:
                raise ValidationError(name, f"use one of {', '.join(ACTION_STATUSES)}")
        elif name == "phase":
            if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 3:
                raise ValidationError(name, "use 0, 1, 2 or 3")
        elif name == "owner_role":
            if value and value not in OWNER_ROLES:
                raise ValidationError(name, f"use one of {', '.join(OWNER_ROLES)}")
        elif name == "training_theme":
            if value and value not in TRAINING_THEMES:
                raise ValidationError(name, f"use one of {', '.join(TRAINING_THEMES)}")
        elif name == "effort_days":
            try:
                value = float(value)
            except (TypeError, ValueError):
                raise ValidationError(name, "expected a number of person-days") from None
            if not 0 <= value <= 1000:
                raise ValidationError(name, "must be between 0 and 1000")
        elif name in ("start_date", "due_date", "verified_on"):
            if isinstance(value, str):
                try:
                    value = dt.date.fromisoformat(value)
                except ValueError:
                    raise ValidationError(name, f"not a date (use YYYY-MM-DD): {value!r}") from None
            if value is not None and not isinstance(value, dt.date):
                raise ValidationError(name, "expected a date")
        elif name in ("item_ids", "clauses"):
            if not isinstance(value, (list, tuple)) or not all(isinstance(v, str) for v in value):
                raise ValidationError(name, "expected a list of text values")
            value = list(value)
        out[name] = value
    return out


class PlanService:
    """Generate and edit the improvement plan of an assessment."""

    def __init__(
        self,
        db: Database,
        assessments: AssessmentService,
        training: Callable[[], TrainingCatalogue | None] | TrainingCatalogue | None = shipped_training,
    ):
        self.db = db
        self.assessments = assessments
        self._training = training

    # -- generation ----------------------------------------------------------------------------
    def training_catalogue(self) -> TrainingCatalogue | None:
        """The training catalogue in use (None if none is installed)."""
        t = self._training
        return t() if callable(t) else t

    def schedule(self, assessment_id: int, view: AssessmentView | None = None) -> Plan:
        """Generate the plan from the current answers (pure; nothing stored)."""
        view = view or self.assessments.view(assessment_id)
        return generate_plan(
            view.packs,
            view.score,
            view.lab.profile,
            view.gates,
            view.summary.assessed_on,
            gates_pack=view.gates_pack,
            training=self.training_catalogue(),
        )

    def regenerate(self, assessment_id: int, by: str = "") -> RegenerateSummary:
        """Generate the plan, or bring a stored plan up to date with the current answers.

        Keeps every field the user edited and every user-added action; actions whose gaps have
        closed are marked dropped (kept for the record), and come back if the gap reopens.
        """
        plan = self.schedule(assessment_id)
        added, dropped, restored, updated, kept = [], [], [], [], []
        with self.db.transaction() as s:
            if s.get(Assessment, assessment_id) is None:
                raise NotFound("assessment", assessment_id)
            rows = list(s.scalars(select(PlanAction).where(PlanAction.assessment_id == assessment_id)))
            generated = {r.key: r for r in rows if r.origin == "generated"}
            users = [r for r in rows if r.origin != "generated"]
            wanted = set()
            for pos, a in enumerate(plan.actions):
                wanted.add(a.key)
                values = _values(a)
                row = generated.get(a.key)
                if row is None:
                    row = PlanAction(
                        assessment_id=assessment_id,
                        key=a.key,
                        origin="generated",
                        status="open",
                        edited=[],
                        dropped=False,
                        position=pos,
                        version=1,
                        **values,
                    )
                    s.add(row)
                    added.append(a.key)
                    continue
                edited = set(row.edited or ())
                if row.dropped and "dropped" in edited:
                    continue  # the user deleted it: stays deleted
                changed = False
                if row.dropped:
                    row.dropped = False
                    restored.append(a.key)
                    changed = True
                preserved = False
                for name, value in values.items():
                    if _same(getattr(row, name), value):
                        continue
                    if name in edited:
                        preserved = True
                        continue
                    setattr(row, name, value)
                    changed = True
                row.position = pos
                if preserved:
                    kept.append(a.key)
                if changed:
                    row.version = (row.version or 0) + 1
                    row.updated_at = utcnow()
                    if a.key not in restored:
                        updated.append(a.key)
            for key, row in generated.items():
                if key not in wanted and not row.dropped:
                    row.dropped = True
                    row.version = (row.version or 0) + 1
                    row.updated_at = utcnow()
                    dropped.append(key)
        return RegenerateSummary(tuple(added), tuple(dropped), tuple(restored), tuple(updated), tuple(kept), len(users))

    # -- reading -------------------------------------------------------------------------------
    def actions(self, assessment_id: int, *, include_dropped: bool = False) -> list[PlanActionDTO]:
        """The stored actions in plan order (user actions after the generated ones of their phase)."""
        with self.db.transaction() as s:
            q = select(PlanAction).where(PlanAction.assessment_id == assessment_id)
            rows = [_dto(r) for r in s.scalars(q)]
        if not include_dropped:
            rows = [r for r in rows if not r.dropped]
        rows.sort(
            key=lambda r: (
                r.phase,
                PRIORITIES.index(r.priority) if r.priority in PRIORITIES else 9,
                r.due_date or dt.date.max,
                r.origin != "generated",
                r.position,
                r.id,
            )
        )
        return rows

    def plan(self, assessment_id: int, *, generate_if_missing: bool = True) -> PlanDTO:
        """The stored plan with its schedule; generated first if the assessment has none yet."""
        view = self.assessments.view(assessment_id)
        rows = self.actions(assessment_id, include_dropped=True)
        if not rows and generate_if_missing:
            self.regenerate(assessment_id)
            rows = self.actions(assessment_id, include_dropped=True)
        live = tuple(r for r in rows if not r.dropped)
        gone = tuple(r for r in rows if r.dropped)
        return PlanDTO(
            assessment_id=assessment_id, actions=live, dropped=gone, schedule=self.schedule(assessment_id, view)
        )

    def get(self, action_id: int) -> PlanActionDTO:
        """One action (``NotFound`` if absent)."""
        with self.db.transaction() as s:
            row = s.get(PlanAction, action_id)
            if row is None:
                raise NotFound("plan action", action_id)
            return _dto(row)

    # -- editing -------------------------------------------------------------------------------
    def update(self, action_id: int, expected_version: int | None = None, *, by: str = "", **changes) -> PlanActionDTO:
        """Change fields of an action; changed fields are remembered as user edits.

        ``by`` names who made the change in the closure history when the action is reopened.

        Raises:
            ValidationError: unknown field or bad value (start after due, unknown priority…).
            StaleWriteError: ``expected_version`` given and the action changed since.
        """
        values = _validate(changes)
        with self.db.transaction() as s:
            row = s.get(PlanAction, action_id)
            if row is None:
                raise NotFound("plan action", action_id)
            if expected_version is not None and row.version != expected_version:
                raise StaleWriteError(f"plan action {action_id}", expected_version, row.version)
            start = values.get("start_date", row.start_date)
            due = values.get("due_date", row.due_date)
            if start and due and start > due:
                raise ValidationError("due_date", f"the due date {due} is before the start date {start}")
            edited = list(row.edited or ())
            changed = False
            old_status = row.status
            for name, value in values.items():
                if _same(getattr(row, name), value):
                    continue
                setattr(row, name, value)
                changed = True
                if name not in edited:
                    edited.append(name)
            if changed:
                row.edited = edited
                event = closure_event(row, old_status, by)
                if event is not None:
                    # a new list: the JSON column only notices reassignment, not in-place appends
                    row.closure_history = [*(row.closure_history or ()), event]
                row.version = (row.version or 0) + 1
                row.updated_at = utcnow()
            s.flush()
            return _dto(row)

    def add(self, assessment_id: int, text_zh: str = "", text_en: str = "", **fields) -> PlanActionDTO:
        """Add the user's own action (never changed or dropped by regeneration)."""
        if not (text_zh or "").strip() and not (text_en or "").strip():
            raise ValidationError("text", "the action needs a text")
        values = _validate({"text_zh": text_zh, "text_en": text_en, **fields})
        start, due = values.get("start_date"), values.get("due_date")
        if start and due and start > due:
            raise ValidationError("due_date", f"the due date {due} is before the start date {start}")
        with self.db.transaction() as s:
            if s.get(Assessment, assessment_id) is None:
                raise NotFound("assessment", assessment_id)
            row = PlanAction(
                assessment_id=assessment_id,
                key=f"user-{uuid.uuid4().hex[:12]}",
                origin="user",
                priority=values.pop("priority", "P2"),
                phase=values.pop("phase", 1),
                status=values.pop("status", "open"),
                edited=[],
                dropped=False,
                position=10_000,
                version=1,
                item_ids=values.pop("item_ids", []),
                clauses=values.pop("clauses", []),
                **values,
            )
            s.add(row)
            s.flush()
            return _dto(row)

    def delete(self, action_id: int, expected_version: int | None = None) -> None:
        """Delete an action: a user action is removed; a generated one is marked deleted by the user
        (kept as dropped so that regeneration does not bring it back; ``restore`` undoes it)."""
        with self.db.transaction() as s:
            row = s.get(PlanAction, action_id)
            if row is None:
                raise NotFound("plan action", action_id)
            if expected_version is not None and row.version != expected_version:
                raise StaleWriteError(f"plan action {action_id}", expected_version, row.version)
            if row.origin == "user":
                s.delete(row)
                return
            row.dropped = True
            row.edited = list(dict.fromkeys([*(row.edited or ()), "dropped"]))
            row.version = (row.version or 0) + 1

    def restore(self, action_id: int) -> PlanActionDTO:
        """Bring back a generated action the user deleted."""
        with self.db.transaction() as s:
            row = s.get(PlanAction, action_id)
            if row is None:
                raise NotFound("plan action", action_id)
            row.dropped = False
            row.edited = [e for e in (row.edited or ()) if e != "dropped"]
            row.version = (row.version or 0) + 1
            s.flush()
            return _dto(row)

"""DTOs of the improvement plan (``app.services.plans``), returned to the UI and the reports.

They live apart from ``app.services.dto`` because the desktop's first paint needs those DTOs but
not these: every frozen dataclass costs its own generated methods at import time, and
``PlanActionDTO`` alone has 29 fields.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass


@dataclass(frozen=True)
class ClosureEvent:
    """One closure or reopening of a plan action (``PlanActionDTO.closure_history``, oldest first).

    ``event`` is ``closed`` (with the closure record as it was then) or ``reopened`` (on ``on``,
    from the status ``verified``).
    """

    event: str  # closed | reopened
    on: dt.date | None
    closure_note: str = ""
    effectiveness: str = ""
    verified_by: str = ""
    by: str = ""  # who reopened it (reopenings only, when known)


@dataclass(frozen=True)
class PlanActionDTO:
    """One stored plan action (generated or added by the user), with its version for optimistic locking."""

    id: int
    uid: str
    assessment_id: int
    key: str
    origin: str  # generated | user
    text_zh: str
    text_en: str
    item_ids: tuple[str, ...]
    clauses: tuple[str, ...]
    priority: str
    phase: int
    owner_role: str
    owner_name: str
    effort_days: float
    training_theme: str
    start_date: dt.date | None
    due_date: dt.date | None
    status: str
    closure_evidence_zh: str
    closure_evidence_en: str
    closure_note: str
    effectiveness: str
    verified_by: str
    verified_on: dt.date | None
    edited: tuple[str, ...]
    dropped: bool
    position: int
    version: int
    closure_history: tuple[ClosureEvent, ...] = ()

    def text(self, lang: str) -> str:
        """The action text in ``lang`` (falls back to the other language)."""
        value = self.text_zh if lang == "zh" else self.text_en
        return value or (self.text_en if lang == "zh" else self.text_zh)

    def closure_evidence(self, lang: str) -> str:
        """The closure evidence in ``lang`` (falls back to the other language)."""
        value = self.closure_evidence_zh if lang == "zh" else self.closure_evidence_en
        return value or (self.closure_evidence_en if lang == "zh" else self.closure_evidence_zh)

    @property
    def times_reopened(self) -> int:
        """How often the action was reopened after being closed."""
        return sum(1 for e in self.closure_history if e.event == "reopened")

    @property
    def user_deleted(self) -> bool:
        """True for a generated action the user deleted (regeneration never brings it back)."""
        return self.dropped and "dropped" in self.edited


@dataclass(frozen=True)
class PlanDTO:
    """An assessment's stored plan plus the derived schedule (phases, milestones, training).

    ``actions`` are the live actions in plan order; ``dropped`` are generated actions whose gaps
    closed (or that the user deleted), kept for the record.  ``schedule`` is the freshly generated
    ``app.assessment.plan.Plan`` the milestones, phases and training plan come from.
    """

    assessment_id: int
    actions: tuple[PlanActionDTO, ...]
    dropped: tuple[PlanActionDTO, ...]
    schedule: object


@dataclass(frozen=True)
class RegenerateSummary:
    """What regenerating a plan changed (action keys)."""

    added: tuple[str, ...] = ()
    dropped: tuple[str, ...] = ()
    restored: tuple[str, ...] = ()
    updated: tuple[str, ...] = ()
    kept_edits: tuple[str, ...] = ()  # generated actions whose user-edited fields were preserved
    user_actions: int = 0  # user-added actions, never touched

    @property
    def changed(self) -> bool:
        """True if anything was added, dropped, restored or updated."""
        return bool(self.added or self.dropped or self.restored or self.updated)

    def describe(self, lang: str = "en") -> str:
        """One line for the CLI / status bar."""
        if lang == "zh":
            return (
                f"新增 {len(self.added)} 项，关闭差距后移除 {len(self.dropped)} 项，恢复 {len(self.restored)} 项，"
                f"更新 {len(self.updated)} 项，保留用户修改 {len(self.kept_edits)} 项，用户自加行动 {self.user_actions} 项"
            )
        return (
            f"added {len(self.added)}, dropped {len(self.dropped)} (gaps closed), restored {len(self.restored)}, "
            f"updated {len(self.updated)}, kept user edits on {len(self.kept_edits)}, user actions {self.user_actions}"
        )

"""Answer-by-answer 3-way merge of two copies of one assessment (used by ``.labx`` import).

Each side of an answer has its current state and its change history.  The common ancestor of an
item is the state after the longest common prefix of the two histories (the changes both copies
share, identical to the microsecond).  Then:

* both sides equal                  -> nothing to do;
* only the imported side changed    -> take theirs;
* only the local side changed       -> keep mine;
* both changed, differently         -> a conflict, resolved only by an explicit policy
  (``mine``, ``theirs``, ``newest``) or a per-item choice.  ``ask`` resolves nothing.

Without a shared history (no common prefix) and different states, the item is a conflict: nothing
is ever silently overwritten.  Pure Python: no database, no Qt.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from app.services.errors import ServiceError

POLICIES = ("ask", "mine", "theirs", "newest")


@dataclass(frozen=True)
class HistoryRecord:
    """One change of an answer as carried in a lab file (or read from the database)."""

    old_status: str | None
    new_status: str
    old_note: str | None
    new_note: str
    old_na_reason: str | None
    new_na_reason: str
    changed_by: str
    changed_at: dt.datetime

    @property
    def key(self) -> tuple:
        """Identity of the change for comparing two histories."""
        return (self.new_status, self.new_note, self.new_na_reason, self.changed_by, self.changed_at)

    @property
    def state(self) -> tuple[str, str, str]:
        """The answer state this change produced."""
        return (self.new_status, self.new_note, self.new_na_reason)


@dataclass(frozen=True)
class AnswerSide:
    """One side of an answer: state, bookkeeping and history (oldest first)."""

    item_id: str
    status: str
    note: str = ""
    na_reason: str = ""
    maturity: int | None = None
    flagged: bool = False
    reverify: bool = False
    version: int = 1
    updated_by: str = ""
    updated_at: dt.datetime | None = None
    history: tuple[HistoryRecord, ...] = ()

    @property
    def state(self) -> tuple[str, str, str]:
        """(status, note, N/A reason): what a merge compares."""
        return (self.status, self.note, self.na_reason)


@dataclass(frozen=True)
class Conflict:
    """Something changed on both sides; the user (or a policy) must choose.

    ``kind`` is answer, lab, assessment, plan_action or evidence; ``key`` identifies it (item id,
    uid); ``mine``/``theirs`` are short human descriptions; ``*_at`` the last-change times.
    """

    kind: str
    key: str
    label: str
    mine: str
    theirs: str
    mine_at: dt.datetime | None = None
    theirs_at: dt.datetime | None = None

    @property
    def ref(self) -> str:
        """``kind:key`` — how a resolution names this conflict."""
        return f"{self.kind}:{self.key}"


@dataclass(frozen=True)
class AnswerDecision:
    """What the merge does to one item: ``take`` (write theirs) or ``keep`` (mine stays)."""

    item_id: str
    action: str  # take | keep | same
    reason: str  # one-sided | conflict-mine | conflict-theirs | new | equal
    theirs: AnswerSide | None
    common: int  # length of the shared history prefix


@dataclass
class MergePlan:
    """Decisions for every item plus the conflicts still open under the chosen policy."""

    decisions: list[AnswerDecision] = field(default_factory=list)
    conflicts: list[Conflict] = field(default_factory=list)
    resolved: list[Conflict] = field(default_factory=list)

    @property
    def taken(self) -> list[AnswerDecision]:
        """Items whose imported answer will be written."""
        return [d for d in self.decisions if d.action == "take"]


class MergeConflictError(ServiceError):
    """Raised (with nothing changed) when conflicts remain unresolved under the ``ask`` policy."""

    def __init__(self, conflicts: Sequence[Conflict]):
        self.conflicts = list(conflicts)
        super().__init__(
            f"{len(self.conflicts)} conflict(s): both copies changed the same answers; nothing was imported. "
            "Choose --on-conflict mine, theirs or newest (or resolve them in the app)."
        )


def describe(state: tuple[str, str, str] | None) -> str:
    """A short description of an answer state for conflict lists."""
    if state is None:
        return "(no answer)"
    status, note, na = state
    text = note or na
    if len(text) > 60:
        text = text[:57] + "..."
    return f"{status}" + (f" — {text}" if text else "")


def common_prefix(a: Sequence[HistoryRecord], b: Sequence[HistoryRecord]) -> int:
    """Number of leading changes both histories share."""
    n = 0
    for x, y in zip(a, b):
        if x.key != y.key:
            break
        n += 1
    return n


def choose(conflict: Conflict, policy: str, resolutions: Mapping[str, str] | None) -> str | None:
    """``mine`` / ``theirs`` for a conflict under a per-item choice or policy; ``None`` if still open."""
    if resolutions and conflict.ref in resolutions:
        choice = resolutions[conflict.ref]
        if choice not in ("mine", "theirs"):
            raise ValueError(f"resolution for {conflict.ref} must be 'mine' or 'theirs', not {choice!r}")
        return choice
    if policy in ("mine", "theirs"):
        return policy
    if policy == "newest":
        if conflict.theirs_at is not None and (conflict.mine_at is None or conflict.theirs_at > conflict.mine_at):
            return "theirs"
        return "mine"
    return None


def plan_answers(
    mine: Mapping[str, AnswerSide],
    theirs: Mapping[str, AnswerSide],
    policy: str = "ask",
    resolutions: Mapping[str, str] | None = None,
    labels: Mapping[str, str] | None = None,
) -> MergePlan:
    """Decide every item of the union of both sides (see the module docstring).

    Conflicts resolved by ``policy`` or ``resolutions`` become decisions; the rest stay in
    ``plan.conflicts`` (the caller refuses to write anything while any remain).
    """
    if policy not in POLICIES:
        raise ValueError(f"unknown conflict policy {policy!r}; use {', '.join(POLICIES)}")
    plan = MergePlan()
    for item_id in sorted(set(mine) | set(theirs)):
        m, t = mine.get(item_id), theirs.get(item_id)
        m_state = m.state if m else None
        t_state = t.state if t else None
        k = common_prefix(m.history if m else (), t.history if t else ())
        if m_state == t_state:
            plan.decisions.append(AnswerDecision(item_id, "same", "equal", t, k))
            continue
        if t is None:
            plan.decisions.append(AnswerDecision(item_id, "keep", "one-sided", None, k))
            continue
        hist = (m.history if m else ()) or t.history
        base = hist[k - 1].state if k else None
        if m_state == base:
            plan.decisions.append(AnswerDecision(item_id, "take", "new" if m is None else "one-sided", t, k))
            continue
        if t_state == base:
            plan.decisions.append(AnswerDecision(item_id, "keep", "one-sided", t, k))
            continue
        conflict = Conflict(
            "answer",
            item_id,
            (labels or {}).get(item_id, item_id),
            describe(m_state),
            describe(t_state),
            m.updated_at if m else None,
            t.updated_at,
        )
        decided = choose(conflict, policy, resolutions)
        if decided is None:
            plan.conflicts.append(conflict)
            continue
        plan.resolved.append(conflict)
        if decided == "theirs":
            plan.decisions.append(AnswerDecision(item_id, "take", "conflict-theirs", t, k))
        else:
            plan.decisions.append(AnswerDecision(item_id, "keep", "conflict-mine", t, k))
    return plan

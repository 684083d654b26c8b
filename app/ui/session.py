"""The open assessment: its scored view, its answers and the undo stack.

Every change goes straight to ``AssessmentService`` (committed before the call returns) and is
then pushed on the ``QUndoStack`` as an *already applied* command, so a failed save never leaves
a phantom entry on the stack.  Undo and redo call the service again.

Signals (past tense, snake_case):
    view_changed(object): a new ``AssessmentView`` after any change or reload.
    answer_saved(str): an item's answer (status, note, N/A reason or flag) was saved.
    evidence_changed(str): evidence of an item (or "" for the assessment) was added/removed.
    failed(object): a save or undo failed; the exception is passed for the error dialog.
    reloaded(str): the view was reloaded because someone else changed an item (its id).

A follow-up re-check (``view.summary.follows_id`` set) also knows the statuses of the assessment
it follows (from ``FollowupService.outcomes``), so ``outcome_of`` tells per item whether a gap was
closed, is still open, regressed or is new, live as answers change.  Carried-over answers are
marked ``reverify`` until answered again or confirmed as is (``confirm``).
"""

from __future__ import annotations

import contextlib
from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoCommand, QUndoStack

from app.assessment.model import Status
from app.records import Record
from app.services.dto import AnswerDTO, AssessmentView
from app.ui import backend
from app.ui.i18n import tr

UNDO_LIMIT = 500


class AnswerState(Record):
    """What an answer command writes: status, note and N/A reason."""

    status: Status
    note: str = ""
    na_reason: str = ""

    @classmethod
    def of(cls, dto: AnswerDTO | None) -> AnswerState:
        """The state of an existing answer (unassessed and empty when there is none)."""
        if dto is None:
            return cls(Status.UNASSESSED)
        return cls(dto.status, dto.note, dto.na_reason)


class _SavedCommand(QUndoCommand):
    """An undo step for a change the service has ALREADY saved when the command is pushed.

    QUndoStack calls ``redo()`` on push; the first call is skipped because the change is already in
    the database.  Subclasses implement ``apply(forward)``: True re-applies the change, False reverts it.
    """

    def __init__(self, text: str):
        super().__init__(text)
        self._applied = True

    def apply(self, forward: bool) -> None:
        raise NotImplementedError

    def redo(self) -> None:
        if self._applied:
            self._applied = False
            return
        self.apply(True)

    def undo(self) -> None:
        self.apply(False)


class AnswerCommand(_SavedCommand):
    """Change an item's answer from ``old`` to ``new`` (status, note, N/A reason)."""

    NOTE_ID = 1001  # consecutive note edits of one item merge into one undo step

    def __init__(
        self,
        session: AssessmentSession,
        item_id: str,
        old: AnswerState,
        new: AnswerState,
        text: str,
        note_only: bool = False,
    ):
        super().__init__(text)
        self.session = session
        self.assessment_id = session.assessment_id
        self.item_id = item_id
        self.old = old
        self.new = new
        self.note_only = note_only

    def id(self) -> int:
        return self.NOTE_ID if self.note_only else -1

    def mergeWith(self, other: QUndoCommand) -> bool:
        if not isinstance(other, AnswerCommand) or not other.note_only or other.item_id != self.item_id:
            return False
        self.new = other.new
        return True

    def apply(self, forward: bool) -> None:
        with self.session.replaying():
            self.session._write(self.item_id, self.new if forward else self.old)


class FlagCommand(_SavedCommand):
    """Mark or unmark an item for review."""

    def __init__(self, session: AssessmentSession, item_id: str, flagged: bool, text: str):
        super().__init__(text)
        self.session = session
        self.item_id = item_id
        self.flagged = flagged

    def apply(self, forward: bool) -> None:
        with self.session.replaying():
            self.session._write_flag(self.item_id, self.flagged if forward else not self.flagged)


class RemoveEvidenceCommand(_SavedCommand):
    """Detach an evidence file (undo restores it)."""

    def __init__(self, session: AssessmentSession, evidence_id: int, item_id: str, text: str):
        super().__init__(text)
        self.session = session
        self.evidence_id = evidence_id
        self.item_id = item_id

    def apply(self, forward: bool) -> None:
        evidence = self.session.services.evidence
        action = evidence.remove if forward else evidence.restore
        self.session._guard(lambda: action(self.evidence_id))
        self.session.evidence_changed.emit(self.item_id)


class AssessmentSession(QObject):
    """One open assessment (see module docstring for the signals)."""

    view_changed = Signal(object)
    answer_saved = Signal(str)
    evidence_changed = Signal(str)
    failed = Signal(object)
    reloaded = Signal(str)

    def __init__(self, services, assessment_id: int, by: str = "", parent: QObject | None = None):
        super().__init__(parent)
        self.services = services
        self.assessment_id = assessment_id
        self.by = by
        self.undo_stack = QUndoStack(self)
        self.undo_stack.setUndoLimit(UNDO_LIMIT)
        self.view: AssessmentView = services.assessments.view(assessment_id)
        self.is_replaying = False  # True while undo/redo writes
        self.before: dict[str, str | None] | None = None  # follow-ups: item -> status in the earlier assessment
        self._load_followup()

    def _load_followup(self) -> None:
        if self.view.summary.follows_id is None or not hasattr(self.services, "followups"):
            self.before = None
            return
        try:
            outcomes = self.services.followups.outcomes(self.assessment_id)
        except Exception as exc:  # noqa: BLE001 - e.g. the earlier assessment was deleted
            from app.ui.errors import log

            log.warning("follow-up outcomes unavailable for #%s: %s", self.assessment_id, exc)
            self.before = None
            return
        self.before = {o.item_id: o.before for o in outcomes}

    @contextlib.contextmanager
    def replaying(self):
        """Mark writes made by undo/redo (the interview then shows the item that changed)."""
        self.is_replaying = True
        try:
            yield
        finally:
            self.is_replaying = False

    # -- reading -------------------------------------------------------------------------------
    def answer_of(self, item_id: str) -> AnswerDTO | None:
        """The current answer of an item (None if never answered)."""
        return self.view.answers.get(item_id)

    def status_of(self, item_id: str) -> Status:
        """The current status of an item."""
        a = self.view.answers.get(item_id)
        return a.status if a else Status.UNASSESSED

    @property
    def is_followup(self) -> bool:
        """True for a follow-up re-check whose earlier assessment is known."""
        return self.before is not None

    def outcome_of(self, item_id: str) -> tuple[str, str | None, str | None] | None:
        """(outcome, status before, status now) for a follow-up; None otherwise.

        Outcomes are those of ``app.services.followup.classify``: closed, still_open, regressed,
        new_gap, unchanged.
        """
        if self.before is None:
            return None
        from app.services.followup import classify

        before = self.before.get(item_id)
        now = self.status_of(item_id)
        after = None if now is Status.UNASSESSED else now.value
        return classify(before, after), before, after

    def needs_reverify(self, item_id: str) -> bool:
        """True if the item's answer was carried over and not re-verified yet."""
        a = self.view.answers.get(item_id)
        return bool(a and a.reverify)

    def reverify_count(self) -> int:
        """How many answers are still marked "to re-verify"."""
        return sum(1 for a in self.view.answers.values() if a.reverify)

    def reload(self) -> AssessmentView:
        """Re-read the assessment from the database and announce it."""
        self.view = self.services.assessments.view(self.assessment_id)
        self.view_changed.emit(self.view)
        return self.view

    # -- user edits (saved at once, then pushed as undoable) ------------------------------------
    def answer(self, item_id: str, status: Status, *, note: str | None = None, na_reason: str | None = None) -> bool:
        """Save a new status for an item (keeping its note unless given).  Returns True if saved."""
        old = AnswerState.of(self.answer_of(item_id))
        new = AnswerState(
            status,
            old.note if note is None else note,
            (na_reason if na_reason is not None else old.na_reason) if status is Status.NA else "",
        )
        if new == old:
            # the same answer again re-verifies a carried-over item
            return self.confirm(item_id) if self.needs_reverify(item_id) else True
        if not self._save(item_id, new):
            return False
        self.undo_stack.push(AnswerCommand(self, item_id, old, new, tr("iv.undo_answer", item=item_id)))
        return True

    def confirm(self, item_id: str) -> bool:
        """Re-verify a carried-over answer as it stands (``AssessmentService.confirm``)."""
        current = self.answer_of(item_id)
        if current is None or not current.reverify:
            return False
        try:
            dto = self.services.assessments.confirm(
                self.assessment_id, item_id, by=self.by, expected_version=current.version
            )
        except Exception as exc:  # noqa: BLE001
            if backend.is_stale_write(exc):
                self.reload()
                self.reloaded.emit(item_id)
            self.failed.emit(exc)
            return False
        self._apply(item_id, dto)
        return True

    def set_note(self, item_id: str, note: str) -> bool:
        """Save an item's note (consecutive edits merge into one undo step)."""
        old = AnswerState.of(self.answer_of(item_id))
        if old.note == note:
            return True
        new = AnswerState(old.status, note, old.na_reason)
        if not self._save(item_id, new):
            return False
        self.undo_stack.push(AnswerCommand(self, item_id, old, new, tr("iv.undo_note", item=item_id), note_only=True))
        return True

    def set_na_reason(self, item_id: str, reason: str) -> bool:
        """Change the N/A reason of an item answered N/A."""
        old = AnswerState.of(self.answer_of(item_id))
        if old.status is not Status.NA or old.na_reason == reason:
            return True
        new = AnswerState(Status.NA, old.note, reason)
        if not self._save(item_id, new):
            return False
        self.undo_stack.push(AnswerCommand(self, item_id, old, new, tr("iv.undo_answer", item=item_id)))
        return True

    def set_flag(self, item_id: str, flagged: bool) -> bool:
        """Mark/unmark an item for review."""
        current = self.answer_of(item_id)
        if bool(current and current.flagged) == flagged:
            return True
        if not self._write_flag(item_id, flagged):
            return False
        self.undo_stack.push(FlagCommand(self, item_id, flagged, tr("iv.undo_flag", item=item_id)))
        return True

    def add_evidence(self, item_id: str, paths: list[Path]) -> int:
        """Attach files to an item; returns how many were attached."""
        n = 0
        for p in paths:
            if self._guard(lambda p=p: self.services.evidence.add(self.assessment_id, item_id, Path(p), by=self.by)):
                n += 1
        if n:
            self.evidence_changed.emit(item_id)
        return n

    def remove_evidence(self, evidence_id: int, item_id: str, name: str) -> bool:
        """Detach an evidence file (undoable)."""
        if not self._guard(lambda: self.services.evidence.remove(evidence_id)):
            return False
        self.undo_stack.push(RemoveEvidenceCommand(self, evidence_id, item_id, tr("iv.undo_evidence", name=name)))
        self.evidence_changed.emit(item_id)
        return True

    # -- the writes (also used by undo/redo) ------------------------------------------------------
    def _guard(self, fn) -> bool:
        try:
            result = fn()
        except Exception as exc:  # noqa: BLE001 - every failure goes to the error dialog
            self.failed.emit(exc)
            return False
        return result is not False

    def _save(self, item_id: str, state: AnswerState) -> bool:
        current = self.answer_of(item_id)
        try:
            dto = self.services.assessments.answer(
                self.assessment_id,
                item_id,
                state.status,
                note=state.note,
                na_reason=state.na_reason,
                by=self.by,
                expected_version=current.version if current else 0,
            )
        except Exception as exc:  # noqa: BLE001
            if backend.is_stale_write(exc):
                self.reload()
                self.reloaded.emit(item_id)
            self.failed.emit(exc)
            return False
        self._apply(item_id, dto)
        return True

    def _write(self, item_id: str, state: AnswerState) -> None:
        """Undo/redo path: write without expecting a version (the stack owns the sequence)."""
        try:
            dto = self.services.assessments.answer(
                self.assessment_id,
                item_id,
                state.status,
                note=state.note,
                na_reason=state.na_reason,
                by=self.by,
            )
        except Exception as exc:  # noqa: BLE001
            self.reload()
            self.failed.emit(exc)
            return
        self._apply(item_id, dto)

    def _write_flag(self, item_id: str, flagged: bool) -> bool:
        try:
            dto = self.services.assessments.set_flag(self.assessment_id, item_id, flagged, by=self.by)
        except Exception as exc:  # noqa: BLE001
            self.failed.emit(exc)
            return False
        self._apply(item_id, dto)
        return True

    def _apply(self, item_id: str, dto: AnswerDTO) -> None:
        answers = dict(self.view.answers)
        answers[item_id] = dto
        self.view = self.services.assessments.rescore(self.view, answers)
        self.answer_saved.emit(item_id)
        self.view_changed.emit(self.view)

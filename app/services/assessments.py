"""Assessment use cases: start one, answer items (durably, with history), score it.

Every answer is committed in its own transaction before the call returns, so a killed process
never loses an answer whose command returned.  Each answer row carries a ``version``; a caller
that passes ``expected_version`` gets ``StaleWriteError`` instead of overwriting a newer edit made
by someone else (shared PostgreSQL database, two windows).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import defer, selectinload

from app.assessment.model import Status, parse_status
from app.checklists.schema import Checklist, Item
from app.services.catalog import Catalog, content_hash
from app.services.dto import (
    AnswerDTO,
    AssessmentSummary,
    AssessmentView,
    BulkResult,
    HistoryEntry,
)
from app.services.errors import NotFound, ValidationError
from app.services.views import (
    answer_dto,
    build_view,
    lab_dto,
    scored_summaries,
    scored_view,
    snapshot_checklist,
    summary_from,
)
from app.storage.database import Database
from app.storage.errors import StaleWriteError
from app.storage.orm import Answer, AnswerHistory, Assessment, AssessmentPack, ChecklistSnapshot, Lab, utcnow

MAX_NOTE = 100_000
ASSESSMENT_STATUSES = ("in_progress", "completed", "archived")


@dataclass(frozen=True)
class AnswerChange:
    """One answer to write (used by bulk import and merge)."""

    item_id: str
    status: Status
    note: str = ""
    na_reason: str = ""


class AssessmentService:
    """Start, answer, score and list assessments."""

    def __init__(self, db: Database, catalog: Catalog):
        self.db = db
        self.catalog = catalog
        self._packs_cache: dict[int, tuple[Checklist, ...]] = {}

    # -- creating ------------------------------------------------------------------------------
    def _snapshot_row(self, s, checklist: Checklist) -> ChecklistSnapshot:
        digest = content_hash(checklist)
        row = s.scalar(
            select(ChecklistSnapshot).where(
                ChecklistSnapshot.checklist_id == checklist.id,
                ChecklistSnapshot.version == checklist.version,
                ChecklistSnapshot.sha256 == digest,
            )
        )
        if row is None:
            from app.checklists.serialize import to_data

            row = ChecklistSnapshot(
                checklist_id=checklist.id, version=checklist.version, sha256=digest, content=to_data(checklist)
            )
            s.add(row)
            s.flush()
            # parsed and validated now, as every later read would, so the first start that opens
            # this assessment already finds it in the disk cache (``snapshot_cache``)
            snapshot_checklist(row)
        return row

    def create(
        self,
        lab_id: int,
        checklist_ids: Sequence[str],
        *,
        assessor: str = "",
        assessed_on: dt.date | None = None,
        title: str = "",
        follows_id: int | None = None,
    ) -> AssessmentSummary:
        """Start an assessment of ``lab_id`` over the given packs (the gates pack is added if missing).

        The assessment keeps a snapshot of each pack's current content; newer checklist versions
        never change it.
        """
        if not checklist_ids:
            raise ValidationError("checklist", "choose at least one checklist")
        packs = []
        for cid in dict.fromkeys(checklist_ids):
            try:
                packs.append(self.catalog.get(cid))
            except KeyError as exc:
                raise ValidationError("checklist", exc.args[0]) from None
        gates = self.catalog.gates_pack()
        if gates is not None and all(p.kind != "gates" for p in packs):
            packs.append(gates)
        seen: dict[str, str] = {}
        for p in packs:
            for it in p.items:
                if it.id in seen:
                    raise ValidationError("checklist", f"item id {it.id} appears in both {seen[it.id]} and {p.id}")
                seen[it.id] = p.id
        with self.db.transaction() as s:
            lab = s.get(Lab, lab_id)
            if lab is None:
                raise NotFound("lab", lab_id)
            if follows_id is not None and s.get(Assessment, follows_id) is None:
                raise NotFound("assessment", follows_id)
            row = Assessment(
                lab_id=lab_id,
                assessor=assessor,
                assessed_on=assessed_on or dt.date.today(),
                title=title,
                follows_id=follows_id,
            )
            s.add(row)
            s.flush()
            for pos, p in enumerate(packs):
                snap = self._snapshot_row(s, p)
                s.add(AssessmentPack(assessment_id=row.id, snapshot_id=snap.id, position=pos))
            s.flush()
            return self._summary(s, row)

    # -- reading -------------------------------------------------------------------------------
    def packs(self, assessment_id: int) -> tuple[Checklist, ...]:
        """The checklist snapshots of an assessment, in order (cached: snapshots never change)."""
        cached = self._packs_cache.get(assessment_id)
        if cached is not None:
            return cached
        with self.db.transaction() as s:
            if s.get(Assessment, assessment_id) is None:
                raise NotFound("assessment", assessment_id)
            rows = s.execute(
                select(ChecklistSnapshot)
                .options(defer(ChecklistSnapshot.content))  # loaded only if not parsed yet (_SNAPSHOTS)
                .join(AssessmentPack, AssessmentPack.snapshot_id == ChecklistSnapshot.id)
                .where(AssessmentPack.assessment_id == assessment_id)
                .order_by(AssessmentPack.position)
            ).scalars()
            packs = tuple(snapshot_checklist(r) for r in rows)
        self._packs_cache[assessment_id] = packs
        return packs

    def item(self, assessment_id: int, item_id: str) -> Item:
        """An item of the assessment's packs (``NotFound`` otherwise)."""
        for p in self.packs(assessment_id):
            if p.has_item(item_id):
                return p.item(item_id)
        raise NotFound("item", item_id)

    def _summary(self, s, row: Assessment) -> AssessmentSummary:
        return summary_from(row, row.lab.name, (ap.snapshot for ap in row.packs))

    def list(self, lab_id: int | None = None, *, with_scores: bool = True) -> list[AssessmentSummary]:
        """Assessments, newest first, optionally of one lab, with readiness and progress."""
        with self.db.transaction() as s:
            q = (
                select(Assessment)
                .options(
                    selectinload(Assessment.lab),
                    # a snapshot's content (up to ~0.5 MB of JSON) only if it is not parsed yet
                    selectinload(Assessment.packs)
                    .selectinload(AssessmentPack.snapshot)
                    .defer(ChecklistSnapshot.content),
                )
                .order_by(Assessment.assessed_on.desc(), Assessment.id.desc())
            )
            if lab_id is not None:
                q = q.where(Assessment.lab_id == lab_id)
            summaries = [self._summary(s, r) for r in s.scalars(q)]
        return self.scored(summaries) if with_scores else summaries

    def scored(self, summaries: Sequence[AssessmentSummary]) -> list[AssessmentSummary]:
        """The summary lines (from ``list(with_scores=False)``) with readiness, progress and gaps.

        The desktop lists every assessment at once and scores them a few at a time after the
        first paint: scoring is most of what listing a large database costs.
        """
        if not summaries:
            return []
        ids = [x.id for x in summaries]
        with self.db.transaction() as s:
            labs = s.scalars(select(Lab).where(Lab.id.in_({x.lab_id for x in summaries})))
            profiles = {lab.id: lab_dto(lab).profile for lab in labs}
            statuses: dict[int, dict[str, str]] = {aid: {} for aid in ids}
            # one query for the statuses of every assessment asked for
            for aid, item_id, status in s.execute(
                select(Answer.assessment_id, Answer.item_id, Answer.status).where(Answer.assessment_id.in_(ids))
            ):
                statuses[aid][item_id] = status
        return scored_summaries(summaries, self.packs, statuses, profiles)

    def answers(self, assessment_id: int) -> dict[str, AnswerDTO]:
        """Current answers by item id (unanswered items are absent)."""
        with self.db.transaction() as s:
            rows = s.scalars(select(Answer).where(Answer.assessment_id == assessment_id))
            return {r.item_id: answer_dto(r) for r in rows}

    def view(self, assessment_id: int, as_of: dt.date | None = None) -> AssessmentView:
        """Score an assessment: clause scores, gates, band, critical gaps, progress."""
        packs = self.packs(assessment_id)
        with self.db.transaction() as s:
            row = s.get(Assessment, assessment_id)
            if row is None:
                raise NotFound("assessment", assessment_id)
            summary = self._summary(s, row)
            lab = lab_dto(row.lab)
            answers = {
                r.item_id: answer_dto(r) for r in s.scalars(select(Answer).where(Answer.assessment_id == assessment_id))
            }
        return build_view(summary, lab, packs, answers, as_of)

    def rescore(
        self, view: AssessmentView, answers: dict[str, AnswerDTO], as_of: dt.date | None = None
    ) -> AssessmentView:
        """Re-score ``view`` with ``answers`` without touching the database.

        For an editor that has just saved an answer (``answer`` returned its DTO) and needs the new
        scores, gates, band and progress at once: the result equals what ``view()`` would return
        after re-reading, because the packs are immutable snapshots and the lab is taken from ``view``.
        Added for the desktop UI (one keyboard answer must update the dashboard within a frame).
        """
        return scored_view(
            view.summary, view.lab, view.packs, view.gates_pack, dict(answers), view.excluded_items, as_of
        )

    def history(self, assessment_id: int, item_id: str | None = None) -> list[HistoryEntry]:
        """Every change of the assessment's answers (or one item's), oldest first."""
        with self.db.transaction() as s:
            q = (
                select(AnswerHistory, Answer.item_id)
                .join(Answer, Answer.id == AnswerHistory.answer_id)
                .where(Answer.assessment_id == assessment_id)
                .order_by(AnswerHistory.id)
            )
            if item_id is not None:
                q = q.where(Answer.item_id == item_id)
            return [
                HistoryEntry(iid, h.old_status, h.new_status, h.old_note, h.new_note, h.changed_by, h.changed_at)
                for h, iid in s.execute(q)
            ]

    # -- answering -----------------------------------------------------------------------------
    def _check(self, assessment_id: int, item_id: str, status: Status, note: str, na_reason: str) -> Item:
        try:
            item = self.item(assessment_id, item_id)
        except NotFound:
            raise ValidationError("item", f"{item_id!r} is not an item of assessment {assessment_id}") from None
        if len(note) > MAX_NOTE:
            raise ValidationError("note", f"at most {MAX_NOTE} characters (got {len(note)})")
        if len(na_reason) > MAX_NOTE:
            raise ValidationError("na_reason", f"at most {MAX_NOTE} characters")
        if status is Status.NA:
            if not item.na_allowed:
                raise ValidationError(
                    "status", f"item {item_id} does not allow 'not applicable'; answer it or leave it unassessed"
                )
            if not na_reason.strip():
                raise ValidationError("na_reason", f"item {item_id}: a reason is required for 'not applicable'")
        return item

    def _write(
        self,
        s,
        assessment_id: int,
        change: AnswerChange,
        by: str,
        expected_version: int | None,
        *,
        flagged: bool | None = None,
        maturity: int | None | str = "keep",
        reverify: bool | None = None,
    ) -> Answer:
        # FOR UPDATE: on PostgreSQL two writers must not both pass the version check (lost update);
        # SQLite ignores it because BEGIN IMMEDIATE already serialises writers.
        query = (
            select(Answer)
            .where(Answer.assessment_id == assessment_id, Answer.item_id == change.item_id)
            .with_for_update()
        )
        row = s.scalar(query)
        na_reason = change.na_reason if change.status is Status.NA else ""
        if row is None:
            if expected_version not in (None, 0):
                raise StaleWriteError(f"answer {change.item_id}", expected_version, 0)
            row = Answer(
                assessment_id=assessment_id,
                item_id=change.item_id,
                status=Status.UNASSESSED.value,
                note="",
                na_reason="",
                version=0,
            )
            try:
                with s.begin_nested():  # a concurrent first answer to the same item wins the insert
                    s.add(row)
                    s.flush()
            except IntegrityError:
                row = s.scalar(query)
                if row is None:
                    raise
        if row.version == 0:
            old = (None, None, None)
        else:
            if expected_version is not None and row.version != expected_version:
                raise StaleWriteError(f"answer {change.item_id}", expected_version, row.version)
            old = (row.status, row.note, row.na_reason)
        changed = old != (change.status.value, change.note, na_reason)
        if changed:
            s.add(
                AnswerHistory(
                    answer_id=row.id,
                    old_status=old[0],
                    new_status=change.status.value,
                    old_note=old[1],
                    new_note=change.note,
                    old_na_reason=old[2],
                    new_na_reason=na_reason,
                    changed_by=by,
                )
            )
        row.status = change.status.value
        row.note = change.note
        row.na_reason = na_reason
        if flagged is not None:
            row.flagged = flagged
        if maturity != "keep":
            row.maturity = maturity  # type: ignore[assignment]
        if reverify is not None:
            row.reverify = reverify
        elif changed:
            row.reverify = False  # answering an item re-verifies it
        row.version = (row.version or 0) + 1
        row.updated_by = by
        row.updated_at = utcnow()
        s.execute(Assessment.__table__.update().where(Assessment.id == assessment_id).values(updated_at=utcnow()))
        return row

    def answer(
        self,
        assessment_id: int,
        item_id: str,
        status: Status | str,
        *,
        note: str = "",
        na_reason: str = "",
        by: str = "",
        expected_version: int | None = None,
        maturity: int | None | str = "keep",
    ) -> AnswerDTO:
        """Record one answer, committed before returning, with a history entry.

        Raises:
            ValidationError: unknown item, N/A without a reason or where not allowed, text too long.
            StaleWriteError: ``expected_version`` given and someone changed the answer since.
        """
        status = parse_status(status) if isinstance(status, str) else status
        self._check(assessment_id, item_id, status, note, na_reason)
        with self.db.transaction() as s:
            row = self._write(
                s,
                assessment_id,
                AnswerChange(item_id, status, note, na_reason),
                by,
                expected_version,
                maturity=maturity,
            )
            s.flush()
            return answer_dto(row)

    def set_flag(self, assessment_id: int, item_id: str, flagged: bool, by: str = "") -> AnswerDTO:
        """Mark or unmark an item for review (keeps its answer)."""
        self.item(assessment_id, item_id)
        current = self.answers(assessment_id).get(item_id)
        change = (
            AnswerChange(item_id, current.status, current.note, current.na_reason)
            if current
            else AnswerChange(item_id, Status.UNASSESSED)
        )
        with self.db.transaction() as s:
            row = self._write(
                s, assessment_id, change, by, None, flagged=flagged, reverify=current.reverify if current else None
            )
            s.flush()
            return answer_dto(row)

    def answer_many(self, assessment_id: int, changes: Iterable[AnswerChange], by: str = "") -> BulkResult:
        """Apply many answers in ONE transaction: all are saved, or none (first problem raised)."""
        changes = list(changes)
        for c in changes:
            self._check(assessment_id, c.item_id, c.status, c.note, c.na_reason)
        current = self.answers(assessment_id)
        applied = unchanged = 0
        with self.db.transaction() as s:
            for c in changes:
                cur = current.get(c.item_id)
                if cur and (cur.status, cur.note, cur.na_reason) == (
                    c.status,
                    c.note,
                    c.na_reason if c.status is Status.NA else "",
                ):
                    unchanged += 1
                    continue
                self._write(s, assessment_id, c, by, None)
                applied += 1
        return BulkResult(applied=applied, unchanged=unchanged)

    def confirm(
        self, assessment_id: int, item_id: str, *, by: str = "", expected_version: int | None = None
    ) -> AnswerDTO:
        """Re-verify a carried-over answer as it stands: clears ``reverify``, keeps status and note.

        Raises:
            NotFound: the item has no answer to confirm.
            StaleWriteError: ``expected_version`` given and someone changed the answer since.
        """
        with self.db.transaction() as s:
            row = s.scalar(select(Answer).where(Answer.assessment_id == assessment_id, Answer.item_id == item_id))
            if row is None:
                raise NotFound("answer", item_id)
            if expected_version is not None and row.version != expected_version:
                raise StaleWriteError(f"answer {item_id}", expected_version, row.version)
            if row.reverify:
                row.reverify = False
                row.version = (row.version or 0) + 1
                row.updated_by = by
                row.updated_at = utcnow()
            s.flush()
            return answer_dto(row)

    def set_status(self, assessment_id: int, status: str) -> None:
        """Mark an assessment in progress, completed or archived."""
        if status not in ASSESSMENT_STATUSES:
            raise ValidationError("status", f"use one of {', '.join(ASSESSMENT_STATUSES)}")
        with self.db.transaction() as s:
            row = s.get(Assessment, assessment_id)
            if row is None:
                raise NotFound("assessment", assessment_id)
            row.status = status
            row.completed_on = dt.date.today() if status == "completed" else row.completed_on

    def count(self) -> int:
        """Number of assessments in the database."""
        with self.db.transaction() as s:
            return s.scalar(select(func.count(Assessment.id))) or 0

    def delete(self, assessment_id: int) -> None:
        """Delete an assessment with its answers, evidence links and plan."""
        with self.db.transaction() as s:
            row = s.get(Assessment, assessment_id)
            if row is None:
                raise NotFound("assessment", assessment_id)
            s.delete(row)
        self._packs_cache.pop(assessment_id, None)

"""Portable lab files (``.labx``): export one assessment with everything it needs, import it anywhere.

A ``.labx`` file is a zip archive with a fixed, whitelisted layout::

    manifest.json                 format tag, app + schema version, SHA-256 and size of every other part
    lab.json                      the lab profile (uid, coarse profile only when anonymised)
    assessment.json               the assessment (uid, dates, status, packs -> checklist parts)
    answers.json                  every answer with its version and change history
    plan.json                     the improvement-plan actions (with closure, effectiveness, verification)
    evidence.json                 evidence metadata (uid, item, name, size, sha256)
    checklists/<sha256>.json      the exact checklist snapshot content the assessment was made with
    evidence/<sha256>             evidence file bytes (absent from anonymised files)

Import reads and checks the whole file before touching the database (entry names, links, sizes,
compression ratios, duplicates, manifest, hashes, schema version), then loads it in ONE
transaction, matching rows by uid.  A newer copy of an assessment that already exists is merged
answer by answer (``app.services.merge``); conflicts are never silently overwritten.
Nothing is ever extracted to disk, so no entry name can write outside a target folder; such names
are refused all the same, because a file that carries them is not one LabAssess wrote.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import os
import re
import stat
import tempfile
import uuid
import zipfile
import zlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Date, select

from app import __version__
from app.assessment.model import INDUSTRIES, SIZES, Status
from app.checklists.errors import ChecklistError
from app.checklists.schema import TEST_FIELDS
from app.checklists.validate import checklist_from_data
from app.services.catalog import canonical_json
from app.services.errors import ServiceError
from app.services.merge import (
    POLICIES,
    AnswerSide,
    Conflict,
    HistoryRecord,
    MergeConflictError,
    choose,
    plan_answers,
)
from app.storage.database import Database, head_revision, known_revisions
from app.storage.orm import (
    Answer,
    AnswerHistory,
    Assessment,
    AssessmentPack,
    ChecklistSnapshot,
    Evidence,
    EvidenceBlob,
    Lab,
    PlanAction,
    utcnow,
)

FORMAT = "labassess-labfile/1"
SUFFIX = ".labx"

#: Limits that make hostile files fail fast (a real lab file is far below all of them).
MAX_ENTRIES = 5_000
MAX_TOTAL_BYTES = 2 * 1024**3  # uncompressed, all entries
MAX_ENTRY_BYTES = 200 * 1024**2  # one evidence file (the app accepts 100 MB)
MAX_JSON_BYTES = 64 * 1024**2  # one JSON part
MAX_RATIO = 200  # uncompressed / compressed, per entry (JSON compresses ~10x, a bomb ~1000x)
RATIO_FLOOR = 1024 * 1024  # entries smaller than this are not ratio-checked
CHUNK = 1024 * 1024

_HEX64 = r"[0-9a-f]{64}"
_ALLOWED = re.compile(
    rf"^(manifest\.json|lab\.json|assessment\.json|answers\.json|plan\.json|evidence\.json"
    rf"|checklists/{_HEX64}\.json|evidence/{_HEX64})$"
)
_JSON_PARTS = ("lab.json", "assessment.json", "answers.json", "plan.json", "evidence.json")

Progress = Callable[[float, str], None]

ANON_TEXT = ""
PLAN_TEXT_FIELDS = ("closure_note", "effectiveness", "verified_by", "owner_name")
#: Columns that identify or stamp a row; everything else is content a lab file carries.
_HOUSEKEEPING = frozenset({"id", "uid", "assessment_id", "lab_id", "version", "created_at", "updated_at"})


def _content_columns(table) -> tuple[str, ...]:
    """The content columns of a table, so a column added to the schema travels in lab files too."""
    return tuple(c.name for c in table.columns if c.name not in _HOUSEKEEPING)


def _date_columns(table, names: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(n for n in names if isinstance(table.c[n].type, Date))


PLAN_FIELDS = _content_columns(PlanAction.__table__)
_PLAN_DATES = _date_columns(PlanAction.__table__, PLAN_FIELDS)
LAB_FIELDS = _content_columns(Lab.__table__)
_LAB_DATES = _date_columns(Lab.__table__, LAB_FIELDS)
ASSESSMENT_FIELDS = ("title", "assessor", "assessed_on", "completed_on", "status")


class LabFileError(ServiceError):
    """The lab file is broken, hostile or from a newer LabAssess; nothing was changed."""

    def __init__(self, path: Path | str, message: str):
        self.path = str(path)
        self.message = message
        super().__init__(f"{Path(self.path).name}: {message} Nothing was changed.")


@dataclass(frozen=True)
class ExportResult:
    """What ``export`` wrote."""

    path: Path
    assessment_uid: str
    parts: int
    evidence_files: int
    bytes: int
    anonymised: bool


@dataclass(frozen=True)
class ImportResult:
    """What ``import_file`` did (or, with ``dry_run``, would do)."""

    assessment_id: int
    lab_id: int
    created: bool
    answers_added: int = 0
    answers_updated: int = 0
    answers_kept: int = 0
    conflicts_resolved: tuple[Conflict, ...] = ()
    evidence_added: int = 0
    actions_added: int = 0
    actions_updated: int = 0
    checklists_added: int = 0
    dry_run: bool = False


@dataclass
class LabFile:
    """A lab file read and fully checked in memory (evidence bytes stay in the open archive)."""

    path: Path
    manifest: dict
    lab: dict
    assessment: dict
    answers: list[dict]
    plan: list[dict]
    evidence: list[dict]
    checklists: dict[str, dict]  # sha256 -> snapshot content
    _zip: zipfile.ZipFile | None = field(default=None, repr=False)

    def evidence_bytes(self, sha256: str) -> bytes:
        """The bytes of one evidence file (hash checked again)."""
        assert self._zip is not None
        data = self._zip.read(f"evidence/{sha256}")
        if hashlib.sha256(data).hexdigest() != sha256:
            raise LabFileError(self.path, f"evidence file {sha256[:12]} does not match its hash.")
        return data

    def close(self) -> None:
        """Close the archive."""
        if self._zip is not None:
            self._zip.close()
            self._zip = None


# -- helpers -------------------------------------------------------------------------------------
def _iso(v):
    if isinstance(v, (dt.date, dt.datetime)):
        return v.isoformat()
    return v


def _date(v, what: str, path) -> dt.date | None:
    if v in (None, ""):
        return None
    try:
        return dt.date.fromisoformat(str(v))
    except ValueError:
        raise LabFileError(path, f"{what}: not a date: {str(v)[:40]!r}.") from None


def _datetime(v, what: str, path) -> dt.datetime | None:
    if v in (None, ""):
        return None
    try:
        return dt.datetime.fromisoformat(str(v))
    except ValueError:
        raise LabFileError(path, f"{what}: not a date-time: {str(v)[:40]!r}.") from None


def _dumps(data) -> bytes:
    return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=_iso).encode("utf-8")


def anonymous_lab_uid(uid: str) -> str:
    """The stable pseudonymous uid an anonymised export gives a lab (same lab -> same uid)."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"labassess-anon:{uid}"))


def _noop(_f: float, _m: str) -> None:
    pass


# -- export --------------------------------------------------------------------------------------
class LabFileService:
    """Export and import ``.labx`` lab files."""

    def __init__(self, db: Database):
        self.db = db

    def export(
        self, assessment_id: int, out: Path, *, anonymise: bool = False, progress: Progress | None = None
    ) -> ExportResult:
        """Write assessment ``assessment_id`` (with lab, answers + history, plan, evidence, checklist
        snapshots) to ``out`` atomically (a ``.part`` file renamed when complete)."""
        progress = progress or _noop
        from app.services.errors import NotFound

        with self.db.transaction() as s:
            a = s.get(Assessment, assessment_id)
            if a is None:
                raise NotFound("assessment", assessment_id)
            lab = a.lab
            lab_data = {
                "uid": lab.uid,
                **{f: _iso(getattr(lab, f)) for f in LAB_FIELDS},
                "updated_at": _iso(lab.updated_at),
            }
            snaps = [(ap.position, ap.snapshot) for ap in a.packs]
            checklists = {snap.sha256: snap.content for _, snap in snaps}
            follows_uid = (
                s.scalar(select(Assessment.uid).where(Assessment.id == a.follows_id)) if a.follows_id else None
            )
            asm_data = {
                "uid": a.uid,
                "lab_uid": lab.uid,
                "follows_uid": follows_uid,
                **{f: _iso(getattr(a, f)) for f in ASSESSMENT_FIELDS},
                "updated_at": _iso(a.updated_at),
                "packs": [
                    {"checklist_id": sn.checklist_id, "version": sn.version, "sha256": sn.sha256, "position": pos}
                    for pos, sn in snaps
                ],
            }
            answers = []
            rows = s.scalars(select(Answer).where(Answer.assessment_id == a.id).order_by(Answer.item_id)).all()
            hist: dict[int, list] = {}
            for h in s.scalars(
                select(AnswerHistory)
                .join(Answer, Answer.id == AnswerHistory.answer_id)
                .where(Answer.assessment_id == a.id)
                .order_by(AnswerHistory.id)
            ):
                hist.setdefault(h.answer_id, []).append(
                    {
                        "old_status": h.old_status,
                        "new_status": h.new_status,
                        "old_note": h.old_note,
                        "new_note": h.new_note,
                        "old_na_reason": h.old_na_reason,
                        "new_na_reason": h.new_na_reason,
                        "changed_by": h.changed_by,
                        "changed_at": _iso(h.changed_at),
                    }
                )
            for r in rows:
                answers.append(
                    {
                        "item_id": r.item_id,
                        "status": r.status,
                        "note": r.note or "",
                        "na_reason": r.na_reason or "",
                        "maturity": r.maturity,
                        "flagged": bool(r.flagged),
                        "reverify": bool(r.reverify),
                        "version": r.version,
                        "updated_by": r.updated_by or "",
                        "updated_at": _iso(r.updated_at),
                        "history": hist.get(r.id, []),
                    }
                )
            plan = [
                {
                    "uid": p.uid,
                    **{f: _iso(getattr(p, f)) for f in PLAN_FIELDS},
                    "version": p.version,
                    "updated_at": _iso(p.updated_at),
                }
                for p in s.scalars(
                    select(PlanAction)
                    .where(PlanAction.assessment_id == a.id)
                    .order_by(PlanAction.position, PlanAction.id)
                )
            ]
            ev_rows = s.scalars(select(Evidence).where(Evidence.assessment_id == a.id).order_by(Evidence.id)).all()
            evidence = [
                {
                    "uid": e.uid,
                    "item_id": e.item_id,
                    "sha256": e.sha256,
                    "original_name": e.original_name,
                    "size": e.size,
                    "mime": e.mime,
                    "added_by": e.added_by or "",
                    "added_at": _iso(e.added_at),
                    "removed_at": _iso(e.removed_at),
                }
                for e in ev_rows
            ]
            blob_shas = sorted({e.sha256 for e in ev_rows})
        if anonymise:
            lab_data, asm_data, answers, plan = _anonymise(lab_data, asm_data, answers, plan)
            evidence, blob_shas = [], []
        parts: dict[str, bytes] = {
            "lab.json": _dumps(lab_data),
            "assessment.json": _dumps(asm_data),
            "answers.json": _dumps(answers),
            "plan.json": _dumps(plan),
            "evidence.json": _dumps(evidence),
        }
        for sha, content in checklists.items():
            parts[f"checklists/{sha}.json"] = canonical_json(content).encode("utf-8")
        manifest_parts = {name: {"sha256": hashlib.sha256(b).hexdigest(), "size": len(b)} for name, b in parts.items()}
        out = Path(out)
        out.parent.mkdir(parents=True, exist_ok=True)
        tmp = out.with_name(out.name + ".part")
        total = len(blob_shas) + 1
        try:
            with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=6) as zf:
                for name, data in parts.items():
                    zf.writestr(name, data)
                for i, sha in enumerate(blob_shas):
                    with self.db.transaction() as s:
                        data = s.get(EvidenceBlob, sha).data
                    manifest_parts[f"evidence/{sha}"] = {"sha256": sha, "size": len(data)}
                    # evidence is mostly PDF/JPEG (already compressed): store it, deflate only text-like data
                    zf.writestr(
                        zipfile.ZipInfo(f"evidence/{sha}", date_time=(2020, 1, 1, 0, 0, 0)),
                        data,
                        compress_type=zipfile.ZIP_STORED if _looks_compressed(data) else zipfile.ZIP_DEFLATED,
                    )
                    progress((i + 1) / total, f"evidence {i + 1}/{len(blob_shas)}")
                manifest = {
                    "format": FORMAT,
                    "app_version": __version__,
                    "schema_version": head_revision(),
                    "created_at": utcnow().isoformat(),
                    "anonymised": anonymise,
                    "assessment_uid": asm_data["uid"],
                    "lab_uid": lab_data["uid"],
                    "parts": manifest_parts,
                }
                zf.writestr("manifest.json", json.dumps(manifest, ensure_ascii=False, indent=1, sort_keys=True))
            with open(tmp, "rb") as fh:
                os.fsync(fh.fileno())
            tmp.replace(out)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
        progress(1.0, "done")
        return ExportResult(
            out, asm_data["uid"], len(manifest_parts) + 1, len(blob_shas), out.stat().st_size, anonymise
        )

    # -- reading ---------------------------------------------------------------------------------
    def read(self, path: Path, progress: Progress | None = None) -> LabFile:
        """Open and check a lab file completely (see ``read_labfile``)."""
        return read_labfile(path, progress)

    # -- import ----------------------------------------------------------------------------------
    def import_file(
        self,
        path: Path,
        *,
        on_conflict: str = "ask",
        resolutions: Mapping[str, str] | None = None,
        by: str = "",
        progress: Progress | None = None,
        dry_run: bool = False,
    ) -> ImportResult:
        """Check ``path`` completely, then load it in ONE transaction (merge if the assessment exists).

        Raises:
            LabFileError: broken or hostile file (nothing changed).
            MergeConflictError: conflicts left open under ``on_conflict='ask'`` (nothing changed).
        """
        if on_conflict not in POLICIES:
            raise LabFileError(path, f"unknown conflict policy {on_conflict!r}; use {', '.join(POLICIES)}.")
        progress = progress or _noop
        lf = read_labfile(Path(path), lambda f, m: progress(f * 0.5, m))
        try:
            return self._load(lf, on_conflict, resolutions, by, progress, dry_run)
        finally:
            lf.close()

    def conflicts(self, path: Path) -> list[Conflict]:
        """The conflicts importing ``path`` would raise (nothing is changed)."""
        try:
            self.import_file(path, on_conflict="ask", dry_run=True)
        except MergeConflictError as exc:
            return exc.conflicts
        return []

    def _load(self, lf: LabFile, policy: str, resolutions, by: str, progress: Progress, dry_run: bool) -> ImportResult:
        open_conflicts: list[Conflict] = []
        resolved: list[Conflict] = []

        def decide(c: Conflict) -> str | None:
            choice = choose(c, policy, resolutions)
            if choice is None:
                open_conflicts.append(c)
            else:
                resolved.append(c)
            return choice

        class _DryRun(Exception):
            pass

        counts = dict(
            answers_added=0,
            answers_updated=0,
            answers_kept=0,
            evidence_added=0,
            actions_added=0,
            actions_updated=0,
            checklists_added=0,
        )
        result: dict = {}
        try:
            with self.db.transaction() as s:
                # 1. checklist snapshots
                snap_ids: dict[str, int] = {}
                for pack in lf.assessment["packs"]:
                    sha = pack["sha256"]
                    row = s.scalar(
                        select(ChecklistSnapshot).where(
                            ChecklistSnapshot.checklist_id == pack["checklist_id"],
                            ChecklistSnapshot.version == pack["version"],
                            ChecklistSnapshot.sha256 == sha,
                        )
                    )
                    if row is None:
                        row = ChecklistSnapshot(
                            checklist_id=pack["checklist_id"],
                            version=pack["version"],
                            sha256=sha,
                            content=lf.checklists[sha],
                        )
                        s.add(row)
                        s.flush()
                        counts["checklists_added"] += 1
                    snap_ids[sha] = row.id
                # 2. lab
                lab_in = lf.lab
                lab = s.scalar(select(Lab).where(Lab.uid == lab_in["uid"]))
                lab_values = _lab_values(lab_in, lf.path)
                if lab is None:
                    lab = Lab(uid=lab_in["uid"], **lab_values)
                    s.add(lab)
                    s.flush()
                else:
                    mine = {f: getattr(lab, f) for f in LAB_FIELDS}
                    if _norm(mine) != _norm(lab_values):
                        diff = [f for f in LAB_FIELDS if _norm({f: mine[f]}) != _norm({f: lab_values[f]})]
                        c = Conflict(
                            "lab",
                            lab.uid,
                            f"lab profile: {lab.name}",
                            "local profile",
                            "imported profile (" + ", ".join(diff[:4]) + ")",
                            lab.updated_at,
                            _datetime(lab_in.get("updated_at"), "lab.updated_at", lf.path),
                        )
                        if decide(c) == "theirs":
                            for k, v in lab_values.items():
                                setattr(lab, k, v)
                # 3. assessment
                a_in = lf.assessment
                asm = s.scalar(select(Assessment).where(Assessment.uid == a_in["uid"]))
                created = asm is None
                a_values = {
                    "title": str(a_in.get("title") or "")[:200],
                    "assessor": str(a_in.get("assessor") or "")[:120],
                    "assessed_on": _date(a_in.get("assessed_on"), "assessed_on", lf.path) or dt.date.today(),
                    "completed_on": _date(a_in.get("completed_on"), "completed_on", lf.path),
                    "status": a_in.get("status")
                    if a_in.get("status") in ("in_progress", "completed", "archived")
                    else "in_progress",
                }
                if created:
                    follows_id = None
                    if a_in.get("follows_uid"):
                        follows_id = s.scalar(select(Assessment.id).where(Assessment.uid == a_in["follows_uid"]))
                    asm = Assessment(uid=a_in["uid"], lab_id=lab.id, follows_id=follows_id, **a_values)
                    s.add(asm)
                    s.flush()
                    for pack in a_in["packs"]:
                        s.add(
                            AssessmentPack(
                                assessment_id=asm.id,
                                snapshot_id=snap_ids[pack["sha256"]],
                                position=int(pack.get("position", 0)),
                            )
                        )
                else:
                    if asm.lab_id != lab.id:
                        raise LabFileError(
                            lf.path, "the assessment in this file belongs to another lab in this database."
                        )
                    mine_packs = sorted(
                        s.scalars(
                            select(ChecklistSnapshot.sha256)
                            .join(AssessmentPack, AssessmentPack.snapshot_id == ChecklistSnapshot.id)
                            .where(AssessmentPack.assessment_id == asm.id)
                        )
                    )
                    if mine_packs != sorted(snap_ids):
                        raise LabFileError(
                            lf.path,
                            "this copy of the assessment uses different checklist versions "
                            "from the one in the database; it cannot be merged.",
                        )
                    mine_vals = {f: getattr(asm, f) for f in ASSESSMENT_FIELDS}
                    if _norm(mine_vals) != _norm(a_values):
                        c = Conflict(
                            "assessment",
                            asm.uid,
                            f"assessment details #{asm.id}",
                            _short(mine_vals),
                            _short(a_values),
                            asm.updated_at,
                            _datetime(a_in.get("updated_at"), "assessment.updated_at", lf.path),
                        )
                        if decide(c) == "theirs":
                            for k, v in a_values.items():
                                setattr(asm, k, v)
                s.flush()
                progress(0.55, "answers")
                # 4. answers
                counts_a = self._merge_answers(s, asm.id, lf, policy, resolutions, open_conflicts, resolved, by)
                counts.update(counts_a)
                # 5. plan actions
                self._merge_plan(s, asm.id, lf, decide, counts)
                # 6. evidence
                n_ev = len(lf.evidence)
                for i, e in enumerate(lf.evidence):
                    row = s.scalar(select(Evidence).where(Evidence.uid == e["uid"]))
                    if row is not None:
                        if row.assessment_id != asm.id:
                            raise LabFileError(lf.path, f"evidence {e['uid']} belongs to another assessment here.")
                        removed = _datetime(e.get("removed_at"), "evidence.removed_at", lf.path)
                        if (row.removed_at is None) != (removed is None):
                            c = Conflict(
                                "evidence",
                                row.uid,
                                f"evidence {row.original_name}",
                                "removed" if row.removed_at else "attached",
                                "removed" if removed else "attached",
                                row.removed_at or row.added_at,
                                removed or _datetime(e.get("added_at"), "evidence.added_at", lf.path),
                            )
                            if decide(c) == "theirs":
                                row.removed_at = removed
                        continue
                    if s.scalar(select(EvidenceBlob.sha256).where(EvidenceBlob.sha256 == e["sha256"])) is None:
                        data = lf.evidence_bytes(e["sha256"])
                        s.add(EvidenceBlob(sha256=e["sha256"], size=len(data), data=data))
                        s.flush()
                    s.add(
                        Evidence(
                            uid=e["uid"],
                            assessment_id=asm.id,
                            item_id=e.get("item_id"),
                            sha256=e["sha256"],
                            original_name=str(e.get("original_name") or "evidence")[:255],
                            size=int(e.get("size") or 0),
                            mime=str(e.get("mime") or "application/octet-stream")[:100],
                            added_by=str(e.get("added_by") or "")[:120],
                            added_at=_datetime(e.get("added_at"), "evidence.added_at", lf.path) or utcnow(),
                            removed_at=_datetime(e.get("removed_at"), "evidence.removed_at", lf.path),
                        )
                    )
                    counts["evidence_added"] += 1
                    progress(0.55 + 0.4 * (i + 1) / max(1, n_ev), f"evidence {i + 1}/{n_ev}")
                if open_conflicts:
                    raise MergeConflictError(open_conflicts)
                s.flush()
                result = dict(assessment_id=asm.id, lab_id=lab.id, created=created)
                if dry_run:
                    raise _DryRun
        except _DryRun:
            pass
        progress(1.0, "done")
        return ImportResult(**result, **counts, conflicts_resolved=tuple(resolved), dry_run=dry_run)

    def _merge_answers(self, s, asm_id: int, lf: LabFile, policy, resolutions, open_conflicts, resolved, by) -> dict:
        rows = {r.item_id: r for r in s.scalars(select(Answer).where(Answer.assessment_id == asm_id))}
        hist: dict[int, list[HistoryRecord]] = {}
        for h in s.scalars(
            select(AnswerHistory)
            .join(Answer, Answer.id == AnswerHistory.answer_id)
            .where(Answer.assessment_id == asm_id)
            .order_by(AnswerHistory.id)
        ):
            hist.setdefault(h.answer_id, []).append(
                HistoryRecord(
                    h.old_status,
                    h.new_status,
                    h.old_note,
                    h.new_note,
                    h.old_na_reason,
                    h.new_na_reason,
                    h.changed_by or "",
                    h.changed_at,
                )
            )
        mine = {
            k: AnswerSide(
                k,
                r.status,
                r.note or "",
                r.na_reason or "",
                r.maturity,
                bool(r.flagged),
                bool(r.reverify),
                r.version,
                r.updated_by or "",
                r.updated_at,
                tuple(hist.get(r.id, ())),
            )
            for k, r in rows.items()
        }
        theirs = {a.item_id: a for a in (_answer_side(d, lf.path) for d in lf.answers)}
        plan = plan_answers(mine, theirs, policy, resolutions)
        open_conflicts.extend(plan.conflicts)
        resolved.extend(plan.resolved)
        counts = dict(answers_added=0, answers_updated=0, answers_kept=0)
        if plan.conflicts:
            return counts
        for d in plan.decisions:
            if d.action == "keep":
                counts["answers_kept"] += 1
                continue
            if d.action != "take":
                continue
            t = d.theirs
            row = rows.get(d.item_id)
            if row is None:
                row = Answer(assessment_id=asm_id, item_id=d.item_id, version=t.version)
                s.add(row)
                counts["answers_added"] += 1
                old = None
            else:
                row.version = (row.version or 0) + 1
                counts["answers_updated"] += 1
                old = (row.status, row.note, row.na_reason)
            row.status, row.note, row.na_reason = t.status, t.note, t.na_reason
            row.maturity, row.flagged, row.reverify = t.maturity, t.flagged, t.reverify
            row.updated_by, row.updated_at = t.updated_by, t.updated_at or utcnow()
            s.flush()
            appended = t.history[d.common :]
            for h in appended:
                s.add(
                    AnswerHistory(
                        answer_id=row.id,
                        old_status=h.old_status,
                        new_status=h.new_status,
                        old_note=h.old_note,
                        new_note=h.new_note,
                        old_na_reason=h.old_na_reason,
                        new_na_reason=h.new_na_reason,
                        changed_by=h.changed_by,
                        changed_at=h.changed_at,
                    )
                )
            if d.reason == "conflict-theirs" or not appended:
                # the local answer was replaced (or the file carries no history): record it, so the
                # history stays a complete account of every change
                s.add(
                    AnswerHistory(
                        answer_id=row.id,
                        old_status=old[0] if old else None,
                        new_status=t.status,
                        old_note=old[1] if old else None,
                        new_note=t.note,
                        old_na_reason=old[2] if old else None,
                        new_na_reason=t.na_reason,
                        changed_by=f"import {by}".strip()[:120],
                        changed_at=utcnow(),
                    )
                )
        return counts

    def _merge_plan(self, s, asm_id: int, lf: LabFile, decide, counts: dict) -> None:
        for p in lf.plan:
            values = _plan_values(p, lf.path)
            row = s.scalar(select(PlanAction).where(PlanAction.uid == p["uid"]))
            if row is None:
                s.add(PlanAction(uid=p["uid"], assessment_id=asm_id, version=int(p.get("version") or 1), **values))
                counts["actions_added"] += 1
                continue
            if row.assessment_id != asm_id:
                raise LabFileError(lf.path, f"plan action {p['uid']} belongs to another assessment here.")
            mine = {f: getattr(row, f) for f in PLAN_FIELDS}
            if _norm(mine) == _norm(values):
                continue
            c = Conflict(
                "plan_action",
                row.uid,
                f"plan action {(row.text_zh or row.key)[:40]}",
                f"{row.status}, v{row.version}",
                f"{values['status']}, v{p.get('version')}",
                row.updated_at,
                _datetime(p.get("updated_at"), "plan.updated_at", lf.path),
            )
            if decide(c) == "theirs":
                for k, v in values.items():
                    setattr(row, k, v)
                row.version = (row.version or 0) + 1
                counts["actions_updated"] += 1


def _short(vals: dict) -> str:
    return ", ".join(f"{k}={_iso(v)}" for k, v in vals.items() if v not in (None, ""))[:120]


def _norm(d: dict) -> dict:
    return {k: _iso(v) if not isinstance(v, float) else round(v, 6) for k, v in d.items()}


def _looks_compressed(data: bytes) -> bool:
    head = data[:8]
    return (
        head.startswith((b"%PDF", b"\xff\xd8\xff", b"\x89PNG", b"PK\x03\x04", b"GIF8", b"\x1f\x8b"))
        or len(data) > 8 * CHUNK
    )


def _anonymise(lab: dict, asm: dict, answers: list[dict], plan: list[dict]):
    anon_uid = anonymous_lab_uid(lab["uid"])
    lab = {
        "uid": anon_uid,
        "name": f"匿名实验室 Lab {anon_uid[:8]}",
        "industry": lab["industry"],
        "size": lab["size"],
        "staff_count": None,
        "activities": lab.get("activities") or ["testing"],
        "test_fields": lab.get("test_fields") or [],
        "ms_option": lab.get("ms_option") or "A",
        "ms_start_date": None,
        "last_internal_audit": None,
        "last_management_review": None,
        "declaration_voluntary": None,
        "legal_status_confirmed": None,
        "declaration_truthful": None,
        "declaration_rules": None,
        "sub_fields": [],
        "pt_records": [],
        "scope_methods": [],
        "staff": {},
        "notes": "",
        "updated_at": None,
    }

    def month(v):
        return None if not v else str(v)[:7] + "-01"

    asm = {
        **asm,
        "uid": str(uuid.uuid5(uuid.NAMESPACE_URL, f"labassess-anon-asm:{asm['uid']}")),
        "lab_uid": anon_uid,
        "follows_uid": str(uuid.uuid5(uuid.NAMESPACE_URL, f"labassess-anon-asm:{asm['follows_uid']}"))
        if asm.get("follows_uid")
        else None,
        "title": "",
        "assessor": "",
        "assessed_on": month(asm["assessed_on"]),
        "completed_on": month(asm.get("completed_on")),
        "updated_at": None,
    }
    answers = [
        {
            **a,
            "note": "",
            "na_reason": "[anonymised]" if a["status"] == Status.NA.value else "",
            "updated_by": "",
            "updated_at": None,
            "history": [],
        }
        for a in answers
    ]
    plan = [
        {
            **p,
            "uid": str(uuid.uuid5(uuid.NAMESPACE_URL, f"labassess-anon-plan:{p['uid']}")),
            **{f: "" for f in PLAN_TEXT_FIELDS},
            # closures and reopenings stay countable; who, what and when do not travel
            "closure_history": [{"event": e.get("event"), "on": None} for e in p.get("closure_history") or []],
            "verified_on": None,
            "start_date": None,
            "due_date": None,
            "updated_at": None,
            **(
                {"text_zh": "", "text_en": ""}
                if p.get("origin") == "user"
                or "text_zh" in (p.get("edited") or [])
                or "text_en" in (p.get("edited") or [])
                else {}
            ),
        }
        for p in plan
    ]
    return lab, asm, answers, plan


def _answer_side(d: dict, path) -> AnswerSide:
    hist = tuple(
        HistoryRecord(
            h.get("old_status"),
            str(h["new_status"]),
            h.get("old_note"),
            str(h.get("new_note") or ""),
            h.get("old_na_reason"),
            str(h.get("new_na_reason") or ""),
            str(h.get("changed_by") or ""),
            _datetime(h.get("changed_at"), "history.changed_at", path) or dt.datetime(1970, 1, 1),
        )
        for h in d.get("history") or ()
    )
    return AnswerSide(
        item_id=d["item_id"],
        status=d["status"],
        note=str(d.get("note") or ""),
        na_reason=str(d.get("na_reason") or ""),
        maturity=d.get("maturity") if isinstance(d.get("maturity"), int) else None,
        flagged=bool(d.get("flagged")),
        reverify=bool(d.get("reverify")),
        version=int(d.get("version") or 1),
        updated_by=str(d.get("updated_by") or "")[:120],
        updated_at=_datetime(d.get("updated_at"), "answer.updated_at", path),
        history=hist,
    )


def _lab_values(d: dict, path) -> dict:
    vals = {f: d.get(f) for f in LAB_FIELDS}
    for f in _LAB_DATES:
        vals[f] = _date(vals[f], f"lab.{f}", path)
    vals["name"] = str(vals["name"] or "")[:200] or "Lab"
    if vals["industry"] not in INDUSTRIES:
        raise LabFileError(path, f"lab.industry: unknown value {str(vals['industry'])[:30]!r}.")
    if vals["size"] not in SIZES:
        raise LabFileError(path, f"lab.size: unknown value {str(vals['size'])[:30]!r}.")
    for f in ("activities", "test_fields", "sub_fields", "pt_records", "scope_methods"):
        if not isinstance(vals[f] or [], list):
            raise LabFileError(path, f"lab.{f} must be a list.")
        vals[f] = vals[f] or []
    if any(t not in TEST_FIELDS for t in vals["test_fields"]):
        raise LabFileError(path, "lab.test_fields holds an unknown test field.")
    if not isinstance(vals["staff"] or {}, dict):
        raise LabFileError(path, "lab.staff must be a mapping.")
    vals["staff"] = vals["staff"] or {}
    vals["notes"] = str(vals["notes"] or "")
    vals["ms_option"] = vals["ms_option"] if vals["ms_option"] in ("A", "B") else "A"
    if vals["staff_count"] is not None and not isinstance(vals["staff_count"], int):
        vals["staff_count"] = None
    return vals


def _plan_values(p: dict, path) -> dict:
    vals = {f: p.get(f) for f in PLAN_FIELDS}
    for f in _PLAN_DATES:
        vals[f] = _date(vals[f], f"plan.{f}", path)
    for f in ("item_ids", "clauses", "edited"):
        vals[f] = list(vals[f] or []) if isinstance(vals[f] or [], list) else []
    vals["closure_history"] = _closure_history(vals.get("closure_history"), path)
    for f in (
        "key",
        "origin",
        "text_zh",
        "text_en",
        "priority",
        "owner_role",
        "owner_name",
        "training_theme",
        "status",
        "closure_evidence_zh",
        "closure_evidence_en",
        "closure_note",
        "effectiveness",
        "verified_by",
    ):
        vals[f] = str(vals[f] or "")
    vals["origin"] = vals["origin"] or "generated"
    vals["priority"] = vals["priority"][:2] or "P2"
    vals["status"] = vals["status"][:16] or "open"
    vals["phase"] = int(vals["phase"] or 0) if isinstance(vals["phase"], (int, float)) else 1
    vals["position"] = int(vals["position"] or 0) if isinstance(vals["position"], (int, float)) else 0
    vals["effort_days"] = float(vals["effort_days"] or 0) if isinstance(vals["effort_days"], (int, float)) else 1.0
    vals["dropped"] = bool(vals["dropped"])
    return vals


_CLOSURE_KEYS = frozenset({"event", "on", "closure_note", "effectiveness", "verified_by", "by"})
MAX_CLOSURE_EVENTS = 1000


def _closure_history(raw, path) -> list[dict]:
    """A plan action's closure history from a lab file (absent in files before schema 0003)."""
    if raw is None:
        return []
    if not isinstance(raw, list) or len(raw) > MAX_CLOSURE_EVENTS:
        raise LabFileError(path, "plan.json: a closure history must be a list of at most 1000 events.")
    out = []
    for e in raw:
        if not isinstance(e, dict) or e.get("event") not in ("closed", "reopened") or set(e) - _CLOSURE_KEYS:
            raise LabFileError(path, "plan.json: a closure history event is malformed.")
        if any(not isinstance(v, (str, type(None))) for v in e.values()):
            raise LabFileError(path, "plan.json: closure history values must be text.")
        on = _date(e.get("on"), "plan.closure_history.on", path)
        # the keys as stored (a reopening has event, date and perhaps who reopened it), so an unchanged file merges cleanly
        out.append({**{k: str(v or "") for k, v in e.items()}, "on": on.isoformat() if on else None})
    return out


# -- reading and checking ------------------------------------------------------------------------
def _check_entries(path: Path, zf: zipfile.ZipFile) -> dict[str, zipfile.ZipInfo]:
    infos = zf.infolist()
    if len(infos) > MAX_ENTRIES:
        raise LabFileError(path, f"too many entries ({len(infos)} > {MAX_ENTRIES}); not a LabAssess lab file.")
    seen: dict[str, zipfile.ZipInfo] = {}
    lowered_seen: set[str] = set()
    total = 0
    for info in infos:
        name = info.filename
        lowered = name.replace("\\", "/")
        if (
            lowered.startswith("/")
            or re.match(r"^[A-Za-z]:", lowered)
            or "\\" in name
            or any(part in ("..", "") for part in lowered.rstrip("/").split("/"))
        ):
            raise LabFileError(
                path, f"refused: entry {name[:80]!r} points outside the lab file (absolute path, drive letter or '..')."
            )
        mode = (info.external_attr >> 16) & 0xFFFF
        if stat.S_ISLNK(mode):
            raise LabFileError(path, f"refused: entry {name[:80]!r} is a symbolic link.")
        if info.is_dir() or (stat.S_IFMT(mode) and not stat.S_ISREG(mode)):
            raise LabFileError(path, f"refused: entry {name[:80]!r} is not a regular file.")
        if name in seen or name.lower() in lowered_seen:
            raise LabFileError(path, f"refused: entry {name[:80]!r} appears more than once.")
        if not _ALLOWED.match(name):
            raise LabFileError(path, f"refused: unexpected entry {name[:80]!r}; not a LabAssess lab file.")
        if info.flag_bits & 0x1:
            raise LabFileError(path, f"refused: entry {name[:80]!r} is encrypted.")
        limit = MAX_JSON_BYTES if name.endswith(".json") else MAX_ENTRY_BYTES
        if info.file_size > limit:
            raise LabFileError(path, f"refused: entry {name[:80]!r} is too large ({info.file_size:,} bytes).")
        if info.file_size > RATIO_FLOOR and info.file_size > MAX_RATIO * max(1, info.compress_size):
            raise LabFileError(
                path,
                f"refused: entry {name[:80]!r} expands {info.file_size // max(1, info.compress_size)}x "
                "(a compression bomb?).",
            )
        total += info.file_size
        if total > MAX_TOTAL_BYTES:
            raise LabFileError(
                path, f"refused: more than {MAX_TOTAL_BYTES // 1024**2} MB uncompressed (a compression bomb?)."
            )
        seen[name] = info
        lowered_seen.add(name.lower())
    return seen


def _read_capped(
    zf: zipfile.ZipFile, info: zipfile.ZipInfo, path: Path, digest: bool = True
) -> tuple[bytes | None, str, int]:
    """Read an entry without trusting its declared size; return (data or None, sha256, size)."""
    h = hashlib.sha256()
    buf = io.BytesIO() if info.filename.endswith(".json") else None
    n = 0
    limit = info.file_size
    with zf.open(info) as fh:
        while True:
            chunk = fh.read(CHUNK)
            if not chunk:
                break
            n += len(chunk)
            if n > limit:
                raise LabFileError(path, f"refused: entry {info.filename[:80]!r} is larger than it declares.")
            h.update(chunk)
            if buf is not None:
                buf.write(chunk)
    return (buf.getvalue() if buf is not None else None), h.hexdigest(), n


def read_labfile(path: Path, progress: Progress | None = None) -> LabFile:
    """Open ``path`` and check everything before anything is imported.

    Raises:
        LabFileError: with a one-line reason (corrupt zip, hostile entry, missing or corrupt manifest,
            hash mismatch, unknown or newer schema version, malformed parts).
    """
    progress = progress or _noop
    path = Path(path)
    try:
        zf = zipfile.ZipFile(path)
    except FileNotFoundError:
        raise LabFileError(path, "file not found.") from None
    except IsADirectoryError:
        raise LabFileError(path, "is a folder, not a lab file.") from None
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as exc:
        raise LabFileError(path, f"not a readable lab file (corrupt or not a zip archive: {exc}).") from None
    ok = False
    try:
        infos = _check_entries(path, zf)
        if "manifest.json" not in infos:
            raise LabFileError(path, "the manifest (manifest.json) is missing; not a LabAssess lab file.")
        try:
            raw, _, _ = _read_capped(zf, infos["manifest.json"], path)
            manifest = json.loads(raw.decode("utf-8"))
        except LabFileError:
            raise
        except (ValueError, UnicodeDecodeError, zipfile.BadZipFile, OSError, EOFError, zlib.error) as exc:
            raise LabFileError(path, f"the manifest is corrupt ({exc.__class__.__name__}).") from None
        _check_manifest(path, manifest, infos)
        parts: dict[str, bytes] = {}
        total = sum(infos[n].file_size for n in manifest["parts"]) or 1
        done = 0
        for name in sorted(manifest["parts"]):
            info = infos[name]
            try:
                data, sha, size = _read_capped(zf, info, path)
            except LabFileError:
                raise
            except (zipfile.BadZipFile, OSError, EOFError, zlib.error, NotImplementedError) as exc:
                raise LabFileError(path, f"entry {name!r} is damaged ({exc}).") from None
            expected = manifest["parts"][name]
            if sha != expected["sha256"] or size != expected["size"]:
                raise LabFileError(
                    path, f"entry {name!r} does not match the SHA-256 in the manifest (damaged or tampered with)."
                )
            if data is not None:
                parts[name] = data
            done += size
            progress(done / total, f"checked {name}")
        lf = _parse_parts(path, manifest, parts)
        lf._zip = zf
        ok = True
        return lf
    finally:
        if not ok:
            zf.close()


def _check_manifest(path: Path, m, infos: dict) -> None:
    if not isinstance(m, dict):
        raise LabFileError(path, "the manifest is corrupt (not an object).")
    if m.get("format") != FORMAT:
        raise LabFileError(path, f"unknown lab-file format {str(m.get('format'))[:40]!r} (expected {FORMAT}).")
    schema = m.get("schema_version")
    known = known_revisions()
    if not isinstance(schema, str) or schema not in known:
        newer = isinstance(schema, str) and schema.isdigit() and known[-1].isdigit() and int(schema) > int(known[-1])
        if newer:
            raise LabFileError(
                path,
                f"written by a newer LabAssess (schema {schema}; this version knows up to "
                f"{known[-1]}). Install the newer LabAssess to import it.",
            )
        raise LabFileError(path, f"unknown schema version {str(schema)[:20]!r}.")
    parts = m.get("parts")
    if not isinstance(parts, dict) or not parts:
        raise LabFileError(path, "the manifest lists no parts.")
    for name, meta in parts.items():
        if name == "manifest.json" or not _ALLOWED.match(str(name)):
            raise LabFileError(path, f"the manifest names an unexpected part {str(name)[:80]!r}.")
        if (
            not isinstance(meta, dict)
            or not isinstance(meta.get("sha256"), str)
            or not re.fullmatch(_HEX64, meta["sha256"])
            or not isinstance(meta.get("size"), int)
        ):
            raise LabFileError(path, f"the manifest entry for {name!r} is corrupt.")
        if name not in infos:
            raise LabFileError(path, f"part {name!r} listed in the manifest is missing.")
    extra = set(infos) - set(parts) - {"manifest.json"}
    if extra:
        raise LabFileError(path, f"entry {sorted(extra)[0]!r} is not listed in the manifest.")
    for needed in _JSON_PARTS:
        if needed not in parts:
            raise LabFileError(path, f"part {needed!r} is missing.")


def _parse_parts(path: Path, manifest: dict, parts: dict[str, bytes]) -> LabFile:
    def load(name):
        try:
            return json.loads(parts[name].decode("utf-8"))
        except (ValueError, UnicodeDecodeError):
            raise LabFileError(path, f"part {name!r} is not valid JSON.") from None

    lab, asm, answers, plan, evidence = (load(n) for n in _JSON_PARTS)
    if not isinstance(lab, dict) or not _is_uid(lab.get("uid")):
        raise LabFileError(path, "lab.json is malformed (no lab uid).")
    if not isinstance(asm, dict) or not _is_uid(asm.get("uid")) or asm.get("lab_uid") != lab["uid"]:
        raise LabFileError(path, "assessment.json is malformed (uid or lab uid).")
    packs = asm.get("packs")
    if not isinstance(packs, list) or not packs:
        raise LabFileError(path, "assessment.json names no checklist.")
    checklists: dict[str, dict] = {}
    item_ids: set[str] = set()
    for p in packs:
        if not isinstance(p, dict) or not isinstance(p.get("sha256"), str):
            raise LabFileError(path, "assessment.json: a checklist reference is malformed.")
        name = f"checklists/{p['sha256']}.json"
        if name not in parts:
            raise LabFileError(path, f"checklist snapshot {p['sha256'][:12]} is missing.")
        content = load(name)
        if hashlib.sha256(canonical_json(content).encode("utf-8")).hexdigest() != p["sha256"]:
            raise LabFileError(path, f"checklist snapshot {p['sha256'][:12]} does not match its hash.")
        try:
            checklist = checklist_from_data(content, source=name)
        except ChecklistError as exc:
            raise LabFileError(
                path, f"checklist snapshot {p['sha256'][:12]} is invalid: {exc.problems[0] if exc.problems else exc}."
            ) from None
        if checklist.id != p.get("checklist_id") or checklist.version != p.get("version"):
            raise LabFileError(path, "a checklist reference does not match its snapshot (id or version).")
        checklists[p["sha256"]] = content
        item_ids.update(it.id for it in checklist.items)
    if not isinstance(answers, list):
        raise LabFileError(path, "answers.json must be a list.")
    statuses = {s.value for s in Status}
    seen: set[str] = set()
    for a in answers:
        if not isinstance(a, dict) or a.get("item_id") not in item_ids:
            raise LabFileError(
                path, f"answers.json: unknown item {str(a.get('item_id') if isinstance(a, dict) else a)[:40]!r}."
            )
        if a["item_id"] in seen:
            raise LabFileError(path, f"answers.json: item {a['item_id']} answered twice.")
        seen.add(a["item_id"])
        if a.get("status") not in statuses:
            raise LabFileError(path, f"answers.json: item {a['item_id']} has an unknown status.")
        if not isinstance(a.get("history") or [], list) or any(
            not isinstance(h, dict) or h.get("new_status") not in statuses for h in a.get("history") or []
        ):
            raise LabFileError(path, f"answers.json: the history of item {a['item_id']} is malformed.")
        for f in ("note", "na_reason"):
            if not isinstance(a.get(f) or "", str):
                raise LabFileError(path, f"answers.json: item {a['item_id']} {f} must be text.")
    if not isinstance(plan, list) or any(not isinstance(p, dict) or not _is_uid(p.get("uid")) for p in plan):
        raise LabFileError(path, "plan.json is malformed.")
    if not isinstance(evidence, list):
        raise LabFileError(path, "evidence.json must be a list.")
    for e in evidence:
        if not isinstance(e, dict) or not _is_uid(e.get("uid")) or not isinstance(e.get("sha256"), str):
            raise LabFileError(path, "evidence.json is malformed.")
        if f"evidence/{e['sha256']}" not in manifest["parts"]:
            raise LabFileError(path, f"evidence file {str(e.get('original_name'))[:40]!r} is missing.")
    return LabFile(path, manifest, lab, asm, answers, plan, evidence, checklists)


def _is_uid(v) -> bool:
    if not isinstance(v, str) or len(v) != 36:
        return False
    try:
        uuid.UUID(v)
    except ValueError:
        return False
    return True


def scratch_database(folder: Path | None = None) -> tuple[Database, Path]:
    """A fresh, migrated SQLite database in a temporary folder (for reading folders of lab files)."""
    from app.storage.database import open_database

    folder = Path(tempfile.mkdtemp(prefix="labassess-labx-", dir=folder))
    db = open_database(f"sqlite:///{folder / 'scratch.sqlite'}")
    return db, folder

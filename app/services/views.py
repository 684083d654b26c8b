"""Rows to DTOs, and the scored assessment view: pure code shared by every read path.

The ORM services (``labs``, ``assessments``) and the start-up reader (``app.storage.quickread``,
stdlib ``sqlite3`` only) fetch rows differently but build their results here, so the first screen
the desktop paints from the light reader is exactly what the full services would have returned
(``tests/integration/test_quickread.py`` compares them).  Nothing here imports SQLAlchemy: this
module is on the desktop's start-up path.

A "row" is anything with the ORM column names as attributes (an ORM object or a
``types.SimpleNamespace`` of converted values).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping, Sequence

from app.assessment.applicability import item_applies
from app.assessment.gates import earliest_application_date, evaluate_gates
from app.assessment.model import Answer as DomainAnswer
from app.assessment.model import LabProfile, PTRecord, ScopeMethod, Status
from app.assessment.scoring import band_for, score_assessment
from app.checklists.schema import Checklist
from app.checklists.validate import checklist_from_data
from app.records import replace
from app.services import snapshot_cache
from app.services.dto import AnswerDTO, AssessmentSummary, AssessmentView, EvidenceDTO, LabDTO, PackRef

_SNAPSHOTS: dict[tuple[str, str, str], Checklist] = {}
_SNAPSHOT_CACHE_SIZE = 64


def snapshot_checklist(row) -> Checklist:
    """The checklist stored in a snapshot row, parsed and validated once per process.

    Snapshots never change, so (id, version, content hash) identifies the parsed result; the key is
    cheap, unlike re-serialising the whole content to build a cache key on every call.  Across
    processes the validated result is kept on disk (``snapshot_cache``).
    """
    key = (row.checklist_id, row.version, row.sha256)
    checklist = _SNAPSHOTS.get(key)
    if checklist is None:
        if len(_SNAPSHOTS) >= _SNAPSHOT_CACHE_SIZE:
            _SNAPSHOTS.clear()
        checklist = snapshot_cache.load(*key)  # validated by an earlier run: content not even read
        if checklist is None:
            checklist = checklist_from_data(row.content, source=f"snapshot {row.sha256[:12]}")
            snapshot_cache.store(row.sha256, checklist)
        _SNAPSHOTS[key] = checklist
    return checklist


def profile_from_row(row) -> LabProfile:
    """Build the domain profile from a lab row."""
    return LabProfile(
        name=row.name,
        industry=row.industry,
        size=row.size,
        staff_count=row.staff_count,
        activities=tuple(row.activities or ()),
        test_fields=tuple(row.test_fields or ()),
        ms_option=row.ms_option,
        ms_start_date=row.ms_start_date,
        last_internal_audit=row.last_internal_audit,
        last_management_review=row.last_management_review,
        declaration_voluntary=row.declaration_voluntary,
        legal_status_confirmed=row.legal_status_confirmed,
        declaration_truthful=row.declaration_truthful,
        declaration_rules=row.declaration_rules,
        sub_fields=tuple(row.sub_fields or ()),
        pt_records=tuple(
            PTRecord(r["sub_field"], dt.date.fromisoformat(r["date"]), r["result"], r.get("provider", ""))
            for r in (row.pt_records or ())
        ),
        scope_methods=tuple(
            ScopeMethod(m["standard"], m.get("parameter", ""), m.get("has_experience"))
            for m in (row.scope_methods or ())
        ),
        staff=dict(row.staff or {}),
    )


def lab_dto(row) -> LabDTO:
    """A lab row as a DTO."""
    return LabDTO(id=row.id, uid=row.uid, profile=profile_from_row(row), notes=row.notes or "")


def answer_dto(row) -> AnswerDTO:
    """An answer row as a DTO."""
    return AnswerDTO(
        item_id=row.item_id,
        status=Status(row.status),
        note=row.note or "",
        na_reason=row.na_reason or "",
        maturity=row.maturity,
        flagged=bool(row.flagged),
        reverify=bool(row.reverify),
        version=row.version,
        updated_by=row.updated_by or "",
        updated_at=row.updated_at,
    )


def evidence_dto(row) -> EvidenceDTO:
    """An evidence row as a DTO (without the file's bytes)."""
    return EvidenceDTO(
        id=row.id,
        uid=row.uid,
        assessment_id=row.assessment_id,
        item_id=row.item_id,
        sha256=row.sha256,
        original_name=row.original_name,
        size=row.size,
        mime=row.mime,
        added_by=row.added_by or "",
        added_at=row.added_at,
        removed=row.removed_at is not None,
    )


def summary_from(row, lab_name: str, snapshots: Iterable) -> AssessmentSummary:
    """An assessment row as a summary line (no scores); ``snapshots`` are its packs' rows in order."""
    refs = []
    for snap in snapshots:
        checklist = snapshot_checklist(snap)
        refs.append(PackRef(snap.checklist_id, snap.version, checklist.title, checklist.kind))
    return AssessmentSummary(
        id=row.id,
        uid=row.uid,
        lab_id=row.lab_id,
        lab_name=lab_name,
        title=row.title or "",
        assessor=row.assessor or "",
        assessed_on=row.assessed_on,
        status=row.status,
        follows_id=row.follows_id,
        packs=tuple(refs),
    )


def with_score(summary: AssessmentSummary, score) -> AssessmentSummary:
    """The summary line with readiness, progress and gap counts from ``score``."""
    return replace(
        summary,
        readiness=score.readiness,
        progress=score.progress.percent,
        gaps=len(score.gaps),
        critical_gaps=len(score.critical_gaps),
    )


def scored_summaries(
    summaries: Sequence[AssessmentSummary],
    packs_of: Callable[[int], Sequence[Checklist]],
    statuses: Mapping[int, Mapping[str, str]],
    profiles: Mapping[int, LabProfile],
) -> list[AssessmentSummary]:
    """Summary lines with scores, from each assessment's item statuses (``{item_id: status}``)."""
    out = []
    for summ in summaries:
        scored = [p for p in packs_of(summ.id) if p.kind != "gates"]
        domain = {k: DomainAnswer(k, Status(v)) for k, v in statuses.get(summ.id, {}).items()}
        out.append(with_score(summ, score_assessment(scored, domain, profiles[summ.lab_id])))
    return out


def scored_view(summary, lab, scored, gates_pack, answers, excluded, as_of) -> AssessmentView:
    """Score ``answers`` over the packs and build the view (shared by ``view`` and ``rescore``)."""
    as_of = as_of or summary.assessed_on
    domain = {k: DomainAnswer(k, a.status, a.note, a.na_reason, a.maturity, a.flagged) for k, a in answers.items()}
    score = score_assessment(scored, domain, lab.profile)
    gates = evaluate_gates(gates_pack, lab.profile, scored, domain, score, as_of)
    all_pass = bool(gates) and all(g.state == "pass" for g in gates)
    band, label = band_for(score.readiness, all_pass, len(score.critical_gaps))
    return AssessmentView(
        summary=with_score(summary, score),
        lab=lab,
        packs=tuple(scored),
        gates_pack=gates_pack,
        answers=answers,
        score=score,
        gates=gates,
        band=band,
        band_label=label,
        earliest_application=earliest_application_date(lab.profile, gates, as_of),
        excluded_items=excluded,
    )


def build_view(
    summary: AssessmentSummary,
    lab: LabDTO,
    packs: Sequence[Checklist],
    answers: dict[str, AnswerDTO],
    as_of: dt.date | None = None,
) -> AssessmentView:
    """The scored view of an assessment from its summary, lab, pack snapshots and answers."""
    scored = tuple(p for p in packs if p.kind != "gates")
    gates_pack = next((p for p in packs if p.kind == "gates"), None)
    excluded = frozenset(it.id for p in scored for it in p.items if not item_applies(it, lab.profile))
    return scored_view(summary, lab, scored, gates_pack, answers, excluded, as_of)

"""Report use cases: assemble plain ``ReportData`` (one language) and write PDF, Word or Excel files.

``ReportData`` holds only strings, numbers and dates already resolved to the report's language, so
the renderers in ``app.report`` never see ORM rows, services or checklist objects.  User text is
passed through exactly as typed; each renderer escapes it for its format.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from app.assessment.gates import STATE_LABELS
from app.assessment.plan import PHASE_TITLES, ROLE_TITLES, THEME_TITLES, Plan
from app.assessment.scoring import FORMULA
from app.checklists.schema import Text
from app.report.labels import ACTION_STATUS, INDUSTRIES, SIZES, TEST_FIELDS, label
from app.services.dto import AssessmentView
from app.services.errors import ValidationError
from app.services.plan_dto import PlanDTO

FORMATS = (".pdf", ".docx", ".xlsx")


@dataclass(frozen=True)
class BasisRow:
    doc_id: str
    title: str
    edition: str
    checked: dt.date


@dataclass(frozen=True)
class GateRow:
    id: str
    title: str
    state: str  # pass | fail | unknown
    state_label: str
    reason: str
    date: dt.date | None


@dataclass(frozen=True)
class ClauseRow:
    key: str
    title: str
    percent: float | None
    applicable: int
    assessed: int
    gaps: int
    critical_gaps: int


@dataclass(frozen=True)
class GapRow:
    item_id: str
    clause: str
    pack_id: str
    status: str
    status_label: str
    criticality: int
    knockout: bool
    critical: bool
    finding: str
    note: str
    expected_evidence: tuple[str, ...]
    attached: tuple[str, ...]
    priority: str


@dataclass(frozen=True)
class ActionRow:
    no: int
    key: str
    origin: str
    text: str
    item_ids: tuple[str, ...]
    clauses: tuple[str, ...]
    priority: str
    phase: int
    owner_role: str
    owner: str  # "role label: name"
    effort_days: float
    start: dt.date | None
    due: dt.date | None
    status: str
    status_label: str
    closure_evidence: str
    closure_note: str
    edited: tuple[str, ...]
    verification: str = ""  # "verified by X on date; effectiveness: ..." once the action is closed


@dataclass(frozen=True)
class PhaseRow:
    phase: int
    title: str
    start: dt.date
    end: dt.date


@dataclass(frozen=True)
class MilestoneRow:
    id: str
    title: str
    date: dt.date
    phase: int
    state: str
    state_label: str


@dataclass(frozen=True)
class TrainingRow:
    theme: str
    theme_title: str
    module_id: str
    title: str
    content: str
    audience: str
    when: dt.date
    hours: float
    method: str
    effectiveness: str
    serves: str


@dataclass(frozen=True)
class ReportData:
    """Everything a report shows, in one language."""

    lang: str
    title: str
    lab_name: str
    profile: tuple[tuple[str, str], ...]
    assessed_on: dt.date
    assessor: str
    generated_on: dt.date
    checklists: tuple[str, ...]
    basis: tuple[BasisRow, ...]
    readiness: float | None
    band: str
    band_label: str
    progress: str
    critical_count: int
    gap_count: int
    gates: tuple[GateRow, ...]
    top_risks: tuple[str, ...]
    earliest_application: dt.date | None
    application_date: dt.date | None
    clauses: tuple[ClauseRow, ...]
    gaps: tuple[GapRow, ...]
    actions: tuple[ActionRow, ...]
    dropped: tuple[ActionRow, ...]
    phases: tuple[PhaseRow, ...]
    milestones: tuple[MilestoneRow, ...]
    route: tuple[MilestoneRow, ...]
    training: tuple[TrainingRow, ...]
    formula: str
    caveat: str
    notes: tuple[str, ...]
    total_effort: float
    logo: Path | None = None
    staff: tuple[tuple[str, str], ...] = field(default_factory=tuple)


def _who(role: str, name: str, lang: str) -> str:
    title = ROLE_TITLES.get(role, Text(role, role)).get(lang) if role else ""
    if title and name:
        return f"{title}：{name}" if lang == "zh" else f"{title}: {name}"
    return name or title


def build_report_data(
    view: AssessmentView,
    plan: PlanDTO,
    lang: str = "zh",
    *,
    evidence: dict[str, tuple[str, ...]] | None = None,
    logo: Path | None = None,
    today: dt.date | None = None,
) -> ReportData:
    """Assemble the report of ``view`` with its stored ``plan`` in ``lang``."""
    lang = "zh" if lang == "zh" else "en"
    schedule: Plan = plan.schedule
    profile = view.lab.profile
    evidence = evidence or {}
    items = {it.id: it for p in view.packs for it in p.items}
    sep = "、" if lang == "zh" else ", "

    gate_dates = {m.id: m.date for m in schedule.milestones}
    gates = tuple(
        GateRow(
            g.id, g.title.get(lang), g.state, STATE_LABELS[g.state].get(lang), g.reason.get(lang), gate_dates.get(g.id)
        )
        for g in view.gates
    )
    prio_by_item: dict[str, str] = {}
    for a in plan.actions:
        for iid in a.item_ids:
            cur = prio_by_item.get(iid)
            if cur is None or a.priority < cur:
                prio_by_item[iid] = a.priority
    gaps = []
    for g in view.score.gaps:
        it = items.get(g.item_id)
        gaps.append(
            GapRow(
                item_id=g.item_id,
                clause=g.clause,
                pack_id=g.pack_id,
                status=g.status.value,
                status_label=g.status.label(lang),
                criticality=g.criticality,
                knockout=g.knockout,
                critical=g.critical,
                finding=g.text.get(lang),
                note=g.note,
                expected_evidence=it.evidence.get(lang) if it else (),
                attached=evidence.get(g.item_id, ()),
                priority=prio_by_item.get(g.item_id, ""),
            )
        )
    top = []
    for g in view.score.gaps[:5]:
        mark = "★ " if g.critical else ""
        top.append(f"{mark}{g.item_id} [{g.clause}] {g.text.get(lang)}")

    def action_row(i: int, a) -> ActionRow:
        return ActionRow(
            no=i,
            key=a.key,
            origin=a.origin,
            text=a.text(lang),
            item_ids=a.item_ids,
            clauses=a.clauses,
            priority=a.priority,
            phase=a.phase,
            owner_role=a.owner_role,
            owner=_who(a.owner_role, a.owner_name, lang),
            effort_days=a.effort_days,
            start=a.start_date,
            due=a.due_date,
            status=a.status,
            status_label=ACTION_STATUS[lang].get(a.status, a.status),
            closure_evidence=a.closure_evidence(lang),
            closure_note=a.closure_note,
            edited=a.edited,
            verification=_verification(a, lang),
        )

    actions = tuple(action_row(i, a) for i, a in enumerate(plan.actions, 1))
    dropped = tuple(action_row(i, a) for i, a in enumerate(plan.dropped, 1))
    training = tuple(
        TrainingRow(
            theme=t.theme,
            theme_title=THEME_TITLES[t.theme].get(lang),
            module_id=t.module_id,
            title=t.title.get(lang),
            content=t.content.get(lang),
            audience=sep.join(_who(r, n, lang) for r, n in zip(t.audience, t.audience_names)),
            when=t.when,
            hours=t.hours,
            method=t.method.get(lang),
            effectiveness=t.effectiveness.get(lang),
            serves=sep.join(t.item_ids) if t.item_ids else sep.join(t.action_keys),
        )
        for t in schedule.training
    )
    state_label = {
        "planned": "计划" if lang == "zh" else "planned",
        **{k: v.get(lang) for k, v in STATE_LABELS.items()},
    }
    milestones = tuple(
        MilestoneRow(m.id, m.title.get(lang), m.date, m.phase, m.state, state_label[m.state])
        for m in schedule.milestones
    )
    route = tuple(
        MilestoneRow(m.id, m.title.get(lang), m.date, m.phase, m.state, state_label[m.state]) for m in schedule.route
    )
    phases = tuple(PhaseRow(p.phase, PHASE_TITLES[p.phase].get(lang), p.start, p.end) for p in schedule.phases)

    basis: dict[tuple, BasisRow] = {}
    for p in [*view.packs, *([view.gates_pack] if view.gates_pack else [])]:
        for b in p.basis:
            basis.setdefault((b.id, b.edition), BasisRow(b.id, b.title.get(lang), b.edition, b.checked))
    fields = sep.join(TEST_FIELDS[lang].get(f, f) for f in profile.test_fields) or label(lang, "none")
    prof = (
        (label(lang, "industry"), INDUSTRIES[lang].get(profile.industry, profile.industry)),
        (label(lang, "size"), SIZES[lang].get(profile.size, profile.size)),
        (label(lang, "staff_count"), "" if profile.staff_count is None else str(profile.staff_count)),
        (label(lang, "test_fields"), fields),
        (label(lang, "ms_option"), ("方式" if lang == "zh" else "Option ") + profile.ms_option),
    )
    pr = view.score.progress
    progress = (
        f"已评估 {pr.answered}/{pr.applicable}（{pr.percent:.0f}%）"
        if lang == "zh"
        else f"{pr.answered}/{pr.applicable} answered ({pr.percent:.0f}%)"
    )
    s = view.summary
    return ReportData(
        lang=lang,
        title=label(lang, "report_title"),
        lab_name=view.lab.name,
        profile=prof,
        assessed_on=s.assessed_on,
        assessor=s.assessor,
        generated_on=today or dt.date.today(),
        checklists=tuple(f"{r.checklist_id} {r.version} — {r.title.get(lang)}" for r in s.packs),
        basis=tuple(basis.values()),
        readiness=view.score.readiness,
        band=view.band,
        band_label=view.band_label.get(lang),
        progress=progress,
        critical_count=len(view.score.critical_gaps),
        gap_count=len(view.score.gaps),
        gates=gates,
        top_risks=tuple(top),
        earliest_application=view.earliest_application,
        application_date=schedule.application_date,
        clauses=tuple(
            ClauseRow(c.key, c.title.get(lang), c.percent, c.applicable, c.assessed, c.gaps, c.critical_gaps)
            for c in view.score.clauses
        ),
        gaps=tuple(gaps),
        actions=actions,
        dropped=dropped,
        phases=phases,
        milestones=milestones,
        route=route,
        training=training,
        formula=FORMULA.get(lang),
        caveat=label(lang, "caveat"),
        notes=tuple(n.get(lang) for n in schedule.notes),
        total_effort=round(sum(a.effort_days for a in plan.actions), 1),
        logo=logo,
        staff=tuple((ROLE_TITLES.get(r, Text(r, r)).get(lang), n) for r, n in profile.staff.items() if n),
    )


class ReportService:
    """Build report data and write report files."""

    def __init__(self, assessments, plans, evidence=None):
        self.assessments = assessments
        self.plans = plans
        self.evidence = evidence

    def data(
        self, assessment_id: int, lang: str = "zh", *, refresh_plan: bool = True, logo: Path | None = None
    ) -> ReportData:
        """The report data; the stored plan is first brought up to date (user edits kept)."""
        if refresh_plan:
            self.plans.regenerate(assessment_id)
        view = self.assessments.view(assessment_id)
        plan = self.plans.plan(assessment_id)
        files: dict[str, tuple[str, ...]] = {}
        if self.evidence is not None:
            for e in self.evidence.list(assessment_id):
                if e.item_id:
                    files[e.item_id] = files.get(e.item_id, ()) + (e.original_name,)
        return build_report_data(view, plan, lang, evidence=files, logo=logo)

    def write(self, assessment_id: int, out: Path, lang: str = "zh", *, logo: Path | None = None) -> Path:
        """Write the report to ``out`` (.pdf, .docx or .xlsx, chosen by the suffix)."""
        out = Path(out)
        suffix = out.suffix.lower()
        if suffix not in FORMATS:
            raise ValidationError("out", f"the file name must end in {', '.join(FORMATS)}")
        return write_report(self.data(assessment_id, lang, logo=logo), out)


def _verification(a, lang: str) -> str:
    """One line on who verified a closed action, when, and how effectiveness was checked."""
    if not a.verified_by and not a.effectiveness:
        return ""
    when = a.verified_on.isoformat() if a.verified_on else ""
    reopened = a.times_reopened
    if lang == "zh":
        head = f"验证：{a.verified_by} {when}".strip()
        tail = f"（此前关闭后曾重新打开 {reopened} 次）" if reopened else ""
        return head + (f"；有效性验证：{a.effectiveness}" if a.effectiveness else "") + tail
    head = f"Verified by {a.verified_by} on {when}".strip() if a.verified_by else ""
    eff = f"effectiveness check: {a.effectiveness}" if a.effectiveness else ""
    again = f"reopened {reopened} time(s) after an earlier closure" if reopened else ""
    return "; ".join(x for x in (head, eff, again) if x)


def write_report(data: ReportData, out: Path) -> Path:
    """Render ``data`` to ``out`` by its suffix, atomically (a partial file never replaces a good one)."""
    out = Path(out)
    suffix = out.suffix.lower()
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".part")
    try:
        if suffix == ".pdf":
            from app.report.pdf import write_pdf

            write_pdf(data, tmp)
        elif suffix == ".docx":
            from app.report.docx import write_docx

            write_docx(data, tmp)
        elif suffix == ".xlsx":
            from app.report.xlsx import write_xlsx

            write_xlsx(data, tmp)
        else:
            raise ValidationError("out", f"the file name must end in {', '.join(FORMATS)}")
        tmp.replace(out)
    finally:
        if tmp.exists():
            tmp.unlink()
    return out

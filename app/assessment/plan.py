"""The improvement plan: gaps -> merged actions, dated along the CNAS route, plus milestones and training.

Pure functions over checklist items, the score, the gate results and the lab profile; no I/O, no
database, no rendering.  The rules (also documented in ``docs/reports.md``):

* Every applicable gap (partial or nonconform) contributes the item's recommended actions.  Actions
  with the same ``key`` merge into ONE plan action that lists every item and clause it closes.
  Conforming items and N/A items contribute nothing; passed gates contribute nothing.
* Priority: a gap on a knock-out item, or a criticality-3 nonconformity, is P1; criticality × gap
  size (nonconform 1, partial 0.5) ≥ 1.5 is P2; anything smaller is P3.  A merged action takes the
  highest priority of its gaps.
* Phases follow the CNAS route: 0 fix critical gaps and define the scope; 1 documents, method
  verification, calibration and intermediate checks, PT enrolment; 2 run the system ≥ 6 months with
  records, full internal audit, then management review; 3 apply.  An action's phase comes from the
  content; an action closing a critical gap is pulled forward to phase 0 if the content placed it in
  phase 0 or 1.
* Dates: counted from the assessment date.  Phases 0–1: due ≤ 30 days (P1), ≤ 90 (P2), ≤ 180 (P3),
  and never later than the end of the phase (phase 0 = 30 days; phase 1 = 60/75/90 days for a
  micro/small/medium lab).  Documents are finished (end of phase 1) before training starts, training
  before the internal audit (≥ 5 months after the system start), the audit before the management
  review (3 weeks later), the review before the application; the application date is never earlier
  than ``earliest_application_date`` or any gate milestone.  Phase-2 actions run from the document
  release to the audit (8.8 actions end on the audit date, 8.9 actions on the review date).
* Gates: failing or unknown declaration, six-month, audit/review, PT and experience gates add their
  own action (key ``gate-<id>``); resource and traceability gates are linked to the gap actions of
  their clauses.  Every gate becomes a dated milestone.
* Tailoring: effort scales with lab size (micro 0.75, small 1, medium 1.5 × the content's
  person-days; +20 % for each further item a merged action closes); owner names come from the lab
  profile's staff (with a fallback role for small labs that combine roles); training modules marked
  with ``fields`` are offered only to labs with those test fields; option B labs get the note that
  the ISO 9001 audit and review may be combined but must cover clauses 4–7.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass

from app.assessment.gates import PASS, GateResult, add_months, earliest_application_date
from app.assessment.model import LabProfile, Status
from app.assessment.scoring import Gap, ScoreResult
from app.checklists.schema import TRAINING_THEMES, Action, Checklist, Item, Text, clause_key

PRIORITIES = ("P1", "P2", "P3")
#: Longest time from the assessment date to the due date, by priority (phases 0 and 1).
DEADLINE_DAYS = {"P1": 30, "P2": 90, "P3": 180}
#: Length of phase 0 and, by lab size, of phase 1 (days from the assessment date).
PHASE0_DAYS = 30
PHASE1_DAYS = {"micro": 60, "small": 75, "medium": 90}
#: Multiplier on the content's person-days, by lab size.
SIZE_EFFORT = {"micro": 0.75, "small": 1.0, "medium": 1.5}
#: Days between two training sessions, by lab size (bigger labs need more sessions per module).
TRAINING_SPACING = {"micro": 5, "small": 7, "medium": 10}
ACTION_STATUSES = ("open", "in_progress", "done", "verified")

#: Who stands in for a role the lab has not named (small labs combine roles).
ROLE_FALLBACK = {
    "qc_officer": "technical_manager",
    "equipment_officer": "technical_manager",
    "authorised_signatory": "technical_manager",
    "testers": "technical_manager",
    "document_controller": "quality_manager",
    "internal_auditor": "quality_manager",
    "sample_administrator": "quality_manager",
    "safety_officer": "lab_director",
    "hr_officer": "lab_director",
    "technical_manager": "lab_director",
    "quality_manager": "lab_director",
}

ROLE_TITLES = {
    "lab_director": Text("实验室主任", "Lab director"),
    "technical_manager": Text("技术负责人", "Technical manager"),
    "quality_manager": Text("质量负责人", "Quality manager"),
    "equipment_officer": Text("设备管理员", "Equipment officer"),
    "qc_officer": Text("质量监督员", "QC officer"),
    "document_controller": Text("文件管理员", "Document controller"),
    "authorised_signatory": Text("授权签字人", "Authorised signatory"),
    "internal_auditor": Text("内审员", "Internal auditor"),
    "safety_officer": Text("安全员", "Safety officer"),
    "testers": Text("检测人员", "Testers"),
    "sample_administrator": Text("样品管理员", "Sample administrator"),
    "hr_officer": Text("人事专员", "HR officer"),
}

THEME_TITLES = {
    "management_system": Text("实验室管理体系", "Laboratory management system"),
    "standards": Text("标准解读", "Standards interpretation"),
    "safety": Text("安全管理", "Safety management"),
    "quality_control": Text("质量控制", "Quality control"),
    "operation": Text("实验操作", "Experimental operation"),
}

PHASE_TITLES = {
    0: Text("阶段 0：整改严重差距，界定申请范围", "Phase 0: fix critical gaps, define the scope"),
    1: Text(
        "阶段 1：完善文件、方法验证、校准与期间核查、报名能力验证",
        "Phase 1: documents, method verification, calibration and intermediate checks, PT enrolment",
    ),
    2: Text(
        "阶段 2：体系运行 ≥6 个月并保留记录，完整内审，随后管理评审",
        "Phase 2: run the system ≥ 6 months with records, full internal audit, then management review",
    ),
    3: Text("阶段 3：提交 CNAS 认可申请", "Phase 3: apply for CNAS accreditation"),
}


@dataclass(frozen=True)
class PlannedAction:
    """One action of the generated plan."""

    key: str
    text: Text
    item_ids: tuple[str, ...]
    clauses: tuple[str, ...]
    priority: str
    phase: int
    owner_role: str
    owner_name: str
    effort_days: float
    training_theme: str
    start: dt.date
    due: dt.date
    closure_evidence: Text
    critical: bool = False
    gate_ids: tuple[str, ...] = ()
    source: str = "gap"  # gap | gate


@dataclass(frozen=True)
class Milestone:
    """A dated milestone: a readiness gate (``G5``) or a step of the route (``docs``, ``audit``…)."""

    id: str
    title: Text
    date: dt.date
    phase: int
    state: str  # pass | fail | unknown | planned
    reason: Text

    @property
    def done(self) -> bool:
        """True if the gate already passes."""
        return self.state == PASS


@dataclass(frozen=True)
class PhaseWindow:
    """The time window of one phase."""

    phase: int
    title: Text
    start: dt.date
    end: dt.date


@dataclass(frozen=True)
class TrainingEntry:
    """A training module the plan schedules, and what it serves."""

    module_id: str
    theme: str
    title: Text
    content: Text
    audience: tuple[str, ...]  # owner roles
    audience_names: tuple[str, ...]  # names from the lab profile ('' where none)
    when: dt.date
    hours: float
    method: Text
    effectiveness: Text
    item_ids: tuple[str, ...]
    action_keys: tuple[str, ...]
    clauses: tuple[str, ...]


@dataclass(frozen=True)
class Plan:
    """The generated improvement plan of one assessment."""

    assessed_on: dt.date
    actions: tuple[PlannedAction, ...]
    phases: tuple[PhaseWindow, ...]
    milestones: tuple[Milestone, ...]  # the gates, in gate order
    route: tuple[Milestone, ...]  # documents, training, internal audit, management review, application
    training: tuple[TrainingEntry, ...]
    system_start: dt.date
    system_start_assumed: bool
    application_date: dt.date
    earliest_application: dt.date | None
    notes: tuple[Text, ...] = ()

    @property
    def total_effort(self) -> float:
        """Sum of the actions' person-days."""
        return round(sum(a.effort_days for a in self.actions), 1)

    def action(self, key: str) -> PlannedAction:
        """The action with ``key`` (KeyError if absent)."""
        for a in self.actions:
            if a.key == key:
                return a
        raise KeyError(key)


def gap_priority(gap: Gap) -> str:
    """P1/P2/P3 of one gap from its criticality and size (see the module docstring)."""
    if gap.knockout or gap.critical:
        return "P1"
    size = 1.0 if gap.status is Status.NONCONFORM else 0.5
    weight = gap.criticality * size
    if weight >= 3:
        return "P1"
    if weight >= 1.5:
        return "P2"
    return "P3"


def owner_name(role: str, staff: dict[str, str]) -> str:
    """The person who owns ``role``: the profile's name, else the fallback role's name, else ''."""
    seen = set()
    while role and role not in seen:
        seen.add(role)
        name = (staff.get(role) or "").strip()
        if name:
            return name
        role = ROLE_FALLBACK.get(role, "")
    return ""


def _clause_matches(module_clause: str, action_clause: str) -> bool:
    """True if a module's clause covers an action's clause (prefix match on dotted parts)."""
    a, m = action_clause.split("."), module_clause.split(".")
    n = min(len(a), len(m))
    return a[:n] == m[:n] or clause_key(module_clause) == clause_key(action_clause)


def _round_half(x: float) -> float:
    return max(0.5, math.ceil(x * 2) / 2)


_DEFAULT_RULES = {
    "G1": "profile_flag",
    "G2": "profile_flag",
    "G3": "profile_flag",
    "G4": "profile_flag",
    "G5": "months_since",
    "G6": "review_cycle",
    "G7": "pt_coverage",
    "G8": "clause_score",
    "G9": "items_conform",
    "G10": "scope_experience",
}


def generate_plan(
    packs: Sequence[Checklist],
    score: ScoreResult,
    profile: LabProfile,
    gates: Sequence[GateResult],
    assessed_on: dt.date,
    *,
    gates_pack: Checklist | None = None,
    training=None,
) -> Plan:
    """Generate the plan for an assessment (deterministic for the same inputs).

    Args:
        packs: the assessment's scored packs (items and their recommended actions).
        score: the score (its ``gaps`` drive the actions).
        profile: the lab profile (size, staff, test fields, option, system dates).
        gates: gate results; ``gates_pack`` gives their rule types and parameters.
        assessed_on: day 0 of every date.
        training: a ``TrainingCatalogue`` (optional; without it the training plan is empty).
    """
    d0 = assessed_on
    size = profile.size if profile.size in SIZE_EFFORT else "small"
    items: dict[str, Item] = {}
    order: dict[str, int] = {}
    for pack in packs:
        for it in pack.items:
            items.setdefault(it.id, it)
            order.setdefault(it.id, len(order))

    # -- 1. merge actions by key ---------------------------------------------------------------
    buckets: dict[str, list[tuple[Action, Gap, str]]] = {}
    for gap in sorted(score.gaps, key=lambda g: order.get(g.item_id, 1 << 30)):
        item = items.get(gap.item_id)
        if item is None:
            continue
        prio = gap_priority(gap)
        for action in item.actions:
            buckets.setdefault(action.key, []).append((action, gap, prio))

    drafts = []
    for key, entries in buckets.items():
        best = min(entries, key=lambda e: PRIORITIES.index(e[2]))
        action = best[0]
        prio = best[2]
        critical = any(g.critical for _a, g, _p in entries)
        phase = min(a.phase for a, _g, _p in entries)
        if critical and phase <= 1:
            phase = 0
        item_ids = tuple(dict.fromkeys(g.item_id for _a, g, _p in entries))
        clauses = tuple(dict.fromkeys(g.clause for _a, g, _p in entries))
        base = max(a.effort_days for a, _g, _p in entries)
        effort = base * SIZE_EFFORT[size] * (1 + 0.2 * (len(item_ids) - 1))
        effort = min(effort, sum(a.effort_days for a, _g, _p in entries) * SIZE_EFFORT[size])
        drafts.append(
            dict(
                key=key,
                text=action.text,
                item_ids=item_ids,
                clauses=clauses,
                priority=prio,
                phase=phase,
                owner_role=action.owner_role,
                effort_days=_round_half(effort),
                training_theme=action.training_theme,
                closure_evidence=action.closure_evidence,
                critical=critical,
                gate_ids=(),
                source="gap",
            )
        )

    # -- 2. gate-derived actions and gate links ------------------------------------------------
    rules = {g.id: (g.rule.type, g.rule.params) for g in gates_pack.gates} if gates_pack else {}
    gate_state = {g.id: g.state for g in gates}
    for g in gates:
        rtype, params = rules.get(g.id, (_DEFAULT_RULES.get(g.id, ""), {}))
        if rtype in ("clause_score", "items_conform"):
            wanted = set(params.get("clauses", [])) if params else set()
            ids = set(params.get("items", [])) if params else set()
            if not wanted and not ids:
                wanted = {"6.1", "6.2", "6.3", "6.4", "6.5", "6.6"} if rtype == "clause_score" else {"6.4", "6.5"}
            for d in drafts:
                if ids & set(d["item_ids"]) or {clause_key(c) for c in d["clauses"]} & wanted:
                    d["gate_ids"] = d["gate_ids"] + (g.id,)
        if g.state == PASS or rtype not in _GATE_ACTIONS:
            continue
        text, role, theme, phase, prio, evidence = _GATE_ACTIONS[rtype](g, profile)
        drafts.append(
            dict(
                key=f"gate-{g.id}",
                text=text,
                item_ids=(),
                clauses=(),
                priority=prio,
                phase=phase,
                owner_role=role,
                effort_days=_round_half(_GATE_EFFORT[rtype] * SIZE_EFFORT[size]),
                training_theme=theme,
                closure_evidence=evidence,
                critical=False,
                gate_ids=(g.id,),
                source="gate",
                rule=rtype,
            )
        )

    # -- 3. the route: documents -> training -> internal audit -> management review -> apply ---
    p1_days = PHASE1_DAYS[size]

    def early_due(d) -> dt.date:
        limit = min(DEADLINE_DAYS[d["priority"]], PHASE0_DAYS if d["phase"] == 0 else p1_days)
        return d0 + dt.timedelta(days=limit)

    early = [d for d in drafts if d["phase"] <= 1 and d.get("rule") not in ("pt_coverage",)]
    docs_done = max((early_due(d) for d in early), default=d0)
    assumed = profile.ms_start_date is None
    system_start = profile.ms_start_date or docs_done

    modules = _select_training(training, profile, drafts)
    spacing = TRAINING_SPACING[size]
    train_start = max(docs_done, d0 + dt.timedelta(days=7))
    schedule = [train_start + dt.timedelta(days=i * spacing) for i in range(len(modules))]
    training_end = schedule[-1] if schedule else train_start

    audit_needed = (
        gate_state.get("G6", "fail" if not (profile.last_internal_audit and profile.last_management_review) else PASS)
        != PASS
    )
    if audit_needed:
        audit_date = max(training_end + dt.timedelta(days=7), add_months(system_start, 5), d0 + dt.timedelta(days=14))
        review_date = audit_date + dt.timedelta(days=21)
    else:
        audit_date = profile.last_internal_audit or d0
        review_date = profile.last_management_review or d0
    six_months = add_months(system_start, 6)
    pt_date = add_months(d0, 4) if gate_state.get("G7", PASS) != PASS else d0
    earliest = earliest_application_date(profile, tuple(gates), d0) if gates else None

    # -- 4. date every action ------------------------------------------------------------------
    actions = []
    for d in drafts:
        rule = d.pop("rule", None)
        phase, prio = d["phase"], d["priority"]
        if rule == "profile_flag":
            start, due = d0, d0 + dt.timedelta(days=14)
        elif rule == "pt_coverage":
            start, due = d0, pt_date
        elif rule == "months_since":
            start, due = min(system_start, six_months), six_months
        elif rule == "review_cycle":
            start, due = audit_date - dt.timedelta(days=14), review_date
        elif phase <= 1:
            due = early_due(d)
            offset = {"P1": 0, "P2": 14, "P3": 30}[prio] if phase == 1 else 0
            start = min(d0 + dt.timedelta(days=offset), due - dt.timedelta(days=7))
        elif phase == 2:
            start = docs_done
            keys = {clause_key(c) for c in d["clauses"]}
            if "8.9" in keys:
                due = review_date
            elif "8.8" in keys:
                due = audit_date
            else:
                due = max(start + dt.timedelta(days=30), d0 + dt.timedelta(days=DEADLINE_DAYS[prio]))
                due = max(min(due, audit_date - dt.timedelta(days=7)), start + dt.timedelta(days=7))
        else:
            start, due = review_date, review_date + dt.timedelta(days=14)  # re-dated to the application below
        actions.append([d, max(start, d0), max(due, d0)])

    gate_dates: dict[str, dt.date] = {}
    gate_phase: dict[str, int] = {}
    for g in gates:
        rtype = rules.get(g.id, (_DEFAULT_RULES.get(g.id, ""), {}))[0]
        if g.state == PASS:
            gate_dates[g.id], gate_phase[g.id] = d0, 0
            continue
        linked = [due for d, _s, due in actions if g.id in d["gate_ids"]]
        gate_dates[g.id], gate_phase[g.id] = {
            "profile_flag": (d0 + dt.timedelta(days=14), 0),
            "months_since": (six_months, 2),
            "review_cycle": (review_date, 2),
            "pt_coverage": (pt_date, 2),
            "scope_experience": (max(linked, default=d0 + dt.timedelta(days=p1_days)), 1),
        }.get(rtype, (max(linked, default=d0 + dt.timedelta(days=p1_days)), 1))

    application = max(
        [
            earliest or d0,
            six_months,
            review_date + dt.timedelta(days=14) if audit_needed else d0,
            pt_date,
            *gate_dates.values(),
            *(due + dt.timedelta(days=7) for d, _s, due in actions if d["phase"] <= 2),
        ]
    )
    if application <= d0 and not all(g.state == PASS for g in gates):
        application = d0 + dt.timedelta(days=14)
    planned = []
    for d, start, due in actions:
        if d["phase"] == 3:
            start, due = min(review_date, application), application
        planned.append(PlannedAction(owner_name=owner_name(d["owner_role"], profile.staff), start=start, due=due, **d))
    planned.sort(
        key=lambda a: (
            a.phase,
            PRIORITIES.index(a.priority),
            a.due,
            order.get(a.item_ids[0], 0) if a.item_ids else -1,
            a.key,
        )
    )

    # -- 5. milestones, phases, training ---------------------------------------------------------
    milestones = tuple(Milestone(g.id, g.title, gate_dates[g.id], gate_phase[g.id], g.state, g.reason) for g in gates)
    route = (
        Milestone(
            "docs",
            Text("体系文件发布、文件类整改完成", "Documents issued, document actions done"),
            docs_done,
            1,
            "planned",
            Text("阶段 0–1 的行动全部到期", "all phase 0–1 actions due"),
        ),
        Milestone(
            "training",
            Text("培训完成", "Training completed"),
            training_end,
            1,
            "planned",
            Text(f"{len(modules)} 个培训模块", f"{len(modules)} training module(s)"),
        ),
        Milestone(
            "audit",
            Text("完整内部审核", "Full internal audit"),
            audit_date,
            2,
            "planned" if audit_needed else PASS,
            Text("覆盖全部要素和场所", "covering every element and site"),
        ),
        Milestone(
            "review",
            Text("管理评审", "Management review"),
            review_date,
            2,
            "planned" if audit_needed else PASS,
            Text("在内审之后，输入内审结果", "after the audit, with its results as input"),
        ),
        Milestone(
            "apply",
            Text("提交 CNAS 认可申请", "Submit the CNAS application"),
            application,
            3,
            "planned",
            Text("全部关口满足、体系运行满 6 个月", "all gates met, system running ≥ 6 months"),
        ),
    )
    p2_end = review_date if audit_needed else max(six_months, docs_done)
    phases = (
        PhaseWindow(0, PHASE_TITLES[0], d0, d0 + dt.timedelta(days=PHASE0_DAYS)),
        PhaseWindow(1, PHASE_TITLES[1], d0, max(docs_done, d0 + dt.timedelta(days=7))),
        PhaseWindow(
            2,
            PHASE_TITLES[2],
            min(system_start, docs_done) if not assumed else docs_done,
            max(p2_end, docs_done + dt.timedelta(days=7)),
        ),
        PhaseWindow(3, PHASE_TITLES[3], min(p2_end, application), application + dt.timedelta(days=14)),
    )
    entries = []
    for (module, served), when in zip(modules, schedule):
        acts = [a for a in planned if a.key in served]
        entries.append(
            TrainingEntry(
                module_id=module.id,
                theme=module.theme,
                title=module.title,
                content=module.content,
                audience=module.audience,
                audience_names=tuple(owner_name(r, profile.staff) for r in module.audience),
                when=when,
                hours=module.hours,
                method=module.method,
                effectiveness=module.effectiveness,
                item_ids=tuple(dict.fromkeys(i for a in acts for i in a.item_ids)),
                action_keys=tuple(a.key for a in acts),
                clauses=module.clauses,
            )
        )
    notes = []
    if assumed:
        notes.append(
            Text(
                f"未填写管理体系正式运行日期，按文件发布日 {system_start.isoformat()} 计算。",
                f"No management-system start date is recorded; the plan assumes the document release date {system_start.isoformat()}.",
            )
        )
    if profile.ms_option == "B":
        notes.append(
            Text(
                "方式 B：内审和管理评审可与 ISO 9001 体系合并进行，但必须覆盖 CNAS-CL01 第 4–7 章。",
                "Option B: the internal audit and management review may be combined with the ISO 9001 ones, but must cover CNAS-CL01 clauses 4–7.",
            )
        )
    return Plan(
        assessed_on=d0,
        actions=tuple(planned),
        phases=phases,
        milestones=milestones,
        route=route,
        training=tuple(entries),
        system_start=system_start,
        system_start_assumed=assumed,
        application_date=application,
        earliest_application=earliest,
        notes=tuple(notes),
    )


def _select_training(catalogue, profile: LabProfile, drafts: list[dict]):
    """Pick the modules that serve the actions: [(module, {action keys})] in theme order."""
    if catalogue is None:
        return []
    eligible = [m for m in catalogue.modules if not m.fields or set(m.fields) & set(profile.test_fields)]
    served: dict[str, set[str]] = {}
    for d in drafts:
        theme = d["training_theme"]
        hits = [m for m in eligible if d["key"] in m.action_keys]
        if not hits:
            hits = [
                m
                for m in eligible
                if m.theme == theme and any(_clause_matches(mc, ac) for mc in m.clauses for ac in d["clauses"])
            ]
        if not hits:
            same = [m for m in eligible if m.theme == theme]
            hits = [m for m in same if d["owner_role"] in m.audience][:1] or same[:1]
        for m in hits:
            served.setdefault(m.id, set()).add(d["key"])
    theme_order = {t: i for i, t in enumerate(TRAINING_THEMES)}
    chosen = [m for m in eligible if m.id in served]
    chosen.sort(key=lambda m: (theme_order.get(m.theme, 9), eligible.index(m)))
    return [(m, served[m.id]) for m in chosen]


def _gate_profile_flag(g: GateResult, _p: LabProfile):
    return (
        Text(f"确认并书面记录关口 {g.id}：{g.title.zh}", f"Confirm and record gate {g.id}: {g.title.en}"),
        "lab_director",
        "management_system",
        0,
        "P1",
        Text("营业执照或法人授权书、签署的声明", "Business licence or legal-entity authorisation, signed declaration"),
    )


def _gate_months(g: GateResult, _p: LabProfile):
    return (
        Text(
            "按体系文件正式运行并保存每个要素的运行记录，满 6 个月",
            "Run the management system formally, keeping records for every element, for at least 6 months",
        ),
        "quality_manager",
        "management_system",
        2,
        "P2",
        Text("体系发布令、6 个月的运行记录清单", "System release order, list of 6 months of operating records"),
    )


def _gate_review(g: GateResult, p: LabProfile):
    extra_zh = "（方式 B：可与 ISO 9001 合并，但须覆盖第 4–7 章）" if p.ms_option == "B" else ""
    extra_en = " (option B: may be combined with ISO 9001, but must cover clauses 4–7)" if p.ms_option == "B" else ""
    return (
        Text(
            f"完成覆盖全部要素和场所的内部审核，关闭不符合项后进行管理评审{extra_zh}",
            f"Hold a full internal audit of every element and site, close its findings, then hold the management review{extra_en}",
        ),
        "quality_manager",
        "management_system",
        2,
        "P2",
        Text(
            "内审计划、检查表、报告、不符合项关闭记录；管理评审报告",
            "Audit plan, checklists, report, closed findings; management review report",
        ),
    )


def _gate_pt(g: GateResult, p: LabProfile):
    return (
        Text(
            "为每个申请子领域报名能力验证并取得满意结果",
            "Enrol in proficiency testing for every applied sub-field and obtain satisfactory results",
        ),
        "technical_manager",
        "quality_control",
        1,
        "P2",
        Text("能力验证报名确认、结果报告和评价记录", "PT enrolment confirmation, result report and evaluation record"),
    )


def _gate_experience(g: GateResult, p: LabProfile):
    return (
        Text(
            "为缺少检测经历的方法/参数完成实际检测并保存原始记录和报告",
            "Carry out real tests, with raw records and reports, for every method or parameter lacking testing experience",
        ),
        "technical_manager",
        "operation",
        1,
        "P2",
        Text("每个方法的检测报告和原始记录", "A test report and raw records for every method"),
    )


_GATE_ACTIONS = {
    "profile_flag": _gate_profile_flag,
    "months_since": _gate_months,
    "review_cycle": _gate_review,
    "pt_coverage": _gate_pt,
    "scope_experience": _gate_experience,
}
_GATE_EFFORT = {"profile_flag": 0.5, "months_since": 2, "review_cycle": 6, "pt_coverage": 3, "scope_experience": 4}

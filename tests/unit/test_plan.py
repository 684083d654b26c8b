"""Plan generator (app.assessment.plan): merging, priorities, phases, dates, tailoring, training."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from app.assessment.gates import evaluate_gates
from app.assessment.model import Answer, LabProfile, PTRecord, ScopeMethod, Status
from app.assessment.plan import gap_priority, generate_plan, owner_name
from app.assessment.scoring import score_assessment
from app.checklists.loader import load_file, load_text
from app.checklists.training import load_training_text
from app.records import replace

DATA = Path(__file__).parents[1] / "data"
D0 = dt.date(2026, 3, 2)

GATES_YAML = """
format: labassess-checklist/1
id: test-gates
version: '1'
kind: gates
title: {zh: 关口, en: Gates}
basis:
- {id: CNAS-RL01, title: {zh: 规则, en: Rules}, edition: '2019', checked: '2026-01-01'}
gates:
- {id: G1, title: {zh: 自愿, en: Voluntary}, description: {zh: d, en: d}, needs: {zh: [n], en: [n]},
   rule: {type: profile_flag, params: {field: declaration_voluntary}}}
- {id: G5, title: {zh: 运行6个月, en: Six months}, description: {zh: d, en: d}, needs: {zh: [n], en: [n]},
   rule: {type: months_since, params: {field: ms_start_date, min_months: 6}}, milestone: true}
- {id: G6, title: {zh: 内审和管评, en: Audit and review}, description: {zh: d, en: d}, needs: {zh: [n], en: [n]},
   rule: {type: review_cycle, params: {}}, milestone: true}
- {id: G7, title: {zh: 能力验证, en: PT}, description: {zh: d, en: d}, needs: {zh: [n], en: [n]},
   rule: {type: pt_coverage, params: {within_years: 3}}, milestone: true}
- {id: G9, title: {zh: 溯源, en: Traceability}, description: {zh: d, en: d}, needs: {zh: [n], en: [n]},
   rule: {type: items_conform, params: {clauses: ["6.4", "6.5"], min_criticality: 3}}}
"""

TRAINING_YAML = """
format: labassess-training/1
version: "t1"
themes:
  - id: quality_control
    title: {zh: 质量控制, en: Quality control}
    modules:
      - id: QC-1
        title: {zh: 期间核查, en: Intermediate checks}
        content: {zh: 内容, en: Content}
        audience: [equipment_officer, technical_manager]
        clauses: ["6.4", "6.5"]
        hours: 4
        method: {zh: 课堂, en: Classroom}
        effectiveness: {zh: 考试, en: Exam}
      - id: QC-BAT
        title: {zh: 电池, en: Batteries}
        content: {zh: 内容, en: Content}
        audience: [testers]
        clauses: ["6.4"]
        hours: 2
        method: {zh: 课堂, en: Classroom}
        effectiveness: {zh: 考试, en: Exam}
        fields: [battery]
  - id: management_system
    title: {zh: 管理体系, en: Management system}
    modules:
      - id: MS-1
        title: {zh: 内审员, en: Internal auditors}
        content: {zh: 内容, en: Content}
        audience: [quality_manager, internal_auditor]
        clauses: ["8.8"]
        hours: 16
        method: {zh: 课堂, en: Classroom}
        effectiveness: {zh: 考试, en: Exam}
"""


@pytest.fixture(scope="module")
def mini():
    return load_file(DATA / "mini-cl01.yaml")


@pytest.fixture(scope="module")
def gates_pack():
    return load_text(GATES_YAML, "gates.yaml")


@pytest.fixture(scope="module")
def training():
    return load_training_text(TRAINING_YAML, "training.yaml")


def profile(**kw) -> LabProfile:
    base = dict(
        name="Lab",
        size="small",
        staff={"technical_manager": "李工", "quality_manager": "王敏"},
        sub_fields=("灯具安全",),
        declaration_voluntary=True,
    )
    base.update(kw)
    return LabProfile(**base)


def make_plan(mini, gates_pack, training, gaps: dict[str, Status], prof: LabProfile | None = None, on=D0):
    prof = prof or profile()
    answers = {it.id: Answer(it.id, gaps.get(it.id, Status.CONFORM)) for it in mini.items}
    score = score_assessment([mini], answers, prof)
    gates = evaluate_gates(gates_pack, prof, [mini], answers, score, on)
    return generate_plan([mini], score, prof, gates, on, gates_pack=gates_pack, training=training)


def test_merged_action_closes_several_items(mini, gates_pack, training):
    """One action key shared by four items becomes ONE action listing every item and clause it closes."""
    plan = make_plan(
        mini,
        gates_pack,
        training,
        {
            "T-6.4-01": Status.PARTIAL,
            "T-6.4-02": Status.NONCONFORM,
            "T-6.5-01": Status.PARTIAL,
            "T-6.5-02": Status.NONCONFORM,
        },
    )
    shared = [a for a in plan.actions if a.key == "shared-key"]
    assert len(shared) == 1
    assert shared[0].item_ids == ("T-6.4-01", "T-6.4-02", "T-6.5-01", "T-6.5-02")
    assert shared[0].clauses == ("6.4", "6.5")
    assert shared[0].effort_days > 2  # more items, more work than one item's 2 person-days
    assert "G9" in shared[0].gate_ids


def test_no_actions_for_conform_items_or_passed_gates(mini, gates_pack, training):
    """A fully conforming lab whose gates pass gets no gap actions and no gate actions."""
    prof = profile(
        ms_start_date=D0 - dt.timedelta(days=400),
        last_internal_audit=D0 - dt.timedelta(days=60),
        last_management_review=D0 - dt.timedelta(days=30),
        pt_records=(PTRecord("灯具安全", D0 - dt.timedelta(days=100), "satisfactory"),),
    )
    plan = make_plan(mini, gates_pack, training, {}, prof)
    assert plan.actions == ()
    assert all(m.done for m in plan.milestones)
    assert plan.training == ()


def test_failing_gates_add_gate_actions_only_for_failed(mini, gates_pack, training):
    """G7 (no PT) and G6 (no audit) add gate actions; the passed G1 adds none."""
    plan = make_plan(mini, gates_pack, training, {"T-4.1-01": Status.PARTIAL})
    keys = {a.key for a in plan.actions}
    assert {"gate-G6", "gate-G7", "gate-G5"} <= keys
    assert "gate-G1" not in keys


def test_priorities_from_criticality_and_gap_size(mini, gates_pack, training):
    """Knock-out or criticality-3 nonconformity -> P1; criticality-3 partial -> P2; minor partial -> P3."""
    plan = make_plan(
        mini,
        gates_pack,
        training,
        {
            "T-7.7-01": Status.PARTIAL,  # knock-out, partial
            "T-8.8-02": Status.NONCONFORM,  # criticality 3
            "T-8.9-01": Status.PARTIAL,  # criticality 3, partial
            "T-8.9-02": Status.PARTIAL,  # criticality 1, partial
        },
    )
    by_item = {a.item_ids[0]: a for a in plan.actions if a.item_ids}
    assert by_item["T-7.7-01"].priority == "P1"
    assert by_item["T-8.8-02"].priority == "P1"
    assert by_item["T-8.9-01"].priority == "P2"
    assert by_item["T-8.9-02"].priority == "P3"
    score = score_assessment([mini], {"T-6.4-01": Answer("T-6.4-01", Status.NONCONFORM)}, profile())
    assert gap_priority(score.gaps[0]) == "P1"


def test_critical_gap_goes_to_phase_0_and_is_due_within_30_days(mini, gates_pack, training):
    """A nonconformity on a knock-out item is fixed in phase 0, due ≤ 30 days after the assessment."""
    plan = make_plan(mini, gates_pack, training, {"T-7.7-01": Status.NONCONFORM})
    a = next(a for a in plan.actions if "T-7.7-01" in a.item_ids)
    assert a.critical and a.phase == 0 and a.priority == "P1"
    assert D0 <= a.start <= a.due <= D0 + dt.timedelta(days=30)


def test_due_dates_follow_priority_limits(mini, gates_pack, training):
    """Phase 0–1 actions: P1 ≤ 30 days, P2 and P3 ≤ the end of phase 1 (≤ 90 days); start ≤ due."""
    gaps = {it.id: Status.PARTIAL for it in mini.items}
    plan = make_plan(mini, gates_pack, training, gaps)
    limits = {"P1": 30, "P2": 90, "P3": 180}
    for a in plan.actions:
        assert a.start <= a.due
        if a.phase <= 1 and a.source == "gap":
            assert (a.due - D0).days <= min(limits[a.priority], 90)


def test_route_is_ordered_documents_training_audit_review_application(mini, gates_pack, training):
    """Documents before training before the internal audit before the review before the application."""
    gaps = {it.id: Status.NONCONFORM for it in mini.items[::3]}
    plan = make_plan(mini, gates_pack, training, gaps)
    r = {m.id: m.date for m in plan.route}
    assert r["docs"] <= r["training"] < r["audit"] < r["review"] < r["apply"]
    assert all(t.when >= r["docs"] for t in plan.training)
    assert plan.application_date >= plan.earliest_application
    assert all(m.date <= plan.application_date for m in plan.milestones)
    audit_actions = [a for a in plan.actions if a.phase == 2 and any(c.startswith("8.8") for c in a.clauses)]
    assert all(a.due == r["audit"] for a in audit_actions)
    # gate milestones carry dates: G5 six months after the (assumed) system start
    g5 = next(m for m in plan.milestones if m.id == "G5")
    assert g5.date > r["docs"] and plan.system_start_assumed


def test_owner_names_from_profile_with_role_fallback():
    """Owner names come from the lab's staff; an unnamed role falls back to the role that covers it."""
    staff = {"technical_manager": "李工", "lab_director": "陈总"}
    assert owner_name("technical_manager", staff) == "李工"
    assert owner_name("equipment_officer", staff) == "李工"
    assert owner_name("quality_manager", staff) == "陈总"
    assert owner_name("safety_officer", {}) == ""


def test_size_scales_effort_and_phase_length(mini, gates_pack, training):
    """A medium lab gets more person-days and a longer phase 1 than a micro lab for the same gaps."""
    gaps = {"T-8.3-01": Status.PARTIAL, "T-6.4-02": Status.PARTIAL}
    micro = make_plan(mini, gates_pack, training, gaps, profile(size="micro"))
    medium = make_plan(mini, gates_pack, training, gaps, profile(size="medium"))
    assert medium.total_effort > micro.total_effort
    assert medium.action("act-8.3-1").due > micro.action("act-8.3-1").due


def test_training_grouped_by_theme_and_tailored_by_field(mini, gates_pack, training):
    """Modules serve the actions of their theme and clauses; field-specific modules need the field."""
    gaps = {"T-6.4-02": Status.NONCONFORM, "T-8.8-01": Status.PARTIAL}
    plan = make_plan(mini, gates_pack, training, gaps)
    ids = [t.module_id for t in plan.training]
    assert "QC-1" in ids and "QC-BAT" not in ids
    qc = next(t for t in plan.training if t.module_id == "QC-1")
    assert "shared-key" in qc.action_keys and "T-6.4-02" in qc.item_ids
    assert qc.audience_names == ("李工", "李工")  # equipment officer falls back to the technical manager
    with_battery = make_plan(mini, gates_pack, training, gaps, profile(test_fields=("battery",)))
    assert "QC-BAT" in [t.module_id for t in with_battery.training]


def test_option_b_and_missing_start_date_are_noted(mini, gates_pack, training):
    """Option B and an assumed system start date are stated as plan notes."""
    plan = make_plan(mini, gates_pack, training, {"T-8.8-01": Status.PARTIAL}, profile(ms_option="B"))
    text = " ".join(n.en for n in plan.notes)
    assert "Option B" in text and "assumes the document release date" in text


def test_plan_is_deterministic(mini, gates_pack, training):
    """The same inputs give the same plan."""
    gaps = {it.id: Status.PARTIAL for it in mini.items[::2]}
    assert make_plan(mini, gates_pack, training, gaps) == make_plan(mini, gates_pack, training, gaps)


def test_experience_gate_links_scope(mini, gates_pack, training):
    """Scope methods without experience do not break planning when the gate is absent from the pack."""
    prof = replace(profile(), scope_methods=(ScopeMethod("GB 7000.1-2015", "IP", False),))
    plan = make_plan(mini, gates_pack, training, {"T-5-01": Status.PARTIAL}, prof)
    assert any(a.key == "act-5-1" for a in plan.actions)

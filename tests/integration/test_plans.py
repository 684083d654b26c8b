"""PlanService: stored plans, user edits, regeneration that keeps edits, optimistic versions."""

from __future__ import annotations

import datetime as dt

import pytest

from app.assessment.model import LabProfile, Status
from app.services.assessments import AnswerChange
from app.services.errors import ValidationError
from app.storage.errors import StaleWriteError

pytestmark = pytest.mark.integration
D0 = dt.date(2026, 3, 2)


def make_assessment(svc, gaps: dict[str, Status], **profile) -> int:
    """A lab + mini-checklist assessment where every item conforms except ``gaps``."""
    base = dict(
        name="测试实验室",
        size="small",
        staff={"technical_manager": "李工", "quality_manager": "王敏"},
        declaration_voluntary=True,
        legal_status_confirmed=True,
        declaration_truthful=True,
        declaration_rules=True,
        sub_fields=("灯具安全",),
    )
    base.update(profile)
    lab = svc.labs.add(LabProfile(**base))
    a = svc.assessments.create(lab.id, ["mini-cl01"], assessor="张顾问", assessed_on=D0)
    items = [it for p in svc.assessments.packs(a.id) if p.kind != "gates" for it in p.items]
    svc.assessments.answer_many(a.id, [AnswerChange(it.id, gaps.get(it.id, Status.CONFORM)) for it in items])
    return a.id


def by_key(svc, aid):
    return {a.key: a for a in svc.plans.actions(aid, include_dropped=True)}


def test_first_generation_adds_every_action(any_services):
    """Generating a plan stores one row per planned action, merged by key, and reports them as added."""
    svc = any_services
    aid = make_assessment(svc, {"T-6.4-01": Status.NONCONFORM, "T-6.5-02": Status.PARTIAL, "T-8.3-01": Status.PARTIAL})
    summary = svc.plans.regenerate(aid)
    rows = by_key(svc, aid)
    assert set(summary.added) == set(rows)
    assert {"shared-key", "act-8.3-1"} <= set(rows)
    shared = rows["shared-key"]
    assert shared.item_ids == ("T-6.4-01", "T-6.5-02") and shared.priority == "P1" and shared.phase == 0
    assert shared.owner_name == "李工" and shared.due_date <= D0 + dt.timedelta(days=30)
    assert svc.plans.regenerate(aid).changed is False


def test_regenerate_keeps_user_edits_and_reports_added_and_dropped(any_services):
    """After answers change, regeneration keeps edited fields, drops closed gaps (not deleted) and adds new ones."""
    svc = any_services
    aid = make_assessment(svc, {"T-6.4-01": Status.NONCONFORM, "T-8.3-01": Status.PARTIAL})
    svc.plans.regenerate(aid)
    rows = by_key(svc, aid)
    shared = rows["shared-key"]
    edited = svc.plans.update(
        shared.id,
        shared.version,
        owner_name="赵六",
        due_date=D0 + dt.timedelta(days=12),
        text_zh="我改过的行动 <b>R&D</b>",
        status="in_progress",
    )
    assert set(edited.edited) == {"owner_name", "due_date", "text_zh", "status"}
    mine = svc.plans.add(aid, "用户自己的行动", "My own action", priority="P1", due_date=D0 + dt.timedelta(days=5))

    # answers change: 8.3 gap closes, 6.5 and 7.6 gaps open (6.5-02 shares the key with 6.4-01)
    svc.assessments.answer(aid, "T-8.3-01", "conform")
    svc.assessments.answer(aid, "T-6.5-02", "partial")
    svc.assessments.answer(aid, "T-7.6-01", "nonconform")
    summary = svc.plans.regenerate(aid)
    assert "act-8.3-1" in summary.dropped
    assert "act-7.6-1" in summary.added
    assert "shared-key" in summary.kept_edits and "shared-key" in summary.updated
    assert summary.user_actions == 1

    rows = by_key(svc, aid)
    s = rows["shared-key"]
    assert s.owner_name == "赵六" and s.due_date == D0 + dt.timedelta(days=12)
    assert s.text_zh == "我改过的行动 <b>R&D</b>" and s.status == "in_progress"
    assert s.item_ids == ("T-6.4-01", "T-6.5-02")  # not edited: refreshed
    assert rows["act-8.3-1"].dropped and not rows["act-8.3-1"].user_deleted
    assert rows[mine.key].text_en == "My own action" and not rows[mine.key].dropped

    # the gap reopens: the dropped action comes back
    svc.assessments.answer(aid, "T-8.3-01", "nonconform")
    assert "act-8.3-1" in svc.plans.regenerate(aid).restored
    assert not by_key(svc, aid)["act-8.3-1"].dropped


def test_deleted_generated_action_stays_deleted(any_services):
    """A generated action the user deleted is not brought back by regeneration; restore undoes it."""
    svc = any_services
    aid = make_assessment(svc, {"T-8.3-01": Status.PARTIAL})
    svc.plans.regenerate(aid)
    row = by_key(svc, aid)["act-8.3-1"]
    svc.plans.delete(row.id, row.version)
    svc.plans.regenerate(aid)
    row = by_key(svc, aid)["act-8.3-1"]
    assert row.dropped and row.user_deleted
    assert "act-8.3-1" not in [a.key for a in svc.plans.plan(aid).actions]
    assert not svc.plans.restore(row.id).dropped


def test_user_action_delete_removes_it(services):
    """Deleting a user-added action removes the row."""
    aid = make_assessment(services, {})
    a = services.plans.add(aid, "临时", "")
    services.plans.delete(a.id, a.version)
    assert all(r.id != a.id for r in services.plans.actions(aid, include_dropped=True))


def test_stale_edit_is_refused(any_services):
    """Editing with an old version raises StaleWriteError and changes nothing."""
    svc = any_services
    aid = make_assessment(svc, {"T-8.3-01": Status.PARTIAL})
    svc.plans.regenerate(aid)
    row = by_key(svc, aid)["act-8.3-1"]
    svc.plans.update(row.id, row.version, owner_name="A")
    with pytest.raises(StaleWriteError):
        svc.plans.update(row.id, row.version, owner_name="B")
    assert svc.plans.get(row.id).owner_name == "A"


def test_invalid_edits_are_rejected(services):
    """Unknown fields, bad priorities and a due date before the start are refused with the field named."""
    aid = make_assessment(services, {"T-8.3-01": Status.PARTIAL})
    services.plans.regenerate(aid)
    row = by_key(services, aid)["act-8.3-1"]
    with pytest.raises(ValidationError, match="priority"):
        services.plans.update(row.id, priority="P9")
    with pytest.raises(ValidationError, match="due_date"):
        services.plans.update(row.id, start_date=D0 + dt.timedelta(days=20), due_date=D0)
    with pytest.raises(ValidationError, match="key"):
        services.plans.update(row.id, key="x")
    with pytest.raises(ValidationError, match="text"):
        services.plans.add(aid, "", " ")


def test_plan_dto_has_schedule_and_is_generated_on_first_read(services):
    """plan() generates a missing plan and returns milestones G1–G10 and the training plan."""
    aid = make_assessment(services, {"T-6.4-02": Status.NONCONFORM, "T-8.8-01": Status.PARTIAL})
    plan = services.plans.plan(aid)
    assert plan.actions and not plan.dropped
    sched = plan.schedule
    assert [m.id for m in sched.milestones][:1] == ["G1"] and len(sched.milestones) == 10
    assert sched.application_date > D0
    assert any(t.theme == "quality_control" for t in sched.training)

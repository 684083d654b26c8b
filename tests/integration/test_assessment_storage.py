"""Assessments on a real database (SQLite file and PostgreSQL): durable answers, history, versions."""

from __future__ import annotations

import pytest

from app.assessment.model import LabProfile, Status
from app.services.errors import ValidationError
from app.storage.errors import StaleWriteError

pytestmark = pytest.mark.integration


def _lab_and_assessment(svc):
    lab = svc.labs.add(LabProfile(name="测试实验室 R&D", test_fields=("appliance_safety",)))
    a = svc.assessments.create(lab.id, ["mini-cl01"], assessor="张三")
    return lab, a


def test_answer_is_saved_with_history(any_services):
    """An answer is stored, and every change is kept with old -> new, who and when."""
    _lab, a = _lab_and_assessment(any_services)
    any_services.assessments.answer(a.id, "T-6.4-01", "partial", note="first", by="alice")
    dto = any_services.assessments.answer(a.id, "T-6.4-01", "不符合", note="second", by="bob")
    assert dto.status is Status.NONCONFORM and dto.version == 2
    hist = any_services.assessments.history(a.id, "T-6.4-01")
    assert [(h.old_status, h.new_status, h.changed_by) for h in hist] == [
        (None, "partial", "alice"),
        ("partial", "nonconform", "bob"),
    ]
    assert hist[1].old_note == "first" and hist[1].new_note == "second"


def test_stale_edit_is_refused_not_overwritten(any_services):
    """An edit made against an old version raises StaleWriteError and leaves the newer answer intact."""
    _lab, a = _lab_and_assessment(any_services)
    v1 = any_services.assessments.answer(a.id, "T-4.1-01", "conform", by="alice")
    any_services.assessments.answer(a.id, "T-4.1-01", "partial", by="bob", expected_version=v1.version)
    with pytest.raises(StaleWriteError):
        any_services.assessments.answer(a.id, "T-4.1-01", "nonconform", by="carol", expected_version=v1.version)
    assert any_services.assessments.answers(a.id)["T-4.1-01"].status is Status.PARTIAL


def test_na_needs_reason_and_permission(any_services):
    """N/A without a reason, or on an item that forbids N/A, is refused with the field named."""
    _lab, a = _lab_and_assessment(any_services)
    with pytest.raises(ValidationError, match="na_reason"):
        any_services.assessments.answer(a.id, "T-4.1-02", "na")
    with pytest.raises(ValidationError, match="does not allow"):
        any_services.assessments.answer(a.id, "T-4.1-01", "na", na_reason="x")
    any_services.assessments.answer(a.id, "T-4.1-02", "不适用", na_reason="不开展此活动")
    assert any_services.assessments.answers(a.id)["T-4.1-02"].na_reason == "不开展此活动"


def test_bulk_answers_are_all_or_nothing(any_services):
    """A bulk import with one bad row saves nothing."""
    from app.services.assessments import AnswerChange

    _lab, a = _lab_and_assessment(any_services)
    good = AnswerChange("T-4.1-01", Status.CONFORM)
    bad = AnswerChange("NO-SUCH-ITEM", Status.CONFORM)
    with pytest.raises(ValidationError, match="NO-SUCH-ITEM"):
        any_services.assessments.answer_many(a.id, [good, bad])
    assert any_services.assessments.answers(a.id) == {}
    assert any_services.assessments.answer_many(a.id, [good]).applied == 1


def test_assessment_keeps_its_checklist_version(any_services, mini_catalog):
    """A newer checklist version never changes an existing assessment's items."""
    _lab, a = _lab_and_assessment(any_services)
    path = mini_catalog.user_dir / "mini-cl01.yaml"
    text = path.read_text(encoding="utf-8").replace("version: '1'", "version: '2'").replace("测试问题 4.1-1", "新问题")
    path.write_text(text, encoding="utf-8")
    mini_catalog._packs = None
    assert mini_catalog.get("mini-cl01").version == "2"
    packs = any_services.assessments.packs(a.id)
    assert packs[0].version == "1" and packs[0].item("T-4.1-01").text.zh == "测试问题 4.1-1"
    any_services.assessments._packs_cache.clear()
    assert any_services.assessments.packs(a.id)[0].item("T-4.1-01").text.zh == "测试问题 4.1-1"


def test_huge_and_hostile_note_round_trips(any_services):
    """Markup, emoji, line breaks and a 50,000-character note are stored exactly."""
    _lab, a = _lab_and_assessment(any_services)
    note = "<b>R&D</b> & 'x' \"y\" 😀\n第二行\r\n" + "长" * 50_000
    any_services.assessments.answer(a.id, "T-7.5-01", "partial", note=note)
    assert any_services.assessments.answers(a.id)["T-7.5-01"].note == note
    with pytest.raises(ValidationError, match="note"):
        any_services.assessments.answer(a.id, "T-7.5-01", "partial", note="x" * 100_001)

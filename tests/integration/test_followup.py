"""Follow-up re-checks: carried answers to re-verify, outcomes, closing actions, comparison and its PDF."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from app.assessment.model import LabProfile, Status
from app.services.errors import ValidationError
from app.storage.errors import StaleWriteError
from app.storage.orm import PlanAction

pytestmark = pytest.mark.integration

D0 = dt.date(2026, 3, 1)


def _first(svc):
    lab = svc.labs.add(LabProfile(name="复查实验室", test_fields=("appliance_safety",)))
    a = svc.assessments.create(lab.id, ["mini-cl01"], assessor="张", assessed_on=D0)
    for item, status in (
        ("T-6.4-01", "nonconform"),
        ("T-6.4-02", "partial"),
        ("T-7.2-01", "partial"),
        ("T-4.1-01", "conform"),
        ("T-8.8-01", "partial"),
    ):
        svc.assessments.answer(a.id, item, status, note=f"before {item}", by="张")
    with svc.db.transaction() as s:
        s.add(
            PlanAction(
                assessment_id=a.id,
                key="ic",
                text_zh="建立期间核查程序",
                text_en="Set up intermediate checks",
                item_ids=["T-6.4-01"],
                due_date=D0 + dt.timedelta(days=30),
                owner_name="黄伟",
            )
        )
        s.add(
            PlanAction(
                assessment_id=a.id,
                key="mv",
                text_zh="方法验证",
                text_en="Method verification",
                item_ids=["T-7.2-01"],
                due_date=D0 + dt.timedelta(days=400),
            )
        )
    return lab, a


def test_followup_carries_answers_marked_to_reverify(any_services):
    """A follow-up copies every answer (same checklist snapshot), marked 'to re-verify', with follows_id set."""
    _lab, a = _first(any_services)
    f = any_services.followups.start_followup(a.id, assessor="李", date=D0 + dt.timedelta(days=90))
    assert f.follows_id == a.id and f.lab_id == a.lab_id and f.assessor == "李"
    carried = any_services.assessments.answers(f.id)
    assert set(carried) == set(any_services.assessments.answers(a.id))
    assert all(x.reverify for x in carried.values())
    assert carried["T-6.4-01"].status is Status.NONCONFORM and carried["T-6.4-01"].note == "before T-6.4-01"
    assert any_services.assessments.packs(f.id) == any_services.assessments.packs(a.id)
    assert any_services.assessments.history(f.id, "T-6.4-01")[0].changed_by == f"carried over from #{a.id}"
    assert any_services.assessments.answers(a.id)["T-6.4-01"].reverify is False  # the original is untouched


def test_answering_or_confirming_clears_reverify(any_services):
    """Changing an answer clears the mark; confirm clears it without changing status or note."""
    _lab, a = _first(any_services)
    f = any_services.followups.start_followup(a.id, date=D0 + dt.timedelta(days=90))
    any_services.assessments.answer(f.id, "T-6.4-01", "conform", note="记录齐全", by="李")
    v = any_services.assessments.answers(f.id)["T-4.1-01"].version
    c = any_services.assessments.confirm(f.id, "T-4.1-01", by="李", expected_version=v)
    assert c.reverify is False and c.status is Status.CONFORM and c.note == "before T-4.1-01" and c.version == v + 1
    with pytest.raises(StaleWriteError):
        any_services.assessments.confirm(f.id, "T-7.2-01", expected_version=99)
    pending = any_services.followups.pending(f.id)
    assert "T-6.4-01" not in pending and "T-4.1-01" not in pending and "T-7.2-01" in pending


def test_outcomes_closed_open_regressed_new(any_services):
    """Each item is classified closed / still open / regressed / new gap against the assessment it follows."""
    _lab, a = _first(any_services)
    f = any_services.followups.start_followup(a.id, date=D0 + dt.timedelta(days=90))
    any_services.assessments.answer(f.id, "T-6.4-01", "conform", by="李")  # closed
    any_services.assessments.answer(f.id, "T-4.1-01", "partial", by="李")  # was conform: regressed
    any_services.assessments.answer(f.id, "T-6.4-02", "nonconform", by="李")  # partial -> nonconform: regressed
    any_services.assessments.answer(f.id, "T-8.9-01", "nonconform", by="李")  # never answered: new gap
    any_services.assessments.confirm(f.id, "T-7.2-01")  # still open (confirmed)
    out = {o.item_id: o for o in any_services.followups.outcomes(f.id)}
    assert out["T-6.4-01"].outcome == "closed"
    assert out["T-4.1-01"].outcome == "regressed" and out["T-6.4-02"].outcome == "regressed"
    assert out["T-8.9-01"].outcome == "new_gap"
    assert out["T-7.2-01"].outcome == "still_open" and not out["T-7.2-01"].pending
    assert out["T-8.8-01"].outcome == "still_open" and out["T-8.8-01"].pending  # carried, not re-checked


def test_close_action_needs_evidence_effectiveness_and_verifier(any_services):
    """An action closes only with evidence of closure, an effectiveness check and who verified it."""
    _lab, a = _first(any_services)
    with any_services.db.transaction() as s:
        action_id = s.scalar(select(PlanAction.id).where(PlanAction.key == "ic"))
    with pytest.raises(ValidationError, match="effectiveness"):
        any_services.followups.close_action(action_id, closure_note="程序已发布", effectiveness=" ", verified_by="李工")
    any_services.followups.close_action(
        action_id,
        closure_note="QP-6.4-02 期间核查程序已发布，3 台设备已核查",
        effectiveness="抽查 2 份核查记录，结果可追溯",
        verified_by="李工",
        verified_on=D0 + dt.timedelta(days=60),
    )
    with any_services.db.transaction() as s:
        row = s.get(PlanAction, action_id)
        assert (row.status, row.verified_by, row.verified_on) == ("verified", "李工", D0 + dt.timedelta(days=60))
        assert row.closure_note.startswith("QP-6.4-02") and row.effectiveness.startswith("抽查")


def test_compare_deltas_gaps_and_overdue_actions(any_services, tmp_path):
    """compare gives clause deltas, closed/remaining/new gaps and overdue actions; the PDF is written."""
    _lab, a = _first(any_services)
    f = any_services.followups.start_followup(a.id, date=D0 + dt.timedelta(days=90))
    any_services.assessments.answer(f.id, "T-6.4-01", "conform", by="李")
    any_services.assessments.answer(f.id, "T-6.4-02", "conform", by="李")
    any_services.assessments.answer(f.id, "T-8.9-01", "nonconform", by="李")
    c = any_services.followups.compare(f.id, a.id, as_of=D0 + dt.timedelta(days=90))  # order does not matter
    assert c.before.id == a.id and c.after.id == f.id
    d64 = next(d for d in c.clauses if d.clause == "6.4")
    assert d64.before < 50.0 and d64.after == 100.0 and d64.delta == round(100.0 - d64.before, 1)
    assert {o.item_id for o in c.of("closed")} == {"T-6.4-01", "T-6.4-02"}
    assert {o.item_id for o in c.of("still_open")} == {"T-7.2-01", "T-8.8-01"}
    assert [o.item_id for o in c.of("new_gap")] == ["T-8.9-01"]
    assert [x.text.zh for x in c.overdue] == ["建立期间核查程序"] and c.overdue[0].days_overdue == 60
    assert c.readiness_delta is not None and c.readiness_delta > 0
    from app.report.followup_pdf import write_followup_pdf

    for lang in ("zh", "en"):
        out = write_followup_pdf(c, tmp_path / f"fu-{lang}.pdf", lang)
        from pypdf import PdfReader

        text = "".join(page.extract_text() for page in PdfReader(out).pages)
        assert ("跟踪复查报告" if lang == "zh" else "Follow-up report") in text
        assert "T-8.9-01" in text and ("建立期间核查程序" if lang == "zh" else "Set up intermediate checks") in text


def test_compare_refuses_two_labs_and_followup_before_original(any_services):
    """Comparing assessments of two labs, or dating a follow-up before its original, is refused."""
    _lab, a = _first(any_services)
    other = any_services.labs.add(LabProfile(name="另一实验室"))
    b = any_services.assessments.create(other.id, ["mini-cl01"])
    with pytest.raises(ValidationError, match="different labs"):
        any_services.followups.compare(a.id, b.id)
    with pytest.raises(ValidationError, match="before"):
        any_services.followups.start_followup(a.id, date=D0 - dt.timedelta(days=1))


def test_cli_followup_and_compare(services, tmp_path, capsys, monkeypatch):
    """`labassess followup ID` prints the new id; `compare A B --json` reports outcome counts."""
    import json

    from app.cli.main import main

    _lab, a = _first(services)
    db = str(services.db.path)
    monkeypatch.setattr("app.bootstrap.Catalog", lambda *_a, **_k: services.catalog)
    assert main(["--db", db, "followup", str(a.id), "--assessor", "李", "--date", "2026-06-01"]) == 0
    new_id = int(capsys.readouterr().out.strip())
    assert main(["--db", db, "assessment", "answer", str(new_id), "T-6.4-01", "conform"]) == 0
    assert main(["--db", db, "confirm", str(new_id), "T-7.2-01"]) == 0
    capsys.readouterr()
    assert main(["--db", db, "compare", str(a.id), str(new_id), "--json", "--out", str(tmp_path / "c.pdf")]) == 0
    data = json.loads(capsys.readouterr().out.split("wrote")[0])
    assert data["counts"]["closed"] == 1 and data["after"]["id"] == new_id and (tmp_path / "c.pdf").exists()

"""Portable lab files (.labx): export, import into another database, merge, anonymise (SQLite + PostgreSQL)."""

from __future__ import annotations

import json
import zipfile

import pytest
from sqlalchemy import func, select

from app.assessment.model import LabProfile, Status
from app.services.labfile import LabFileError
from app.services.merge import MergeConflictError
from app.storage.orm import Answer, AnswerHistory, Assessment, Evidence, Lab, PlanAction

pytestmark = pytest.mark.integration


@pytest.fixture
def other(home, mini_catalog):
    """A second, empty SQLite database (another consultant's laptop)."""
    from app.bootstrap import open_services

    svc = open_services(f"sqlite:///{home / 'other.sqlite'}", catalog=mini_catalog)
    yield svc
    svc.close()


def _setup(svc, name="明辉照明检测中心 R&D"):
    lab = svc.labs.add(
        LabProfile(
            name=name,
            industry="lighting",
            size="small",
            staff_count=18,
            test_fields=("luminaire_safety",),
            staff={"quality_manager": "王敏"},
        ),
        notes="联系人 王敏 138xxxx",
    )
    a = svc.assessments.create(lab.id, ["mini-cl01"], assessor="张顾问", title="首次诊断")
    svc.assessments.answer(a.id, "T-6.4-01", "nonconform", note="无期间核查记录", by="zhang")
    svc.assessments.answer(a.id, "T-6.4-01", "partial", note="有计划无记录", by="zhang")
    svc.assessments.answer(a.id, "T-7.2-01", "partial", note="GB 7000.1 换版未验证", by="zhang")
    svc.assessments.answer(a.id, "T-4.1-01", "conform", by="zhang")
    svc.assessments.answer(a.id, "T-4.1-02", "na", na_reason="不开展此活动", by="zhang")
    svc.evidence.add_bytes(a.id, "T-6.4-01", "期间核查计划.pdf", b"%PDF-1.4 plan " * 100, by="zhang")
    with svc.db.transaction() as s:
        s.add(
            PlanAction(
                assessment_id=a.id,
                key="act-6.4-1",
                text_zh="建立期间核查程序",
                text_en="Set up intermediate checks",
                item_ids=["T-6.4-01"],
                clauses=["6.4"],
                owner_name="黄伟",
                training_theme="quality_control",
            )
        )
    return lab, a


def _count(svc, model):
    with svc.db.transaction() as s:
        return s.scalar(select(func.count()).select_from(model))


def test_export_import_round_trip_into_another_database(any_services, other, tmp_path):
    """A lab file carries lab, answers with history, plan, evidence and checklist; another database imports it whole."""
    lab, a = _setup(any_services)
    out = tmp_path / "lab.labx"
    res = any_services.labfiles.export(a.id, out)
    assert res.evidence_files == 1 and out.exists()
    with zipfile.ZipFile(out) as zf:
        manifest = json.loads(zf.read("manifest.json"))
        names = set(zf.namelist())
    assert manifest["schema_version"] == "0002" or manifest["schema_version"].isdigit()
    assert set(manifest["parts"]) | {"manifest.json"} == names
    imported = other.labfiles.import_file(out)
    assert (
        imported.created
        and imported.answers_added == 4
        and imported.evidence_added == 1
        and imported.actions_added == 1
    )
    answers = other.assessments.answers(imported.assessment_id)
    assert answers["T-6.4-01"].status is Status.PARTIAL and answers["T-6.4-01"].note == "有计划无记录"
    assert answers["T-4.1-02"].na_reason == "不开展此活动"
    hist = other.assessments.history(imported.assessment_id, "T-6.4-01")
    assert [(h.old_status, h.new_status) for h in hist] == [(None, "nonconform"), ("nonconform", "partial")]
    assert other.labs.get(imported.lab_id).uid == lab.uid and other.labs.get(imported.lab_id).notes.startswith("联系人")
    ev = other.evidence.list(imported.assessment_id)
    assert ev[0].original_name == "期间核查计划.pdf" and other.evidence.read(ev[0].id) == b"%PDF-1.4 plan " * 100
    assert other.assessments.packs(imported.assessment_id)[0].item("T-4.1-01").text.zh == "测试问题 4.1-1"
    # importing the same file again changes nothing
    again = other.labfiles.import_file(out)
    assert not again.created and again.answers_added == again.answers_updated == 0
    assert _count(other, Answer) == 4 and _count(other, AnswerHistory) == 5 and _count(other, Evidence) == 1


def test_one_sided_changes_are_merged_both_ways(any_services, other, tmp_path):
    """Changes made on one copy are taken on import; local-only changes are kept; nothing conflicts."""
    _lab, a = _setup(any_services)
    f1 = tmp_path / "v1.labx"
    any_services.labfiles.export(a.id, f1)
    theirs = other.labfiles.import_file(f1).assessment_id
    # the other consultant changes 6.4 and answers a new item; we change 7.2 locally
    other.assessments.answer(theirs, "T-6.4-01", "conform", note="记录已补齐", by="li")
    other.assessments.answer(theirs, "T-8.8-01", "nonconform", note="内审未覆盖技术要素", by="li")
    any_services.assessments.answer(a.id, "T-7.2-01", "conform", note="已验证", by="zhang")
    f2 = tmp_path / "v2.labx"
    other.labfiles.export(theirs, f2)
    res = any_services.labfiles.import_file(f2)
    assert not res.created and res.answers_added == 1 and res.answers_updated == 1 and res.conflicts_resolved == ()
    ans = any_services.assessments.answers(a.id)
    assert ans["T-6.4-01"].status is Status.CONFORM and ans["T-6.4-01"].note == "记录已补齐"
    assert ans["T-8.8-01"].status is Status.NONCONFORM
    assert ans["T-7.2-01"].status is Status.CONFORM and ans["T-7.2-01"].note == "已验证"  # ours kept
    hist = any_services.assessments.history(a.id, "T-6.4-01")
    assert hist[-1].changed_by == "li" and hist[-1].new_status == "conform"
    # and back: the other side takes our 7.2 change without conflict
    f3 = tmp_path / "v3.labx"
    any_services.labfiles.export(a.id, f3)
    res = other.labfiles.import_file(f3)
    assert res.answers_updated == 1 and other.assessments.answers(theirs)["T-7.2-01"].note == "已验证"


def test_conflicts_are_listed_and_nothing_changes_under_ask(any_services, other, tmp_path):
    """Both copies changed the same answer: 'ask' lists the conflict and changes nothing; policies resolve it."""
    _lab, a = _setup(any_services)
    f1 = tmp_path / "v1.labx"
    any_services.labfiles.export(a.id, f1)
    theirs = other.labfiles.import_file(f1).assessment_id
    other.assessments.answer(theirs, "T-6.4-01", "conform", note="theirs", by="li")
    other.assessments.answer(theirs, "T-8.8-01", "partial", by="li")  # one-sided, would be taken
    any_services.assessments.answer(a.id, "T-6.4-01", "nonconform", note="mine", by="zhang")
    f2 = tmp_path / "v2.labx"
    other.labfiles.export(theirs, f2)
    before = any_services.assessments.answers(a.id)
    with pytest.raises(MergeConflictError) as err:
        any_services.labfiles.import_file(f2)
    assert [c.ref for c in err.value.conflicts] == ["answer:T-6.4-01"]
    assert "nothing was imported" in str(err.value)
    assert any_services.assessments.answers(a.id) == before  # not even the one-sided change
    assert any_services.labfiles.conflicts(f2)[0].theirs.startswith("conform")
    res = any_services.labfiles.import_file(f2, on_conflict="mine")
    assert any_services.assessments.answers(a.id)["T-6.4-01"].note == "mine"
    assert any_services.assessments.answers(a.id)["T-8.8-01"].status is Status.PARTIAL
    assert [c.ref for c in res.conflicts_resolved] == ["answer:T-6.4-01"]


def test_conflict_resolved_theirs_newest_and_per_item(any_services, other, tmp_path):
    """'theirs' and 'newest' take the newer imported answer and keep the replaced one in the history."""
    _lab, a = _setup(any_services)
    f1 = tmp_path / "v1.labx"
    any_services.labfiles.export(a.id, f1)
    theirs = other.labfiles.import_file(f1).assessment_id
    any_services.assessments.answer(a.id, "T-6.4-01", "nonconform", note="mine", by="zhang")
    other.assessments.answer(theirs, "T-6.4-01", "conform", note="theirs (newer)", by="li")
    f2 = tmp_path / "v2.labx"
    other.labfiles.export(theirs, f2)
    res = any_services.labfiles.import_file(f2, resolutions={"answer:T-6.4-01": "theirs"})
    assert res.answers_updated == 1
    assert any_services.assessments.answers(a.id)["T-6.4-01"].note == "theirs (newer)"
    hist = any_services.assessments.history(a.id, "T-6.4-01")
    assert [h.new_note for h in hist][-3:] == ["mine", "theirs (newer)", "theirs (newer)"]
    assert hist[-1].old_note == "mine"  # the replacement of our answer is recorded


def test_newest_policy_keeps_the_later_edit(any_services, other, tmp_path):
    """'newest' keeps whichever side was edited last."""
    _lab, a = _setup(any_services)
    f1 = tmp_path / "v1.labx"
    any_services.labfiles.export(a.id, f1)
    theirs = other.labfiles.import_file(f1).assessment_id
    other.assessments.answer(theirs, "T-6.4-01", "conform", note="theirs (older)", by="li")
    any_services.assessments.answer(a.id, "T-6.4-01", "nonconform", note="mine (newer)", by="zhang")
    f2 = tmp_path / "v2.labx"
    other.labfiles.export(theirs, f2)
    any_services.labfiles.import_file(f2, on_conflict="newest")
    assert any_services.assessments.answers(a.id)["T-6.4-01"].note == "mine (newer)"


def test_plan_action_and_lab_profile_changes_on_both_sides_are_conflicts(any_services, other, tmp_path):
    """A plan action or lab profile that differs is a conflict (never silently overwritten)."""
    lab, a = _setup(any_services)
    f1 = tmp_path / "v1.labx"
    any_services.labfiles.export(a.id, f1)
    res = other.labfiles.import_file(f1)
    with other.db.transaction() as s:
        p = s.scalar(select(PlanAction).where(PlanAction.assessment_id == res.assessment_id))
        p.status, p.closure_note, p.verified_by = "closed", "程序已发布", "李工"
    other.labs.change(res.lab_id, staff_count=20)
    f2 = tmp_path / "v2.labx"
    other.labfiles.export(res.assessment_id, f2)
    with pytest.raises(MergeConflictError) as err:
        any_services.labfiles.import_file(f2)
    assert {c.kind for c in err.value.conflicts} == {"plan_action", "lab"}
    any_services.labfiles.import_file(f2, on_conflict="theirs")
    with any_services.db.transaction() as s:
        p = s.scalar(select(PlanAction).where(PlanAction.assessment_id == a.id))
        assert (p.status, p.closure_note, p.verified_by) == ("closed", "程序已发布", "李工")
    assert any_services.labs.get(lab.id).profile.staff_count == 20


def test_anonymised_export_strips_identity_and_free_text(any_services, other, tmp_path):
    """The anonymised file has no lab name, notes, people or evidence; industry, size and fields are kept."""
    lab, a = _setup(any_services)
    out = tmp_path / "anon.labx"
    res = any_services.labfiles.export(a.id, out, anonymise=True)
    assert res.anonymised and res.evidence_files == 0
    with zipfile.ZipFile(out) as zf:
        blob = b"".join(zf.read(n) for n in zf.namelist() if not n.startswith("checklists/"))
    for secret in (
        "明辉",
        "王敏",
        "张顾问",
        "zhang",
        "无期间核查记录",
        "不开展此活动",
        "黄伟",
        "首次诊断",
        lab.uid,
        a.uid,
    ):
        assert secret.encode() not in blob, secret
    imp = other.labfiles.import_file(out)
    prof = other.labs.get(imp.lab_id).profile
    assert (prof.industry, prof.size, prof.test_fields) == ("lighting", "small", ("luminaire_safety",))
    assert prof.staff == {} and prof.staff_count is None and "匿名" in prof.name
    assert other.assessments.answers(imp.assessment_id)["T-6.4-01"].status is Status.PARTIAL
    assert other.assessments.answers(imp.assessment_id)["T-6.4-01"].note == ""
    # the same lab exported twice anonymously stays one (pseudonymous) lab
    any_services.labfiles.export(a.id, tmp_path / "anon2.labx", anonymise=True)
    assert other.labfiles.import_file(tmp_path / "anon2.labx").lab_id == imp.lab_id


def test_import_reports_progress_and_is_one_transaction(any_services, other, tmp_path):
    """Progress goes from 0 to 1; a failure half-way (a conflict) leaves the database exactly as it was."""
    _lab, a = _setup(any_services)
    out = tmp_path / "lab.labx"
    any_services.labfiles.export(a.id, out)
    seen = []
    other.labfiles.import_file(out, progress=lambda f, m: seen.append(f))
    assert seen[-1] == 1.0 and seen == sorted(seen)
    counts = [_count(other, m) for m in (Lab, Assessment, Answer, AnswerHistory, Evidence, PlanAction)]
    with pytest.raises(LabFileError, match="unknown conflict policy"):
        other.labfiles.import_file(out, on_conflict="whatever")
    assert [_count(other, m) for m in (Lab, Assessment, Answer, AnswerHistory, Evidence, PlanAction)] == counts


def test_reimport_into_the_source_database_is_a_no_op(any_services, tmp_path):
    """Importing a file back into the database it came from changes nothing (same uids, same history)."""
    _lab, a = _setup(any_services)
    out = tmp_path / "lab.labx"
    any_services.labfiles.export(a.id, out)
    before = any_services.assessments.answers(a.id)
    res = any_services.labfiles.import_file(out)
    assert not res.created and res.assessment_id == a.id and res.answers_updated == 0
    assert any_services.assessments.answers(a.id) == before


def _close_reopen_close(svc, action_id):
    svc.followups.close_action(action_id, closure_note="程序已发布 v1", effectiveness="抽查3份", verified_by="王敏")
    svc.plans.update(action_id, status="in_progress", by="李工")
    return svc.followups.close_action(
        action_id, closure_note="程序修订 v2", effectiveness="抽查5份", verified_by="黄伟"
    )


def test_closure_history_travels_in_lab_files_and_reimports_cleanly(any_services, other, tmp_path):
    """Earlier closures of a reopened action survive export/import; the same file again is a no-op."""
    _lab, a = _setup(any_services)
    action = any_services.plans.actions(a.id)[0]
    closed = _close_reopen_close(any_services, action.id)
    assert [e.event for e in closed.closure_history] == ["closed", "reopened", "closed"]
    out = tmp_path / "lab.labx"
    any_services.labfiles.export(a.id, out)
    imported = other.labfiles.import_file(out)
    theirs = next(x for x in other.plans.actions(imported.assessment_id) if x.uid == action.uid)
    assert theirs.closure_history == closed.closure_history
    assert theirs.times_reopened == 1 and theirs.closure_history[0].verified_by == "王敏"
    assert theirs.closure_history[1].by == "李工"  # who reopened it travels too
    again = other.labfiles.import_file(out, on_conflict="ask")  # unchanged: nothing to merge or ask
    assert not again.created
    back = any_services.labfiles.import_file(out, on_conflict="ask")
    assert back.assessment_id == a.id


def test_anonymised_lab_files_keep_only_the_count_of_closures(any_services, other, tmp_path):
    _lab, a = _setup(any_services)
    _close_reopen_close(any_services, any_services.plans.actions(a.id)[0].id)
    out = tmp_path / "anon.labx"
    any_services.labfiles.export(a.id, out, anonymise=True)
    with zipfile.ZipFile(out) as zf:
        plan = zf.read("plan.json")
    for secret in ("王敏", "黄伟", "李工", "程序已发布", "抽查3份"):
        assert secret.encode() not in plan, secret
    imp = other.labfiles.import_file(out)
    (act,) = other.plans.actions(imp.assessment_id)
    assert [e.event for e in act.closure_history] == ["closed", "reopened", "closed"]
    assert all(e.on is None and not e.verified_by and not e.by for e in act.closure_history)


@pytest.mark.parametrize(
    "history",
    [
        "not a list",
        [{"event": "exploded", "on": "2026-01-01"}],
        [{"event": "closed", "on": "yesterday"}],
        [{"event": "closed", "on": "2026-01-01", "verified_by": {"nested": 1}}],
        [{"event": "closed", "on": "2026-01-01", "secret_extra_key": "x"}],
    ],
)
def test_a_malformed_closure_history_refuses_the_file(any_services, other, tmp_path, history):
    import hashlib

    _lab, a = _setup(any_services)
    out = tmp_path / "lab.labx"
    any_services.labfiles.export(a.id, out)
    with zipfile.ZipFile(out) as zf:
        entries = {n: zf.read(n) for n in zf.namelist()}
    plan = json.loads(entries["plan.json"])
    plan[0]["closure_history"] = history
    entries["plan.json"] = json.dumps(plan).encode()
    manifest = json.loads(entries["manifest.json"])
    manifest["parts"]["plan.json"] = {
        "sha256": hashlib.sha256(entries["plan.json"]).hexdigest(),
        "size": len(entries["plan.json"]),
    }
    entries["manifest.json"] = json.dumps(manifest).encode()
    bad = tmp_path / "bad.labx"
    with zipfile.ZipFile(bad, "w", zipfile.ZIP_DEFLATED) as zf:
        for n, b in entries.items():
            zf.writestr(n, b)
    before = _count(other, PlanAction)
    with pytest.raises(LabFileError, match="closure.history") as err:
        other.labfiles.import_file(bad)
    assert "Nothing was changed" in str(err.value)
    assert _count(other, PlanAction) == before

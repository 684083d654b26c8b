"""File → Export lab file (.labx) / Import lab file: background runs, merge dialog, hostile files."""

from __future__ import annotations

import zipfile

import pytest
from PySide6.QtWidgets import QDialog, QFileDialog

from app.assessment.model import LabProfile, Status

pytestmark = pytest.mark.ui


@pytest.fixture
def other_services(home, mini_catalog):
    """A second database (another consultant's laptop)."""
    from app.bootstrap import open_services

    svc = open_services(f"sqlite:///{home / 'other.sqlite'}", catalog=mini_catalog)
    yield svc
    svc.close()


def _choose_file(monkeypatch, path):
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(path), ""))


def test_export_lab_file_with_anonymised_checkbox(window, services, assessment, monkeypatch, messages, tmp_path, qtbot):
    """The export dialog's file and "anonymised" box are honoured; the file is written in the background."""
    from app.ui.labfile_ui import LabFileExportDialog

    window.session.answer("T-6.4-01", Status.PARTIAL, note="secret note")
    out = tmp_path / "out" / "anon"
    seen = {}

    def fill(dlg):
        seen["suggested"] = dlg.path.text()
        dlg.anonymise.setChecked(True)
        seen["anon_suggested"] = dlg.path.text()
        dlg.path.setText(str(out))
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(LabFileExportDialog, "exec", fill)
    assert window.actions["export_labfile"].isEnabled()
    window.actions["export_labfile"].trigger()
    qtbot.waitUntil(lambda: bool(messages), timeout=10_000)
    assert seen["suggested"].endswith(".labx") and seen["anon_suggested"].endswith("-anon.labx")
    written = out.with_name("anon.labx")
    assert messages[-1][0] == "实验室文件已导出" and str(written) in messages[-1][1]
    lf = services.labfiles.read(written)
    try:
        assert lf.manifest["anonymised"] is True
        assert "测试实验室" not in str(lf.lab) and "secret note" not in str(lf.answers)
        assert any(a["item_id"] == "T-6.4-01" and a["status"] == "partial" for a in lf.answers)
    finally:
        lf.close()


def test_import_new_lab_file_refreshes_navigator_and_opens_it(
    window, services, other_services, monkeypatch, messages, tmp_path, qtbot
):
    """Importing another database's lab file adds its lab to the navigator and opens its assessment."""
    lab = other_services.labs.add(LabProfile(name="外来实验室", test_fields=("appliance_safety",)))
    a = other_services.assessments.create(lab.id, ["mini-cl01"], title="Imported")
    other_services.assessments.answer(a.id, "T-6.4-01", "nonconform", by="remote")
    path = tmp_path / "remote.labx"
    other_services.labfiles.export(a.id, path)
    assert len(window.nav_model.labs()) == 1
    _choose_file(monkeypatch, path)
    window.actions["import_labfile"].trigger()
    qtbot.waitUntil(lambda: bool(messages), timeout=10_000)
    assert messages[-1][0] == "实验室文件已导入" and "外来实验室" in messages[-1][1]
    assert {x.name for x in window.nav_model.labs()} == {"测试实验室", "外来实验室"}
    assert window.session.view.lab.name == "外来实验室"
    assert window.session.status_of("T-6.4-01") is Status.NONCONFORM
    assert window.nav.currentIndex().data().startswith("Imported · ")


def test_import_conflict_goes_through_the_merge_dialog(
    window, services, assessment, other_services, monkeypatch, messages, tmp_path, qtbot
):
    """Both sides changed an answer: cancel imports nothing; choosing "theirs" merges and reloads the view."""
    from app.ui import merge_dialog

    window.session.answer("T-6.4-01", Status.PARTIAL)
    services.labfiles.export(assessment.id, tmp_path / "v1.labx")
    theirs = other_services.labfiles.import_file(tmp_path / "v1.labx").assessment_id
    other_services.assessments.answer(theirs, "T-6.4-01", "conform", note="theirs", by="y")
    other_services.labfiles.export(theirs, tmp_path / "v2.labx")
    window.session.answer("T-6.4-01", Status.NONCONFORM, note="mine")
    shown = []

    def cancel(dlg):
        shown.append([c.key for c in dlg.conflicts])
        return QDialog.DialogCode.Rejected

    monkeypatch.setattr(merge_dialog.MergeDialog, "exec", cancel)
    job = window.import_labfile(tmp_path / "v2.labx")
    with qtbot.waitSignal(job.cancelled, timeout=10_000):
        pass
    assert shown == [["T-6.4-01"]] and not messages
    assert services.assessments.answers(assessment.id)["T-6.4-01"].note == "mine"

    def take_theirs(dlg):
        dlg.choose_all("theirs")
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(merge_dialog.MergeDialog, "exec", take_theirs)
    _choose_file(monkeypatch, tmp_path / "v2.labx")
    window.actions["import_labfile"].trigger()
    qtbot.waitUntil(lambda: bool(messages), timeout=10_000)
    assert messages[-1][0] == "实验室文件已导入" and "冲突 1" in messages[-1][1]
    assert window.session.assessment_id == assessment.id
    assert window.session.answer_of("T-6.4-01").note == "theirs"
    assert window.session.status_of("T-6.4-01") is Status.CONFORM


def test_hostile_lab_file_is_refused_with_a_dialog_naming_the_problem(
    window, services, monkeypatch, messages, tmp_path, qtbot
):
    """A zip with a path escaping the target is refused; the dialog names the file and the problem."""
    bad = tmp_path / "evil.labx"
    with zipfile.ZipFile(bad, "w") as zf:
        zf.writestr("manifest.json", "{}")
        zf.writestr("../../etc/evil.txt", "x")
    before = len(services.assessments.list(with_scores=False))
    job = window.import_labfile(bad)
    with qtbot.waitSignal(job.failed, timeout=10_000):
        pass
    title, text = messages[-1]
    assert title == "无法导入实验室文件"
    assert "evil.labx" in text and "../" in text and "没有任何更改" in text
    assert len(services.assessments.list(with_scores=False)) == before


def test_import_reports_progress_from_the_service(window, services, other_services, tmp_path, qtbot):
    """The progress dialog follows the service's progress callback up to the end."""
    lab = other_services.labs.add(LabProfile(name="证据实验室", test_fields=("appliance_safety",)))
    a = other_services.assessments.create(lab.id, ["mini-cl01"])
    for i in range(5):
        f = tmp_path / f"photo{i}.jpg"
        f.write_bytes(bytes([i]) * 50_000)
        other_services.evidence.add(a.id, "T-6.4-01", f, by="x")
    path = tmp_path / "evidence.labx"
    other_services.labfiles.export(a.id, path)
    job = window.import_labfile(path)
    values: list[int] = []
    job.task.progressed.connect(lambda v, _m: values.append(v))
    with qtbot.waitSignal(job.imported, timeout=10_000) as sig:
        pass
    assert sig.args[0].evidence_added == 5
    assert values and values[-1] == 1000 and any(0 < v < 1000 for v in values)
    assert values == sorted(values)

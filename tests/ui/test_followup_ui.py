"""Follow-up re-check in the desktop app: start it, see "to re-verify" marks, confirm with C, outcomes."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QDialog

from app.assessment.model import Status

pytestmark = pytest.mark.ui


@pytest.fixture
def followup(window, services, assessment, monkeypatch, qtbot):
    """The window after answering three items and starting a follow-up from the menu action."""
    from app.ui.followup_ui import FollowupDialog

    s = window.session
    s.answer("T-6.4-01", Status.NONCONFORM)
    s.answer("T-4.1-01", Status.CONFORM)
    s.answer("T-6.4-02", Status.PARTIAL)
    seen = {}

    def accept(dlg):
        seen["min"] = dlg.date.minimumDate()
        seen["popup"] = dlg.date.calendarPopup()
        dlg.assessor.setText("李工")
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(FollowupDialog, "exec", accept)
    window.actions["followup"].trigger()
    window.seen = seen
    return window


def _row(window, item_id):
    return window.interview.item_model.row_of(item_id)


def test_start_followup_opens_the_new_assessment_filtered_to_reverify(followup, services, assessment):
    """The action creates a follow-up (same lab, carried answers) and opens it on the "to re-verify" filter."""
    w = followup
    s = w.session
    assert s.assessment_id != assessment.id and s.view.summary.follows_id == assessment.id
    assert s.view.summary.assessor == "李工"
    assert w.seen["popup"] and w.seen["min"] == QDate(*assessment.assessed_on.timetuple()[:3])
    assert w.interview.filter_combo.currentData() == "reverify"
    assert set(w.interview.item_model.item_ids()) == {"T-4.1-01", "T-6.4-01", "T-6.4-02"}
    assert "3" in w.sb_reverify.text()
    assert w.actions["next_reverify"].isEnabled()
    lab_idx = w.nav_model.index(0, 0)
    assert w.nav_model.rowCount(lab_idx) == 2


def test_carried_answers_are_marked_in_the_list_and_the_panel(followup):
    """The list shows ↻ in blue; the item panel shows the banner and the outcome against before."""
    from app.ui.models import REVERIFY_COLOR, ItemTableModel

    w = followup
    m = w.interview.item_model
    r = _row(w, "T-6.4-01")
    assert "↻" in m.index(r, ItemTableModel.COL_FLAGS).data()
    assert m.index(r, ItemTableModel.COL_ID).data(Qt.ItemDataRole.ForegroundRole) == REVERIFY_COLOR
    w.interview.select_item("T-6.4-01")
    assert w.interview.reverify_banner.isVisibleTo(w)
    assert w.interview.outcome_label.isVisibleTo(w)
    assert "仍未关闭" in w.interview.outcome_label.text() and "不符合" in w.interview.outcome_label.text()
    assert w.actions["confirm"].isEnabled()


def test_key_c_confirms_the_answer_as_is(followup, services, qtbot):
    """C clears the mark through AssessmentService.confirm and keeps the answer; the banner goes."""
    w = followup
    w.interview.select_item("T-6.4-01")
    qtbot.keyClick(w.interview.items, Qt.Key.Key_C)
    saved = services.assessments.answers(w.session.assessment_id)["T-6.4-01"]
    assert not saved.reverify and saved.status is Status.NONCONFORM
    assert "↻" not in w.interview.item_model.index(_row(w, "T-6.4-01"), 3).data()
    assert "2" in w.sb_reverify.text()
    w.interview.select_item("T-6.4-01")
    assert not w.interview.reverify_banner.isVisibleTo(w)
    assert not w.actions["confirm"].isEnabled()


def test_confirm_button_in_the_banner(followup, services, qtbot):
    """The banner's "Confirm as is" button confirms the current item."""
    w = followup
    w.interview.select_item("T-4.1-01")
    qtbot.mouseClick(w.interview.confirm_button, Qt.MouseButton.LeftButton)
    assert not services.assessments.answers(w.session.assessment_id)["T-4.1-01"].reverify
    assert w.interview.current_item_id() == "T-4.1-01"
    assert not w.interview.reverify_banner.isVisibleTo(w)


def test_answering_clears_the_mark_and_updates_the_outcome(followup, services, qtbot):
    """A new answer clears "to re-verify" and the outcome follows: closed, regressed; the same answer re-verifies."""
    w = followup
    iv = w.interview
    aid = w.session.assessment_id
    iv.select_item("T-6.4-01")
    iv.answer_current(Status.CONFORM, advance=False)
    assert not services.assessments.answers(aid)["T-6.4-01"].reverify
    assert "已关闭" in iv.outcome_label.text()
    iv.select_item("T-4.1-01")
    iv.answer_current(Status.NONCONFORM, advance=False)
    assert "退步" in iv.outcome_label.text()
    iv.select_item("T-6.4-02")
    qtbot.keyClick(iv.items, Qt.Key.Key_2)  # same answer as before: re-verified as is
    saved = services.assessments.answers(aid)["T-6.4-02"]
    assert not saved.reverify and saved.status is Status.PARTIAL
    assert w.sb_reverify.text() == ""


def test_new_gap_outcome_and_next_reverify_key(followup, qtbot):
    """An item not answered before and a gap now is a "new gap"; R jumps to the next item to re-verify."""
    w = followup
    iv = w.interview
    iv.set_filter("all")
    assert iv.select_item("T-5-01")
    first = iv.current_item_id()
    assert w.session.before.get(first) is None
    iv.answer_current(Status.NONCONFORM, advance=False)
    assert "新差距" in iv.outcome_label.text()
    qtbot.keyClick(iv.items, Qt.Key.Key_R)
    assert w.session.needs_reverify(iv.current_item_id())


def test_followup_action_needs_an_open_assessment(qtbot, services, ui_settings, messages):
    """Without an assessment, follow-up, compare and lab-file export are disabled; import is enabled."""
    from app.ui.main_window import MainWindow

    w = MainWindow(services, ui_settings, services.db.url)
    qtbot.addWidget(w)
    w.start()
    for name in ("followup", "compare", "export_labfile", "confirm"):
        assert not w.actions[name].isEnabled(), name
    assert w.actions["import_labfile"].isEnabled()
    w.shutdown()


def test_followup_dialog_defaults(qtbot, services, assessment):
    """The dialog proposes today, a title and the assessor; it cannot date before the earlier assessment."""
    from app.ui.followup_ui import FollowupDialog

    dlg = FollowupDialog(None, assessment, assessor="王工")
    qtbot.addWidget(dlg)
    c = dlg.choice()
    assert c.assessor == "王工" and c.date == max(dt.date.today(), assessment.assessed_on)
    assert c.title.startswith("跟踪复查")
    dlg.date.setDate(QDate(2000, 1, 1))
    assert dlg.choice().date == assessment.assessed_on

"""The interview: keyboard answering, undo/redo, N/A reason, notes, flags, navigation, filters."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from app.assessment.model import Status

pytestmark = pytest.mark.ui


def _status(services, assessment, item_id):
    a = services.assessments.answers(assessment.id).get(item_id)
    return a.status if a else Status.UNASSESSED


def test_keys_answer_the_current_item_save_it_and_move_on(window, services, assessment, qtbot):
    """Pressing 1 saves 'conform' in the database at once and selects the next item."""
    iv = window.interview
    first = iv.current_item_id()
    assert first == "T-4.1-01"
    qtbot.keyClick(iv, Qt.Key.Key_1)
    assert _status(services, assessment, first) is Status.CONFORM
    assert iv.current_item_id() == "T-4.1-02"
    qtbot.keyClick(iv, Qt.Key.Key_3)
    assert _status(services, assessment, "T-4.1-02") is Status.NONCONFORM
    assert "2/" in window.sb_progress.text()


def test_undo_and_redo_go_through_the_service(window, services, assessment, qtbot):
    """Ctrl+Z restores the previous answer in the database; Ctrl+Shift+Z/redo re-applies it."""
    iv = window.interview
    qtbot.keyClick(iv, Qt.Key.Key_2)
    assert _status(services, assessment, "T-4.1-01") is Status.PARTIAL
    assert window.actions["undo"].isEnabled()
    window.actions["undo"].trigger()
    assert _status(services, assessment, "T-4.1-01") is Status.UNASSESSED
    assert iv.current_item_id() == "T-4.1-01"  # undo shows the item it changed
    window.actions["redo"].trigger()
    assert _status(services, assessment, "T-4.1-01") is Status.PARTIAL
    history = services.assessments.history(assessment.id, "T-4.1-01")
    assert [h.new_status for h in history] == ["partial", "unassessed", "partial"]


def test_na_asks_for_a_reason_prefilled_with_the_typical_justification(
    window, services, assessment, qtbot, monkeypatch
):
    """Key 4 opens the reason dialog prefilled from the item; the reason is saved with N/A."""
    from app.ui.dialogs import NaReasonDialog

    asked = {}

    def fake_ask(parent, item_id, prefill):
        asked["item"], asked["prefill"] = item_id, prefill
        return prefill + "（本实验室）"

    monkeypatch.setattr(NaReasonDialog, "ask", staticmethod(fake_ask))
    window.interview.select_item("T-4.1-02")
    qtbot.keyClick(window.interview, Qt.Key.Key_4)
    assert asked == {"item": "T-4.1-02", "prefill": "不开展"}
    a = services.assessments.answers(assessment.id)["T-4.1-02"]
    assert a.status is Status.NA and a.na_reason == "不开展（本实验室）"


def test_na_cancelled_or_not_allowed_changes_nothing(window, services, assessment, qtbot, monkeypatch, messages):
    """Cancelling the reason, or N/A on an item that forbids it, leaves the item unanswered."""
    from app.ui.dialogs import NaReasonDialog

    monkeypatch.setattr(NaReasonDialog, "ask", staticmethod(lambda *a: None))
    window.interview.select_item("T-4.1-02")
    qtbot.keyClick(window.interview, Qt.Key.Key_4)
    assert _status(services, assessment, "T-4.1-02") is Status.UNASSESSED
    window.interview.select_item("T-4.1-01")  # na: allowed: false
    qtbot.keyClick(window.interview, Qt.Key.Key_4)
    assert _status(services, assessment, "T-4.1-01") is Status.UNASSESSED
    assert messages and "不允许" in messages[-1][1]


def test_note_is_saved_after_a_pause_and_on_focus_out(window, services, assessment, qtbot):
    """Typing a note saves it after the debounce delay; undo restores the old note."""
    iv = window.interview
    iv.select_item("T-4.2-01")
    iv.note.setFocus()
    iv.note.insertPlainText("缺少记录")  # typed (QTest cannot type CJK)
    qtbot.waitUntil(lambda: services.assessments.answers(assessment.id).get("T-4.2-01") is not None, timeout=3000)
    assert services.assessments.answers(assessment.id)["T-4.2-01"].note == "缺少记录"
    qtbot.keyClicks(iv.note, "A")
    iv.items.setFocus()  # focus-out saves at once, no wait
    assert services.assessments.answers(assessment.id)["T-4.2-01"].note == "缺少记录A"
    window.actions["undo"].trigger()  # consecutive note edits are one undo step
    assert services.assessments.answers(assessment.id)["T-4.2-01"].note == ""


def test_typing_digits_in_the_note_does_not_answer(window, services, assessment, qtbot):
    """Keys 1-5 typed into the note are text, not answers."""
    iv = window.interview
    iv.select_item("T-4.2-01")
    iv.note.setFocus()
    qtbot.keyClicks(iv.note, "123")
    iv.flush_note()
    a = services.assessments.answers(assessment.id)["T-4.2-01"]
    assert a.note == "123" and a.status is Status.UNASSESSED


def test_switching_items_saves_a_pending_note(window, services, assessment, qtbot):
    """A note typed moments before moving to another item is not lost."""
    iv = window.interview
    iv.select_item("T-5-01")
    iv.note.setPlainText("note before moving")
    iv.select_item("T-6.1-01")
    assert services.assessments.answers(assessment.id)["T-5-01"].note == "note before moving"


def test_flag_key_marks_for_review_and_filter_shows_marked(window, services, assessment, qtbot):
    """M marks the item for review; the 'marked' filter lists only marked items."""
    iv = window.interview
    iv.select_item("T-6.4-01")
    qtbot.keyClick(iv, Qt.Key.Key_M)
    assert services.assessments.answers(assessment.id)["T-6.4-01"].flagged
    iv.filter_combo.setCurrentIndex(iv.filter_combo.findData("marked"))
    assert iv.item_model.item_ids() == ["T-6.4-01"]
    window.actions["undo"].trigger()
    assert not services.assessments.answers(assessment.id)["T-6.4-01"].flagged


def test_next_and_previous_unanswered(window, services, assessment, qtbot):
    """N jumps over answered items to the next unanswered one; Shift+N goes back."""
    iv = window.interview
    services.assessments.answer(assessment.id, "T-4.2-01", "conform")
    services.assessments.answer(assessment.id, "T-4.2-02", "conform")
    window.session.reload()
    iv.select_item("T-4.1-02")
    qtbot.keyClick(iv, Qt.Key.Key_N)
    assert iv.current_item_id() == "T-5-01"
    qtbot.keyClick(iv, Qt.Key.Key_N, Qt.KeyboardModifier.ShiftModifier)
    assert iv.current_item_id() == "T-4.1-02"
    qtbot.keyClick(iv, Qt.Key.Key_Down, Qt.KeyboardModifier.ControlModifier)
    assert iv.current_item_id() == "T-5-01"


def test_filters_and_search(window, services, assessment, qtbot):
    """Gap, critical and unanswered filters and the search narrow the item list."""
    iv = window.interview
    services.assessments.answer(assessment.id, "T-7.7-01", "nonconform")
    services.assessments.answer(assessment.id, "T-6.2-01", "partial")
    window.session.reload()
    iv.filter_combo.setCurrentIndex(iv.filter_combo.findData("gaps"))
    assert iv.item_model.item_ids() == ["T-6.2-01", "T-7.7-01"]
    iv.filter_combo.setCurrentIndex(iv.filter_combo.findData("critical"))
    ids = iv.item_model.item_ids()
    assert "T-6.4-01" in ids and "T-7.7-01" in ids
    iv.filter_combo.setCurrentIndex(iv.filter_combo.findData("unanswered"))
    assert "T-7.7-01" not in iv.item_model.item_ids()
    iv.filter_combo.setCurrentIndex(0)
    iv.search.setText("question 8.9")
    assert iv.item_model.item_ids() == ["T-8.9-01", "T-8.9-02"]


def test_clause_tree_shows_progress_and_gap_markers(window, services, assessment, qtbot):
    """Selecting a clause lists its items; its row counts answers and marks critical gaps."""
    iv = window.interview
    assert iv.select_clause("7.7")
    assert iv.item_model.item_ids() == ["T-7.7-01", "T-7.7-02"]
    qtbot.keyClick(iv, Qt.Key.Key_3)  # T-7.7-01 is a knock-out item
    idx = iv.tree_model.index_of_clause("7.7")
    assert idx.siblingAtColumn(1).data() == "1/2"
    assert idx.siblingAtColumn(2).data() == "● 1"


def test_answer_buttons_answer_without_moving(window, services, assessment, qtbot):
    """Clicking an answer button saves it and stays on the item."""
    iv = window.interview
    iv.select_item("T-6.3-01")
    qtbot.mouseClick(iv.answer_buttons[Status.PARTIAL], Qt.MouseButton.LeftButton)
    assert _status(services, assessment, "T-6.3-01") is Status.PARTIAL
    assert iv.current_item_id() == "T-6.3-01"
    assert iv.answer_buttons[Status.PARTIAL].isChecked()


def test_stale_write_reloads_and_tells_the_user(window, services, assessment, qtbot, messages):
    """An answer changed elsewhere is reloaded, the user is told, and nothing is overwritten."""
    iv = window.interview
    iv.select_item("T-8.1-01")
    services.assessments.answer(assessment.id, "T-8.1-01", "partial", note="from another window")
    qtbot.keyClick(iv, Qt.Key.Key_1)
    a = services.assessments.answers(assessment.id)["T-8.1-01"]
    assert a.status is Status.PARTIAL and a.note == "from another window"
    assert messages and "T-8.1-01" in messages[-1][1]
    assert window.session.status_of("T-8.1-01") is Status.PARTIAL

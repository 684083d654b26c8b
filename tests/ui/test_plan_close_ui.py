"""The plan tab: close an action with evidence, effectiveness check and verifier; show, reopen, stale edits."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QDialog, QDialogButtonBox

from app.assessment.model import Status

pytestmark = pytest.mark.ui

QM = "周质量"


@pytest.fixture
def staffed(services, lab):
    """The lab names its quality manager and technical manager."""
    return services.labs.change(lab.id, staff={"quality_manager": QM, "technical_manager": "李工"})


@pytest.fixture
def plan_window(staffed, window):
    """The window with two gaps answered, the plan tab shown and the first action selected."""
    window.session.answer("T-6.4-01", Status.NONCONFORM)
    window.session.answer("T-6.4-02", Status.PARTIAL)
    window.actions["tab_plan"].trigger()
    pv = window.plan_view
    assert pv.model.rowCount() > 0
    pv.table.setCurrentIndex(pv.proxy.index(0, 0))
    return window


@pytest.fixture
def answers_confirm(monkeypatch):
    """Confirmation questions are answered "yes" and recorded."""
    from app.ui import errors

    asked: list[tuple[str, str]] = []

    def confirm(parent, title, text):
        asked.append((title, text))
        return True

    monkeypatch.setattr(errors, "confirm", confirm)
    return asked


VALUES = {
    "closure_note": "抽查 2025 年 3 月期间核查记录 12 份，均按程序填写",
    "effectiveness": "跟踪审核 2 个月后再抽 10 份记录，无新的不符合",
    "verified_by": QM,
    "verified_on": dt.date(2026, 1, 15),
}


def _patch_ask(monkeypatch, values=VALUES, before=None):
    """CloseActionDialog.ask returns ``values`` (after running ``before``); the arguments are recorded."""
    from app.ui.plan_close import CloseActionDialog

    calls = []

    def ask(cls, parent, action, verifiers=None, default_verifier=""):
        calls.append({"action": action, "verifiers": verifiers, "default": default_verifier})
        if before is not None:
            before(action)
        return dict(values) if values is not None else None

    monkeypatch.setattr(CloseActionDialog, "ask", classmethod(ask))
    return calls


def _cell(pv, action_id, col):
    for r in range(pv.proxy.rowCount()):
        idx = pv.proxy.index(r, 0)
        if idx.data(Qt.ItemDataRole.UserRole + 1) == action_id:
            return pv.proxy.index(r, col)
    raise AssertionError(f"action {action_id} not shown")


def test_close_action_through_ask_stores_the_record_and_the_table_shows_it(plan_window, services, monkeypatch):
    """Close action… (enabled on an open action) stores evidence, effectiveness, verifier and date; the row says verified."""
    from app.ui.plan_view import PlanTableModel

    pv = plan_window.plan_view
    target = pv.selected_action()
    assert target.status == "open"
    assert plan_window.actions["plan_close"].isEnabled() and pv.close_btn.isEnabled()
    assert not plan_window.actions["plan_reopen"].isEnabled() and not plan_window.actions["plan_closure"].isEnabled()
    calls = _patch_ask(monkeypatch)
    plan_window.actions["plan_close"].trigger()
    assert calls[0]["action"].id == target.id
    assert calls[0]["default"] == QM and {QM, "李工"} <= set(calls[0]["verifiers"])
    saved = services.plans.get(target.id)
    assert (saved.status, saved.closure_note, saved.effectiveness, saved.verified_by, saved.verified_on) == (
        "verified",
        VALUES["closure_note"],
        VALUES["effectiveness"],
        QM,
        dt.date(2026, 1, 15),
    )
    assert saved.version == target.version + 1
    assert _cell(pv, target.id, PlanTableModel.COL_STATUS).data() == "已验证"
    assert _cell(pv, target.id, PlanTableModel.COL_VERIFIED).data() == f"{QM} · 2026-01-15"
    tip = _cell(pv, target.id, PlanTableModel.COL_VERIFIED).data(Qt.ItemDataRole.ToolTipRole)
    assert QM in tip and "2026-01-15" in tip and "跟踪审核" in tip
    # the selection stays on the closed action, whose commands change
    assert pv.selected_action().id == target.id
    assert not plan_window.actions["plan_close"].isEnabled() and not pv.close_btn.isEnabled()
    assert plan_window.actions["plan_closure"].isEnabled() and plan_window.actions["plan_reopen"].isEnabled()
    menu = pv.row_menu()  # the table's context menu follows the row too
    try:
        assert [(a.text(), a.isEnabled()) for a in menu.actions()] == [
            ("关闭行动…", False),
            ("查看关闭记录…", True),
            ("重新打开行动", True),
            ("删除行动…", True),
        ]
    finally:
        menu.deleteLater()
    # an open action has no "Verified" text
    other = next(a for a in pv.model.actions() if a.id != target.id)
    assert _cell(pv, other.id, PlanTableModel.COL_VERIFIED).data() == ""


def test_cancelling_the_dialog_changes_nothing(plan_window, services, monkeypatch):
    """Cancel in the close dialog leaves the action open and its version unchanged."""
    pv = plan_window.plan_view
    target = pv.selected_action()
    _patch_ask(monkeypatch, values=None)
    assert pv.close_selected() is None
    saved = services.plans.get(target.id)
    assert (saved.status, saved.version, saved.verified_by) == ("open", target.version, "")


def test_filling_the_real_dialog_closes_the_action(plan_window, services, monkeypatch):
    """The real dialog: hint, prefilled verifier, calendar defaulting to today and never before the start; OK closes."""
    from app.ui.plan_close import CloseActionDialog

    pv = plan_window.plan_view
    target = pv.selected_action()
    seen = {}

    def fill(dlg):
        seen["verifier"] = dlg.verified_by.currentText()
        seen["popup"] = dlg.verified_on.calendarPopup()
        seen["date"] = dlg.verified_on.date()
        seen["min"] = dlg.verified_on.minimumDate()
        seen["placeholder"] = dlg.evidence.placeholderText()
        dlg.evidence.setPlainText("  期间核查记录 CK-2026-01 至 CK-2026-12  ")
        dlg.effectiveness.setPlainText("内审抽查 5 台设备，均按计划核查")
        dlg.verified_by.setEditText("李工")
        dlg.verified_on.setDate(QDate(2030, 6, 2))
        dlg.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
        seen["error"] = dlg.error.text()
        return dlg.result()

    monkeypatch.setattr(CloseActionDialog, "exec", fill)
    assert pv.close_selected() is not None
    today = dt.date.today()
    start = target.start_date
    expected_default = max(today, start) if start else today
    assert seen["verifier"] == QM and seen["popup"] and seen["error"] == ""
    assert seen["date"] == QDate(expected_default.year, expected_default.month, expected_default.day)
    if start:
        assert seen["min"] == QDate(start.year, start.month, start.day)
    assert seen["placeholder"] == target.closure_evidence("zh")
    saved = services.plans.get(target.id)
    assert (saved.status, saved.closure_note, saved.effectiveness, saved.verified_by, saved.verified_on) == (
        "verified",
        "期间核查记录 CK-2026-01 至 CK-2026-12",
        "内审抽查 5 台设备，均按计划核查",
        "李工",
        dt.date(2030, 6, 2),
    )


def test_a_missing_field_keeps_the_dialog_open_with_a_message(plan_window, qtbot):
    """OK with an empty required field keeps the dialog open and names the missing fields; filled in, OK accepts."""
    from app.ui.plan_close import CloseActionDialog

    action = plan_window.plan_view.selected_action()
    dlg = CloseActionDialog(plan_window, action, ["李工"], "")
    qtbot.addWidget(dlg)
    dlg.show()
    ok = dlg.buttons.button(QDialogButtonBox.StandardButton.Ok)
    dlg.evidence.setPlainText("记录齐全")
    ok.click()
    assert dlg.isVisible() and dlg.result() != QDialog.DialogCode.Accepted
    assert "有效性验证及结果" in dlg.error.text() and "验证人" in dlg.error.text()
    assert "关闭证据" not in dlg.error.text()
    dlg.effectiveness.setPlainText("   ")  # blanks do not count
    dlg.verified_by.setEditText("李工")
    ok.click()
    assert dlg.isVisible() and "有效性验证及结果" in dlg.error.text() and "验证人" not in dlg.error.text()
    dlg.effectiveness.setPlainText("复查无新的不符合")
    ok.click()
    assert not dlg.isVisible() and dlg.result() == QDialog.DialogCode.Accepted and dlg.error.text() == ""
    assert dlg.values()["verified_by"] == "李工"


def test_a_stale_close_is_reported_and_nothing_is_overwritten(plan_window, services, monkeypatch, messages):
    """If the action changes while the dialog is open, the close is refused, the user told and the table reloaded."""
    from app.ui.plan_view import PlanTableModel

    pv = plan_window.plan_view
    target = pv.selected_action()

    def someone_else_edits(action):
        services.plans.update(action.id, owner_name="另一位用户")

    _patch_ask(monkeypatch, before=someone_else_edits)
    assert plan_window.on_plan_close() is None
    assert messages and messages[-1][0] == "内容已被他人修改"
    saved = services.plans.get(target.id)
    assert (saved.status, saved.closure_note, saved.effectiveness, saved.verified_by) == ("open", "", "", "")
    assert saved.owner_name == "另一位用户"
    assert _cell(pv, target.id, PlanTableModel.COL_OWNER).data() == "另一位用户"
    assert pv.selected_action().version == saved.version


def test_show_closure_is_read_only_and_opens_on_double_click(plan_window, monkeypatch, qtbot):
    """A closed action's record opens read-only from the command and from a double-click on the Verified cell."""
    from app.ui.plan_close import ClosureDialog
    from app.ui.plan_view import PlanTableModel

    pv = plan_window.plan_view
    target = pv.selected_action()
    _patch_ask(monkeypatch)
    pv.close_selected()
    shown = []
    monkeypatch.setattr(ClosureDialog, "show_for", classmethod(lambda cls, parent, a: shown.append(a)))
    plan_window.actions["plan_closure"].trigger()
    assert [a.id for a in shown] == [target.id]
    cell = _cell(pv, target.id, PlanTableModel.COL_VERIFIED)
    rect = pv.table.visualRect(cell)
    qtbot.mouseClick(pv.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())  # a double-click
    qtbot.mouseDClick(pv.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())  # follows a press
    assert len(shown) == 2 and shown[-1].id == target.id
    dlg = ClosureDialog(plan_window, shown[-1])
    qtbot.addWidget(dlg)
    assert dlg.evidence.isReadOnly() and dlg.effectiveness.isReadOnly()
    assert dlg.evidence.toPlainText() == VALUES["closure_note"]
    assert dlg.effectiveness.toPlainText() == VALUES["effectiveness"]
    assert (dlg.who.text(), dlg.when.text()) == (QM, "2026-01-15")


def test_reopen_puts_the_action_back_in_progress_and_keeps_the_record(
    plan_window, services, monkeypatch, answers_confirm
):
    """Reopen asks first, sets the status to in progress, keeps the record and lets the action be closed again."""
    from app.ui.plan_close import CloseActionDialog
    from app.ui.plan_view import PlanTableModel

    pv = plan_window.plan_view
    target = pv.selected_action()
    _patch_ask(monkeypatch)
    pv.close_selected()
    plan_window.actions["plan_reopen"].trigger()
    assert answers_confirm and answers_confirm[-1][0] == "重新打开行动"
    saved = services.plans.get(target.id)
    assert saved.status == "in_progress" and saved.closure_note == VALUES["closure_note"]
    assert _cell(pv, target.id, PlanTableModel.COL_VERIFIED).data() == ""
    assert _cell(pv, target.id, PlanTableModel.COL_STATUS).data() == "进行中"
    assert plan_window.actions["plan_close"].isEnabled() and not plan_window.actions["plan_reopen"].isEnabled()
    dlg = CloseActionDialog(plan_window, pv.selected_action(), [], QM)
    try:
        assert dlg.evidence.toPlainText() == VALUES["closure_note"]
        assert dlg.verified_by.currentText() == QM
    finally:
        dlg.deleteLater()


def test_a_reopened_action_shows_its_earlier_closure_when_closed_again_and_in_the_record(
    plan_window, services, monkeypatch, answers_confirm, qtbot
):
    """Close, reopen, close again: the close dialog warns with the last closure; the record lists it."""
    from app.ui.plan_close import CloseActionDialog, ClosureDialog

    pv = plan_window.plan_view
    target = pv.selected_action()
    _patch_ask(monkeypatch)
    pv.close_selected()
    plan_window.actions["plan_reopen"].trigger()
    reopened = pv.selected_action()
    assert reopened.times_reopened == 1
    dlg = CloseActionDialog(plan_window, reopened, [], QM)
    qtbot.addWidget(dlg)
    assert dlg.reopened_hint is not None
    hint = dlg.reopened_hint.text()
    assert "重新打开 1 次" in hint and VALUES["effectiveness"] in hint and QM in hint
    services.followups.close_action(
        target.id, closure_note="第二次关闭的证据", effectiveness="复查通过", verified_by="李工"
    )
    again = services.plans.get(target.id)
    record = ClosureDialog(plan_window, again)
    qtbot.addWidget(record)
    assert record.evidence.toPlainText() == "第二次关闭的证据"
    lines = record.history.toPlainText().splitlines()
    assert len(lines) == 2
    assert "2026-01-15 关闭" in lines[0] and VALUES["closure_note"] in lines[0] and QM in lines[0]
    # the reopening names who reopened it: the session's user, as every answer does
    assert plan_window.session.by and lines[1].endswith(f"重新打开 ({plan_window.session.by})")
    assert [e.by for e in again.closure_history if e.event == "reopened"] == [plan_window.session.by]
    first_close = ClosureDialog(plan_window, services.plans.get(pv.model.actions()[-1].id))
    qtbot.addWidget(first_close)
    assert first_close.history is None  # never reopened: no history section


def test_choosing_verified_in_the_status_cell_opens_the_close_dialog(plan_window, services, monkeypatch, qtbot):
    """Setting the status cell to "verified" never skips the record: it opens the close dialog instead."""
    from app.ui.plan_view import PlanTableModel

    pv = plan_window.plan_view
    target = pv.model.actions()[-1]
    calls = _patch_ask(monkeypatch)
    assert pv.proxy.setData(_cell(pv, target.id, PlanTableModel.COL_STATUS), "verified")
    assert services.plans.get(target.id).status == "open"  # nothing written without the record
    qtbot.waitUntil(lambda: bool(calls))
    assert calls[0]["action"].id == target.id
    qtbot.waitUntil(lambda: services.plans.get(target.id).status == "verified")
    assert services.plans.get(target.id).verified_by == QM


def test_shortcut_and_english_labels(plan_window, monkeypatch, qtbot):
    """Ctrl+Shift+K closes the selected action; in English the column and dialog read "Verified" / "Close action"."""
    from app.ui.actions import SPECS, shortcut_text
    from app.ui.i18n import set_language
    from app.ui.plan_close import CloseActionDialog
    from app.ui.plan_view import PlanTableModel

    assert shortcut_text(SPECS["plan_close"]) == "Ctrl+Shift+K"
    pv = plan_window.plan_view
    pv.table.setFocus()
    calls = _patch_ask(monkeypatch)
    qtbot.keyClick(pv.table, Qt.Key.Key_K, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert len(calls) == 1
    set_language("en")
    assert pv.model.headerData(PlanTableModel.COL_VERIFIED, Qt.Orientation.Horizontal) == "Verified"
    dlg = CloseActionDialog(plan_window, next(a for a in pv.model.actions() if a.status == "open"), [], "")
    try:
        assert dlg.windowTitle() == "Close action"
        dlg.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
        assert dlg.error.text().startswith("Please fill in: Evidence of closure, Effectiveness check and result")
    finally:
        dlg.deleteLater()

"""The plan tab: add the user's own action, delete an action (with confirmation), restore deleted ones."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QDialog, QDialogButtonBox

from app.assessment.model import Status

pytestmark = pytest.mark.ui


@pytest.fixture
def plan_window(window, qtbot):
    """The window with two gaps answered and the plan tab shown."""
    window.session.answer("T-6.4-01", Status.NONCONFORM)
    window.session.answer("T-6.4-02", Status.PARTIAL)
    window.actions["tab_plan"].trigger()
    assert window.plan_view.model.rowCount() > 0
    return window


@pytest.fixture
def answers_confirm(monkeypatch):
    """Confirmation questions are recorded and answered with the value in ``answers_confirm.reply``."""
    from app.ui import errors

    class Asked(list):
        reply = True

    asked = Asked()

    def confirm(parent, title, text):
        asked.append((title, text))
        return asked.reply

    monkeypatch.setattr(errors, "confirm", confirm)
    return asked


def _fill_add_dialog(monkeypatch, **fields):
    from app.ui.plan_view import AddActionDialog

    seen = {}

    def fill(dlg):
        seen["ok_before"] = dlg.buttons.button(QDialogButtonBox.StandardButton.Ok).isEnabled()
        seen["popup"] = dlg.due.calendarPopup()
        dlg.text_zh.setPlainText(fields.get("zh", ""))
        dlg.text_en.setPlainText(fields.get("en", ""))
        dlg.owner.setEditText(fields.get("owner", ""))
        dlg.due.setDate(QDate(2027, 5, 20))
        dlg.priority.setCurrentIndex(dlg.priority.findData(fields.get("priority", "P2")))
        dlg.phase.setCurrentIndex(dlg.phase.findData(fields.get("phase", 1)))
        seen["ok_after"] = dlg.buttons.button(QDialogButtonBox.StandardButton.Ok).isEnabled()
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(AddActionDialog, "exec", fill)
    return seen


def test_add_own_action_is_stored_and_survives_regenerate(plan_window, services, assessment, monkeypatch, messages):
    """Plan → Add action stores the user's action (text, owner, due, priority, phase); regenerate keeps it."""
    seen = _fill_add_dialog(monkeypatch, zh="建立设备期间核查台账", owner="王敏", priority="P1", phase=0)
    plan_window.actions["plan_add"].trigger()
    assert seen == {"ok_before": False, "popup": True, "ok_after": True}
    mine = [a for a in services.plans.actions(assessment.id) if a.origin == "user"]
    assert len(mine) == 1
    a = mine[0]
    assert (a.text_zh, a.owner_name, a.due_date, a.priority, a.phase) == (
        "建立设备期间核查台账",
        "王敏",
        dt.date(2027, 5, 20),
        "P1",
        0,
    )
    pv = plan_window.plan_view
    assert pv.selected_action().id == a.id
    assert "自加" in pv.table.currentIndex().siblingAtColumn(0).data()
    pv.regenerate()
    assert any(x.id == a.id for x in pv.model.actions())
    assert services.plans.get(a.id).text_zh == "建立设备期间核查台账"


def test_one_english_text_is_enough(plan_window, services, assessment, monkeypatch):
    """An action with only an English text is accepted and shown in the Chinese UI too."""
    _fill_add_dialog(monkeypatch, en="Write the intermediate-check procedure")
    dto = plan_window.plan_view.add_action()
    assert dto is not None and dto.text_zh == "" and dto.text_en.startswith("Write")
    pv = plan_window.plan_view
    from app.ui.plan_view import PlanTableModel

    assert pv.table.currentIndex().siblingAtColumn(PlanTableModel.COL_TEXT).data() == dto.text_en


def test_delete_own_action_asks_first(plan_window, services, assessment, monkeypatch, answers_confirm):
    """Delete asks for confirmation: "no" keeps the action, "yes" removes it from the plan and the database."""
    from app.services.errors import NotFound

    _fill_add_dialog(monkeypatch, zh="临时行动")
    dto = plan_window.plan_view.add_action()
    assert plan_window.actions["plan_delete"].isEnabled()
    answers_confirm.reply = False
    plan_window.actions["plan_delete"].trigger()
    assert answers_confirm[-1][0] == "删除行动" and "无法恢复" in answers_confirm[-1][1]
    assert services.plans.get(dto.id).text_zh == "临时行动"
    answers_confirm.reply = True
    plan_window.actions["plan_delete"].trigger()
    with pytest.raises(NotFound):
        services.plans.get(dto.id)
    assert all(a.id != dto.id for a in plan_window.plan_view.model.actions())


def test_delete_key_deletes_a_generated_action_which_can_be_restored(
    plan_window, services, assessment, answers_confirm, qtbot
):
    """The Delete key in the plan table deletes a generated action; regenerate keeps it deleted; restore brings it back."""
    pv = plan_window.plan_view
    pv.table.setFocus()
    pv.table.setCurrentIndex(pv.proxy.index(0, 0))
    target = pv.selected_action()
    assert target.origin == "generated"
    n = pv.model.rowCount()
    qtbot.keyClick(pv.table, Qt.Key.Key_Delete)
    assert "恢复已删除的行动" in answers_confirm[-1][1]
    assert services.plans.get(target.id).user_deleted
    assert pv.model.rowCount() == n - 1
    pv.regenerate()
    assert all(a.id != target.id for a in pv.model.actions())

    def tick(dlg):
        assert [dlg.list.item(i).text() for i in range(dlg.list.count())]
        dlg.set_checked([target.id])
        return QDialog.DialogCode.Accepted

    pv.run_restore_dialog = tick
    plan_window.actions["plan_restore"].trigger()
    assert not services.plans.get(target.id).dropped
    assert pv.selected_action().id == target.id and pv.model.rowCount() == n


def test_restore_without_deleted_actions_says_so(plan_window, messages):
    """Restore with nothing deleted tells the user instead of showing an empty list."""
    assert plan_window.plan_view.restore_deleted() == 0
    assert messages[-1][1] == "没有已删除的自动生成行动。"


def test_delete_is_disabled_without_a_selected_row(plan_window):
    """The delete command follows the table's current row."""
    pv = plan_window.plan_view
    pv.table.setCurrentIndex(pv.proxy.index(-1, -1))
    plan_window.update_actions()
    assert not plan_window.actions["plan_delete"].isEnabled() and not pv.delete_btn.isEnabled()
    pv.table.setCurrentIndex(pv.proxy.index(0, 0))
    assert plan_window.actions["plan_delete"].isEnabled() and pv.delete_btn.isEnabled()

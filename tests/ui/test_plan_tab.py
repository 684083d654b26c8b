"""The plan tab: editable table, regenerate with a summary, filters, timeline."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import QDate, Qt

pytestmark = pytest.mark.ui


@pytest.fixture
def plan_window(window, services, assessment, qtbot):
    from PySide6.QtCore import Qt as _Qt

    window.interview.select_item("T-6.4-01")
    qtbot.keyClick(window.interview, _Qt.Key.Key_3)
    qtbot.keyClick(window.interview, _Qt.Key.Key_2)
    window.tabs.setCurrentWidget(window.plan_view)
    return window


def test_plan_tab_loads_the_generated_plan(plan_window, services, assessment):
    """Showing the tab generates the plan from the gaps and fills table and timeline."""
    pv = plan_window.plan_view
    assert pv.model.rowCount() > 0
    items = {i for a in pv.model.actions() for i in a.item_ids}
    assert {"T-6.4-01", "T-6.4-02"} <= items
    assert pv.timeline.actions


def test_editing_owner_due_date_and_status_is_saved(plan_window, services, assessment, qtbot):
    """Cell edits (owner, due date from the calendar editor, status) are stored through PlanService."""
    pv = plan_window.plan_view
    proxy = pv.proxy
    row = 0
    action_id = proxy.index(row, 0).data(Qt.ItemDataRole.UserRole + 1)
    from app.ui.plan_view import PlanTableModel

    assert proxy.setData(proxy.index(row, PlanTableModel.COL_OWNER), "王敏")
    assert proxy.setData(proxy.index(row, PlanTableModel.COL_DUE), QDate(2027, 3, 1))
    assert proxy.setData(proxy.index(row, PlanTableModel.COL_STATUS), "in_progress")
    saved = services.plans.get(action_id)
    assert saved.owner_name == "王敏" and saved.due_date == dt.date(2027, 3, 1) and saved.status == "in_progress"
    assert {"owner_name", "due_date", "status"} <= set(saved.edited)
    # the calendar editor is a QDateEdit with a popup
    editor = pv.table.itemDelegate().createEditor(pv.table.viewport(), None, proxy.index(row, PlanTableModel.COL_DUE))
    assert editor.calendarPopup()
    editor.deleteLater()


def test_regenerate_keeps_edits_and_summarises(plan_window, services, assessment, messages, qtbot):
    """After closing a gap, regenerate drops its action, keeps user edits and says what changed."""
    pv = plan_window.plan_view
    action = next(a for a in pv.model.actions() if "T-6.4-01" in a.item_ids)
    services.plans.update(action.id, owner_name="李工")
    plan_window.session.answer("T-6.4-02", __import__("app.assessment.model", fromlist=["Status"]).Status.CONFORM)
    summary = pv.regenerate()
    assert summary is not None
    assert messages and messages[-1][0] == "改进计划已更新"
    kept = services.plans.get(action.id)
    assert kept.owner_name == "李工"


def test_status_filter_and_search(plan_window, services):
    """The status filter and the search narrow the visible rows."""
    pv = plan_window.plan_view
    total = pv.proxy.rowCount()
    pv.status_filter.setCurrentIndex(pv.status_filter.findData("done"))
    assert pv.proxy.rowCount() == 0
    pv.status_filter.setCurrentIndex(0)
    assert pv.proxy.rowCount() == total
    pv.search.setText("T-6.4-01")
    assert 0 < pv.proxy.rowCount() <= total

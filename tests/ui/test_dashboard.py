"""The dashboard follows answers live and jumps to gaps and clauses."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

pytestmark = pytest.mark.ui


def test_dashboard_changes_as_answers_come_in(window, services, assessment, qtbot):
    """After keyboard answers the readiness %, band, gaps list and gates are updated."""
    window.tabs.setCurrentWidget(window.dashboard)
    db = window.dashboard
    assert db.percent.text() == "–"
    window.tabs.setCurrentWidget(window.interview)
    window.interview.select_item("T-7.7-01")
    qtbot.keyClick(window.interview, Qt.Key.Key_3)  # knock-out item: critical gap
    qtbot.keyClick(window.interview, Qt.Key.Key_1)
    window.tabs.setCurrentWidget(db)
    assert db.percent.text() == "50%"
    assert db.gaps_model.rowCount() == 1
    assert db.gaps_model.index(0, 0).data().endswith("T-7.7-01")
    assert db.gates_model.rowCount() == len(window.session.view.gates) > 0
    before = db.refresh_count
    window.tabs.setCurrentWidget(window.interview)
    qtbot.keyClick(window.interview, Qt.Key.Key_1)
    window.dashboard.set_view(window.session.view, force=True)
    assert db.refresh_count == before + 1
    assert db.percent.text() == "75%"  # mean of clause 7.7 (50%) and clause 8.1 (100%)
    # the labels take the colour of the band each time the band changes (75%, a critical gap: building)
    from app.ui.dashboard import BAND_COLORS

    assert window.session.view.band == "building"
    assert BAND_COLORS["building"] in db.percent.styleSheet() and BAND_COLORS["building"] in db.band.styleSheet()
    window.interview.select_item("T-7.7-01")
    qtbot.keyClick(window.interview, Qt.Key.Key_1)  # the critical gap closed: 100%, every gate decides the band
    window.dashboard.set_view(window.session.view, force=True)
    band = window.session.view.band
    assert band != "building" and BAND_COLORS[band] in db.percent.styleSheet()


def test_visible_dashboard_updates_live(window, services, assessment, qtbot):
    """While the dashboard is shown, an answer (e.g. from the menu) updates it immediately."""
    window.tabs.setCurrentWidget(window.dashboard)
    window.interview.select_item("T-4.1-01")
    window.session.answer("T-4.1-01", __import__("app.assessment.model", fromlist=["Status"]).Status.PARTIAL)
    assert window.dashboard.percent.text() == "50%"
    assert window.dashboard._clause_keys  # charts drawn (pyqtgraph loaded lazily)


def test_clicking_a_gap_goes_to_its_item(window, services, assessment, qtbot):
    """Activating a gap row switches to the interview with that item selected."""
    services.assessments.answer(assessment.id, "T-6.4-02", "nonconform")
    window.session.reload()
    window.tabs.setCurrentWidget(window.dashboard)
    idx = window.dashboard.gaps_model.index(0, 0)
    window.dashboard.gaps.doubleClicked.emit(idx)
    assert window.tabs.currentWidget() is window.interview
    assert window.interview.current_item_id() == "T-6.4-02"


def test_clicking_a_clause_bar_goes_to_its_items(window, services, assessment, qtbot):
    """A click on a bar selects that clause in the interview."""
    services.assessments.answer(assessment.id, "T-6.4-01", "conform")
    window.session.reload()
    window.tabs.setCurrentWidget(window.dashboard)
    x = window.dashboard._clause_keys.index("6.4")
    window.dashboard.click_bar_at(x + 0.1)
    assert window.tabs.currentWidget() is window.interview
    assert window.interview.item_model.item_ids() == ["T-6.4-01", "T-6.4-02"]

"""The fast start: the window opens on the light reader, the first answer waits for the real services.

What ``run_gui`` does with a current SQLite database, driven offscreen with a real file.
"""

from __future__ import annotations

import threading

from PySide6.QtCore import Qt

from app.assessment.model import Status
from app.bootstrap import open_services
from app.services.errors import DatabaseError
from app.ui import backend
from app.ui.main import Application, watch_startup


def _fast(services, opener):
    fast = backend.start_services(services.db.url)
    assert fast is not None
    fast._opener = opener  # the real opener, but held back or failing as the test needs
    return fast


def _held_back(services, mini_catalog):
    """Fast-start services whose real services open only when the returned event is set."""
    gate = threading.Event()

    def opener():
        gate.wait(10)
        return open_services(services.db.url, catalog=mini_catalog)

    return _fast(services, opener), gate


def test_window_is_usable_before_the_services_open_and_the_first_answer_is_saved(
    qtbot, services, assessment, ui_settings, messages, mini_catalog
):
    fast, gate = _held_back(services, mini_catalog)
    ctl = Application(fast, ui_settings, services.db.url)
    win = ctl.build_window()
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    watch_startup(fast, lambda: ctl.window)
    # interactive on the light reader: the assessment is open, the navigator lists it, you can move
    assert not fast.ready
    assert win.session is not None and win.session.assessment_id == assessment.id
    assert win.nav_model.index_of_assessment(assessment.id).isValid()
    first = win.interview.current_item_id()
    qtbot.keyClick(win.interview, Qt.Key.Key_N)  # next unanswered: reading and moving need no write
    second = win.interview.current_item_id()
    assert second != first
    assert not fast.ready
    # an answer typed now waits for the real services, then is committed like any other
    threading.Timer(0.2, gate.set).start()
    qtbot.keyClick(win.interview, Qt.Key.Key_3)
    assert fast.ready
    assert win.session.status_of(second) is Status.NONCONFORM
    assert services.assessments.answers(assessment.id)[second].status is Status.NONCONFORM
    assert not messages
    win.shutdown()
    fast.close()


def test_a_database_that_fails_to_open_in_the_background_is_reported_and_the_window_closes(
    qtbot, services, assessment, ui_settings, messages
):
    def opener():
        raise DatabaseError("The database file is damaged.", "Restore it from a backup.")

    fast = _fast(services, opener)
    ctl = Application(fast, ui_settings, services.db.url)
    win = ctl.build_window()
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    watch_startup(fast, lambda: ctl.window)
    qtbot.waitUntil(lambda: bool(messages), timeout=5000)
    assert any("damaged" in text for _title, text in messages)
    qtbot.waitUntil(lambda: not win.isVisible(), timeout=5000)
    fast.close()


def test_a_restored_plan_tab_waits_for_the_services_without_blocking_the_first_paint(
    qtbot, services, assessment, ui_settings, messages, mini_catalog
):
    fast, gate = _held_back(services, mini_catalog)
    ctl = Application(fast, ui_settings, services.db.url)
    probe = ctl.build_window()  # find the plan tab's index, as a previous run would have saved it
    ui_settings.set("last_tab", probe.tabs.indexOf(probe.plan_view))
    probe.shutdown()
    probe.deleteLater()
    ctl.window = None
    win = ctl.build_window()
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    assert win.tabs.currentWidget() is win.plan_view
    assert not fast.ready  # the first paint did not wait for the plan service
    assert win.plan_view.summary.text() == "正在打开数据库…"
    assert win.plan_view.model.rowCount() == 0
    watch_startup(fast, lambda: ctl.window)
    gate.set()
    qtbot.waitUntil(lambda: win.plan_view.model.rowCount() > 0, timeout=10000)
    assert fast.ready and not messages
    win.shutdown()
    fast.close()


def test_a_restored_dashboard_shows_its_figures_at_once_and_draws_the_charts_after(
    qtbot, services, assessment, ui_settings, messages
):
    from app.ui.main_window import MainWindow

    probe = MainWindow(services, ui_settings, services.db.url)
    ui_settings.set("last_tab", probe.tabs.indexOf(probe.dashboard))
    probe.deleteLater()
    win = MainWindow(services, ui_settings, services.db.url)
    qtbot.addWidget(win)
    win.start()
    win.show()
    db = win.dashboard
    assert win.tabs.currentWidget() is db
    assert db.percent.text() == "–" and db.gates_model.rowCount() > 0  # figures painted with the window
    assert not db._charts_built  # pyqtgraph waits for the next turn of the event loop
    qtbot.waitUntil(lambda: bool(db._clause_keys), timeout=5000)  # charts drawn right after
    assert not db.defer_charts_once
    win.shutdown()

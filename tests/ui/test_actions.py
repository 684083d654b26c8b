"""The action table: handlers exist, menus are built from it, enable rules hold."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.ui


def test_every_action_has_a_handler_and_a_menu(window):
    """Each spec names an existing handler and appears in its menu."""
    from app.ui.actions import ACTIONS

    for spec in ACTIONS:
        assert callable(getattr(window, spec.handler)), spec.id
        assert window.actions[spec.id] in window.menus[spec.menu].actions(), spec.id


def test_actions_start_in_the_right_enabled_state(qtbot, services, ui_settings, messages):
    """Without an assessment, answering, undo and export are disabled; new lab is enabled."""
    from app.ui.main_window import MainWindow

    w = MainWindow(services, ui_settings, services.db.url)
    qtbot.addWidget(w)
    w.start()
    a = w.actions
    assert a["new_lab"].isEnabled() and a["open_db"].isEnabled()
    for name in ("answer_conform", "undo", "redo", "export", "next_unanswered", "new_assessment"):
        assert not a[name].isEnabled(), name
    w.shutdown()


def test_actions_follow_the_open_assessment_and_the_undo_stack(window):
    """With an item selected answering is enabled; undo becomes enabled after an answer."""
    a = window.actions
    assert a["answer_conform"].isEnabled() and a["export"].isEnabled()
    assert not a["undo"].isEnabled()
    a["answer_conform"].trigger()
    assert a["undo"].isEnabled()
    assert "T-4.1-01" in a["undo"].text()


def test_shortcuts_table_lists_single_key_answers(window):
    """Keys 1-5 and N are declared shortcuts (shown in the shortcuts dialog)."""
    from app.ui.actions import SPECS, shortcut_text

    assert shortcut_text(SPECS["answer_conform"]) == "1"
    assert shortcut_text(SPECS["answer_na"]) == "4"
    assert shortcut_text(SPECS["next_unanswered"]).startswith("N")

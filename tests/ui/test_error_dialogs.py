"""Errors become dialogs that say what happened and what to do; unexpected ones are logged."""

from __future__ import annotations

import sys

import pytest

pytestmark = pytest.mark.ui


def test_database_error_shows_message_and_hint(messages):
    """A DatabaseError's message and hint are both in the dialog."""
    import importlib

    from app.ui import errors

    DatabaseError = importlib.import_module("app.storage.errors").DatabaseError
    kind = errors.report(None, DatabaseError("The disk is full.", "Free some space and repeat."))
    assert kind == "database"
    title, text = messages[-1]
    assert "The disk is full." in text and "Free some space and repeat." in text


def test_unexpected_error_is_logged_and_the_dialog_names_the_log(home, messages):
    """An unexpected exception is written with its traceback to the log file shown in the dialog."""
    from app.ui import errors

    try:
        raise ZeroDivisionError("boom")
    except ZeroDivisionError as exc:
        kind = errors.report(None, exc)
    assert kind == "unexpected"
    log = errors.log_file()
    assert str(log) in messages[-1][1]
    assert str(home) in str(log)
    assert "ZeroDivisionError: boom" in log.read_text(encoding="utf-8")


def test_excepthook_routes_uncaught_errors_to_the_dialog(home, messages, monkeypatch):
    """sys.excepthook (installed at start-up) reports uncaught errors instead of crashing."""
    from app.ui import errors

    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    errors.install_excepthook()
    try:
        raise RuntimeError("in a slot")
    except RuntimeError:
        sys.excepthook(*sys.exc_info())
    assert "in a slot" in messages[-1][1]


def test_validation_error_in_the_lab_form_path_is_a_dialog(window, services, monkeypatch, messages):
    """A profile the service rejects is reported with the field and what to do."""
    from app.assessment.model import LabProfile
    from app.ui.lab_form import LabProfileDialog

    monkeypatch.setattr(
        LabProfileDialog, "ask", classmethod(lambda cls, parent, p: LabProfile(name="x", industry="bogus"))
    )
    window.actions["new_lab"].trigger()
    assert messages and "industry" in messages[-1][1]


@pytest.mark.parametrize(
    "icon, qt_icon", [("information", "Information"), ("warning", "Warning"), ("critical", "Critical")]
)
def test_the_real_message_box_shows_the_icon_asked_for(qapp, monkeypatch, icon, qt_icon):
    """``show_message`` (QMessageBox is imported when a box is shown) builds the box with that icon and text."""
    from PySide6.QtWidgets import QMessageBox

    from app.ui import errors

    shown: list[QMessageBox] = []
    monkeypatch.setattr(QMessageBox, "exec", lambda box: shown.append(box) or 0)
    errors.show_message(None, icon, "标题", "发生了什么")
    (box,) = shown
    assert box.icon() == getattr(QMessageBox.Icon, qt_icon)
    assert (box.windowTitle(), box.text()) == ("标题", "发生了什么")
    assert box.standardButtons() == QMessageBox.StandardButton.Ok


def test_the_real_question_box_defaults_to_no(qapp, monkeypatch):
    from PySide6.QtWidgets import QMessageBox

    from app.ui import errors

    shown: list[QMessageBox] = []
    monkeypatch.setattr(QMessageBox, "exec", lambda box: shown.append(box) or QMessageBox.StandardButton.Yes)
    assert errors.confirm(None, "删除？", "确定删除这条行动吗？") is True
    assert shown[0].defaultButton() is shown[0].button(QMessageBox.StandardButton.No)

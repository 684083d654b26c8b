"""Fixtures for the desktop UI tests (pytest-qt, offscreen).

Fixtures:
    ui_settings: AppSettings in tmp_path (never the developer's real settings).
    messages: records every message box instead of showing it (list of (title, text)).
    assessment: an assessment of the mini checklist (plus the shipped gates pack) in ``services``.
    window: the main window on ``services`` with ``assessment`` open.
"""

from __future__ import annotations

import pytest

from app.ui.i18n import set_language


@pytest.fixture(autouse=True)
def _zh(qapp):
    """Every UI test starts in Chinese with the bundled font loaded."""
    from app.ui.main import load_fonts

    load_fonts(qapp)
    set_language("zh")
    yield
    set_language("zh")


@pytest.fixture
def ui_settings(tmp_path):
    """UI settings in an INI file under tmp_path."""
    from app.ui.settings import AppSettings

    return AppSettings(tmp_path / "ui" / "labassess-ui.ini")


@pytest.fixture
def messages(monkeypatch):
    """Message boxes are recorded, not shown."""
    from app.ui import errors

    seen: list[tuple[str, str]] = []
    monkeypatch.setattr(errors, "show_message", lambda parent, icon, title, text: seen.append((title, text)))
    return seen


@pytest.fixture
def lab(services):
    """A small appliance lab."""
    from app.assessment.model import LabProfile

    return services.labs.add(
        LabProfile(name="测试实验室", industry="appliance", size="small", test_fields=("appliance_safety",))
    )


@pytest.fixture
def assessment(services, lab):
    """An assessment of the mini checklist (the gates pack is added by the service)."""
    return services.assessments.create(lab.id, ["mini-cl01"], assessor="tester", title="Mini")


@pytest.fixture
def window(qtbot, services, ui_settings, assessment, messages):
    """The main window with the mini assessment open."""
    from app.ui.main_window import MainWindow

    w = MainWindow(services, ui_settings, services.db.url)
    qtbot.addWidget(w)
    w.start()
    w.show()
    qtbot.waitExposed(w)
    w.activateWindow()
    yield w
    w.shutdown()

"""Start-up: first-run welcome with the demo, reopening the last assessment, other databases."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.ui


@pytest.fixture
def empty_window(qtbot, services, ui_settings, messages):
    from app.ui.main_window import MainWindow

    w = MainWindow(services, ui_settings, services.db.url)
    qtbot.addWidget(w)
    w.start()
    w.show()
    yield w
    w.shutdown()


def test_first_run_shows_the_welcome_page_and_the_demo_opens(empty_window, services):
    """With no labs the welcome page shows; 'open the demo lab' creates and opens an assessment."""
    from app.ui.main_window import PAGE_WELCOME, PAGE_WORK

    w = empty_window
    assert w.stack.currentIndex() == PAGE_WELCOME
    assert not w.actions["export"].isEnabled()
    w.welcome.demo_btn.click()
    assert w.stack.currentIndex() == PAGE_WORK
    assert w.session is not None
    assert w.session.view.score.progress.answered > 0
    assert w.nav_model.rowCount() == 1
    assert w.actions["export"].isEnabled()


def test_later_runs_reopen_the_last_assessment(qtbot, services, ui_settings, lab, messages):
    """The assessment open when the window closed is opened again on the next start."""
    from app.ui.main_window import MainWindow

    a1 = services.assessments.create(lab.id, ["mini-cl01"], title="first")
    services.assessments.create(lab.id, ["mini-cl01"], title="second")
    w = MainWindow(services, ui_settings, services.db.url)
    qtbot.addWidget(w)
    w.start()
    w.open_assessment(a1.id)
    w.close()
    w.shutdown()
    w2 = MainWindow(services, ui_settings, services.db.url)
    qtbot.addWidget(w2)
    w2.start()
    assert w2.session.assessment_id == a1.id
    w2.shutdown()


def test_the_last_assessment_saved_by_an_earlier_version_is_still_found(tmp_path):
    """The per-database settings group is named by SHA-1 of the URL, as earlier versions wrote it."""
    import hashlib

    from app.ui.settings import AppSettings

    url = "sqlite:////data/实验室/labassess.db"
    group = "db_" + hashlib.sha1(url.encode("utf-8")).hexdigest()[:12]
    ini = tmp_path / "labassess-ui.ini"
    ini.write_text(f"[{group}]\nlast_assessment=42\n", encoding="utf-8")
    settings = AppSettings(ini)
    assert settings.last_assessment(url) == 42
    assert settings.last_assessment("sqlite:////data/other.db") is None


def test_window_geometry_is_remembered(qtbot, services, ui_settings, assessment, messages):
    """Window size is stored in the settings file and restored."""
    from app.ui.main_window import MainWindow

    w = MainWindow(services, ui_settings, services.db.url)
    qtbot.addWidget(w)
    w.resize(781, 655)
    w.show()
    size = (w.width(), w.height())
    assert size[0] == 781
    w.close()
    assert ui_settings.path.exists()
    w2 = MainWindow(services, ui_settings, services.db.url)
    qtbot.addWidget(w2)
    assert (w2.width(), w2.height()) == size


def test_open_another_database_and_recent_files(empty_window, home, services, messages):
    """Opening another database file switches to it and lists it under recent files."""
    w = empty_window
    other = home / "other.sqlite"
    assert w.open_database(other)
    assert w.services is not services
    assert w.settings.get("recent_files")[0] == str(other.resolve())
    assert [a.text() for a in w.recent_menu.actions()] == [str(other.resolve())]
    assert w.nav_model.rowCount() == 0
    w.services.close()


def test_navigator_lists_labs_and_assessments(window, services, assessment):
    """The navigator shows the lab with its assessment's date, status, readiness and progress."""
    m = window.nav_model
    assert m.rowCount() == 1
    lab_idx = m.index(0, 0)
    assert lab_idx.data() == "测试实验室"
    child = m.index(0, 0, lab_idx)
    assert child.data() == f"Mini · {assessment.assessed_on.isoformat()}"
    assert m.index(0, m.COL_DATE, lab_idx).data() == assessment.assessed_on.isoformat()
    assert m.index(0, m.COL_STATUS, lab_idx).data() == "进行中"
    window.session.answer("T-4.1-01", __import__("app.assessment.model", fromlist=["Status"]).Status.CONFORM)
    assert m.index(0, m.COL_READINESS, lab_idx).data() == "100%"


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_navigator_title_is_readable_at_the_default_dock_width(qtbot, services, ui_settings, lab, messages, lang):
    """The assessment's title, date and status share the name column, which keeps most of the dock."""
    from app.ui.i18n import set_language
    from app.ui.main_window import MainWindow

    a = services.assessments.create(lab.id, ["mini-cl01"], title="Initial diagnosis 首次诊断")
    services.assessments.set_status(a.id, "completed")
    set_language(lang)
    w = MainWindow(services, ui_settings, services.db.url)
    qtbot.addWidget(w)
    w.start()
    w.show()
    qtbot.waitExposed(w)
    nav = w.nav
    idx = w.nav_model.index_of_assessment(a.id)
    text = idx.data()
    assert text.startswith("Initial diagnosis 首次诊断 · ")
    assert text.endswith("已完成" if lang == "zh" else "completed")
    visible = [c for c in range(w.nav_model.columnCount()) if not nav.isColumnHidden(c)]
    assert visible == [w.nav_model.COL_NAME, w.nav_model.COL_READINESS, w.nav_model.COL_PROGRESS]
    # the name column gets at least half of the dock: the title is not squeezed to nothing
    assert nav.columnWidth(w.nav_model.COL_NAME) >= nav.viewport().width() // 2
    w.shutdown()


def test_language_switch_rebuilds_the_window_in_english(qtbot, services, ui_settings, assessment, messages):
    """Switching to English stores the choice and the application rebuilds the window in English."""
    from app.ui.i18n import language
    from app.ui.main import Application

    app = Application(services, ui_settings, services.db.url)
    w = app.build_window()
    qtbot.addWidget(w)
    w.actions["lang_en"].trigger()
    qtbot.waitUntil(lambda: app.window is not w, timeout=3000)
    qtbot.addWidget(app.window)
    assert language() == "en"
    assert ui_settings.get("language") == "en"
    assert app.window.actions["new_lab"].text() == "New lab…"
    assert app.window.session.assessment_id == assessment.id
    app.window.shutdown()


def test_application_font_is_the_bundled_cjk_font_without_hinting(qapp):
    """Chinese never shows as boxes, and glyphs skip FreeType's auto-hinter and cosmetic shaping (faster first paint)."""
    from PySide6.QtGui import QFont, QFontInfo, QFontMetrics

    font = qapp.font()
    assert QFontInfo(font).family() == "Noto Sans SC"
    assert all(QFontMetrics(font).inFontUcs4(ord(ch)) for ch in "实验室能力自评估")
    assert font.hintingPreference() == QFont.HintingPreference.PreferNoHinting
    assert font.styleStrategy() & QFont.StyleStrategy.PreferNoShaping

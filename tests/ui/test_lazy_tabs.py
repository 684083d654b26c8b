"""The dashboard, plan and portfolio pages are built when first opened, not at start-up.

The start-up paint needs only the interview.  These tests check that the other pages and their
modules wait, and that a page built later opens in its own tab and shows the session's current
state.  They also check that the user sees one tab switch and that the plan's shortcuts work.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QTabWidget, QWidget

from app.ui.lazy_tabs import LazyTabs

ROOT = Path(__file__).resolve().parents[2]
LAZY = ("dashboard", "plan", "portfolio")


def _click_tab(window, index: int) -> None:
    bar = window.tabs.tabBar()
    QTest.mouseClick(bar, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, bar.tabRect(index).center())


def test_start_up_builds_only_the_interview_and_leaves_the_other_pages_unimported(services, assessment, home):
    """In a fresh interpreter, started as ``run_gui`` starts: no other page, module or plan DTO loads,
    and no Python code receives a Qt event before the first paint."""
    url = services.db.url
    services.close()
    code = (
        "import json, sys\n"
        "from app.ui.main import create_application, Application\n"
        "from app.ui.settings import AppSettings\n"
        "from app.ui import backend\n"
        "from app.ui.i18n import set_language\n"
        "app = create_application(); set_language('zh')\n"
        f"services = backend.start_services({url!r})\n"
        f"ctl = Application(services, AppSettings(), {url!r})\n"
        "w = ctl.build_window(); w.show(); app.processEvents()\n"
        "mods = ('app.ui.dashboard', 'app.ui.plan_view', 'app.ui.portfolio_view', 'app.services.plan_dto',\n"
        "        'app.ui.dialogs', 'pyqtgraph', 'sqlalchemy')\n"
        "before = {m: m in sys.modules for m in mods}\n"
        "qt_types = {n: n in vars(sys.modules[m]) for m, n in (('PySide6.QtCore', 'QEvent'), ('PySide6.QtGui', 'QIcon'))}\n"
        "built = {k: w.lazy_tabs.built(k) is not None for k in ('dashboard', 'plan', 'portfolio')}\n"
        "titles = [w.tabs.tabText(i) for i in range(w.tabs.count())]\n"
        "interview = w.tabs.currentWidget() is w.interview and w.session is not None\n"
        "w.tabs.setCurrentIndex(1); app.processEvents()\n"
        "after = w.tabs.currentWidget() is w.lazy_tabs.built('dashboard') and 'app.ui.dashboard' in sys.modules\n"
        "print(json.dumps({'before': before, 'built': built, 'titles': titles, 'interview': interview,\n"
        "                  'after': after, 'qt_types': qt_types}))\n"
        "import os; os._exit(0)\n"
    )
    env = dict(os.environ, PYTHONPATH=str(ROOT), QT_QPA_PLATFORM="offscreen", LABASSESS_HOME=str(home))
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True, cwd=ROOT)
    info = json.loads(out.stdout.strip().splitlines()[-1])
    assert info["interview"] is True
    assert info["before"] == dict.fromkeys(info["before"], False)
    assert info["built"] == {"dashboard": False, "plan": False, "portfolio": False}
    # PySide sets a Qt type up on first use: QEvent (with ~50 subclasses) when Python first receives
    # an event, QIcon (with its ~150 theme icons) when an overload taking one is matched. Neither is
    # needed for the first window: together ~60 M instructions of its cold start (app.ui.first_paint).
    assert info["qt_types"] == {"QEvent": False, "QIcon": False}
    from app.ui.i18n import tr

    assert info["titles"] == [tr(f"act.tab_{k}") for k in ("interview", *LAZY)]
    assert info["after"] is True


def test_clicking_a_tab_builds_its_page_in_place_with_one_tab_switch(window, ui_settings, qtbot):
    titles = [window.tabs.tabText(i) for i in range(window.tabs.count())]
    assert all(window.lazy_tabs.built(k) is None for k in LAZY)
    seen: list[int] = []
    window.tabs.currentChanged.connect(seen.append)
    _click_tab(window, 1)
    dashboard = window.lazy_tabs.built("dashboard")
    assert dashboard is not None and dashboard.objectName() == "dashboard"
    assert window.tabs.currentWidget() is dashboard and dashboard.isVisible()
    assert window.tabs.indexOf(dashboard) == 1
    assert [window.tabs.tabText(i) for i in range(window.tabs.count())] == titles
    assert seen == [1]  # the swap of placeholder and page is not a tab switch of its own
    assert ui_settings.get("last_tab") == 1
    assert window.lazy_tabs.built("plan") is None  # the others still wait
    qtbot.waitUntil(lambda: window.findChild(QWidget, "dashboard_pending") is None)  # the placeholder is freed


def test_a_page_built_later_shows_the_answers_given_before(window, services, assessment):
    """Answers typed in the interview before the dashboard exists are on it when it opens."""
    from app.ui.models import fmt_percent

    iv = window.interview
    item = iv.current_item_id()
    QTest.keyClick(iv.items, Qt.Key.Key_3)  # 不符合
    assert window.session.answer_of(item).status.value == "nonconform"
    window.actions["tab_dashboard"].trigger()  # Ctrl+2
    dashboard = window.lazy_tabs.built("dashboard")
    assert window.tabs.currentWidget() is dashboard
    view = services.assessments.view(assessment.id)
    assert dashboard.percent.text() == fmt_percent(view.score.readiness)
    assert dashboard.view is window.session.view
    assert item in [g.item_id for g in dashboard.view.score.gaps]
    p = view.score.progress
    assert dashboard.progress.text().startswith(f"已回答 {p.answered}/{p.applicable} ")


def test_the_plan_page_gets_its_delete_shortcut_when_it_is_built(window):
    act = window.actions["plan_delete"]
    assert act not in QWidget.actions(window) and act not in window.interview.actions()  # `actions` is our dict
    assert not act.isEnabled()  # no plan row is selected: the page is not even built
    window.actions["tab_plan"].trigger()
    plan = window.lazy_tabs.built("plan")
    assert plan is not None and window.tabs.currentWidget() is plan
    assert act in plan.actions()
    assert act.shortcutContext() == Qt.ShortcutContext.WidgetWithChildrenShortcut


def test_a_restored_last_tab_is_built_at_start_up(qtbot, services, ui_settings, assessment, messages):
    from app.ui.main_window import MainWindow

    ui_settings.set("last_tab", 2)
    w = MainWindow(services, ui_settings, services.db.url)
    qtbot.addWidget(w)
    w.start()
    plan = w.lazy_tabs.built("plan")
    assert plan is not None and w.tabs.currentWidget() is plan
    assert w.lazy_tabs.built("dashboard") is None
    w.shutdown()


def test_a_page_that_cannot_be_built_removes_its_tab(qtbot):
    tabs = QTabWidget()
    qtbot.addWidget(tabs)
    first = QWidget()
    tabs.addTab(first, "first")
    lazy = LazyTabs(tabs)
    lazy.add("broken", "broken", lambda: None)
    lazy.add("good", "good", QWidget)
    assert lazy.has("broken") and tabs.count() == 3
    tabs.setCurrentIndex(1)  # the user opens the page that fails
    assert not lazy.has("broken")
    assert [tabs.tabText(i) for i in range(tabs.count())] == ["first", "good"]
    assert tabs.currentWidget() is first
    assert lazy.key_at(1) == "good" and lazy.built("good") is None
    good = lazy.get("good")
    assert tabs.widget(1) is good and tabs.currentWidget() is first


def test_a_bound_builder_does_not_keep_its_owner_alive(qtbot):
    """The window passes its own methods; the helper must not make a cycle that keeps it alive."""
    import gc
    import weakref

    tabs = QTabWidget()
    qtbot.addWidget(tabs)
    tabs.addTab(QWidget(), "first")  # the current tab: the lazy one is not shown yet

    class Owner:
        def __init__(self):
            self.lazy = LazyTabs(tabs)
            self.lazy.add("page", "page", self.build)

        def build(self):
            return QWidget()

    owner = Owner()
    lazy = owner.lazy
    ref = weakref.ref(owner)
    gc.disable()
    try:
        del owner
        assert ref() is None  # freed by reference counting alone
    finally:
        gc.enable()
    assert lazy.get("page") is None  # the owner is gone: nothing to build with
    assert tabs.count() == 1

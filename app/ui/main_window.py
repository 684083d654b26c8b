"""The main window: navigator dock, welcome page, interview / dashboard / plan tabs, status bar.

Menus and the toolbar are built from ``app.ui.actions.ACTIONS``; every ``on_*`` method here is a
handler named in that table.  Answers are saved the moment they are given, so there is nothing to
"save" and no close prompt; the undo stack only drives undo/redo.

Signals:
    language_switched(str): the user picked another interface language.
    assessment_opened(int): an assessment is now open.
"""

from __future__ import annotations

import os
import weakref
from pathlib import Path

from PySide6.QtCore import QModelIndex, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDockWidget,
    QHeaderView,
    QLabel,
    QMainWindow,
    QMenu,
    QStackedWidget,
    QTabWidget,
    QToolBar,
    QTreeView,
    QWidget,
)

from app import __version__
from app.assessment.model import Status
from app.paths import log_dir
from app.ui import actions as action_table
from app.ui import backend, errors
from app.ui.i18n import language, set_language, tr
from app.ui.interview import InterviewWidget
from app.ui.lazy_tabs import LazyTabs
from app.ui.models import ID_ROLE, KIND_ROLE, NavigatorModel, fmt_percent
from app.ui.navigator_scores import NavigatorScorer
from app.ui.session import AssessmentSession
from app.ui.settings import AppSettings

PAGE_WELCOME, PAGE_WORK = 0, 1


def _user() -> str:
    """The login name the answers are recorded under (as ``getpass.getuser``, which reads these first)."""
    for name in ("LOGNAME", "USER", "LNAME", "USERNAME"):
        user = os.environ.get(name)
        if user:
            return user
    import getpass  # only now: it imports pwd and termios (1.4 M instructions of every start)

    try:
        return getpass.getuser()
    except Exception:  # noqa: BLE001 - no user name on some systems
        return ""


class MainWindow(QMainWindow):
    """See the module docstring."""

    language_switched = Signal(str)
    assessment_opened = Signal(int)

    def __init__(self, services, settings: AppSettings, db_url: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.services = services
        self.settings = settings
        self.db_url = db_url
        self.session: AssessmentSession | None = None
        self._selected_lab_id: int | None = None
        self.setObjectName("MainWindow")
        self.setWindowTitle(tr("app.title"))
        self._build()
        self.actions = action_table.build_actions(self, self.interview)
        self._build_menus()
        self._restore_state()
        self.update_actions()

    # -- construction --------------------------------------------------------------------------
    def _build(self) -> None:
        self.nav_model = NavigatorModel(self)
        self.nav = QTreeView()
        self.nav.setObjectName("navigator")
        self.nav.setModel(self.nav_model)
        self.nav.setUniformRowHeights(True)
        self.nav.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.nav.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        hh = self.nav.header()
        hh.setStretchLastSection(False)
        hh.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self._size_figure_columns()
        # date and status are folded into the name cell: separate columns squeezed the title away
        self.nav.setColumnHidden(NavigatorModel.COL_DATE, True)
        self.nav.setColumnHidden(NavigatorModel.COL_STATUS, True)
        self.nav.selectionModel().currentChanged.connect(self._on_nav_current_changed)
        self.nav.activated.connect(self._on_nav_activated)
        me = weakref.ref(self)  # no reference cycle through the scorer: a closed window goes at once
        # the view, not its viewport: its frame is painted in the same pass, just before the rows, and
        # PySide's first viewport() call costs ~13 ms (it loads every QWidget subclass to type the result)
        self.nav_scorer = NavigatorScorer(self.nav_model, lambda: me().services, self.nav, self)
        self.nav_dock = QDockWidget(tr("nav.title"), self)
        self.nav_dock.setObjectName("navigator_dock")
        self.nav_dock.setWidget(self.nav)
        self.nav_dock.setFeatures(
            QDockWidget.DockWidgetFeature.DockWidgetMovable | QDockWidget.DockWidgetFeature.DockWidgetClosable
        )
        self.addDockWidget(Qt.DockWidgetArea.LeftDockWidgetArea, self.nav_dock)
        self.resizeDocks([self.nav_dock], [330], Qt.Orientation.Horizontal)

        self.stack = QStackedWidget()
        self._welcome = None  # built the first time it is shown: most starts reopen an assessment
        self.stack.addWidget(QWidget())  # its place, PAGE_WELCOME
        self.tabs = QTabWidget()
        self.tabs.setObjectName("tabs")
        self.interview = InterviewWidget()
        self.interview.setObjectName("interview")
        self.interview.message.connect(lambda m: self.statusBar().showMessage(m, 4000))
        self.interview.current_item_changed.connect(lambda _i: self.update_actions())
        self.tabs.addTab(self.interview, tr("act.tab_interview"))
        # the other pages are built on first use: the first paint needs only the interview
        self.lazy_tabs = LazyTabs(self.tabs)
        self.lazy_tabs.add("dashboard", tr("act.tab_dashboard"), self._build_dashboard)
        if hasattr(self.services, "plans"):
            self.lazy_tabs.add("plan", tr("act.tab_plan"), self._build_plan_view)
        if backend.has_module("app.ui.portfolio_view"):
            self.lazy_tabs.add("portfolio", tr("act.tab_portfolio"), self._build_portfolio_view)
        self.tabs.currentChanged.connect(self._on_tab_changed)  # after lazy_tabs: it sees the real page
        self.stack.addWidget(self.tabs)
        self.setCentralWidget(self.stack)

        sb = self.statusBar()
        self.sb_position = QLabel("")
        self.interview.position_changed.connect(self.sb_position.setText)
        self.sb_progress = QLabel(tr("sb.no_assessment"))
        self.sb_readiness = QLabel("")
        self.sb_gaps = QLabel("")
        self.sb_reverify = QLabel("")
        self.sb_reverify.setStyleSheet("color: #1565c0")
        for w in (self.sb_position, self.sb_progress, self.sb_readiness, self.sb_gaps, self.sb_reverify):
            sb.addPermanentWidget(w)

    def _size_figure_columns(self) -> None:
        """Readiness and progress get a fixed width that fits "100%" and their header.

        Not ResizeToContents: that measures every row again whenever a row changes, and the
        navigator's figures arrive one row at a time (``nav_scorer``). With 150 assessments
        listed, that re-measuring took about 11 ms per row on a slow host.
        """
        hh = self.nav.header()
        cell = self.nav.fontMetrics().horizontalAdvance("100%")
        # one em of margin, a little more than Qt's own header and cell padding; not
        # QStyle.pixelMetric: its first use builds QStyle's many enums (~10 ms on a slow host)
        pad = hh.fontMetrics().horizontalAdvance("M")
        for c in range(1, NavigatorModel.COL_PROGRESS + 1):
            title = str(self.nav_model.headerData(c, Qt.Orientation.Horizontal) or "")
            hh.setSectionResizeMode(c, QHeaderView.ResizeMode.Fixed)
            hh.resizeSection(c, max(cell, hh.fontMetrics().horizontalAdvance(title)) + pad)

    # The three lazy pages.  Reading one of these properties builds the page if it is not built yet.
    # Code that only forwards state to a page uses ``lazy_tabs.built(key)``, so that it does not
    # build pages nobody has opened.  A page that is built later takes its state from the session.
    @property
    def dashboard(self):
        """The dashboard page (built on first use)."""
        return self.lazy_tabs.get("dashboard")

    @property
    def plan_view(self):
        """The plan page (built on first use), or None without a plans service."""
        return self.lazy_tabs.get("plan")

    @property
    def portfolio_view(self):
        """The cross-lab portfolio page (built on first use), or None if it is not available."""
        return self.lazy_tabs.get("portfolio")

    def _build_dashboard(self):
        from app.ui.dashboard import DashboardWidget

        dashboard = DashboardWidget()
        dashboard.setObjectName("dashboard")
        dashboard.item_requested.connect(self.go_to_item)
        dashboard.clause_requested.connect(self.go_to_clause)
        if self.session is not None:
            dashboard.set_view(self.session.view)
        return dashboard

    def _build_plan_view(self):
        from app.ui.plan_view import PlanWidget

        plan = PlanWidget()
        plan.setObjectName("plan")
        plan.failed.connect(lambda exc: errors.report(self, exc))
        plan.message.connect(lambda m: self.statusBar().showMessage(m, 6000))
        plan.selection_changed.connect(self.update_actions)
        if hasattr(self, "actions"):
            action_table.attach_scope(self.actions, "plan", plan)
        if self.session is not None:
            plan.set_session(self.session)
        return plan

    def _build_portfolio_view(self):
        try:
            mod = backend.load_module("app.ui.portfolio_view")
            factory = getattr(mod, "create_portfolio_view", None) or getattr(mod, "PortfolioView", None)
            if factory is None:
                return None
            view = factory(self.services)
        except Exception as exc:  # noqa: BLE001 - an optional view must not stop the app
            errors.log_unexpected(exc)
            return None
        sig = getattr(view, "assessment_requested", None)
        if sig is not None:
            sig.connect(self.open_assessment)
        return view

    def _build_menus(self) -> None:
        bar = self.menuBar()
        self.menus: dict[str, QMenu] = {}
        for key in action_table.MENUS:
            self.menus[key] = bar.addMenu(tr(key))
        toolbar = QToolBar(tr("toolbar.main"))
        toolbar.setObjectName("main_toolbar")
        toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.addToolBar(toolbar)
        self.toolbar = toolbar
        self.recent_menu = QMenu(tr("menu.recent"), self)
        for spec in action_table.ACTIONS:
            act = self.actions[spec.id]
            menu = self.menus[spec.menu]
            if spec.id == "quit":
                menu.addMenu(self.recent_menu)
                menu.addSeparator()
            menu.addAction(act)
            if spec.id in ("answer_unassessed", "redo", "import_labfile", "next_reverify", "toggle_navigator"):
                menu.addSeparator()
            if spec.toolbar:
                toolbar.addAction(act)
        self.actions["lang_zh" if language() == "zh" else "lang_en"].setChecked(True)
        self._fill_recent_menu()

    def _fill_recent_menu(self) -> None:
        self.recent_menu.clear()
        recent = self.settings.get("recent_files")
        if not recent:
            a = self.recent_menu.addAction(tr("menu.recent_empty"))
            a.setEnabled(False)
            return
        for path in recent:
            a = self.recent_menu.addAction(path)
            a.triggered.connect(lambda _c=False, p=path: self.open_database(Path(p)))

    def _restore_state(self) -> None:
        geo = self.settings.get("geometry")
        if geo is not None and not geo.isEmpty():
            self.restoreGeometry(geo)
        else:
            self.resize(1360, 860)
        state = self.settings.get("window_state")
        if state is not None and not state.isEmpty():
            self.restoreState(state)
        splitter = self.settings.get("splitter_state")
        if splitter is not None and not splitter.isEmpty():
            self.interview.splitter.restoreState(splitter)

    # -- state ---------------------------------------------------------------------------------
    def current_lab_id(self) -> int | None:
        """The lab of the open assessment, else the lab selected in the navigator."""
        if self.session is not None:
            return self.session.view.lab.id
        return self._selected_lab_id

    def update_actions(self) -> None:
        """Re-apply every action's enable rule."""
        if hasattr(self, "actions"):
            action_table.update_enabled(self, self.actions)

    def refresh_navigator(self) -> list:
        """Reload labs and assessments into the navigator; their scores follow (``nav_scorer``).

        Returns the assessment lines it listed (unscored, newest first).
        """
        self.nav_scorer.stop()
        labs = self.services.labs.list()
        assessments = self.services.assessments.list(with_scores=False)
        self.nav_model.set_rows(labs, assessments, scores_pending=True)
        if self.session is not None:
            self.nav_model.update_summary(self.session.view.summary)  # already scored by the session
        self.nav_scorer.start()
        for row in range(self.nav_model.rowCount()):
            self.nav.setFirstColumnSpanned(row, QModelIndex(), True)  # lab names use the full width
        self.nav.expandAll()
        if self.session is not None:
            self._select_in_nav(self.nav_model.index_of_assessment(self.session.assessment_id))
        return assessments

    def _select_in_nav(self, idx: QModelIndex) -> None:
        if idx.isValid():
            with _blocked(self.nav.selectionModel()):
                self.nav.setCurrentIndex(idx)

    def start(self) -> None:
        """First run: the welcome page.  Later runs: reopen the last assessment (or the newest)."""
        try:
            summaries = self.refresh_navigator()  # the list it shows, not a second query for the same
        except Exception as exc:  # noqa: BLE001
            errors.report(self, exc)
            return
        labs = self.nav_model.labs()
        known = {a.id for a in summaries}
        target = self.settings.last_assessment(self.db_url)
        if target not in known:
            target = summaries[0].id if summaries else None
        if labs and target is not None:
            self.open_assessment(target)
        else:
            self._show_welcome()

    @property
    def welcome(self):
        """The welcome page (``WelcomeWidget``), built on first use."""
        if self._welcome is None:
            from app.ui.welcome import WelcomeWidget

            page = self._welcome = WelcomeWidget()
            page.demo_requested.connect(self.on_demo)
            page.new_lab_requested.connect(self.on_new_lab)
            page.open_db_requested.connect(self.on_open_db)
            placeholder = self.stack.widget(PAGE_WELCOME)
            current = self.stack.currentIndex()
            self.stack.insertWidget(PAGE_WELCOME, page)
            self.stack.removeWidget(placeholder)
            placeholder.deleteLater()
            self.stack.setCurrentIndex(current)
        return self._welcome

    def _show_welcome(self) -> None:
        self.welcome.set_state(self.services.db.display_url, bool(self.nav_model.labs()))
        self.stack.setCurrentIndex(PAGE_WELCOME)
        self._update_status()

    def open_assessment(self, assessment_id: int) -> bool:
        """Open an assessment in the interview, dashboard and plan."""
        if self.session is not None and self.session.assessment_id == assessment_id:
            self.stack.setCurrentIndex(PAGE_WORK)
            return True
        self.interview.flush_note()
        try:
            session = AssessmentSession(self.services, assessment_id, by=_user())
        except Exception as exc:  # noqa: BLE001
            errors.report(self, exc)
            return False
        self._close_session()
        self.session = session
        session.failed.connect(self._on_session_failed)
        session.view_changed.connect(self._on_view_changed)
        session.undo_stack.indexChanged.connect(self._on_undo_index_changed)
        self.interview.set_session(session)
        self._forward("dashboard", lambda d: d.set_view(session.view))
        self._forward("plan", lambda p: p.set_session(session))
        self.stack.setCurrentIndex(PAGE_WORK)
        last_tab = self.settings.get("last_tab")
        if 0 <= last_tab < self.tabs.count():
            if not self.isVisible() and self.lazy_tabs.key_at(last_tab) == "dashboard":
                self.dashboard.defer_charts_once = True  # restored at start-up: charts after the first paint
            self.tabs.setCurrentIndex(last_tab)
        self.settings.set_last_assessment(self.db_url, assessment_id)
        self.nav_model.update_summary(session.view.summary)  # its scores at once, not after the others
        self._select_in_nav(self.nav_model.index_of_assessment(assessment_id))
        self._update_status()
        self._update_title()
        self.update_actions()
        self.assessment_opened.emit(assessment_id)
        if self.tabs.currentWidget() is self.interview:
            self.interview.items.setFocus()
        return True

    def _forward(self, key: str, update) -> None:
        """Apply ``update`` to a lazy page only if it is built (a later build reads the session)."""
        page = self.lazy_tabs.built(key)
        if page is not None:
            update(page)

    def _close_session(self) -> None:
        if self.session is None:
            return
        self.interview.flush_note()
        old = self.session
        self.session = None
        for sig in (old.failed, old.view_changed, old.answer_saved, old.evidence_changed, old.undo_stack.indexChanged):
            try:
                sig.disconnect()
            except (RuntimeError, TypeError):
                pass
        old.undo_stack.clear()
        old.deleteLater()

    def _update_title(self) -> None:
        if self.session is None:
            self.setWindowTitle(tr("app.title"))
            return
        s = self.session.view.summary
        self.setWindowTitle(tr("app.title_assessment", lab=s.lab_name, title=s.title or s.assessed_on.isoformat()))

    def _update_status(self) -> None:
        if self.session is None:
            self.sb_progress.setText(tr("sb.no_assessment"))
            self.sb_readiness.setText("")
            self.sb_gaps.setText("")
            self.sb_reverify.setText("")
            return
        v = self.session.view
        p = v.score.progress
        self.sb_progress.setText(
            tr("sb.progress", answered=p.answered, applicable=p.applicable, percent=f"{p.percent:.0f}")
        )
        self.sb_readiness.setText(
            tr("sb.readiness", value=fmt_percent(v.score.readiness), band=v.band_label.get(language()))
        )
        self.sb_gaps.setText(tr("sb.gaps", gaps=len(v.score.gaps), critical=len(v.score.critical_gaps)))
        pending = self.session.reverify_count()
        self.sb_reverify.setText(tr("sb.reverify", n=pending) if pending else "")

    # -- navigation from the dashboard ---------------------------------------------------------
    def go_to_item(self, item_id: str) -> None:
        """Show an item in the interview."""
        self.tabs.setCurrentWidget(self.interview)
        self.interview.select_item(item_id)
        self.interview.items.setFocus()

    def go_to_clause(self, clause_key: str) -> None:
        """Show a clause's items in the interview."""
        self.tabs.setCurrentWidget(self.interview)
        self.interview.select_clause(clause_key)
        self.interview.items.setFocus()

    # -- slots ---------------------------------------------------------------------------------
    def _on_nav_current_changed(self, current: QModelIndex, _previous) -> None:
        if not current.isValid():
            return
        idx = current.sibling(current.row(), 0)
        kind = idx.data(KIND_ROLE)
        if kind == "lab":
            self._selected_lab_id = idx.data(ID_ROLE)
        elif kind == "assessment":
            self.open_assessment(idx.data(ID_ROLE))
        self.update_actions()

    def _on_nav_activated(self, index: QModelIndex) -> None:
        idx = index.sibling(index.row(), 0)
        if idx.data(KIND_ROLE) == "lab":
            self._selected_lab_id = idx.data(ID_ROLE)
            self.on_edit_lab()

    def _on_view_changed(self, view) -> None:
        self._forward("dashboard", lambda d: d.set_view(view))
        self.nav_model.update_summary(view.summary)
        self._update_status()
        self._forward("plan", lambda p: p.mark_stale())
        self.update_actions()  # "confirm as is" follows the current item's re-verify mark

    def _on_session_failed(self, exc: BaseException) -> None:
        errors.report(self, exc)
        if self.session is not None and backend.is_stale_write(exc):
            self.interview.set_session(self.session)

    def _on_undo_index_changed(self, _index: int = 0) -> None:
        if self.session is None:
            return
        try:
            self.update_actions()
        except RuntimeError:  # the stack is being destroyed with its session (application exit)
            return
        stack = self.session.undo_stack
        if stack is not None:
            self.actions["undo"].setText(
                tr("act.undo_named", what=stack.undoText()) if stack.canUndo() else tr("act.undo")
            )
            self.actions["redo"].setText(
                tr("act.redo_named", what=stack.redoText()) if stack.canRedo() else tr("act.redo")
            )

    def on_services_ready(self) -> None:
        """The full services finished opening behind a fast start: load what waited for them."""
        self._forward("plan", lambda p: p.refresh_if_stale() if p.isVisible() else None)
        self.update_actions()

    def _on_tab_changed(self, index: int) -> None:
        self.settings.set("last_tab", index)
        plan = self.lazy_tabs.built("plan")
        if plan is not None and self.tabs.widget(index) is plan:
            plan.refresh_if_stale()

    # -- action handlers (named in app.ui.actions) ---------------------------------------------
    def on_new_lab(self) -> None:
        from app.ui.lab_form import LabProfileDialog

        profile = LabProfileDialog.ask(self, None)
        if profile is None:
            return
        try:
            lab = self.services.labs.add(profile)
        except Exception as exc:  # noqa: BLE001
            errors.report(self, exc)
            return
        self._selected_lab_id = lab.id
        self.refresh_navigator()
        self._select_in_nav(self.nav_model.index_of_lab(lab.id))
        self.new_assessment_for(lab.id)

    def on_new_assessment(self) -> None:
        lab_id = self.current_lab_id()
        if lab_id is None:
            errors.show_message(self, "information", tr("act.new_assessment"), tr("wiz.no_lab"))
            return
        self.new_assessment_for(lab_id)

    def new_assessment_for(self, lab_id: int) -> int | None:
        """Run the wizard for ``lab_id``; open the new assessment.  Returns its id."""
        from app.ui.wizard import NewAssessmentDialog

        try:
            lab = self.services.labs.get(lab_id)
            packs = self.services.catalog.all()
        except Exception as exc:  # noqa: BLE001
            errors.report(self, exc)
            return None
        choice = NewAssessmentDialog.ask(self, lab, packs, assessor=_user())
        if choice is None:
            return None
        try:
            summary = self.services.assessments.create(
                lab_id, choice.pack_ids, assessor=choice.assessor, assessed_on=choice.date, title=choice.title
            )
        except Exception as exc:  # noqa: BLE001
            errors.report(self, exc)
            return None
        self.refresh_navigator()
        self.open_assessment(summary.id)
        self.tabs.setCurrentWidget(self.interview)
        return summary.id

    def on_edit_lab(self) -> None:
        from app.ui.lab_form import LabProfileDialog

        lab_id = self.current_lab_id()
        if lab_id is None:
            return
        try:
            lab = self.services.labs.get(lab_id)
        except Exception as exc:  # noqa: BLE001
            errors.report(self, exc)
            return
        profile = LabProfileDialog.ask(self, lab.profile)
        if profile is None:
            return
        try:
            self.services.labs.update(lab_id, profile)
        except Exception as exc:  # noqa: BLE001
            errors.report(self, exc)
            return
        self.statusBar().showMessage(tr("lab.saved"), 4000)
        if self.session is not None and self.session.view.lab.id == lab_id:
            self.session.reload()
            self.interview.set_session(self.session)
            self._forward("plan", lambda p: p.mark_stale())
        self.refresh_navigator()

    def on_open_db(self) -> None:
        from PySide6.QtWidgets import QFileDialog  # on demand: the class and its enums cost ~1 ms of a start

        path, _f = QFileDialog.getOpenFileName(self, tr("dlg.open_db"), str(Path.home()), tr("dlg.db_filter"))
        if path:
            self.open_database(Path(path))

    def open_database(self, path: Path) -> bool:
        """Switch to another SQLite database file (it is created/migrated if needed)."""
        url = f"sqlite:///{Path(path).expanduser().resolve()}"
        try:
            services = backend.open_services(url, catalog=self.services.catalog)
        except Exception as exc:  # noqa: BLE001
            errors.report(self, exc)
            return False
        self._close_session()
        old = self.services
        self.services = services
        self.db_url = url
        try:
            old.close()
        except Exception:  # noqa: BLE001 - the old database is being left anyway
            pass
        self.settings.add_recent(str(Path(path).expanduser().resolve()))
        self._fill_recent_menu()
        self.interview.set_session(None)
        self._forward("dashboard", lambda d: d.set_view(None))
        self._forward("plan", lambda p: p.set_session(None))
        self.start()
        self.update_actions()
        return True

    def on_demo(self) -> None:
        try:
            _lab, summary = backend.create_demo(self.services)
        except Exception as exc:  # noqa: BLE001
            errors.report(self, exc)
            return
        self.settings.set("welcome_done", True)
        self._close_session()
        self.refresh_navigator()
        self.open_assessment(summary.id)
        self.statusBar().showMessage(tr("dlg.demo_created"), 5000)

    def on_export(self) -> None:
        from app.ui.export import ExportController

        if self.session is None:
            return
        self.interview.flush_note()
        ExportController.run_dialog(self, self.services, self.session.view)

    # -- lab files -----------------------------------------------------------------------------
    def on_export_labfile(self):
        """File → Export lab file (.labx): ask for the file and "anonymised", export in the background."""
        from app.ui.labfile_ui import export_labfile

        if self.session is None:
            return None
        self.interview.flush_note()
        return export_labfile(self, self.services, self.session.view)

    def on_import_labfile(self):
        """File → Import lab file: choose a .labx and import it (conflicts go to the merge dialog)."""
        from PySide6.QtWidgets import QFileDialog

        from app.paths import reports_dir

        path, _f = QFileDialog.getOpenFileName(self, tr("lx.import_title"), str(reports_dir()), tr("lx.filter"))
        return self.import_labfile(Path(path)) if path else None

    def import_labfile(self, path: Path):
        """Import ``path`` in the background; returns the running ``LabFileImport``."""
        from app.ui.labfile_ui import LabFileImport

        self.interview.flush_note()
        job = LabFileImport(self, self.services, Path(path), by=_user())
        job.imported.connect(self._on_labfile_imported)
        return job.start()

    def _on_labfile_imported(self, result) -> None:
        if self.session is not None and self.session.assessment_id == result.assessment_id:
            self.session.undo_stack.clear()  # the answers changed under the undo stack
            self.session.reload()
            self.interview.set_session(self.session)
            self._forward("plan", lambda p: p.set_session(self.session))
        self.refresh_navigator()
        self.open_assessment(result.assessment_id)
        try:
            lab = self.services.labs.get(result.lab_id).name
        except Exception:  # noqa: BLE001 - the message is informative only
            lab = ""
        if result.created:
            text = tr(
                "lx.imported_new",
                lab=lab,
                answers=result.answers_added,
                evidence=result.evidence_added,
                actions=result.actions_added,
            )
        else:
            text = tr(
                "lx.imported_merged",
                lab=lab,
                taken=result.answers_added + result.answers_updated,
                kept=result.answers_kept,
                conflicts=len(result.conflicts_resolved),
            )
        self.statusBar().showMessage(text, 8000)
        errors.show_message(self, "information", tr("lx.imported_title"), text)

    # -- follow-up re-check and compare --------------------------------------------------------
    def on_followup(self) -> int | None:
        """Start a follow-up re-check of the open assessment and open it on "to re-verify"."""
        from app.ui.followup_ui import FollowupDialog

        if self.session is None:
            return None
        self.interview.flush_note()
        previous = self.session.view.summary
        choice = FollowupDialog.ask(self, previous, assessor=previous.assessor or _user())
        if choice is None:
            return None
        try:
            summary = self.services.followups.start_followup(
                previous.id, assessor=choice.assessor, date=choice.date, title=choice.title, by=_user()
            )
        except Exception as exc:  # noqa: BLE001
            errors.report(self, exc)
            return None
        self.refresh_navigator()
        if not self.open_assessment(summary.id):
            return None
        self.tabs.setCurrentWidget(self.interview)
        self.interview.set_filter("reverify")
        self.interview.items.setFocus()
        self.statusBar().showMessage(tr("fu.started", n=self.session.reverify_count()), 8000)
        return summary.id

    def on_compare(self):
        """Compare the open assessment with the one it follows (or any other of the lab)."""
        from app.ui.compare_view import CompareDialog

        if self.session is None:
            return None
        self.interview.flush_note()
        return CompareDialog.open_for(self, self.services, self.session.view.summary)

    def on_confirm(self) -> None:
        self.tabs.setCurrentWidget(self.interview)
        self.interview.confirm_current()
        self.update_actions()

    def on_next_reverify(self) -> None:
        self.tabs.setCurrentWidget(self.interview)
        self.interview.jump_reverify(True)

    # -- plan editing --------------------------------------------------------------------------
    def on_plan_add(self):
        if self.session is None or self.plan_view is None:
            return None
        self.tabs.setCurrentWidget(self.plan_view)
        return self.plan_view.add_action()

    def on_plan_delete(self) -> bool:
        if self.session is None or self.plan_view is None:
            return False
        self.tabs.setCurrentWidget(self.plan_view)
        ok = self.plan_view.delete_selected()
        self.update_actions()
        return ok

    def on_plan_restore(self) -> int:
        if self.session is None or self.plan_view is None:
            return 0
        self.tabs.setCurrentWidget(self.plan_view)
        return self.plan_view.restore_deleted()

    def on_plan_close(self):
        if self.session is None or self.plan_view is None:
            return None
        self.tabs.setCurrentWidget(self.plan_view)
        dto = self.plan_view.close_selected()
        self.update_actions()
        return dto

    def on_plan_closure(self) -> bool:
        if self.session is None or self.plan_view is None:
            return False
        self.tabs.setCurrentWidget(self.plan_view)
        return self.plan_view.show_closure()

    def on_plan_reopen(self):
        if self.session is None or self.plan_view is None:
            return None
        self.tabs.setCurrentWidget(self.plan_view)
        dto = self.plan_view.reopen_selected()
        self.update_actions()
        return dto

    def on_undo(self) -> None:
        if self.session is not None:
            self.interview.flush_note()
            self.session.undo_stack.undo()

    def on_redo(self) -> None:
        if self.session is not None:
            self.session.undo_stack.redo()

    def on_find(self) -> None:
        self.tabs.setCurrentWidget(self.interview)
        self.interview.search.setFocus()
        self.interview.search.selectAll()

    def _answer(self, status: Status) -> None:
        if self.tabs.currentWidget() is not self.interview:
            self.tabs.setCurrentWidget(self.interview)
        self.interview.answer_current(status)

    def on_answer_conform(self) -> None:
        self._answer(Status.CONFORM)

    def on_answer_partial(self) -> None:
        self._answer(Status.PARTIAL)

    def on_answer_nonconform(self) -> None:
        self._answer(Status.NONCONFORM)

    def on_answer_na(self) -> None:
        self._answer(Status.NA)

    def on_answer_unassessed(self) -> None:
        self._answer(Status.UNASSESSED)

    def on_flag(self) -> None:
        self.interview.toggle_flag()

    def on_note(self) -> None:
        self.interview.edit_note()

    def on_attach(self) -> None:
        self.tabs.setCurrentWidget(self.interview)
        self.interview.evidence.attach_dialog()

    def on_next_unanswered(self) -> None:
        self.tabs.setCurrentWidget(self.interview)
        self.interview.jump_unanswered(True)

    def on_prev_unanswered(self) -> None:
        self.tabs.setCurrentWidget(self.interview)
        self.interview.jump_unanswered(False)

    def on_next_item(self) -> None:
        self.interview.step(1)

    def on_prev_item(self) -> None:
        self.interview.step(-1)

    def on_tab_interview(self) -> None:
        self.tabs.setCurrentWidget(self.interview)

    def on_tab_dashboard(self) -> None:
        self.tabs.setCurrentWidget(self.dashboard)

    def on_tab_plan(self) -> None:
        if self.plan_view is not None:
            self.tabs.setCurrentWidget(self.plan_view)

    def on_tab_portfolio(self) -> None:
        if self.portfolio_view is not None:
            self.tabs.setCurrentWidget(self.portfolio_view)

    def on_toggle_navigator(self) -> None:
        self.nav_dock.setVisible(not self.nav_dock.isVisible())

    def on_lang_zh(self) -> None:
        self.switch_language("zh")

    def on_lang_en(self) -> None:
        self.switch_language("en")

    def switch_language(self, lang: str) -> None:
        """Store the choice and ask the application to rebuild the window in that language."""
        self.settings.set("language", lang)
        self.settings.sync()
        if lang == language():
            return
        set_language(lang)
        self.language_switched.emit(lang)

    def on_shortcuts(self) -> None:
        from app.ui.dialogs import ShortcutsDialog

        ShortcutsDialog(self).exec()

    def on_open_logs(self) -> None:
        from app.ui.evidence_view import open_with_system

        folder = log_dir()
        folder.mkdir(parents=True, exist_ok=True)
        open_with_system(folder)

    def on_about(self) -> None:
        errors.show_message(
            self,
            "information",
            tr("act.about"),
            tr("dlg.about", version=__version__, db=self.services.db.display_url, logs=str(errors.log_file())),
        )

    # -- closing -------------------------------------------------------------------------------
    def save_state(self) -> None:
        """Remember geometry, dock/toolbar layout and the open assessment."""
        self.settings.set("geometry", self.saveGeometry())
        self.settings.set("window_state", self.saveState())
        self.settings.set("splitter_state", self.interview.splitter.saveState())
        if self.session is not None:
            self.settings.set_last_assessment(self.db_url, self.session.assessment_id)
        self.settings.sync()

    def closeEvent(self, event) -> None:
        self.interview.flush_note()  # a note typed a moment ago is saved before the window goes
        self.save_state()
        super().closeEvent(event)

    def shutdown(self) -> None:
        """Close the session (used when the window is rebuilt or the app quits)."""
        self.nav_scorer.stop()
        self._close_session()


class _blocked:
    """Block a QObject's signals inside a ``with``."""

    def __init__(self, obj):
        self.obj = obj

    def __enter__(self):
        self._was = self.obj.blockSignals(True)
        return self.obj

    def __exit__(self, *exc):
        self.obj.blockSignals(self._was)
        return False


def defer(fn) -> None:
    """Run ``fn`` once the event loop is idle."""
    QTimer.singleShot(0, fn)

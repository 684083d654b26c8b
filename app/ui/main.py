"""Start the desktop app: QApplication, bundled CJK font, translations, error hook, main window.

``run_gui(db_url)`` is what ``labassess`` (no command) calls.  ``create_application`` and
``Application`` are separate so tests, the screenshot script and the benchmark can build the same
window without entering the event loop.
"""

from __future__ import annotations

import os
import sys

# isort: off
# The core modules the first window needs are imported before PySide6, on purpose. PySide6
# replaces __import__ and reads the whole source of every module imported after it, looking for
# "from __feature__ import" (PYSIDE-2029): for these forty modules that cost ~8 ms of every start.
import app.services.errors  # noqa: F401
import app.services.quickstart  # noqa: F401  (the start-up reader and the domain model it loads)
from app.paths import default_db_url
from app.resources import FONT_BOLD, FONT_FAMILY, FONT_REGULAR

# isort: on
from PySide6.QtCore import QLibraryInfo, QLocale, QObject, Qt, QTranslator, Signal
from PySide6.QtGui import QFont, QFontDatabase, QGuiApplication
from PySide6.QtWidgets import QApplication

from app.ui import backend, errors, start_gc
from app.ui.first_paint import after_first_paint
from app.ui.i18n import language, language_for_locale, set_language
from app.ui.settings import AppSettings

_state: dict = {"fonts": None, "translators": []}


def load_fonts(app: QApplication, point_size: float = 10.0) -> str:
    """Register the bundled Noto Sans SC (regular + bold) and make it the application font."""
    if _state["fonts"] is None:
        families: list[str] = []
        for path in (FONT_REGULAR, FONT_BOLD):
            fid = QFontDatabase.addApplicationFont(str(path))
            if fid >= 0:
                families.extend(QFontDatabase.applicationFontFamilies(fid))
        _state["fonts"] = families[0] if families else ""
    family = _state["fonts"] or FONT_FAMILY
    font = QFont(family)
    font.setPointSizeF(point_size)
    # Noto Sans SC carries no hinting instructions, so hinting means FreeType's auto-hinter on every
    # glyph: without it the first paint of the Chinese interview is 7-9 ms faster (a third of the
    # glyph work), and offscreen screenshots of it with and without hinting look the same.
    font.setHintingPreference(QFont.HintingPreference.PreferNoHinting)
    # Chinese and Latin text needs no shaping to be legible (Qt still shapes scripts that do): skipping
    # HarfBuzz where it is only cosmetic (Latin kerning) saves 19 M instructions of the cold start;
    # the screenshots differ only by Latin words set a hair wider.
    font.setStyleStrategy(QFont.StyleStrategy.PreferNoShaping)
    app.setFont(font)
    return family


def install_translators(app: QApplication, lang: str) -> bool:
    """Install Qt's own zh_CN translations (standard buttons and dialogs) or remove them for English."""
    for t in _state["translators"]:
        app.removeTranslator(t)
    _state["translators"] = []
    if lang != "zh":
        QLocale.setDefault(QLocale("en_US"))
        return False
    QLocale.setDefault(QLocale("zh_CN"))
    folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    ok = False
    for name in ("qtbase_zh_CN", "qt_zh_CN"):
        t = QTranslator(app)
        if t.load(name, folder):
            app.installTranslator(t)
            _state["translators"].append(t)
            ok = True
    return ok


def pick_language(settings: AppSettings) -> str:
    """The saved choice, else the system locale ('zh' for Chinese locales, else 'en')."""
    saved = settings.get("language")
    if saved in ("zh", "en"):
        return saved
    return language_for_locale(QLocale.system().name())


def create_application(argv: list[str] | None = None) -> QApplication:
    """The QApplication (created once), with high-DPI rounding and the bundled font."""
    app = QApplication.instance()
    if app is None:
        QGuiApplication.setHighDpiScaleFactorRoundingPolicy(Qt.HighDpiScaleFactorRoundingPolicy.PassThrough)
        app = QApplication(argv if argv is not None else sys.argv[:1])
    app.setApplicationName("LabAssess")
    app.setOrganizationName("LabAssess")
    load_fonts(app)
    return app


class Application(QObject):
    """Owns the services and the main window; rebuilds the window when the language changes."""

    def __init__(self, services, settings: AppSettings, db_url: str):
        super().__init__()
        self.services = services
        self.settings = settings
        self.db_url = db_url
        self.window = None

    def build_window(self):
        """Create (or re-create) the main window in the current language and show the start state."""
        from app.ui.main_window import MainWindow

        old = self.window
        reopen = None
        if old is not None:
            old.save_state()
            reopen = old.session.assessment_id if old.session else None
            self.services = old.services
            self.db_url = old.db_url
        install_translators(QApplication.instance(), language())
        win = MainWindow(self.services, self.settings, self.db_url)
        win.language_switched.connect(self._on_language_switched)
        self.window = win
        if old is not None:
            old.shutdown()
            old.hide()
            old.deleteLater()
        if reopen is not None:
            win.refresh_navigator()
            win.open_assessment(reopen)
        else:
            win.start()
        return win

    def _on_language_switched(self, _lang: str) -> None:
        from PySide6.QtCore import QTimer

        QTimer.singleShot(0, lambda: self.build_window().show())


class _LoaderWatch(QObject):
    """Carries the background open's outcome from the worker thread to the GUI thread."""

    finished = Signal(object)


def watch_startup(services, window_of) -> _LoaderWatch:
    """Start opening the full services behind a fast first paint; report a failure in a dialog.

    ``window_of()`` returns the current main window (it is rebuilt on a language switch).  If the
    database cannot be opened after all (locked beyond the busy timeout, damaged), the user is told
    what happened and what to do, and the window closes: nothing was written, because every write
    waits for the full services.
    """
    watch = _LoaderWatch(QApplication.instance())

    def finished(exc) -> None:
        if exc is None:
            win = window_of()
            if win is not None:
                win.on_services_ready()
            return
        win = window_of()
        errors.report(win, exc)
        if win is not None:
            win.close()  # the last window: the event loop ends and run_gui returns 1

    watch.finished.connect(finished)
    services.on_done(watch.finished.emit)  # emitted on the worker: Qt queues it to this thread
    services.start()
    return watch


def run_gui(db_url: str | None = None) -> int:
    """Open the main window on ``db_url`` (default: the embedded database) and run the event loop.

    A current SQLite database is shown at once from a light reader while the full services open on
    a worker thread (``app.services.quickstart``); anything else is opened first, as before.
    """
    try:
        return _run_gui(db_url)
    finally:
        start_gc.resume()  # normally long done, after the first paint; this covers an early return


def _run_gui(db_url: str | None) -> int:
    app = create_application()
    settings = AppSettings()
    set_language(pick_language(settings))
    errors.install_excepthook(lambda: QApplication.activeWindow())
    url = db_url or default_db_url()
    if "://" not in url:
        url = f"sqlite:///{os.path.abspath(os.path.expanduser(url))}"
    services = backend.start_services(url)
    fast = services is not None
    if not fast:
        try:
            services = backend.open_services(url)
        except Exception as exc:  # noqa: BLE001 - show what happened and what to do, then exit
            install_translators(app, language())
            errors.report(None, exc)
            return 1
    controller = Application(services, settings, url)
    win = controller.build_window()
    win.show()

    def after_paint() -> None:
        start_gc.resume()  # start_gc.pause() (app.cli) held the collector off up to the first paint
        if fast:
            # after the first paint, so the worker's imports (SQLAlchemy, Alembic) do not compete
            # with it for the GIL; a zero timer here would fire before that paint
            watch_startup(services, lambda: controller.window)

    after_first_paint(win, after_paint, at_latest_ms=1000)
    code = app.exec()
    if fast and services.error is not None:
        code = 1
    if controller.window is not None:
        controller.window.shutdown()
    try:
        controller.services.close()
    except Exception as exc:  # noqa: BLE001 - the failure was already reported; exit quietly
        errors.log_unexpected(exc)
    return code

"""Issue 5 figures: desktop cold start, one keyboard answer, memory with the demo open.

- cold start: a fresh ``python`` process (offscreen Qt) that starts as ``run_gui`` does (the light
  start-up reader, ``app.services.quickstart``), builds the main window and shows it with the demo
  assessment in the interview (the state a user can type into).  Floor: a bare PySide6
  ``QMainWindow`` shown in a fresh process, measured in the same run.
- first answer: the same process then types an answer at once; the figure is launch to the answer
  committed, which includes waiting for the full services that open in the background.
- keyboard answer: ``QTest.keyClick`` of 1/2/3 on the interview widget, which saves the answer
  through ``AssessmentService.answer`` (committed, ``synchronous=FULL``), re-scores, repaints the
  row/clause tree/status bar, plus a forced dashboard refresh (readiness, gates, gaps, radar and
  bars).  Floor: the bare save (``AssessmentService.answer``) alone.
- reference for the cold start: ``bench/skeleton_window.py``, the same first screen built from
  plain PySide6 widgets with the bundled font and Chinese text and no LabAssess code, in a fresh
  process in the same run (no target: it shows how much of the start Qt itself needs).
- peak RSS of the cold-start process after also showing the dashboard (pyqtgraph loaded).
- cold start on a consultant's database: the demo plus 150 generated assessments of 105 labs
  (``bench.portfolio_gen``), to the window interactive and to every navigator figure filled in
  (they are scored after the first paint, a few per event-loop turn: ``app.ui.navigator_scores``).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.common import ROOT, median, row

N_START = 5
N_PORTFOLIO = 150  # assessments generated beside the demo for the consultant's-database start
N_KEYS = 150

_CHILD = r"""
import os, sys, time, json, resource
t0 = time.perf_counter()
from app.ui import start_gc
start_gc.pause()  # as labassess does before PySide6 loads (app.cli.main._open_gui)
from app.ui.main import create_application, Application, watch_startup
from app.ui.settings import AppSettings
from app.ui import backend
from app.ui.i18n import set_language
from app.paths import default_db_url
app = create_application()
set_language("zh")
url = default_db_url()
services = backend.start_services(url)  # what run_gui does: a fast first paint ...
fast = services is not None
if not fast:
    services = backend.open_services(url)  # ... or the full services first
ctl = Application(services, AppSettings(), url)
w = ctl.build_window()
w.show()
app.processEvents()
ok = w.session is not None and w.interview.current_item_id() is not None
t1 = time.perf_counter()
interactive_at = time.time()
start_gc.resume()  # run_gui does this after the first paint
if fast:
    watch_startup(services, lambda: ctl.window)
# a user who types an answer at once: the key is handled when it arrives; the save waits for the
# full services if they are still opening
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
iv = w.interview
item = iv.current_item_id()
before = w.session.status_of(item)
QTest.keyClick(iv, Qt.Key.Key_3 if before.value != "nonconform" else Qt.Key.Key_1)
answered_at = time.time()
ok = ok and w.session.status_of(item) is not before
w.tabs.setCurrentWidget(w.dashboard)
app.processEvents()
rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0
print(json.dumps({"ok": ok, "fast": fast, "in_process": t1 - t0, "interactive_at": interactive_at,
                  "answered_at": answered_at, "rss_mb": rss}))
sys.stdout.flush()
os._exit(0)
"""

_BARE = r"""
import os, sys
from PySide6.QtWidgets import QApplication, QMainWindow
app = QApplication(sys.argv[:1])
w = QMainWindow(); w.resize(1360, 860); w.show(); app.processEvents()
import json, time
print(json.dumps({"interactive_at": time.time()}), flush=True)
os._exit(0)
"""


# The same kinds of widgets, font, translations and Chinese text as the window above, without any
# of our code: what Qt itself costs for that screen (see the module's docstring).
_SKELETON = (Path(__file__).resolve().parent / "skeleton_window.py").read_text(encoding="utf-8")

_CHILD_PORTFOLIO = r"""
import os, sys, time, json
from app.ui import start_gc
start_gc.pause()
from app.ui.main import create_application, Application
from app.ui.settings import AppSettings
from app.ui import backend
from app.ui.i18n import set_language
from app.paths import default_db_url
app = create_application()
set_language("zh")
url = default_db_url()
services = backend.start_services(url)
ctl = Application(services, AppSettings(), url)
w = ctl.build_window()
w.show()
app.processEvents()
interactive_at = time.time()
start_gc.resume()
ok = services is not None and w.session is not None and w.nav_model.rowCount() > 100
from PySide6.QtCore import QEventLoop
while w.nav_model.pending_scores():  # as app.exec() does: wait when idle (the scorer starts then)
    app.processEvents(QEventLoop.ProcessEventsFlag.WaitForMoreEvents)
print(json.dumps({"ok": ok, "interactive_at": interactive_at, "scored_at": time.time()}), flush=True)
os._exit(0)
"""


def _env(home: Path) -> dict:
    env = dict(os.environ)
    env["LABASSESS_HOME"] = str(home)
    env["QT_QPA_PLATFORM"] = "offscreen"
    env.pop("LABASSESS_DB", None)
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    return env


def _make_demo(home: Path) -> None:
    env = _env(home)
    code = "from app.bootstrap import open_services; from app.services.demo import create_demo; s = open_services(); create_demo(s.labs, s.assessments); s.close()"
    subprocess.run([sys.executable, "-c", code], check=True, env=env, cwd=ROOT)


def _make_portfolio(home: Path) -> None:
    """The demo plus ``N_PORTFOLIO`` generated assessments (the demo stays the one reopened)."""
    env = _env(home)
    code = (
        "from app.bootstrap import open_services; from app.services.demo import create_demo\n"
        "from bench.portfolio_gen import generate\n"
        "s = open_services(); create_demo(s.labs, s.assessments)\n"
        f"generate(s.db, n_assessments={N_PORTFOLIO}); s.close()\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, env=env, cwd=ROOT)


def _compile_bytecode() -> None:
    """Compile the app's bytecode, as ``pip install`` does for an installed package.

    A source checkout run with ``PYTHONDONTWRITEBYTECODE=1`` (set on this machine) would otherwise
    compile every app module on every start, which no installed copy does.
    """
    import compileall

    compileall.compile_dir(str(ROOT / "app"), quiet=1)


def _timed(code: str, env: dict) -> tuple[float, str]:
    """Seconds from launching a fresh interpreter to the moment the child reports it is interactive.

    The child prints ``interactive_at`` (wall clock) as soon as its window is usable; what it does
    afterwards (e.g. drawing the dashboard for the memory figure) is not counted.
    """
    t0 = time.time()
    out = subprocess.run([sys.executable, "-c", code], check=True, env=env, cwd=ROOT, capture_output=True, text=True)
    info = json.loads(out.stdout.strip().splitlines()[-1])
    return info["interactive_at"] - t0, out.stdout


def _no_bracket() -> None:
    """Default for ``_keyboard``'s brackets: nothing to do around a measured step."""


def _keyboard(
    home: Path, n_keys: int = N_KEYS, keys_bracket=(_no_bracket, _no_bracket), floor_bracket=(_no_bracket, _no_bracket)
) -> tuple[list[float], list[float]]:
    """Time ``n_keys`` keyboard answers (after 10 unmeasured ones) and as many bare saves.

    Each bracket is a pair of callables run just before and just after every measured step
    (``bench_keycost`` passes callgrind's collection switch, so it counts exactly what is timed here).
    """
    os.environ["LABASSESS_HOME"] = str(home)
    os.environ["QT_QPA_PLATFORM"] = "offscreen"
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest

    from app.assessment.model import Status
    from app.ui import backend
    from app.ui.i18n import set_language
    from app.ui.main import Application, create_application
    from app.ui.settings import AppSettings

    app = create_application()
    set_language("zh")
    services = backend.open_services(None)
    ctl = Application(services, AppSettings(home / "bench-ui.ini"), services.db.url)
    w = ctl.build_window()
    w.show()
    app.processEvents()
    w.tabs.setCurrentWidget(w.dashboard)  # draw the charts once (pyqtgraph import is not part of a keystroke)
    app.processEvents()
    w.tabs.setCurrentWidget(w.interview)
    app.processEvents()
    iv = w.interview
    ids = iv.item_model.item_ids()
    keys = (Qt.Key.Key_1, Qt.Key.Key_2, Qt.Key.Key_3)
    statuses = (Status.CONFORM, Status.PARTIAL, Status.NONCONFORM)
    times = []
    for i in range(n_keys + 10):
        iid = ids[i % len(ids)]
        iv.select_item(iid)
        app.processEvents()  # paint the selection before timing the keystroke
        current = w.session.status_of(iid)
        k = next(j for j, s in enumerate(statuses) if s is not current)
        measured = i >= 10
        if measured:
            keys_bracket[0]()
        t0 = time.perf_counter()
        QTest.keyClick(iv, keys[k])
        w.dashboard.set_view(w.session.view, force=True)
        app.processEvents()
        dt_ = time.perf_counter() - t0
        if measured:
            keys_bracket[1]()
        assert w.session.status_of(iid) is statuses[k]
        if i >= 10:
            times.append(dt_)
    # floor: the bare durable save of the same kind of change
    aid = w.session.assessment_id
    floor = []
    for i in range(n_keys):
        iid = ids[i % len(ids)]
        floor_bracket[0]()
        t0 = time.perf_counter()
        services.assessments.answer(aid, iid, statuses[i % 3])
        floor.append(time.perf_counter() - t0)
        floor_bracket[1]()
    w.shutdown()
    services.close()
    return times, floor


def run() -> list[dict]:
    """The three figures (see module docstring)."""
    with tempfile.TemporaryDirectory(prefix="labassess-bench-ui-") as tmp:
        home = Path(tmp)
        _make_demo(home)
        _compile_bytecode()
        env = _env(home)
        _timed(_CHILD, env)  # warm the disk cache once
        starts, answered, rss, ok = [], [], [], True
        bare, skeleton = [], []
        for _ in range(N_START):
            # each start from the same UI state: the child leaves the dashboard open for the memory
            # figure, and a restored dashboard tab would add pyqtgraph's import (~0.3 s) to the next start
            (home / "labassess-ui.ini").unlink(missing_ok=True)
            secs, out = _timed(_CHILD, env)
            info = json.loads(out.strip().splitlines()[-1])
            ok = ok and info["ok"] and info["fast"]
            answered.append(secs + info["answered_at"] - info["interactive_at"])
            starts.append(secs)
            rss.append(info["rss_mb"])
            bare.append(_timed(_BARE, env)[0])
            skeleton.append(_timed(_SKELETON, env)[0])
        if not ok:
            raise RuntimeError("the demo assessment was not open (fast start) or the first answer was not saved")
        keys, floor = _keyboard(home)
    with tempfile.TemporaryDirectory(prefix="labassess-bench-ui-portfolio-") as tmp:
        home = Path(tmp)
        _make_portfolio(home)
        env = _env(home)
        _timed(_CHILD_PORTFOLIO, env)  # warm the disk cache once
        big_starts, big_scored = [], []
        for _ in range(N_START):
            secs, out = _timed(_CHILD_PORTFOLIO, env)
            info = json.loads(out.strip().splitlines()[-1])
            if not info["ok"]:
                raise RuntimeError("the consultant's database did not open with its labs listed")
            big_starts.append(secs)
            big_scored.append(secs + info["scored_at"] - info["interactive_at"])
    start_median, bare_median = median(starts), median(bare)
    return [
        row(
            "desktop cold start, demo assessment open (interactive)",
            start_median,
            "s",
            target=min(1.0, 2 * bare_median),
            floor=bare_median,
            floor_label="bare PySide6 QMainWindow process",
        ),
        row(
            "  reference: that first screen in plain PySide6 widgets, no LabAssess code",
            median(skeleton),
            "s",
            floor=bare_median,
            floor_label="bare PySide6 QMainWindow process",
        ),
        row(
            "desktop start to the first answer saved (typed at once)",
            median(answered),
            "s",
            target=1.0,
            floor=bare_median,
            floor_label="bare PySide6 QMainWindow process",
        ),
        row(
            "keyboard answer: save + rescore + views + dashboard (median)",
            median(keys) * 1000,
            "ms",
            target=16.0,
            floor=median(floor) * 1000,
            floor_label="AssessmentService.answer alone",
        ),
        row("peak RSS, demo open + dashboard drawn", max(rss), "MB", target=250.0),
        row(
            f"desktop cold start, demo + {N_PORTFOLIO} assessments of other labs (interactive)",
            median(big_starts),
            "s",
            target=1.0,
            floor=bare_median,
            floor_label="bare PySide6 QMainWindow process",
        ),
        row(
            f"  ... until all {N_PORTFOLIO + 1} navigator figures are filled in",
            median(big_scored),
            "s",
        ),
    ]


if __name__ == "__main__":
    for r in run():
        print(r)

"""Render the main screens in Chinese and English into docs/img/ui-<screen>-<lang>.png.

Offscreen Qt with the bundled Noto Sans SC font (no system CJK font needed), on a throw-away
LABASSESS_HOME holding the demo lab.  Usage: ``python scripts/screenshots.py [--out docs/img]``.
Each PNG is kept under 250 KB (the window is 1360×860; PNG at maximum compression).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MAX_BYTES = 240_000  # stay under 250 KB whichever way KB is counted
SIZE = (1360, 860)


def _save(widget, path: Path) -> Path:
    """Grab ``widget``; if the PNG is over 250 KB, reduce it to a 256-colour palette (Pillow)."""
    from PySide6.QtGui import QImage
    from PySide6.QtWidgets import QApplication

    pending = getattr(getattr(widget, "nav_model", None), "pending_scores", None)
    if pending is not None:  # the navigator's figures arrive after the paint: show them, not "…"
        _wait(QApplication.instance(), lambda: not pending())
    img = widget.grab().toImage().convertToFormat(QImage.Format.Format_RGB888)
    img.save(str(path), "PNG", 0)
    if path.stat().st_size > MAX_BYTES:
        from PIL import Image

        with Image.open(path) as im:
            im.convert("RGB").quantize(colors=256, method=Image.Quantize.MEDIANCUT).save(path, optimize=True)
    return path


def _wait(app, predicate, timeout_s: float = 30.0) -> None:
    """Process events until ``predicate()`` is true (background workers report by queued signal)."""
    import time

    from PySide6.QtCore import QEventLoop, QTimer

    end = time.monotonic() + timeout_s
    while not predicate() and time.monotonic() < end:
        loop = QEventLoop()  # waits when idle, as app.exec() does (app.ui.first_paint relies on it)
        QTimer.singleShot(10, loop.quit)
        loop.exec()


def _followup_and_compare(app, w, services, out: Path, lang: str) -> list[Path]:
    """A follow-up re-check of the demo (some gaps closed, some confirmed, one regressed, the rest
    still to re-verify) in the interview, then the compare view against the first assessment."""
    import datetime as dt
    import random

    from app.assessment.model import Status
    from app.checklists.schema import clause_key
    from app.ui.compare_view import CompareDialog

    first = w.session.view
    today = first.summary.assessed_on
    plan = services.plans.actions(first.summary.id) or []
    for a in plan[:3]:  # three actions already overdue when the consultant comes back
        services.plans.update(
            a.id, start_date=today - dt.timedelta(days=20), due_date=today - dt.timedelta(days=5 + a.id % 7)
        )
    fu = services.followups.start_followup(first.summary.id, assessor="张顾问 (demo)", title="跟踪复查 / Follow-up")
    rng = random.Random(5)
    answers = services.assessments.answers(fu.id)
    items = [it for p in first.packs if p.kind != "gates" for it in p.items]
    for it in items:
        a = answers.get(it.id)
        if a is None:
            continue
        key = clause_key(it.clause)
        if key == "6.4" and it.id.endswith(("1", "3", "5", "7")):
            continue  # left to re-verify for the screenshot
        r = rng.random()
        if a.status.is_gap and r < 0.55:
            services.assessments.answer(
                fu.id, it.id, Status.CONFORM, note="已整改，记录已补齐 / fixed, records complete"
            )
        elif a.status is Status.CONFORM and r < 0.04:
            services.assessments.answer(
                fu.id, it.id, Status.PARTIAL, note="新版程序未执行 / new procedure not followed"
            )
        elif r < 0.75:
            services.assessments.confirm(fu.id, it.id, by="demo")
    w.refresh_navigator()
    w.open_assessment(fu.id)
    w.tabs.setCurrentWidget(w.interview)
    w.go_to_clause("6.4")
    app.processEvents()
    iv = w.interview
    target = next(
        (i for i in iv.item_model.item_ids() if w.session.needs_reverify(i) and w.session.status_of(i).is_gap),
        None,
    ) or next((i for i in iv.item_model.item_ids() if w.session.needs_reverify(i)), None)
    if target:
        iv.select_item(target)
    app.processEvents()
    shots = [_save(w, out / f"ui-followup-{lang}.png")]
    dlg = CompareDialog.open_for(w, services, w.session.view.summary)
    dlg.resize(1280, 800)
    app.processEvents()
    app.processEvents()
    shots.append(_save(dlg, out / f"ui-compare-{lang}.png"))
    dlg.close()
    return shots


#: Five more labs for the portfolio: (name, industry, size, fields, gap-rate factor, seed)
PORTFOLIO_LABS = (
    ("佛山顺德小家电检测室", "appliance", "small", ("appliance_safety", "performance"), 1.3, 3),
    ("中山古镇灯饰检测中心", "lighting", "small", ("luminaire_safety", "photometry"), 0.8, 4),
    ("江门照明电器实验室", "lighting", "micro", ("luminaire_safety", "emc"), 1.6, 5),
    ("宁波家电安全实验室", "appliance", "medium", ("appliance_safety", "emc"), 0.6, 6),
    ("慈溪电器检测站", "appliance", "micro", ("appliance_safety",), 1.9, 7),
)


def _portfolio(app, home: Path, out: Path, lang: str) -> Path:
    """The portfolio tab over the demo lab plus five demo-like labs with varied answers."""
    import datetime as dt
    import random

    from app.assessment.applicability import item_applies
    from app.assessment.model import LabProfile, Status
    from app.checklists.schema import clause_key
    from app.services.assessments import AnswerChange
    from app.services.demo import DEFAULT_GAP_RATE, GAP_RATE
    from app.ui import backend
    from app.ui.main import Application
    from app.ui.settings import AppSettings

    services = backend.open_services(f"sqlite:///{home / f'portfolio-{lang}.sqlite'}")
    backend.create_demo(services)
    today = dt.date.today()
    for n, (name, industry, size, fields, factor, seed) in enumerate(PORTFOLIO_LABS):
        lab = services.labs.add(LabProfile(name=name, industry=industry, size=size, test_fields=fields))
        summary = services.assessments.create(
            lab.id, ["cnas-cl01"], assessor="平台顾问", assessed_on=today - dt.timedelta(days=9 * (n + 1))
        )
        rng = random.Random(seed)
        changes = []
        for pack in services.assessments.packs(summary.id):
            if pack.kind != "requirements":
                continue
            for it in pack.items:
                if not item_applies(it, lab.profile):
                    continue
                rate = min(0.9, GAP_RATE.get(clause_key(it.clause), DEFAULT_GAP_RATE) * factor)
                r = rng.random()
                status = Status.NONCONFORM if r < rate * 0.4 else Status.PARTIAL if r < rate else Status.CONFORM
                changes.append(AnswerChange(it.id, status))
        services.assessments.answer_many(summary.id, changes, by="demo")
    ctl = Application(services, AppSettings(home / f"portfolio-{lang}.ini"), services.db.url)
    w = ctl.build_window()
    w.resize(*SIZE)
    w.show()
    app.processEvents()
    pv = w.portfolio_view
    done = []
    pv.loaded.connect(lambda n: done.append(n))
    pv.failed.connect(lambda e: done.append(e))
    w.tabs.setCurrentWidget(pv)
    pv.refresh()
    _wait(app, lambda: bool(done))
    app.processEvents()
    path = _save(w, out / f"ui-portfolio-{lang}.png")
    w.shutdown()
    w.close()
    services.close()
    return path


def main(argv: list[str] | None = None) -> int:
    """Write the screenshots; print their paths and sizes."""
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--out", type=Path, default=ROOT / "docs" / "img")
    args = p.parse_args(argv)
    os.environ["QT_QPA_PLATFORM"] = "offscreen"
    home = Path(tempfile.mkdtemp(prefix="labassess-shots-"))
    os.environ["LABASSESS_HOME"] = str(home)
    os.environ.pop("LABASSESS_DB", None)
    sys.path.insert(0, str(ROOT))

    from PySide6.QtWidgets import QApplication

    from app.ui import backend, errors
    from app.ui.i18n import set_language
    from app.ui.main import Application, create_application, install_translators
    from app.ui.settings import AppSettings

    errors.show_message = lambda *a, **k: None  # no modal boxes while rendering
    app = create_application()
    args.out.mkdir(parents=True, exist_ok=True)
    written = []
    for lang in ("zh", "en"):
        set_language(lang)
        install_translators(app, lang)
        # welcome: an empty database
        empty = backend.open_services(f"sqlite:///{home / f'empty-{lang}.sqlite'}")
        ctl = Application(empty, AppSettings(home / f"empty-{lang}.ini"), empty.db.url)
        w = ctl.build_window()
        w.resize(*SIZE)
        w.show()
        app.processEvents()
        written.append(_save(w, args.out / f"ui-welcome-{lang}.png"))
        w.shutdown()
        w.close()
        empty.close()

        services = backend.open_services(f"sqlite:///{home / f'demo-{lang}.sqlite'}")
        backend.create_demo(services)
        ctl = Application(services, AppSettings(home / f"demo-{lang}.ini"), services.db.url)
        w = ctl.build_window()
        w.resize(*SIZE)
        w.show()
        app.processEvents()
        iv = w.interview
        # an item with a gap, a note and the guidance visible
        gap = next((g for g in w.session.view.score.gaps if g.note), None) or w.session.view.score.gaps[0]
        w.go_to_item(gap.item_id)
        app.processEvents()
        written.append(_save(w, args.out / f"ui-interview-{lang}.png"))
        w.tabs.setCurrentWidget(w.dashboard)
        app.processEvents()
        app.processEvents()
        written.append(_save(w, args.out / f"ui-dashboard-{lang}.png"))
        w.tabs.setCurrentWidget(w.plan_view)
        app.processEvents()
        written.append(_save(w, args.out / f"ui-plan-{lang}.png"))
        w.plan_view.views.setCurrentIndex(1)
        app.processEvents()
        written.append(_save(w, args.out / f"ui-timeline-{lang}.png"))
        from app.ui.lab_form import LabProfileDialog

        dlg = LabProfileDialog(w, w.session.view.lab.profile)
        dlg.resize(760, 600)
        dlg.show()
        app.processEvents()
        written.append(_save(dlg, args.out / f"ui-lab-profile-{lang}.png"))
        dlg.tabs.setCurrentIndex(1)
        app.processEvents()
        written.append(_save(dlg, args.out / f"ui-lab-system-{lang}.png"))
        dlg.close()
        del iv
        written += _followup_and_compare(app, w, services, args.out, lang)
        w.shutdown()
        w.close()
        services.close()
        written.append(_portfolio(app, home, args.out, lang))
    for path in written:
        print(f"{path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}  {path.stat().st_size // 1024} KB")
    QApplication.processEvents()
    return 0


if __name__ == "__main__":
    code = main()
    sys.stdout.flush()
    os._exit(code)

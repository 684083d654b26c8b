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

    img = widget.grab().toImage().convertToFormat(QImage.Format.Format_RGB888)
    img.save(str(path), "PNG", 0)
    if path.stat().st_size > MAX_BYTES:
        from PIL import Image

        with Image.open(path) as im:
            im.convert("RGB").quantize(colors=256, method=Image.Quantize.MEDIANCUT).save(path, optimize=True)
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
        w.shutdown()
        w.close()
        services.close()
    for path in written:
        print(f"{path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}  {path.stat().st_size // 1024} KB")
    QApplication.processEvents()
    return 0


if __name__ == "__main__":
    code = main()
    sys.stdout.flush()
    os._exit(code)

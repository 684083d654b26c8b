"""A GUI writer for the crash harness: the real main window (offscreen) answering from the keyboard.

``python gui_writer.py DB_URL CHECKLIST_DIR ASSESSMENT_ID ITEMS FIRST_SEQ SEED`` opens the main window
on the assessment (through the fast start, like ``run_gui``), then for ever: selects a random item in the interview, sets its note to
``seq:<n>`` through the note path the editor uses, and presses a status key (1, 2, 3 or 5) with
QTest on the interview widget.  ``ACK <item> <seq> <status>`` is printed after the key press has
been handled (the answer is saved inside the key handler).
"""

from __future__ import annotations

import os
import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

KEYS = {"1": "conform", "2": "partial", "3": "nonconform", "5": "unassessed"}


def main(url: str, checklists: str, asm: str, items: str, seq: str, seed: str) -> None:
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest

    from app.services.catalog import Catalog
    from app.services.quickstart import start_services
    from app.ui import backend
    from app.ui.main import Application, create_application, watch_startup
    from app.ui.settings import AppSettings

    app = create_application()
    catalog = Catalog(Path(checklists))
    # as run_gui does: the window opens on the light reader and the real services open behind it,
    # so the first keys may be pressed (and killed) while they are still opening
    services = start_services(url, lambda: backend.open_services(url, catalog=catalog))
    if services is None:
        services = backend.open_services(url, catalog=catalog)
    settings = AppSettings(Path(checklists).parent / "gui-writer.ini")
    ctl = Application(services, settings, url)
    window = ctl.build_window()
    window.show()
    if hasattr(services, "on_done"):
        watch_startup(services, lambda: ctl.window)
    assert window.open_assessment(int(asm))
    app.processEvents()
    interview = window.interview
    rng = random.Random(int(seed))
    seq_no = int(seq)
    # items the profile excludes (e.g. sampling) are not in the interview
    item_ids = [i for i in items.split(",") if interview.select_item(i)]
    print("READY", flush=True)
    keys = {"1": Qt.Key.Key_1, "2": Qt.Key.Key_2, "3": Qt.Key.Key_3, "5": Qt.Key.Key_5}
    while True:
        item = rng.choice(item_ids)
        key = rng.choice(sorted(KEYS))
        assert interview.select_item(item)
        interview.session.set_note(item, f"seq:{seq_no}")
        QTest.keyClick(interview, keys[key])
        app.processEvents()
        print(f"ACK {item} {seq_no} {KEYS[key]}", flush=True)
        seq_no += 1


if __name__ == "__main__":
    main(*sys.argv[1:7])

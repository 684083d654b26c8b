"""A service-layer writer for the crash harness: answers items forever, acknowledging each AFTER it returns.

Two ways to run it:

``python crash_writer.py DB_URL CHECKLIST_DIR ASSESSMENT_ID ITEMS FIRST_SEQ SEED``
    one writer; prints ``READY`` once the database is open, then ``ACK <item> <seq> <status>`` on
    stdout after every ``AssessmentService.answer`` call has returned.

``python crash_writer.py --zygote``
    imports the application once, then for each stdin line ``spawn ACKFILE DB_URL ...`` forks a
    fresh writer process (printing ``PID <pid>``) whose acknowledgements go to ACKFILE, written with
    ``os.write`` after each call returned (a SIGKILL cannot lose a completed write(2)); ``reap PID``
    waits for that process and prints ``REAPED <pid> <status>``.  The harness kills the forked writers
    with SIGKILL; forking saves the 0.5 s interpreter start-up per kill.

The note of each answer is ``seq:<seq>``, so the harness can tell which write of an item the database holds.
"""

from __future__ import annotations

import os
import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

STATUSES = ("conform", "partial", "nonconform", "unassessed")


def write_forever(url: str, checklists: str, asm: str, items: str, seq: str, seed: str, emit) -> None:
    """Open the database and answer random items until killed; ``emit(line)`` after each returned call."""
    from app.bootstrap import open_services
    from app.services.catalog import Catalog

    svc = open_services(url, catalog=Catalog(Path(checklists)))
    asm_id, seq_no = int(asm), int(seq)
    item_ids = items.split(",")
    rng = random.Random(int(seed))
    emit("READY")
    while True:
        item = rng.choice(item_ids)
        status = rng.choice(STATUSES)
        svc.assessments.answer(asm_id, item, status, note=f"seq:{seq_no}", by="crash")
        emit(f"ACK {item} {seq_no} {status}")
        seq_no += 1


def zygote() -> None:
    """Pre-import, then fork writers on request."""
    import app.bootstrap  # noqa: F401 - the point: imports happen once, before the forks
    import app.services.assessments  # noqa: F401
    from app.storage.database import known_revisions

    known_revisions()  # warm alembic's script directory too
    print("ZYGOTE", flush=True)
    for line in sys.stdin:
        cmd, *args = line.split()
        if cmd == "spawn":
            ack_file, *rest = args
            pid = os.fork()
            if pid == 0:  # the writer
                try:
                    fd = os.open(ack_file, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
                    write_forever(*rest, emit=lambda s, fd=fd: os.write(fd, (s + "\n").encode()))
                except BaseException as exc:  # noqa: BLE001 - report and leave without running parent cleanup
                    os.write(2, f"writer failed: {exc!r}\n".encode())
                finally:
                    os._exit(3)
            print(f"PID {pid}", flush=True)
        elif cmd == "reap":
            _pid, status = os.waitpid(int(args[0]), 0)
            print(f"REAPED {args[0]} {status}", flush=True)


def main() -> None:
    """Entry point."""
    if sys.argv[1:2] == ["--zygote"]:
        zygote()
        return

    def emit(s: str) -> None:
        sys.stdout.write(s + "\n")
        sys.stdout.flush()

    write_forever(*sys.argv[1:7], emit=emit)


if __name__ == "__main__":
    main()

"""Broken databases: corrupt, read-only, locked, full disk, two writers.  The user is told, nothing saved is lost."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from rel_helpers import ROOT, answers, cli, env_for, integrity, make_home, one_line_error, query, seed

from app.storage.errors import DatabaseError

pytestmark = [pytest.mark.integration, pytest.mark.slow]


@pytest.fixture
def seeded(tmp_path):
    """A database with one assessment and two committed answers; returns (home, db, assessment id)."""
    home = make_home(tmp_path)
    db = tmp_path / "lab.sqlite"
    (asm,), _items = seed(home, db)
    for item, status in (("T-4.1-01", "conform"), ("T-4.2-01", "nonconform")):
        assert cli(home, db, "assessment", "answer", str(asm), item, status, "--note", f"saved {item}").returncode == 0
    return home, db, asm


SAVED = {"T-4.1-01": ("conform", "saved T-4.1-01"), "T-4.2-01": ("nonconform", "saved T-4.2-01")}


def _still_saved(db: Path, asm: int) -> None:
    got = {i: v for (a, i), v in answers(db).items() if a == asm}
    assert got == SAVED
    assert integrity(db) == "ok"


# -- corrupt files ------------------------------------------------------------------------------
def test_random_bytes_are_refused_and_untouched(tmp_path):
    """A file of random bytes is 'not a LabAssess database' (exit 1, one line) and is not modified."""
    home = make_home(tmp_path)
    db = tmp_path / "random.sqlite"
    db.write_bytes(os.urandom(50_000))
    before = db.read_bytes()
    line = one_line_error(cli(home, db, "lab", "list"))
    assert "not a LabAssess database" in line and "backup" in line
    assert db.read_bytes() == before and not Path(f"{db}-wal").exists()


def test_truncated_database_is_reported_damaged(seeded):
    """A real database cut short is reported as damaged with the restore hint; the file is not rewritten."""
    home, db, asm = seeded
    con = sqlite3.connect(db)
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    con.execute("CREATE TABLE filler(x)")
    con.executemany("INSERT INTO filler VALUES (?)", [(os.urandom(500),) for _ in range(400)])
    con.commit()
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    con.close()
    data = db.read_bytes()
    db.write_bytes(data[: len(data) // 3])
    before = db.read_bytes()
    proc = cli(home, db, "assessment", "show", str(asm))
    line = one_line_error(proc)
    assert "damaged" in line and "doctor" in line
    assert db.read_bytes() == before


def test_zero_length_and_header_only_files(tmp_path):
    """An empty file becomes a new database; a file with only a SQLite header is 'damaged', not a crash."""
    home = make_home(tmp_path)
    empty = tmp_path / "empty.sqlite"
    empty.write_bytes(b"")
    assert cli(home, empty, "lab", "list").returncode == 0
    header = tmp_path / "header.sqlite"
    header.write_bytes(b"SQLite format 3\x00" + b"\x00" * 84)
    line = one_line_error(cli(home, header, "lab", "list"))
    assert "damaged" in line or "not a LabAssess database" in line


# -- read-only ----------------------------------------------------------------------------------
def test_read_only_uri_reads_but_refuses_writes(seeded):
    """Opened with mode=ro (what a read-only share gives), reading works and a write says 'read-only'."""
    home, db, asm = seeded
    url = f"sqlite:///file:{db}?mode=ro&uri=true"
    shown = cli(home, url, "assessment", "show", str(asm), "--json")
    assert shown.returncode == 0, shown.stderr
    line = one_line_error(cli(home, url, "assessment", "answer", str(asm), "T-6.1-01", "conform"))
    assert "read-only" in line and "Copy it" in line
    _still_saved(db, asm)


def test_immutable_file_refuses_writes(seeded):
    """chattr +i (the only protection that stops root) makes a write fail with the read-only message."""
    home, db, asm = seeded
    sqlite3.connect(db).execute("PRAGMA wal_checkpoint(TRUNCATE)").close()
    if shutil.which("chattr") is None or subprocess.run(["chattr", "+i", str(db)], capture_output=True).returncode:
        pytest.skip("chattr +i is not available here")
    try:
        line = one_line_error(cli(home, db, "assessment", "answer", str(asm), "T-6.1-01", "conform"))
        assert "read-only" in line
    finally:
        subprocess.run(["chattr", "-i", str(db)], check=True)
    _still_saved(db, asm)


# -- locked ---------------------------------------------------------------------------------------
HOLDER = """
import sqlite3, sys, time
con = sqlite3.connect(sys.argv[1], isolation_level=None)
con.execute("BEGIN IMMEDIATE")
con.execute("UPDATE answer SET note = 'held' WHERE item_id = 'T-4.1-01'")
print("locked", flush=True)
sys.stdin.readline()
con.execute("ROLLBACK")
"""


def test_locked_by_another_instance(seeded):
    """While another process holds a write transaction, a write waits LABASSESS_BUSY_TIMEOUT, then says so."""
    home, db, asm = seeded
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(db)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout.readline().strip() == "locked"
        t0 = time.monotonic()
        proc = cli(home, db, "assessment", "answer", str(asm), "T-6.1-01", "conform", LABASSESS_BUSY_TIMEOUT="0.5")
        elapsed = time.monotonic() - t0
        line = one_line_error(proc)
        assert "busy" in line and "another LabAssess instance" in line and "is writing" in line
        assert elapsed < 8
        # every transaction takes the write lock first (BEGIN IMMEDIATE), so a reader is told the same
        line = one_line_error(cli(home, db, "assessment", "show", str(asm), LABASSESS_BUSY_TIMEOUT="0.5"))
        assert "another LabAssess instance" in line
    finally:
        holder.communicate("\n", timeout=30)
    assert cli(home, db, "assessment", "answer", str(asm), "T-6.1-01", "conform").returncode == 0
    assert answers(db)[(asm, "T-6.1-01")][0] == "conform"
    assert answers(db)[(asm, "T-4.1-01")] == SAVED["T-4.1-01"]


def test_busy_timeout_waits_for_a_short_writer(seeded):
    """A writer that finishes within the busy timeout is simply waited for: the second write succeeds."""
    home, db, asm = seeded
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(db)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    assert holder.stdout.readline().strip() == "locked"
    proc = subprocess.Popen(
        [sys.executable, "-m", "app", "--db", str(db), "assessment", "answer", str(asm), "T-6.1-01", "partial"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
        env=env_for(home, LABASSESS_BUSY_TIMEOUT="20"),
    )
    time.sleep(1.0)
    holder.communicate("\n", timeout=30)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 0, err
    assert answers(db)[(asm, "T-6.1-01")][0] == "partial"


# -- full disk ------------------------------------------------------------------------------------
def test_full_database_file_keeps_what_was_saved(seeded):
    """When SQLite cannot grow the file (max_page_count), the user gets 'disk full' + hint; saved answers stay."""
    from sqlalchemy import event

    from app.bootstrap import open_services
    from app.services.catalog import Catalog

    home, db, asm = seeded
    svc = open_services(f"sqlite:///{db}", catalog=Catalog(home / "checklists"))
    pages = query(db, "PRAGMA page_count")[0][0]
    event.listen(svc.db.engine, "connect", lambda c, _r: c.execute(f"PRAGMA max_page_count={pages + 2}"))
    svc.db.engine.dispose()
    with pytest.raises(DatabaseError) as err:
        for n in range(50):
            svc.assessments.answer(asm, "T-6.1-01", "partial", note=f"{n} " + "x" * 90_000)
    assert "full" in err.value.message and "intact" in err.value.message and "Free some disk space" in err.value.hint
    svc.close()
    _still_saved(db, asm)


def test_full_disk_on_a_small_tmpfs(tmp_path):
    """On a real full file system: a typed error naming the cause; after freeing space everything saved is there."""
    mnt = tmp_path / "small"
    mnt.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(mnt)], capture_output=True).returncode:
        pytest.skip("cannot mount a tmpfs here")
    try:
        from app.bootstrap import open_services
        from app.services.catalog import Catalog

        home = make_home(tmp_path)
        db = mnt / "lab.sqlite"
        (asm,), items = seed(home, db)
        svc = open_services(f"sqlite:///{db}", catalog=Catalog(home / "checklists"))
        saved: dict[str, str] = {}
        with pytest.raises(DatabaseError) as err:
            for n in range(400):
                item = items[n % len(items)]
                note = f"{n} " + uuid.uuid4().hex * 1500
                svc.assessments.answer(asm, item, "partial" if n % 2 else "conform", note=note)
                saved[item] = note
        assert "full" in err.value.message or "disk I/O" in err.value.message
        assert "intact" in err.value.message
        svc.close()
        # free space and re-open: every acknowledged answer is there
        for f in mnt.iterdir():
            if f.suffix == ".sqlite" and ".bak" in f.name:
                f.unlink()
        filler = mnt / "filler"
        filler.unlink(missing_ok=True)
        assert integrity(db) == "ok"
        got = {i: n for (_a, i), (_s, n) in answers(db).items()}
        assert {i: got.get(i) for i in saved} == saved
    finally:
        subprocess.run(["umount", "-l", str(mnt)], capture_output=True)


# -- two instances --------------------------------------------------------------------------------
WRITER = """
import sys
from app.bootstrap import open_services
from app.services.catalog import Catalog
svc = open_services(sys.argv[1], catalog=Catalog(__import__('pathlib').Path(sys.argv[2])))
asm = int(sys.argv[3]); tag = sys.argv[4]; items = sys.argv[5].split(',')
for n in range(int(sys.argv[6])):
    item = items[n % len(items)]
    svc.assessments.answer(asm, item, 'partial' if n % 2 else 'conform', note=f'{tag}-{n}', by=tag)
    print(item, tag, n, flush=True)
svc.close()
"""


def test_two_instances_write_the_same_file(tmp_path):
    """Two processes answering the same items concurrently both succeed; history holds every write; no corruption."""
    home = make_home(tmp_path)
    db = tmp_path / "shared.sqlite"
    (asm,), items = seed(home, db)
    some = ",".join(items[:10])
    n = 150
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", WRITER, f"sqlite:///{db}", str(home / "checklists"), str(asm), tag, some, str(n)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            cwd=ROOT,
            env=env_for(home),
        )
        for tag in ("A", "B")
    ]
    outs = [p.communicate(timeout=120) for p in procs]
    for p, (out, err) in zip(procs, outs):
        assert p.returncode == 0, err
        assert len(out.splitlines()) == n
    assert integrity(db) == "ok"
    hist = query(db, "SELECT changed_by, count(*) FROM answer_history GROUP BY changed_by")
    # every acknowledged write is in the history (a write identical to the current answer adds none)
    counts = dict(hist)
    assert counts["A"] + counts["B"] >= n  # at least each writer's status changes
    notes = {r[0] for r in query(db, "SELECT new_note FROM answer_history")}
    assert all(f"{t}-{k}" in notes for t in "AB" for k in range(n))
    assert len(query(db, "SELECT * FROM answer WHERE assessment_id = ?", (asm,))) == 10

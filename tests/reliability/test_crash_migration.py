"""Crash safety of schema migrations: a migration killed with SIGKILL leaves the database fully old or fully new."""

from __future__ import annotations

import multiprocessing
import random
import shutil
import sqlite3
import time
from pathlib import Path

import pytest
from crash_tools import scale
from rel_helpers import DATA

from app.storage.database import head_revision, known_revisions, open_database
from app.storage.orm import Base

pytestmark = [pytest.mark.integration, pytest.mark.slow]

MIGRATION_KILLS = 30
HEAD_TABLES = set(Base.metadata.tables)


def _sources() -> list[str | None]:
    """None = a brand-new file (upgrade from nothing); else every released fixture older than head."""
    return [None] + [r for r in known_revisions()[:-1] if (DATA / "schema" / f"{r}.sqlite").exists()]


def _prepare(source: str | None, dest: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{dest}{suffix}").unlink(missing_ok=True)
    if source is not None:
        shutil.copy(DATA / "schema" / f"{source}.sqlite", dest)


def _state(db: Path) -> tuple[str | None, set[str]]:
    """(schema revision or None, tables) as any SQLite reader sees the file after the crash."""
    if not db.exists():
        return None, set()
    con = sqlite3.connect(db)
    try:
        assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        tables = {
            r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'")
        }
        rev = (
            con.execute("SELECT version_num FROM alembic_version").fetchone()[0]
            if "alembic_version" in tables
            else None
        )
        return rev, tables
    finally:
        con.close()


def _counts(db: Path) -> dict[str, int]:
    con = sqlite3.connect(db)
    try:
        return {
            t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
            for t in ("lab", "assessment", "answer", "answer_history", "evidence")
        }
    finally:
        con.close()


def test_killed_migration_is_all_or_nothing(tmp_path):
    """SIGKILL at a random statement of open_database's upgrade: the file is the old or the new schema, never between."""
    ctx = multiprocessing.get_context("forkserver")
    ctx.set_forkserver_preload(["sqlalchemy", "alembic.command", "app.storage.database", "crash_migrate"])
    import crash_migrate

    rng = random.Random(77)
    sources = _sources()
    db = tmp_path / "migrating.sqlite"
    fixture_counts = {}
    statements = {}
    for src in sources:  # calibrate: how many statements a full migration runs
        _prepare(src, db)
        if src is not None:
            fixture_counts[src] = _counts(db)
        counter = ctx.Value("i", 0)
        p = ctx.Process(target=crash_migrate.migrate, args=(f"sqlite:///{db}", str(tmp_path / "bk"), counter, 0.0))
        p.start()
        p.join(60)
        assert p.exitcode == 0
        statements[src] = counter.value
        assert _state(db)[0] == head_revision()
    target = max(2, int(MIGRATION_KILLS * scale()))
    kills = outcomes_old = outcomes_new = 0
    for i in range(target * 3):
        if kills >= target:
            break
        src = sources[i % len(sources)]
        _prepare(src, db)
        counter = ctx.Value("i", 0)
        p = ctx.Process(target=crash_migrate.migrate, args=(f"sqlite:///{db}", str(tmp_path / "bk"), counter, 0.002))
        p.start()
        stop_at = rng.randint(1, statements[src] + 3)  # past the last statement: around the commit
        t0 = time.monotonic()
        while counter.value < min(stop_at, statements[src]) and p.is_alive() and time.monotonic() - t0 < 30:
            time.sleep(0.0003)
        if stop_at > statements[src]:
            time.sleep(rng.uniform(0.0, 0.006))
        alive = p.is_alive()
        p.kill()
        p.join(30)
        if not alive:
            continue  # it finished first: not a kill
        kills += 1
        rev, tables = _state(db)
        if rev == head_revision():
            outcomes_new += 1
            assert tables >= HEAD_TABLES, f"head stamped but tables missing: {HEAD_TABLES - tables}"
        elif rev is None:
            outcomes_old += 1
            assert src is None and tables == set(), f"half-created schema after kill at {stop_at}: {sorted(tables)}"
        else:
            outcomes_old += 1
            assert rev == src
        if src is not None:
            assert _counts(db) == fixture_counts[src]
        opened = open_database(f"sqlite:///{db}", backup_dir=tmp_path / "bk")  # and it opens (migrating if old)
        opened.dispose()
        assert _state(db)[0] == head_revision()
        assert (
            not any(p.name.endswith(".bak.sqlite") and p.stat().st_size == 0 for p in (tmp_path / "bk").glob("*"))
            if (tmp_path / "bk").exists()
            else True
        )
    assert kills >= target
    assert outcomes_old > 0  # the kills really landed inside migrations (and some after their commit)
    print(f"migration: {kills} kills, {outcomes_old} left old, {outcomes_new} left new")

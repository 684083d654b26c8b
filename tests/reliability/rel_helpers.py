"""Helpers shared by the reliability tests: a seeded database, CLI runs in a subprocess, checks."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "tests" / "data"
HERE = Path(__file__).resolve().parent


def make_home(base: Path) -> Path:
    """A LABASSESS_HOME with the mini checklist installed as a user pack."""
    home = base / "home"
    (home / "checklists").mkdir(parents=True, exist_ok=True)
    shutil.copy(DATA / "mini-cl01.yaml", home / "checklists" / "mini-cl01.yaml")
    return home


def env_for(home: Path, **extra: str) -> dict:
    """Environment for a subprocess using ``home`` (and no developer data)."""
    env = {k: v for k, v in os.environ.items() if k not in ("LABASSESS_DB",)}
    env.update(LABASSESS_HOME=str(home), PYTHONPATH=str(ROOT), PYTHONDONTWRITEBYTECODE="1", QT_QPA_PLATFORM="offscreen")
    env.update(extra)
    return env


def seed(home: Path, db: Path, n_assessments: int = 1) -> tuple[list[int], list[str]]:
    """Create a lab and assessments of the mini checklist in ``db``; returns (assessment ids, item ids)."""
    from app.assessment.model import LabProfile
    from app.bootstrap import open_services
    from app.services.catalog import Catalog

    svc = open_services(f"sqlite:///{db}", catalog=Catalog(home / "checklists"))
    try:
        lab = svc.labs.add(LabProfile(name="Reliability lab"))
        ids = [svc.assessments.create(lab.id, ["mini-cl01"]).id for _ in range(n_assessments)]
        items = [it.id for it in svc.catalog.get("mini-cl01").items]
    finally:
        svc.close()
    return ids, items


def cli(home: Path, db: Path | str, *args: str, timeout: float = 120, **env: str) -> subprocess.CompletedProcess:
    """Run ``python -m app --db DB ARGS`` and capture its output."""
    return subprocess.run(
        [sys.executable, "-m", "app", "--db", str(db), *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=ROOT,
        env=env_for(home, **env),
    )


def integrity(db: Path) -> str:
    """``PRAGMA integrity_check`` of a SQLite file, read without writing to it."""
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=30)
    try:
        rows = [r[0] for r in con.execute("PRAGMA integrity_check")]
    finally:
        con.close()
    return "ok" if rows == ["ok"] else "; ".join(rows)


def query(db: Path, sql: str, params: tuple = ()) -> list[tuple]:
    """Rows of a read-only query."""
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=30)
    try:
        return con.execute(sql, params).fetchall()
    finally:
        con.close()


def answers(db: Path) -> dict[tuple[int, str], tuple[str, str]]:
    """Current answers: (assessment, item) -> (status, note)."""
    return {(a, i): (s, n) for a, i, s, n in query(db, "SELECT assessment_id, item_id, status, note FROM answer")}


def one_line_error(proc: subprocess.CompletedProcess) -> str:
    """Assert the CLI failed with exit 1 and exactly one line on stderr, no traceback; return that line."""
    assert proc.returncode == 1, (proc.returncode, proc.stdout, proc.stderr)
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in proc.stderr, proc.stderr
    return lines[0]

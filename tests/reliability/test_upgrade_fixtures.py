"""Upgrades: a fixture database of every released schema revision opens at head with no data lost."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest
from rel_helpers import DATA

from app.storage.database import head_revision, known_revisions, open_database
from app.storage.errors import DatabaseError

pytestmark = pytest.mark.integration

FIXTURES = DATA / "schema"
REVISIONS = known_revisions()


def _dump(db: Path) -> dict[str, dict[tuple, dict]]:
    """Every row of every table, by primary key (rowid when there is none)."""
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    con.row_factory = sqlite3.Row
    try:
        out = {}
        tables = [
            r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'")
        ]
        for t in tables:
            pk = [r["name"] for r in con.execute(f"PRAGMA table_info('{t}')") if r["pk"]] or ["rowid"]
            rows = con.execute(f"SELECT {'rowid AS rowid, ' if pk == ['rowid'] else ''}* FROM '{t}'").fetchall()
            out[t] = {tuple(r[k] for k in pk): dict(r) for r in rows}
        return out
    finally:
        con.close()


def _copy(rev: str, tmp_path: Path) -> Path:
    src = FIXTURES / f"{rev}.sqlite"
    if not src.exists():
        pytest.fail(f"no fixture for released revision {rev}: run python tests/data/schema/make_fixtures.py {rev}")
    dest = tmp_path / f"user-{rev}.sqlite"
    shutil.copy(src, dest)
    return dest


@pytest.mark.parametrize("rev", [r for r in REVISIONS if (FIXTURES / f"{r}.sqlite").exists()] or REVISIONS[:1])
def test_fixture_upgrades_to_head_without_losing_data(rev, tmp_path, mini_catalog):
    """Opening an old database migrates it to head after a backup; every row and value survives; it still scores."""
    db = _copy(rev, tmp_path)
    before = _dump(db)
    backups = tmp_path / "backups"
    opened = open_database(f"sqlite:///{db}", backup_dir=backups)
    try:
        if rev != head_revision():
            assert opened.backup_path is not None and opened.backup_path.exists()
            assert opened.backup_path.read_bytes()[:16] == b"SQLite format 3\x00"
            assert _dump(opened.backup_path) == before  # the backup is the untouched old database
        else:
            assert opened.backup_path is None and not backups.exists()  # nothing to migrate, nothing copied
    finally:
        opened.dispose()
    after = _dump(db)
    assert after["alembic_version"] == {(head_revision(),): {"version_num": head_revision()}}
    for table, rows in before.items():
        if table == "alembic_version":
            continue
        assert table in after, f"table {table} disappeared"
        assert set(rows) <= set(after[table]), f"rows lost from {table}"
        for key, row in rows.items():
            new = after[table][key]
            kept = {c: v for c, v in row.items() if c in new}
            assert {c: new[c] for c in kept} == kept, f"{table} {key} changed"
    con = sqlite3.connect(db)
    assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert con.execute("PRAGMA foreign_key_check").fetchall() == []
    con.close()

    # the services read every assessment of the upgraded database
    from app.bootstrap import open_services
    from app.services.maintenance import MaintenanceService

    svc = open_services(f"sqlite:///{db}", catalog=mini_catalog)
    try:
        for summary in svc.assessments.list():
            view = svc.assessments.view(summary.id)
            assert view.score.progress.answered > 0
        assert MaintenanceService(svc.db).check().healthy
    finally:
        svc.close()


@pytest.mark.parametrize("rev", REVISIONS[:1])
def test_newer_database_is_refused_and_untouched(rev, tmp_path):
    """A database stamped with a revision this version does not know is refused clearly; not one byte changes."""
    db = _copy(rev, tmp_path)
    con = sqlite3.connect(db)
    con.execute("UPDATE alembic_version SET version_num = '9999_from_the_future'")
    con.commit()
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    con.close()
    before = db.read_bytes()
    with pytest.raises(DatabaseError) as err:
        open_database(f"sqlite:///{db}", backup_dir=tmp_path / "bk")
    assert "newer version of LabAssess" in err.value.message and "9999_from_the_future" in err.value.message
    assert "Install the newer LabAssess" in err.value.hint
    assert db.read_bytes() == before
    assert not (tmp_path / "bk").exists()


def test_fresh_database_gets_every_table_and_the_version(tmp_path):
    """A new database is created at head with its version row (no backup: there was nothing to keep)."""
    db = tmp_path / "new.sqlite"
    opened = open_database(f"sqlite:///{db}", backup_dir=tmp_path / "bk")
    opened.dispose()
    assert opened.backup_path is None and not (tmp_path / "bk").exists()
    assert _dump(db)["alembic_version"] == {(head_revision(),): {"version_num": head_revision()}}


def test_backup_is_written_before_the_migration_starts(tmp_path, monkeypatch):
    """With a newer head than the file's revision, the backup exists (and equals the old file) before upgrading."""
    import app.storage.database as database

    db = _copy(REVISIONS[0], tmp_path)
    before = _dump(db)
    seen = {}

    def fake_upgrade(engine):
        [bak] = (tmp_path / "bk").glob("*.bak.sqlite")
        seen["backup"] = _dump(bak)
        with engine.begin() as c:
            c.exec_driver_sql("UPDATE alembic_version SET version_num = 'fake_next'")

    monkeypatch.setattr(database, "known_revisions", lambda: [*REVISIONS, "fake_next"])
    monkeypatch.setattr(database, "_upgrade", fake_upgrade)
    opened = database.open_database(f"sqlite:///{db}", backup_dir=tmp_path / "bk")
    opened.dispose()
    assert seen["backup"] == before
    assert opened.backup_path.name.startswith(f"user-{REVISIONS[0]}.schema-{REVISIONS[0]}.")


def test_every_released_revision_has_a_fixture():
    """Each schema revision the app knows has its committed fixture database (make_fixtures.py REV)."""
    missing = [r for r in REVISIONS if not (FIXTURES / f"{r}.sqlite").exists()]
    assert missing == [], f"run: python tests/data/schema/make_fixtures.py {' '.join(missing)}"

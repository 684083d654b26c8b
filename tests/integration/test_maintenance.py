"""``labassess doctor`` and ``labassess backup``: damaged databases are found, explained and (orphans) repaired."""

from __future__ import annotations

import json
import sqlite3
import threading

import pytest

from app.assessment.model import LabProfile, Status
from app.cli.main import main
from app.services.maintenance import MaintenanceService, backup_database, backup_file, diagnose
from app.storage.errors import DatabaseError

pytestmark = pytest.mark.integration


@pytest.fixture
def filled(services, home):
    """A SQLite database with a lab, an assessment, answers and two evidence files; returns (services, path)."""
    lab = services.labs.add(LabProfile(name="Doctor lab"))
    asm = services.assessments.create(lab.id, ["mini-cl01"])
    services.assessments.answer(asm.id, "T-4.1-01", Status.CONFORM, note="ok")
    services.assessments.answer(asm.id, "T-4.2-01", Status.NONCONFORM, note="gap")
    services.evidence.add_bytes(asm.id, "T-4.1-01", "cert.pdf", b"%PDF-1.4 certificate" * 50)
    services.evidence.add_bytes(asm.id, "T-4.2-01", "photo.jpg", b"\xff\xd8jpeg" * 100)
    path = home / "test.sqlite"
    services.close()
    return asm.id, path


def _raw(path):
    con = sqlite3.connect(path, isolation_level=None)
    con.execute("PRAGMA foreign_keys=OFF")
    return con


def _doctor_json(path, capsys, *extra) -> tuple[int, dict]:
    capsys.readouterr()
    code = main(["--db", str(path), "doctor", "--json", *extra])
    return code, json.loads(capsys.readouterr().out)


def test_healthy_database_passes(filled, capsys):
    """A healthy database: exit 0, every check run, no findings."""
    _, path = filled
    code, rep = _doctor_json(path, capsys)
    assert code == 0 and rep["healthy"] and rep["findings"] == []
    assert {"integrity", "foreign-keys", "evidence-hash", "orphaned-blob", "missing-blob", "answer-items"} <= set(
        rep["checks"]
    )
    assert rep["stats"]["evidence_blobs"] == 2 and rep["stats"]["answers"] == 2


def test_flipped_bytes_in_a_blob_are_found(filled, capsys):
    """A blob whose bytes no longer match its SHA-256 is an error naming the file, with a repair."""
    _, path = filled
    con = _raw(path)
    digest, data = con.execute(
        "SELECT b.sha256, b.data FROM evidence_blob b JOIN evidence e ON e.sha256 = b.sha256 WHERE e.original_name = 'photo.jpg'"
    ).fetchone()
    damaged = bytes([data[0] ^ 0xFF]) + data[1:]
    con.execute("UPDATE evidence_blob SET data = ? WHERE sha256 = ?", (damaged, digest))
    con.close()
    code, rep = _doctor_json(path, capsys)
    assert code == 1 and not rep["healthy"]
    [f] = [f for f in rep["findings"] if f["check"] == "evidence-hash"]
    assert f["severity"] == "error" and "photo.jpg" in f["message"] and "Attach the original file again" in f["repair"]


def test_missing_blob_row_is_found(filled, capsys):
    """Deleting a blob row (foreign keys off) leaves an evidence entry without content: reported by name."""
    _, path = filled
    con = _raw(path)
    con.execute("DELETE FROM evidence_blob WHERE sha256 = (SELECT sha256 FROM evidence WHERE original_name='cert.pdf')")
    con.close()
    code, rep = _doctor_json(path, capsys)
    assert code == 1
    [f] = [f for f in rep["findings"] if f["check"] == "missing-blob"]
    assert "cert.pdf" in f["message"] and not f["repairable"]


def test_orphaned_blob_is_repaired_and_nothing_else_changes(filled, capsys):
    """An orphaned blob is a repairable warning; --repair deletes only it, and the database is then healthy."""
    _, path = filled
    con = _raw(path)
    con.execute("INSERT INTO evidence_blob (sha256, size, data) VALUES ('ab' || hex(randomblob(31)), 3, x'010203')")
    before = con.execute("SELECT count(*) FROM evidence_blob").fetchone()[0]
    con.close()
    code, rep = _doctor_json(path, capsys)
    assert code == 1
    [f] = [f for f in rep["findings"] if f["check"] == "orphaned-blob"]
    assert f["repairable"] and "--repair" in f["repair"]
    code, rep = _doctor_json(path, capsys, "--repair")
    assert code == 0 and rep["healthy"] and len(rep["repaired"]) == 1
    con = _raw(path)
    assert con.execute("SELECT count(*) FROM evidence_blob").fetchone()[0] == before - 1
    assert con.execute("SELECT count(*) FROM evidence").fetchone()[0] == 2
    assert con.execute("SELECT count(*) FROM answer").fetchone()[0] == 2
    con.close()


def test_answer_to_unknown_item_is_reported(filled, capsys):
    """An answer to an item that is not in the assessment's checklist snapshots is a warning."""
    asm_id, path = filled
    con = _raw(path)
    con.execute(
        "INSERT INTO answer (assessment_id, item_id, status, note, na_reason, flagged, reverify, version, updated_by,"
        " updated_at) VALUES (?, 'GHOST-9.9', 'conform', '', '', 0, 0, 1, '', '2026-01-01')",
        (asm_id,),
    )
    con.close()
    code, rep = _doctor_json(path, capsys)
    assert code == 1
    [f] = [f for f in rep["findings"] if f["check"] == "answer-items"]
    assert "GHOST-9.9" in f["message"] and f"Assessment {asm_id}" in f["message"]


def test_broken_foreign_key_is_reported(filled, capsys):
    """Rows pointing at deleted parents are found by PRAGMA foreign_key_check."""
    asm_id, path = filled
    con = _raw(path)
    con.execute("DELETE FROM answer WHERE item_id = 'T-4.1-01'")  # its history rows now dangle
    con.close()
    code, rep = _doctor_json(path, capsys)
    assert code == 1
    assert any(f["check"] == "foreign-keys" and "answer_history" in f["message"] for f in rep["findings"])


def test_damaged_pages_fail_the_integrity_check(filled, capsys):
    """Garbage written over interior pages makes the doctor say 'restore a backup', never a traceback."""
    _, path = filled
    con = _raw(path)
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    page = con.execute("PRAGMA page_size").fetchone()[0]
    con.close()
    raw = bytearray(path.read_bytes())
    for p in range(2, len(raw) // page):
        raw[p * page + 8 : p * page + 200] = b"\xa5" * 192
    path.write_bytes(bytes(raw))
    code, rep = _doctor_json(path, capsys)
    assert code == 1
    assert rep["findings"] and rep["findings"][0]["severity"] == "error"
    assert "backup" in rep["findings"][0]["repair"].lower()


def test_not_a_database_and_missing_file(tmp_path, home, capsys):
    """A random file or no file at all: one finding, exit 1, plain text output with the repair."""
    junk = tmp_path / "junk.sqlite"
    junk.write_bytes(b"this is not sqlite" * 100)
    capsys.readouterr()
    assert main(["--db", str(junk), "doctor"]) == 1
    out = capsys.readouterr().out
    assert "not a LabAssess database" in out and "repair:" in out and "Traceback" not in out
    rep = diagnose(f"sqlite:///{tmp_path / 'none.sqlite'}")
    assert not rep.healthy and rep.findings[0].check == "open"
    assert not (tmp_path / "none.sqlite").exists()


def test_newer_schema_is_an_error_and_the_file_is_untouched(filled, capsys):
    """A database from a newer LabAssess is reported and not modified."""
    _, path = filled
    con = _raw(path)
    con.execute("UPDATE alembic_version SET version_num = '9999'")
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    con.close()
    before = path.read_bytes()
    code, rep = _doctor_json(path, capsys)
    assert code == 1 and rep["schema_version"] == "9999"
    assert any(f["check"] == "schema" and "newer" in f["message"] for f in rep["findings"])
    assert path.read_bytes() == before


def test_backup_while_another_connection_is_writing(filled, tmp_path, capsys):
    """A backup taken during an open write transaction holds exactly the committed state and verifies."""
    _, path = filled
    writer = sqlite3.connect(path, isolation_level=None, timeout=10)
    writer.execute("BEGIN IMMEDIATE")
    writer.execute("UPDATE answer SET note = 'uncommitted' WHERE item_id = 'T-4.1-01'")
    out = tmp_path / "copy.sqlite"
    capsys.readouterr()
    assert main(["--db", str(path), "backup", "--out", str(out)]) == 0
    assert "integrity ok" in capsys.readouterr().out
    writer.execute("COMMIT")
    writer.close()
    copy = sqlite3.connect(out)
    assert copy.execute("SELECT note FROM answer WHERE item_id = 'T-4.1-01'").fetchone()[0] == "ok"
    assert copy.execute("SELECT count(*) FROM evidence_blob").fetchone()[0] == 2
    copy.close()
    assert not list(tmp_path.glob("*.part"))


def test_backup_during_a_stream_of_commits(filled, tmp_path):
    """Backups taken while another thread commits answers are always intact copies."""
    _, path = filled
    stop = threading.Event()

    def write():
        con = sqlite3.connect(path, isolation_level=None, timeout=10)
        n = 0
        while not stop.is_set():
            con.execute("UPDATE answer SET note = ? WHERE item_id = 'T-4.2-01'", (f"n{n}",))
            n += 1
        con.close()

    t = threading.Thread(target=write)
    t.start()
    try:
        for i in range(5):
            res = backup_file(path, tmp_path / f"b{i}.sqlite")
            assert res.integrity == "ok"
    finally:
        stop.set()
        t.join()


def test_backup_refuses_to_overwrite_and_explains_postgres(filled, tmp_path, capsys):
    """An existing target needs --force; the database itself is never a target; PostgreSQL points to pg_dump."""
    _, path = filled
    out = tmp_path / "exists.sqlite"
    out.write_text("keep me")
    capsys.readouterr()
    assert main(["--db", str(path), "backup", "--out", str(out)]) == 1
    assert "already exists" in capsys.readouterr().err and out.read_text() == "keep me"
    assert main(["--db", str(path), "backup", "--out", str(out), "--force"]) == 0
    with pytest.raises(DatabaseError, match="overwrite the database itself"):
        backup_file(path, path, overwrite=True)
    with pytest.raises(DatabaseError, match="pg_dump"):
        backup_database("postgresql+psycopg://u:secret@127.0.0.1/x", tmp_path / "pg.sqlite")


def test_doctor_on_any_backend(any_services):
    """The doctor runs on SQLite and PostgreSQL alike and finds a healthy fresh database healthy."""
    lab = any_services.labs.add(LabProfile(name="Any"))
    asm = any_services.assessments.create(lab.id, ["mini-cl01"])
    any_services.assessments.answer(asm.id, "T-4.1-01", Status.PARTIAL)
    any_services.evidence.add_bytes(asm.id, "T-4.1-01", "a.txt", b"hello")
    rep = MaintenanceService(any_services.db).check()
    assert rep.healthy, rep.findings
    expected = {"integrity"} if any_services.db.is_sqlite else {"connection"}
    assert expected <= set(rep.checks) and rep.stats["answers"] == 1

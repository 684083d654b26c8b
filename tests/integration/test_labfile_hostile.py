"""Hostile or broken lab files are refused with a clear message and NOTHING changed (SQLite + PostgreSQL)."""

from __future__ import annotations

import hashlib
import json
import stat
import warnings
import zipfile

import pytest
from sqlalchemy import func, select

from app.assessment.model import LabProfile
from app.services import labfile
from app.services.labfile import LabFileError
from app.storage.orm import (
    Answer,
    AnswerHistory,
    Assessment,
    ChecklistSnapshot,
    Evidence,
    EvidenceBlob,
    Lab,
    PlanAction,
)

pytestmark = pytest.mark.integration

TABLES = (Lab, Assessment, Answer, AnswerHistory, Evidence, EvidenceBlob, PlanAction, ChecklistSnapshot)


@pytest.fixture
def valid(tmp_path, home, mini_catalog):
    """A valid lab file exported from a separate database, as {name: bytes}, plus its path."""
    from app.bootstrap import open_services

    src = open_services(f"sqlite:///{home / 'src.sqlite'}", catalog=mini_catalog)
    lab = src.labs.add(LabProfile(name="源实验室", test_fields=("appliance_safety",)))
    a = src.assessments.create(lab.id, ["mini-cl01"], assessor="x")
    src.assessments.answer(a.id, "T-6.4-01", "partial", note="n", by="x")
    src.evidence.add_bytes(a.id, "T-6.4-01", "e.pdf", b"%PDF evidence", by="x")
    path = tmp_path / "valid.labx"
    src.labfiles.export(a.id, path)
    src.close()
    with zipfile.ZipFile(path) as zf:
        entries = {n: zf.read(n) for n in zf.namelist()}
    return path, entries


def _counts(svc):
    with svc.db.transaction() as s:
        return [s.scalar(select(func.count()).select_from(t)) for t in TABLES]


def _write(path, entries: dict, *, infos: dict | None = None, manifest_fix=True):
    """Write entries (name -> bytes); re-hash the manifest for the given entries unless told not to."""
    entries = dict(entries)
    if manifest_fix and "manifest.json" in entries:
        m = json.loads(entries["manifest.json"])
        m["parts"] = {
            n: {"sha256": hashlib.sha256(b).hexdigest(), "size": len(b)}
            for n, b in entries.items()
            if n != "manifest.json"
        }
        entries["manifest.json"] = json.dumps(m).encode()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # zipfile warns about duplicate names, which is the point
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
            for n, b in entries.items():
                zf.writestr((infos or {}).get(n) or n, b)
    return path


def _refused(svc, path, match):
    before = _counts(svc)
    with pytest.raises(LabFileError, match=match) as err:
        svc.labfiles.import_file(path)
    assert "Nothing was changed" in str(err.value)
    assert _counts(svc) == before
    return err.value


def test_valid_file_imports(any_services, valid):
    """The baseline file used by the hostile cases below is accepted."""
    path, _ = valid
    assert any_services.labfiles.import_file(path).created


@pytest.mark.parametrize(
    "name",
    ["../evil.json", "evidence/../../evil", "/etc/passwd", "C:/Windows/evil", "C:evil", "evidence\\..\\evil", "a//b"],
)
def test_paths_escaping_the_target_are_refused(any_services, valid, tmp_path, name):
    """'..', absolute paths, drive letters and backslashes in entry names are refused."""
    path, entries = valid
    bad = _write(tmp_path / "bad.labx", {**entries, name: b"x"})
    _refused(any_services, bad, "points outside")


def test_symlink_entry_is_refused(any_services, valid, tmp_path):
    """An entry marked as a symbolic link is refused."""
    _, entries = valid
    info = zipfile.ZipInfo("evidence/" + "a" * 64)
    info.external_attr = (stat.S_IFLNK | 0o777) << 16
    bad = _write(tmp_path / "link.labx", {**entries, info.filename: b"/etc/passwd"}, infos={info.filename: info})
    _refused(any_services, bad, "symbolic link")


def test_compression_bomb_ratio_is_refused(any_services, valid, tmp_path):
    """An entry that expands far more than any real file (20 MB of zeros) is refused before reading it."""
    _, entries = valid
    bad = _write(tmp_path / "bomb.labx", {**entries, "evidence/" + "b" * 64: bytes(20 * 1024 * 1024)})
    _refused(any_services, bad, "compression bomb")


def test_total_uncompressed_size_cap(any_services, valid, monkeypatch):
    """A file whose entries add up to more than the uncompressed cap is refused."""
    path, _ = valid
    monkeypatch.setattr(labfile, "MAX_TOTAL_BYTES", 1000)
    _refused(any_services, path, "uncompressed")


def test_too_many_entries(any_services, valid, monkeypatch):
    """More entries than a lab file can have is refused."""
    path, _ = valid
    monkeypatch.setattr(labfile, "MAX_ENTRIES", 3)
    _refused(any_services, path, "too many entries")


def test_duplicate_entries_are_refused(any_services, valid, tmp_path):
    """Two entries with the same name (the second could shadow the checked one) are refused."""
    path, entries = valid
    bad = tmp_path / "dup.labx"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with zipfile.ZipFile(bad, "w") as zf:
            for n, b in entries.items():
                zf.writestr(n, b)
            zf.writestr("answers.json", b"[]")
    _refused(any_services, bad, "more than once")


@pytest.mark.parametrize("kind", ["random", "truncated", "empty", "crc"])
def test_corrupt_zip_is_refused(any_services, valid, tmp_path, kind):
    """Random bytes, a truncated archive, an empty file and a damaged entry are refused."""
    path, entries = valid
    raw = path.read_bytes()
    bad = tmp_path / "corrupt.labx"
    if kind == "random":
        bad.write_bytes(b"\x00\x01garbage" * 100)
    elif kind == "truncated":
        bad.write_bytes(raw[: len(raw) // 2])
    elif kind == "empty":
        bad.write_bytes(b"")
    else:
        with zipfile.ZipFile(bad, "w", zipfile.ZIP_STORED) as zf:
            for n, b in entries.items():
                zf.writestr(n, b)
        data = bytearray(bad.read_bytes())
        i = data.find(b'"item_id"')  # inside answers.json, stored: flip a byte so its CRC fails
        data[i + 2] ^= 0xFF
        bad.write_bytes(bytes(data))
    _refused(any_services, bad, "corrupt|damaged|not a readable|SHA-256")


def test_missing_manifest(any_services, valid, tmp_path):
    """A zip without manifest.json is refused."""
    _, entries = valid
    bad = _write(tmp_path / "nomani.labx", {n: b for n, b in entries.items() if n != "manifest.json"})
    _refused(any_services, bad, "manifest .*missing")


@pytest.mark.parametrize("content", [b"{not json", b"[1, 2]", "\ufffe".encode("utf-16")])
def test_corrupt_manifest(any_services, valid, tmp_path, content):
    """A manifest that is not a JSON object is refused."""
    _, entries = valid
    bad = _write(tmp_path / "badmani.labx", {**entries, "manifest.json": content}, manifest_fix=False)
    _refused(any_services, bad, "manifest is corrupt")


def test_hash_mismatch(any_services, valid, tmp_path):
    """A part changed after export (manifest hash no longer matches) is refused."""
    _, entries = valid
    tampered = entries["answers.json"].replace(b"partial", b"conform")
    bad = _write(tmp_path / "tamper.labx", {**entries, "answers.json": tampered}, manifest_fix=False)
    _refused(any_services, bad, "SHA-256")


def test_unlisted_entry(any_services, valid, tmp_path):
    """An entry the manifest does not list is refused."""
    _, entries = valid
    extra = "evidence/" + "c" * 64
    m = json.loads(entries["manifest.json"])
    bad = _write(
        tmp_path / "extra.labx", {**entries, extra: b"x", "manifest.json": json.dumps(m).encode()}, manifest_fix=False
    )
    _refused(any_services, bad, "not listed")


def test_unexpected_entry_name(any_services, valid, tmp_path):
    """An entry outside the lab-file layout (e.g. a script) is refused."""
    _, entries = valid
    bad = _write(tmp_path / "script.labx", {**entries, "run.sh": b"rm -rf /"})
    _refused(any_services, bad, "unexpected entry")


@pytest.mark.parametrize(
    "schema,match", [("9999", "newer LabAssess"), ("abc", "unknown schema"), (None, "unknown schema")]
)
def test_unknown_or_newer_schema(any_services, valid, tmp_path, schema, match):
    """A file from a newer (or unknown) schema version is refused, naming the version."""
    _, entries = valid
    m = json.loads(entries["manifest.json"])
    m["schema_version"] = schema
    bad = _write(tmp_path / "schema.labx", {**entries, "manifest.json": json.dumps(m).encode()})
    _refused(any_services, bad, match)


def test_wrong_format_tag(any_services, valid, tmp_path):
    """A manifest of another format is refused."""
    _, entries = valid
    m = json.loads(entries["manifest.json"])
    m["format"] = "something-else/9"
    bad = _write(tmp_path / "fmt.labx", {**entries, "manifest.json": json.dumps(m).encode()})
    _refused(any_services, bad, "unknown lab-file format")


@pytest.mark.parametrize(
    "part,mutate,match",
    [
        ("answers.json", lambda d: d + [{"item_id": "NO-SUCH", "status": "conform"}], "unknown item"),
        ("answers.json", lambda d: [{**d[0], "status": "great"}], "unknown status"),
        ("lab.json", lambda d: {**d, "uid": "../../etc"}, "lab uid"),
        ("lab.json", lambda d: {**d, "industry": "nuclear"}, "industry"),
        ("assessment.json", lambda d: {**d, "packs": []}, "names no checklist"),
    ],
)
def test_malformed_parts_with_valid_hashes(any_services, valid, tmp_path, part, mutate, match):
    """Well-hashed but malformed content (unknown items, statuses, uids, values) is refused."""
    _, entries = valid
    data = mutate(json.loads(entries[part]))
    bad = _write(tmp_path / "malformed.labx", {**entries, part: json.dumps(data).encode()})
    _refused(any_services, bad, match)


def test_checklist_snapshot_tampered(any_services, valid, tmp_path):
    """A checklist snapshot whose content does not match its hash-named part is refused."""
    _, entries = valid
    name = next(n for n in entries if n.startswith("checklists/"))
    data = json.loads(entries[name])
    data["title"]["zh"] = "改过的"
    bad = _write(tmp_path / "ck.labx", {**entries, name: json.dumps(data).encode()})
    _refused(any_services, bad, "does not match its hash")


def test_missing_file_and_folder(any_services, tmp_path):
    """A path that does not exist or is a folder gives a clear message."""
    _refused(any_services, tmp_path / "nope.labx", "not found")
    _refused(any_services, tmp_path, "folder|not a readable")

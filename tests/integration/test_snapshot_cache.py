"""Validated checklist snapshots are kept on disk, read back without validation, and never trusted blindly.

Real SQLite files written by the real services, the desktop's start-up reader, real cache files.
"""

from __future__ import annotations

import os
import pickle

import pytest

from app.services import snapshot_cache, views
from app.storage.quickread import QuickReader


@pytest.fixture
def snapshot(services, monkeypatch):
    """The CNAS-style test pack's snapshot row, as the desktop's start-up reader returns it."""
    from app.assessment.model import LabProfile

    monkeypatch.setattr(views, "_SNAPSHOTS", {})  # parsed in this "process" only by this test
    lab = services.labs.add(LabProfile(name="缓存实验室"))
    a = services.assessments.create(lab.id, ["mini-cl01"])
    reader = QuickReader.open(services.db.url)
    assert reader is not None
    yield next(r for r in reader.snapshots(a.id) if r.checklist_id == "mini-cl01")
    reader.close()


def _fresh(monkeypatch):
    """As in a new process: nothing parsed yet."""
    monkeypatch.setattr(views, "_SNAPSHOTS", {})


def _no_validation(monkeypatch):
    def refuse(*_a, **_k):
        raise AssertionError("validated again")

    monkeypatch.setattr(views, "checklist_from_data", refuse)


def test_a_later_start_reads_the_validated_checklist_without_parsing_it(snapshot, monkeypatch):
    expected = views.checklist_from_data(snapshot.content, source="x")  # what validation gives
    path = snapshot_cache._path(snapshot.sha256)
    assert path.exists()  # written when the assessment was created
    _fresh(monkeypatch)
    _no_validation(monkeypatch)
    monkeypatch.setattr(type(snapshot), "content", property(lambda _s: pytest.fail("content read")))
    got = views.snapshot_checklist(snapshot)
    assert got == expected
    assert [it.id for it in got.items] == [it.id for it in expected.items] and got.item(got.items[0].id)


def test_a_damaged_file_is_validated_again_and_rewritten(snapshot, monkeypatch):
    path = snapshot_cache._path(snapshot.sha256)
    path.write_bytes(path.read_bytes()[:200])  # cut short, as by a full disk
    _fresh(monkeypatch)
    assert snapshot_cache.load(snapshot.checklist_id, snapshot.version, snapshot.sha256) is None
    got = views.snapshot_checklist(snapshot)
    assert got.id == snapshot.checklist_id
    assert snapshot_cache.load(snapshot.checklist_id, snapshot.version, snapshot.sha256) == got


class _Hostile:
    def __init__(self, marker):
        self.marker = marker

    def __reduce__(self):
        return (os.mkdir, (str(self.marker),))


def test_a_file_that_names_other_code_is_refused_without_running_it(snapshot, tmp_path, monkeypatch):
    marker = tmp_path / "ran"
    path = snapshot_cache._path(snapshot.sha256)
    path.write_bytes(pickle.dumps(_Hostile(marker)))
    assert snapshot_cache.load(snapshot.checklist_id, snapshot.version, snapshot.sha256) is None
    assert not marker.exists()
    _fresh(monkeypatch)
    assert views.snapshot_checklist(snapshot).id == snapshot.checklist_id  # validated from the database


def test_another_pack_kept_under_this_hash_is_not_taken(snapshot, services):
    gates = next(p for p in services.catalog.all() if p.kind == "gates")
    snapshot_cache.store(snapshot.sha256, gates)
    assert snapshot_cache.load(snapshot.checklist_id, snapshot.version, snapshot.sha256) is None


def test_a_hash_that_is_not_hex_never_becomes_a_file_name(tmp_path):
    snapshot_cache.set_directory(tmp_path / "cache")
    for bad in ("../../outside", "A" * 64, "", None):
        assert snapshot_cache.load("mini-cl01", "1", bad) is None
        assert snapshot_cache.store(bad, None) is False
    assert not (tmp_path / "cache").exists() and not (tmp_path / "outside").exists()


def test_an_unwritable_cache_changes_nothing(snapshot, tmp_path, monkeypatch):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    snapshot_cache.set_directory(blocker / "checklists")
    _fresh(monkeypatch)
    got = views.snapshot_checklist(snapshot)  # validated, the write fails quietly
    assert got.id == snapshot.checklist_id
    assert snapshot_cache.store(snapshot.sha256, got) is False
    assert blocker.read_text() == "not a folder"


def test_another_version_of_the_code_reads_no_old_entry(snapshot, monkeypatch):
    old = snapshot_cache._path(snapshot.sha256)
    monkeypatch.setattr(snapshot_cache, "_FINGERPRINT", "0badc0de")
    assert snapshot_cache._path(snapshot.sha256) != old
    assert snapshot_cache.load(snapshot.checklist_id, snapshot.version, snapshot.sha256) is None


def test_turned_off_it_keeps_nothing(snapshot, tmp_path, monkeypatch):
    snapshot_cache.set_directory(None)
    _fresh(monkeypatch)
    assert views.snapshot_checklist(snapshot).id == snapshot.checklist_id
    assert snapshot_cache.load(snapshot.checklist_id, snapshot.version, snapshot.sha256) is None

"""The start-up reader (stdlib sqlite3) returns exactly what the full services return, or refuses.

Real SQLite files written by the real services; the comparison is DTO equality, so any column the
reader converts differently from the ORM (a date, a JSON list, a boolean) fails here.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import shutil
import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import JSON, Boolean, Date, DateTime

from app.assessment.model import LabProfile, PTRecord, ScopeMethod, Status
from app.services.quickstart import StartupServices
from app.storage import orm
from app.storage.quickread import COLUMNS, QuickReader, _bool, _date, _datetime, _json, _same

DATA = Path(__file__).parents[1] / "data"


def _expected_converter(column):
    kind = column.type
    if isinstance(kind, DateTime):
        return _datetime
    if isinstance(kind, Date):
        return _date
    if isinstance(kind, Boolean):
        return _bool
    if isinstance(kind, JSON):
        return _json
    return _same


@pytest.mark.parametrize("table", sorted(COLUMNS))
def test_reader_columns_match_the_orm_types(table):
    orm_columns = orm.Base.metadata.tables[table].columns
    for name, fn in COLUMNS[table].items():
        assert name in orm_columns, f"{table}.{name} is not an ORM column"
        assert fn is _expected_converter(orm_columns[name]), f"{table}.{name} is converted unlike its ORM type"


def test_reader_covers_every_column_the_dto_builders_read():
    # created_at/updated_at of labs and assessments are not part of any DTO; everything else is
    for table, skip in (("lab", {"created_at", "updated_at"}), ("answer", {"id"}), ("evidence", set())):
        wanted = {c.name for c in orm.Base.metadata.tables[table].columns} - skip
        assert wanted <= set(COLUMNS[table]), f"{table}: missing {sorted(wanted - set(COLUMNS[table]))}"


@pytest.fixture
def filled(services, tmp_path):
    """Two labs, an assessment with every kind of answer, a follow-up, evidence; returns the ids."""
    lab = services.labs.add(LabProfile(name="测试实验室", test_fields=("appliance_safety",)))
    other = services.labs.add(
        LabProfile(
            name="第二实验室 <b>&",
            industry="lighting",
            size="medium",
            staff_count=12,
            activities=("testing", "calibration"),
            test_fields=("luminaire_safety", "emc"),
            ms_option="B",
            ms_start_date=dt.date(2025, 3, 1),
            last_internal_audit=dt.date(2025, 9, 10),
            declaration_voluntary=True,
            legal_status_confirmed=False,
            pt_records=(PTRecord("emc", dt.date(2025, 5, 2), "satisfactory", "CNAS PT"),),
            scope_methods=(ScopeMethod("GB/T 17743", "辐射骚扰", True),),
            staff={"technical_manager": "王工"},
        ),
        notes="备注 note",
    )
    a1 = services.assessments.create(
        lab.id, ["mini-cl01"], assessor="张三", title="首次", assessed_on=dt.date(2025, 1, 5)
    )
    a2 = services.assessments.create(other.id, ["mini-cl01"], assessed_on=dt.date(2025, 6, 1))
    items = [it.id for p in services.assessments.packs(a1.id) for it in p.items]
    services.assessments.answer(a1.id, items[0], Status.CONFORM, note="ok <i>")
    services.assessments.answer(a1.id, items[1], Status.NONCONFORM, note="缺记录", by="李四")
    services.assessments.answer(a1.id, items[2], Status.PARTIAL, maturity=2)
    services.assessments.set_flag(a1.id, items[3], True)
    services.assessments.answer(a2.id, items[0], Status.PARTIAL)
    f = tmp_path / "photo.png"
    f.write_bytes(b"\x89PNG\r\n\x1a\n" + b"x" * 100)
    ev = services.evidence.add(a1.id, items[1], f, by="张三")
    gone = services.evidence.add(a1.id, items[1], tmp_path / "photo.png", by="x")
    services.evidence.remove(gone.id)
    follow = services.followups.start_followup(a1.id, date=dt.date(2025, 8, 1))
    return {
        "a1": a1.id,
        "a2": a2.id,
        "follow": follow.id,
        "items": items,
        "evidence": ev.id,
        "labs": (lab.id, other.id),
    }


def _reader(services) -> QuickReader:
    reader = QuickReader.open(services.db.url)
    assert reader is not None
    return reader


def test_quick_reads_equal_the_full_services(services, filled):
    fast = StartupServices(services.db.url, _reader(services), lambda: services)
    try:
        assert fast.labs.list() == services.labs.list()
        assert fast.assessments.list() == services.assessments.list()
        assert fast.assessments.list(with_scores=False) == services.assessments.list(with_scores=False)
        # the navigator lists unscored lines and scores them a few at a time: the same figures
        unscored = services.assessments.list(with_scores=False)
        assert fast.assessments.scored(unscored[1:]) == services.assessments.scored(unscored[1:])
        assert services.assessments.scored(unscored) == services.assessments.list()
        assert services.assessments.scored([]) == fast.assessments.scored([]) == []
        for lab_id in filled["labs"]:
            assert fast.assessments.list(lab_id) == services.assessments.list(lab_id)
        for aid in (filled["a1"], filled["a2"], filled["follow"]):
            assert fast.assessments.view(aid) == services.assessments.view(aid)
            assert fast.assessments.packs(aid) == services.assessments.packs(aid)
            assert fast.assessments.view(aid, as_of=dt.date(2026, 1, 1)) == services.assessments.view(
                aid, as_of=dt.date(2026, 1, 1)
            )
        item = filled["items"][1]
        assert fast.evidence.list(filled["a1"], item) == services.evidence.list(filled["a1"], item)
        assert fast.evidence.list(filled["a1"]) == services.evidence.list(filled["a1"])
        assert fast.evidence.read(filled["evidence"]) == services.evidence.read(filled["evidence"])
        assert fast.db.display_url == services.db.display_url
        assert not fast.ready  # every read above came from the light reader
    finally:
        fast._reader.close()


def test_reads_the_light_reader_cannot_answer_go_to_the_full_services(services, filled):
    from app.services.errors import NotFound

    fast = StartupServices(services.db.url, _reader(services), lambda: services)
    with pytest.raises(NotFound):
        fast.assessments.view(99999)  # the full service's own error, not the reader's
    assert fast.ready
    fast._reader.close()


def test_the_reader_never_writes(services, filled):
    path = Path(services.db.path)
    services.close()
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    reader = QuickReader.open(f"sqlite:///{path}")
    assert reader is not None
    reader.labs()
    with pytest.raises(sqlite3.OperationalError):
        reader._conn.execute("DELETE FROM answer")
    reader.close()
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before


def test_refuses_what_it_cannot_read_exactly(tmp_path, services):
    assert QuickReader.open(f"sqlite:///{tmp_path / 'missing.sqlite'}") is None
    text = tmp_path / "notes.sqlite"
    text.write_text("not a database", encoding="utf-8")
    assert QuickReader.open(f"sqlite:///{text}") is None
    assert QuickReader.open("postgresql+psycopg://u:p@127.0.0.1/x") is None
    assert QuickReader.open(f"{services.db.url}?mode=ro") is None
    assert QuickReader.open("sqlite://") is None
    # an older schema: the full path must back it up and migrate it first
    old = tmp_path / "old.sqlite"
    shutil.copy(DATA / "schema" / "0001.sqlite", old)
    assert QuickReader.open(f"sqlite:///{old}") is None
    # SQLite, but not ours
    foreign = tmp_path / "foreign.sqlite"
    con = sqlite3.connect(foreign)
    con.execute("CREATE TABLE t (x)")
    con.commit()
    con.close()
    assert QuickReader.open(f"sqlite:///{foreign}") is None
    # a newer schema than this version knows
    newer = tmp_path / "newer.sqlite"
    src = sqlite3.connect(Path(services.db.path))
    con = sqlite3.connect(newer)
    src.backup(con)
    src.close()
    con.execute("UPDATE alembic_version SET version_num = '9999_future'")
    con.commit()
    con.close()
    assert QuickReader.open(f"sqlite:///{newer}") is None


def test_reads_a_database_in_a_folder_with_chinese_and_spaces(tmp_path, mini_catalog):
    """Windows user folders are often Chinese (C:\\Users\\张工\\...): the read-only URI must still open."""
    from app.bootstrap import open_services

    folder = tmp_path / "张工 的 数据#1%"
    folder.mkdir()
    url = f"sqlite:///{folder / '实验室.sqlite'}"
    svc = open_services(url, catalog=mini_catalog)
    svc.labs.add(LabProfile(name="中文路径实验室"))
    svc.close()
    reader = QuickReader.open(url)
    assert reader is not None
    assert [r.name for r in reader.labs()] == ["中文路径实验室"]
    reader.close()


def test_a_damaged_value_falls_back_to_the_full_services(services, filled):
    """A lab profile column that is not valid JSON: the light reader gives up, the real service answers."""
    path = Path(services.db.path)
    con = sqlite3.connect(path)
    con.execute("UPDATE lab SET staff = '{not json' WHERE id = ?", (filled["labs"][1],))
    con.commit()
    con.close()
    calls = []

    def opener():
        calls.append(1)
        return services

    fast = StartupServices(services.db.url, _reader(services), opener)
    with pytest.raises(ValueError):  # what the full service says about the damaged row, not the reader
        fast.labs.list()
    assert calls == [1]  # the light reader did not answer from a damaged row
    assert fast.ready
    fast._release_reader()

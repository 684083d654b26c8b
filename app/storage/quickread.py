"""A read-only stdlib ``sqlite3`` reader for the desktop's first paint.

Opening the full storage layer costs about 0.3 s (SQLAlchemy's import and mapper set-up), three
times what a bare Qt window needs to appear.  The first screen only reads: the labs, the assessment
list and one assessment.  This reader fetches exactly those rows with Python's own ``sqlite3`` and
converts each column the way the ORM column type would (dates, JSON, booleans), so the pure code in
``app.services.views`` builds the same DTOs from them.

It refuses (``open`` returns ``None``, never raises) whenever it could be wrong or unsafe, and the
caller then opens the full services first, as before: not a SQLite file, no file yet, a schema
revision other than this version's head (the full path backs up and migrates, or refuses a newer
one), or any SQLite error.  It never writes: the connection is opened with ``mode=ro``.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from collections.abc import Callable, Iterable
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import unquote

from app.storage.revisions import head_revision


def _date(v):
    return None if v is None else dt.date.fromisoformat(v)


def _datetime(v):
    return None if v is None else dt.datetime.fromisoformat(v)


def _bool(v):
    return None if v is None else bool(v)


def _json(v):
    return None if v is None else json.loads(v)


def _same(v):
    return v


# Each table's columns this reader returns, with the conversion the ORM column type applies on
# SQLite.  tests/integration/test_quickread.py checks these against app.storage.orm, so a new
# column or a changed type cannot silently diverge from the ORM path.
COLUMNS: dict[str, dict[str, Callable]] = {
    "lab": {
        "id": _same,
        "uid": _same,
        "name": _same,
        "industry": _same,
        "size": _same,
        "staff_count": _same,
        "activities": _json,
        "test_fields": _json,
        "ms_option": _same,
        "ms_start_date": _date,
        "last_internal_audit": _date,
        "last_management_review": _date,
        "declaration_voluntary": _bool,
        "legal_status_confirmed": _bool,
        "declaration_truthful": _bool,
        "declaration_rules": _bool,
        "sub_fields": _json,
        "pt_records": _json,
        "scope_methods": _json,
        "staff": _json,
        "notes": _same,
    },
    "assessment": {
        "id": _same,
        "uid": _same,
        "lab_id": _same,
        "title": _same,
        "assessor": _same,
        "assessed_on": _date,
        "status": _same,
        "follows_id": _same,
    },
    "checklist_snapshot": {
        "id": _same,
        "checklist_id": _same,
        "version": _same,
        "sha256": _same,
        "content": _json,
    },
    "answer": {
        "assessment_id": _same,
        "item_id": _same,
        "status": _same,
        "note": _same,
        "na_reason": _same,
        "maturity": _same,
        "flagged": _bool,
        "reverify": _bool,
        "version": _same,
        "updated_by": _same,
        "updated_at": _datetime,
    },
    "evidence": {
        "id": _same,
        "uid": _same,
        "assessment_id": _same,
        "item_id": _same,
        "sha256": _same,
        "original_name": _same,
        "size": _same,
        "mime": _same,
        "added_by": _same,
        "added_at": _datetime,
        "removed_at": _datetime,
    },
}


class _Snapshot:
    """A checklist snapshot row whose ``content`` is fetched on first access."""

    __slots__ = ("_reader", "id", "checklist_id", "version", "sha256")

    def __init__(self, reader: QuickReader, id: int, checklist_id: str, version: str, sha256: str):  # noqa: A002
        self._reader = reader
        self.id, self.checklist_id, self.version, self.sha256 = id, checklist_id, version, sha256

    @property
    def content(self):
        return self._reader.snapshot_content(self.id)


def sqlite_file(url: str) -> Path | None:
    """The file of a plain ``sqlite:///PATH`` URL; None for anything else (servers, memory, options)."""
    prefix = "sqlite:///"
    if not url.startswith(prefix) or "?" in url:
        return None
    name = unquote(url[len(prefix) :])
    if not name or name == ":memory:":
        return None
    return Path(name).expanduser()


class QuickReader:
    """Read-only rows of a current-schema LabAssess SQLite file (see the module docstring)."""

    def __init__(self, conn: sqlite3.Connection, path: Path):
        self._conn = conn
        self.path = path

    @classmethod
    def open(cls, url: str) -> QuickReader | None:
        """A reader for ``url``, or None when the full storage layer must open it first."""
        path = sqlite_file(url)
        if path is None or not path.is_file():
            return None
        try:
            with path.open("rb") as fh:
                if fh.read(16) != b"SQLite format 3\x00":
                    return None
            conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, check_same_thread=False)
        except (OSError, sqlite3.Error, ValueError):
            return None
        try:
            conn.execute("PRAGMA busy_timeout=2000")
            row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
            if row is None or row[0] != head_revision():
                conn.close()
                return None
        except sqlite3.Error:
            conn.close()
            return None
        return cls(conn, path)

    def close(self) -> None:
        """Close the connection."""
        self._conn.close()

    def _rows(self, table: str, where: str = "", params: Iterable = (), order: str = "") -> list[SimpleNamespace]:
        columns = COLUMNS[table]
        sql = f"SELECT {', '.join(columns)} FROM {table}"  # table and column names are our constants
        if where:
            sql += f" WHERE {where}"
        if order:
            sql += f" ORDER BY {order}"
        names = tuple(columns)
        convert = [(name, fn) for name, fn in columns.items() if fn is not _same]  # most columns are as stored
        rows = []
        for raw in self._conn.execute(sql, tuple(params)):
            values = dict(zip(names, raw))
            for name, fn in convert:
                values[name] = fn(values[name])
            rows.append(SimpleNamespace(**values))
        return rows

    def labs(self) -> list[SimpleNamespace]:
        """Every lab row, by name then id (the order ``LabService.list`` uses)."""
        return self._rows("lab", order="name, id")

    def lab_names(self) -> dict[int, str]:
        """``{lab id: name}``, without converting the profile columns (assessment lists need only names)."""
        return dict(self._conn.execute("SELECT id, name FROM lab"))

    def lab(self, lab_id: int) -> SimpleNamespace | None:
        """One lab row."""
        rows = self._rows("lab", "id = ?", (lab_id,))
        return rows[0] if rows else None

    def assessments(self, lab_id: int | None = None) -> list[SimpleNamespace]:
        """Assessment rows, newest first (the order ``AssessmentService.list`` uses)."""
        if lab_id is None:
            return self._rows("assessment", order="assessed_on DESC, id DESC")
        return self._rows("assessment", "lab_id = ?", (lab_id,), order="assessed_on DESC, id DESC")

    def assessment(self, assessment_id: int) -> SimpleNamespace | None:
        """One assessment row."""
        rows = self._rows("assessment", "id = ?", (assessment_id,))
        return rows[0] if rows else None

    def snapshots(self, assessment_id: int) -> list[_Snapshot]:
        """The checklist snapshot rows of an assessment, in pack order.

        The content (the whole checklist as JSON) is read only when it is first used: callers keep
        parsed checklists by (id, version, hash), so most reads need the key alone.
        """
        rows = self._conn.execute(
            "SELECT s.id, s.checklist_id, s.version, s.sha256 FROM checklist_snapshot s "
            "JOIN assessment_pack p ON p.snapshot_id = s.id WHERE p.assessment_id = ? ORDER BY p.position",
            (assessment_id,),
        )
        return [_Snapshot(self, *r) for r in rows]

    def snapshots_by_assessment(self) -> dict[int, list[_Snapshot]]:
        """``snapshots(id)`` for every assessment at once, in one query (the assessment list needs all)."""
        out: dict[int, list[_Snapshot]] = {}
        for aid, *snap in self._conn.execute(
            "SELECT p.assessment_id, s.id, s.checklist_id, s.version, s.sha256 FROM assessment_pack p "
            "JOIN checklist_snapshot s ON p.snapshot_id = s.id ORDER BY p.assessment_id, p.position"
        ):
            out.setdefault(aid, []).append(_Snapshot(self, *snap))
        return out

    def snapshot_content(self, snapshot_id: int):
        """The stored checklist data of one snapshot."""
        row = self._conn.execute("SELECT content FROM checklist_snapshot WHERE id = ?", (snapshot_id,)).fetchone()
        if row is None:
            raise LookupError(snapshot_id)
        return _json(row[0])

    def answers(self, assessment_id: int) -> list[SimpleNamespace]:
        """The answer rows of an assessment."""
        return self._rows("answer", "assessment_id = ?", (assessment_id,))

    def evidence(self, assessment_id: int, item_id: str | None = None) -> list[SimpleNamespace]:
        """The evidence rows of an assessment (or one item) still attached, oldest first."""
        if item_id is None:
            return self._rows("evidence", "assessment_id = ? AND removed_at IS NULL", (assessment_id,), order="id")
        return self._rows(
            "evidence", "assessment_id = ? AND item_id = ? AND removed_at IS NULL", (assessment_id, item_id), order="id"
        )

    def evidence_bytes(self, evidence_id: int) -> bytes | None:
        """The stored file of an evidence row (None if there is no such row)."""
        row = self._conn.execute(
            "SELECT b.data FROM evidence e JOIN evidence_blob b ON b.sha256 = e.sha256 WHERE e.id = ?", (evidence_id,)
        ).fetchone()
        return None if row is None else bytes(row[0])

    def statuses(self, assessment_ids: Iterable[int]) -> dict[int, dict[str, str]]:
        """``{assessment id: {item id: status}}`` for the given assessments, in one query."""
        ids = [int(i) for i in assessment_ids]
        out: dict[int, dict[str, str]] = {i: {} for i in ids}
        if not ids:
            return out
        marks = ", ".join("?" * len(ids))
        for aid, item_id, status in self._conn.execute(
            f"SELECT assessment_id, item_id, status FROM answer WHERE assessment_id IN ({marks})", ids
        ):
            out[aid][item_id] = status
        return out

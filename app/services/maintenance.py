"""Database health: ``doctor`` (integrity, schema, evidence hashes, orphans, stray answers) and ``backup``.

Every finding says what is wrong and how to repair it.  ``repair`` only ever deletes orphaned
evidence blobs (file contents no evidence entry refers to); everything else needs a human
decision, usually "restore a backup", and the doctor says so instead of guessing.

The doctor never migrates: it opens the database as it is, so it can also examine a database
that is older, damaged or written by a newer LabAssess.
"""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import func, select, text
from sqlalchemy.exc import DBAPIError

from app.storage.database import (
    Database,
    backup_sqlite,
    check_sqlite_header,
    head_revision,
    known_revisions,
    make_engine,
    redact_url,
    sqlite_path,
)
from app.storage.errors import DatabaseError, classify_db_error
from app.storage.orm import Answer, Assessment, AssessmentPack, ChecklistSnapshot, Evidence, EvidenceBlob

#: severities: ``error`` (data damaged or lost), ``warning`` (needs attention), ``info`` (for the record)
ERROR, WARNING, INFO = "error", "warning", "info"

RESTORE_HINT = (
    "Restore the latest backup (the .bak.sqlite files beside the database, or your own 'labassess backup' copy); "
    "keep the damaged file until you have checked the restored one."
)


@dataclass(frozen=True)
class Finding:
    """One problem (or note) found by the doctor."""

    check: str
    severity: str
    message: str
    repair: str
    repairable: bool = False

    def as_dict(self) -> dict:
        """JSON-ready form."""
        return {
            "check": self.check,
            "severity": self.severity,
            "message": self.message,
            "repair": self.repair,
            "repairable": self.repairable,
        }


@dataclass(frozen=True)
class DoctorReport:
    """The doctor's result: what was checked and what was found (and repaired)."""

    database: str
    backend: str
    schema_version: str | None
    app_schema_version: str
    checks: tuple[str, ...]
    findings: tuple[Finding, ...]
    repaired: tuple[str, ...] = ()
    stats: dict = field(default_factory=dict)

    @property
    def healthy(self) -> bool:
        """True when nothing needs attention (``info`` findings do not count)."""
        return not any(f.severity in (ERROR, WARNING) for f in self.findings)

    def as_dict(self) -> dict:
        """JSON-ready form."""
        return {
            "database": self.database,
            "backend": self.backend,
            "schema_version": self.schema_version,
            "app_schema_version": self.app_schema_version,
            "healthy": self.healthy,
            "checks": list(self.checks),
            "findings": [f.as_dict() for f in self.findings],
            "repaired": list(self.repaired),
            "stats": self.stats,
        }


@dataclass(frozen=True)
class BackupResult:
    """A backup written by ``backup``."""

    source: str
    path: Path
    size: int
    integrity: str


class MaintenanceService:
    """Health checks and backups of one open database."""

    def __init__(self, db: Database):
        self.db = db

    # -- doctor --------------------------------------------------------------------------------
    def check(self, *, repair: bool = False) -> DoctorReport:
        """Run every check (and, with ``repair``, delete orphaned blobs, then check again)."""
        findings: list[Finding] = []
        checks: list[str] = []
        stats: dict = {}
        schema = self._schema(findings, checks)
        if any(f.severity == ERROR and f.check == "schema" for f in findings):
            return self._report(schema, checks, findings, (), stats)
        if self.db.is_sqlite:
            self._sqlite_integrity(findings, checks)
        else:
            self._server_connectivity(findings, checks)
        if any(f.severity == ERROR and f.check in ("integrity", "connection") for f in findings):
            # a damaged file: reading rows may fail or mislead; restoring is the only sound repair
            return self._report(schema, checks, findings, (), stats)
        repaired: list[str] = []
        try:
            self._evidence(findings, checks, stats)
            if repair and any(f.check == "orphaned-blob" for f in findings):
                repaired = self.remove_orphaned_blobs()
                findings = [f for f in findings if f.check not in ("orphaned-blob", "evidence-hash", "missing-blob")]
                self._evidence(findings, [], stats)
            self._answers(findings, checks, stats)
        except DatabaseError as exc:
            findings.append(Finding("read", ERROR, exc.message, exc.hint or RESTORE_HINT))
        return self._report(schema, checks, findings, tuple(repaired), stats)

    def _report(self, schema, checks, findings, repaired, stats) -> DoctorReport:
        return DoctorReport(
            database=self.db.display_url,
            backend=self.db.engine.dialect.name,
            schema_version=schema,
            app_schema_version=head_revision(),
            checks=tuple(checks),
            findings=tuple(findings),
            repaired=repaired,
            stats=stats,
        )

    def _schema(self, findings: list[Finding], checks: list[str]) -> str | None:
        checks.append("schema")
        try:
            with self.db.engine.connect() as conn:
                try:
                    current = conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
                except DBAPIError as exc:
                    if "no such table" in str(exc).lower() or "does not exist" in str(exc).lower():
                        findings.append(
                            Finding(
                                "schema",
                                ERROR,
                                "The database has no LabAssess schema version.",
                                "Open it once with LabAssess to create the tables, or " + RESTORE_HINT,
                            )
                        )
                        return None
                    raise
        except DBAPIError as exc:
            err = classify_db_error(exc, self.db.display_url)
            findings.append(Finding("schema", ERROR, err.message, err.hint or RESTORE_HINT))
            return None
        known = known_revisions()
        if current not in known:
            findings.append(
                Finding(
                    "schema",
                    ERROR,
                    f"The database was written by a newer LabAssess (schema {current}; this version knows "
                    f"up to {known[-1]}).",
                    "Install the newer LabAssess; this version does not change the file.",
                )
            )
        elif current != known[-1]:
            findings.append(
                Finding(
                    "schema",
                    INFO,
                    f"Schema {current} is older than this version's {known[-1]}.",
                    "LabAssess upgrades it the next time it opens the database, after writing a backup beside it.",
                )
            )
        return current

    def _sqlite_integrity(self, findings: list[Finding], checks: list[str]) -> None:
        checks += ["integrity", "foreign-keys"]
        try:
            with self.db.engine.connect() as conn:
                rows = [r[0] for r in conn.exec_driver_sql("PRAGMA integrity_check(20)")]
                if rows != ["ok"]:
                    findings.append(
                        Finding(
                            "integrity",
                            ERROR,
                            f"SQLite integrity check failed ({len(rows)} problem(s)): {'; '.join(rows[:3])}",
                            RESTORE_HINT
                            + " To salvage what is readable: sqlite3 DAMAGED.sqlite .recover | sqlite3 NEW.sqlite",
                        )
                    )
                    return
                fk = list(conn.exec_driver_sql("PRAGMA foreign_key_check"))
        except DBAPIError as exc:
            err = classify_db_error(exc, self.db.display_url)
            findings.append(Finding("integrity", ERROR, err.message, err.hint or RESTORE_HINT))
            return
        by_table: dict[tuple[str, str], int] = {}
        for table, _rowid, parent, _fkid in fk:
            by_table[(table, parent)] = by_table.get((table, parent), 0) + 1
        for (table, parent), n in sorted(by_table.items()):
            if table == "evidence" and parent == "evidence_blob":
                continue  # reported (with names) by the missing-blob check
            findings.append(
                Finding(
                    "foreign-keys",
                    ERROR,
                    f"{n} row(s) of {table} refer to {parent} rows that no longer exist.",
                    RESTORE_HINT,
                )
            )

    def _server_connectivity(self, findings: list[Finding], checks: list[str]) -> None:
        checks.append("connection")
        try:
            with self.db.engine.connect() as conn:
                conn.execute(text("SELECT 1"))
        except DBAPIError as exc:
            err = classify_db_error(exc, self.db.display_url)
            findings.append(Finding("connection", ERROR, err.message, err.hint))

    def _evidence(self, findings: list[Finding], checks: list[str], stats: dict) -> None:
        checks += ["evidence-hash", "orphaned-blob", "missing-blob"]
        with self.db.transaction() as s:
            blobs = list(s.execute(select(EvidenceBlob.sha256, EvidenceBlob.size)))
            referenced = set(s.scalars(select(Evidence.sha256).distinct()))
            missing = list(
                s.execute(
                    select(Evidence.id, Evidence.assessment_id, Evidence.original_name, Evidence.sha256)
                    .outerjoin(EvidenceBlob, EvidenceBlob.sha256 == Evidence.sha256)
                    .where(EvidenceBlob.sha256.is_(None))
                )
            )
        stats.update(evidence_blobs=len(blobs), evidence_rows_referencing=len(referenced))
        names = self._evidence_names()
        for digest, size in blobs:
            data = self._blob(digest)
            actual = hashlib.sha256(data).hexdigest() if data is not None else None
            if actual != digest or len(data or b"") != size:
                who = names.get(digest) or "no evidence entry"
                findings.append(
                    Finding(
                        "evidence-hash",
                        ERROR,
                        f"Evidence file {digest[:12]}… ({who}) is damaged: its stored bytes no longer match their SHA-256"
                        f" (size {len(data or b'')} of {size} bytes).",
                        "Attach the original file again to the same item (the damaged copy stays until then), or "
                        + RESTORE_HINT,
                    )
                )
        orphans = [(d, sz) for d, sz in blobs if d not in referenced]
        if orphans:
            findings.append(
                Finding(
                    "orphaned-blob",
                    WARNING,
                    f"{len(orphans)} stored evidence file(s) ({sum(sz for _, sz in orphans)} bytes) belong to no evidence entry.",
                    "Run 'labassess doctor --repair' to delete them (nothing else is changed).",
                    repairable=True,
                )
            )
        for ev_id, asm_id, name, digest in missing:
            findings.append(
                Finding(
                    "missing-blob",
                    ERROR,
                    f"Evidence #{ev_id} '{name}' of assessment {asm_id} has lost its file content ({digest[:12]}…).",
                    "Attach the original file again and remove this entry, or " + RESTORE_HINT,
                )
            )

    def _evidence_names(self) -> dict[str, str]:
        with self.db.transaction() as s:
            out: dict[str, str] = {}
            for digest, name, asm in s.execute(select(Evidence.sha256, Evidence.original_name, Evidence.assessment_id)):
                out.setdefault(digest, f"'{name}' of assessment {asm}")
            return out

    def _blob(self, digest: str) -> bytes | None:
        # one blob at a time: evidence files can be large
        with self.db.transaction() as s:
            return s.scalar(select(EvidenceBlob.data).where(EvidenceBlob.sha256 == digest))

    def _answers(self, findings: list[Finding], checks: list[str], stats: dict) -> None:
        from app.services.views import snapshot_checklist

        checks.append("answer-items")
        with self.db.transaction() as s:
            packs: dict[int, set[str] | None] = {}
            for asm_id, snap in s.execute(
                select(AssessmentPack.assessment_id, ChecklistSnapshot).join(
                    ChecklistSnapshot, ChecklistSnapshot.id == AssessmentPack.snapshot_id
                )
            ):
                if packs.get(asm_id, set()) is None:
                    continue
                try:
                    ids = {it.id for it in snapshot_checklist(snap).items}
                except Exception as exc:  # noqa: BLE001 - a damaged snapshot must become a finding, not a crash
                    packs[asm_id] = None
                    findings.append(
                        Finding(
                            "snapshot",
                            ERROR,
                            f"The checklist snapshot {snap.checklist_id}@{snap.version} of assessment {asm_id} cannot be read"
                            f" ({exc.__class__.__name__}).",
                            RESTORE_HINT,
                        )
                    )
                    continue
                packs.setdefault(asm_id, set()).update(ids)
            stray: dict[int, list[str]] = {}
            n_answers = 0
            for asm_id, item_id in s.execute(select(Answer.assessment_id, Answer.item_id).order_by(Answer.id)):
                n_answers += 1
                known = packs.get(asm_id, set())
                if known is not None and item_id not in known:
                    stray.setdefault(asm_id, []).append(item_id)
            stats.update(answers=n_answers, assessments=s.scalar(select(func.count(Assessment.id))) or 0)
        for asm_id, items in sorted(stray.items()):
            shown = ", ".join(items[:5]) + (" …" if len(items) > 5 else "")
            findings.append(
                Finding(
                    "answer-items",
                    WARNING,
                    f"Assessment {asm_id} has {len(items)} answer(s) to items that are not in its checklists: {shown}.",
                    "These answers are ignored in scores and reports. They usually come from a hand-edited or damaged "
                    "database; restore a backup if answers are missing, otherwise they can stay.",
                )
            )

    def remove_orphaned_blobs(self) -> list[str]:
        """Delete evidence blobs no evidence row refers to; returns their SHA-256 digests."""
        with self.db.transaction() as s:
            referenced = select(Evidence.sha256).distinct()
            digests = list(s.scalars(select(EvidenceBlob.sha256).where(EvidenceBlob.sha256.not_in(referenced))))
            if digests:
                s.execute(EvidenceBlob.__table__.delete().where(EvidenceBlob.sha256.in_(digests)))
        return digests

    # -- backup --------------------------------------------------------------------------------
    def backup(self, out: Path, *, overwrite: bool = False) -> BackupResult:
        """Write a consistent copy of this (SQLite) database to ``out``; see ``backup_database``."""
        if not self.db.is_sqlite or self.db.path is None:
            raise DatabaseError(*_pg_dump_message(self.db.url))
        return backup_file(self.db.path, out, overwrite=overwrite)


def _pg_dump_message(url: str) -> tuple[str, str]:
    return (
        f"{redact_url(url)} is a database server; LabAssess backs up only its embedded SQLite files.",
        "Use the server's own tool, e.g. pg_dump --format=custom --file=labassess.dump DBNAME "
        "(restore with pg_restore).",
    )


def backup_file(path: Path, out: Path, *, overwrite: bool = False) -> BackupResult:
    """Copy the SQLite database ``path`` to ``out`` with SQLite's online backup API, then verify the copy.

    Safe while LabAssess (or anything else) is writing: the copy is one committed state.  The copy
    is written under a temporary name and renamed, so ``out`` is never a partial file.
    """
    path = Path(path)
    out = Path(out).expanduser()
    if not path.is_file():
        raise DatabaseError(f"There is no database file at {path}.", "Check --db / LABASSESS_DB.")
    if out.exists() and out.resolve() == path.resolve():
        raise DatabaseError("The backup would overwrite the database itself.", "Choose another --out file.")
    if out.exists() and not overwrite:
        raise DatabaseError(f"{out} already exists.", "Choose another file name, or pass --force to replace it.")
    if out.is_dir():
        raise DatabaseError(f"{out} is a folder.", "Give a file name, e.g. --out labassess-backup.sqlite.")
    check_sqlite_header(path)
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise DatabaseError(
            f"Cannot create the folder {out.parent}: {exc.strerror}.", "Choose another location."
        ) from exc
    dest = backup_sqlite(path, dest=out)
    con = sqlite3.connect(f"file:{dest}?mode=ro", uri=True)
    try:
        result = con.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        con.close()
    return BackupResult(source=str(path), path=dest, size=dest.stat().st_size, integrity=result)


def diagnose(url: str, *, repair: bool = False) -> DoctorReport:
    """Examine ``url`` as it is (never migrated); a database that cannot be opened is a finding too."""
    path = sqlite_path(url)
    if path is not None and not path.exists():
        return DoctorReport(
            database=str(path),
            backend="sqlite",
            schema_version=None,
            app_schema_version=head_revision(),
            checks=("open",),
            findings=(
                Finding(
                    "open",
                    ERROR,
                    f"There is no database file at {path}.",
                    "Check --db / LABASSESS_DB; LabAssess creates the file on first use.",
                ),
            ),
        )
    try:
        if path is not None and path.stat().st_size > 0:
            check_sqlite_header(path)
    except DatabaseError as exc:
        return DoctorReport(
            database=str(path),
            backend="sqlite",
            schema_version=None,
            app_schema_version=head_revision(),
            checks=("open",),
            findings=(Finding("open", ERROR, exc.message, exc.hint or RESTORE_HINT),),
        )
    # opened as it is: no migration, no version refusal (a newer or damaged database is what we examine)
    db = Database(make_engine(url), url, path)
    try:
        return MaintenanceService(db).check(repair=repair)
    finally:
        db.dispose()


def backup_database(url: str, out: Path, *, overwrite: bool = False) -> BackupResult:
    """Back up the database at ``url`` to ``out`` (SQLite only; server databases: use pg_dump)."""
    path = sqlite_path(url)
    if path is None:
        raise DatabaseError(*_pg_dump_message(url))
    return backup_file(path, out, overwrite=overwrite)


def iter_report_lines(report: DoctorReport) -> Iterator[str]:
    """Human-readable lines of a report (used by the CLI)."""
    yield f"database: {report.database} ({report.backend})"
    yield f"schema:   {report.schema_version or '?'} (this LabAssess: {report.app_schema_version})"
    yield f"checked:  {', '.join(report.checks)}"
    for digest in report.repaired:
        yield f"repaired: deleted orphaned evidence file {digest[:12]}…"
    for f in report.findings:
        yield f"[{f.severity}] {f.check}: {f.message}"
        yield f"    repair: {f.repair}"
    yield "healthy: no problems found" if report.healthy else "NOT healthy: see the findings above"

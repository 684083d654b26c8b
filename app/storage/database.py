"""Open a database: engine, pragmas, schema check, backup-then-migrate, typed errors.

The embedded default is a SQLite file in the user's data directory, in WAL mode with foreign keys
on and ``synchronous=FULL`` so that a committed answer survives a killed process or a power cut.
``--db URL`` / ``LABASSESS_DB`` select another file or a PostgreSQL server.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import sqlite3
from collections.abc import Iterator
from pathlib import Path

from sqlalchemy import create_engine, event, inspect, text
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, sessionmaker

from app.storage.errors import DatabaseError, classify_db_error
from app.storage.revisions import MIGRATIONS, head_revision, known_revisions

__all__ = ["MIGRATIONS", "Database", "head_revision", "known_revisions", "open_database"]


def _alembic_config():
    from alembic.config import Config  # imported lazily: alembic costs ~0.1 s

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    return cfg


def redact_url(url: str) -> str:
    """The URL with any password hidden, safe for logs and messages."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:  # noqa: BLE001 - a malformed URL must still be printable
        return "<database URL>"


class Database:
    """An open, migrated database: hand out sessions, nothing else.

    Attributes:
        url: the SQLAlchemy URL (use ``display_url`` in anything a user or log sees).
        path: the SQLite file, or ``None`` for a server database.
        backup_path: the backup written before the last migration, if one was needed.
    """

    def __init__(self, engine: Engine, url: str, path: Path | None):
        self.engine = engine
        self.url = url
        self.path = path
        self.backup_path: Path | None = None
        self._sessions = sessionmaker(engine, expire_on_commit=False)

    @property
    def display_url(self) -> str:
        """The location for messages: the file path, or the server URL without password."""
        return str(self.path) if self.path else redact_url(self.url)

    @property
    def is_sqlite(self) -> bool:
        """True for the embedded SQLite backend."""
        return self.engine.dialect.name == "sqlite"

    @contextlib.contextmanager
    def transaction(self) -> Iterator[Session]:
        """A session in one transaction: committed on success, rolled back on any error.

        Database errors are translated into ``DatabaseError`` with a message for the user.
        """
        session = self._sessions()
        try:
            with session.begin():
                yield session
        except DBAPIError as exc:
            raise classify_db_error(exc, self.display_url) from exc
        finally:
            session.close()

    def dispose(self) -> None:
        """Close every pooled connection."""
        self.engine.dispose()


#: seconds a connection waits for another writer before reporting "busy" (env LABASSESS_BUSY_TIMEOUT overrides)
DEFAULT_BUSY_TIMEOUT = 10.0


def busy_timeout() -> float:
    """Seconds to wait for another instance's write transaction (``LABASSESS_BUSY_TIMEOUT``, default 10)."""
    raw = os.environ.get("LABASSESS_BUSY_TIMEOUT", "")
    try:
        value = float(raw) if raw else DEFAULT_BUSY_TIMEOUT
    except ValueError:
        value = DEFAULT_BUSY_TIMEOUT
    return value if value >= 0 else DEFAULT_BUSY_TIMEOUT


def _sqlite_connect_hook(timeout: float):
    def on_connect(dbapi_conn, _record) -> None:
        # We issue BEGIN ourselves (see _sqlite_begin): the driver's implicit transactions start
        # only before DML, so DDL (migrations) would otherwise run outside any transaction.
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        # busy_timeout first: a second instance waits for the writer instead of failing at once
        cur.execute(f"PRAGMA busy_timeout={int(timeout * 1000)}")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA synchronous=FULL")
        try:
            if str(cur.execute("PRAGMA journal_mode").fetchone()[0]).lower() not in ("wal", "memory"):
                cur.execute("PRAGMA journal_mode=WAL")
        except sqlite3.Error:
            pass  # a read-only file keeps its journal mode; writes report "read-only" later
        cur.close()

    return on_connect


def _sqlite_begin(conn) -> None:
    # BEGIN IMMEDIATE takes the write lock at the start, so two instances writing at once queue
    # behind busy_timeout instead of one failing with SQLITE_BUSY when it upgrades a read lock.
    conn.exec_driver_sql("BEGIN IMMEDIATE")


def make_engine(url: str, *, timeout: float | None = None) -> Engine:
    """Create an engine for ``url`` with our SQLite settings (``timeout``: busy timeout in seconds)."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        timeout = busy_timeout() if timeout is None else timeout
        engine = create_engine(url, connect_args={"timeout": timeout})
        event.listen(engine, "connect", _sqlite_connect_hook(timeout))
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    return create_engine(url, pool_pre_ping=True)


def sqlite_url(path: Path) -> str:
    """SQLAlchemy URL for a SQLite file."""
    return f"sqlite:///{path}"


def sqlite_path(url: str) -> Path | None:
    """The file of a SQLite URL (also ``sqlite:///file:PATH?mode=ro&uri=true``), or None for a server."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return None
    name = parsed.database
    if name.startswith("file:"):
        name = name[5:].split("?", 1)[0]
        if name in ("", ":memory:") or parsed.query.get("mode") == "memory":
            return None
    return Path(name).expanduser()


def open_database(url: str, *, migrate: bool = True, backup_dir: Path | None = None) -> Database:
    """Open ``url``, check its schema and migrate it if it is older (after a backup).

    Raises:
        DatabaseError: corrupt, read-only, locked, full disk, unreachable server, or a database
            written by a newer LabAssess.
    """
    path = sqlite_path(url)
    read_only = make_url(url).query.get("mode") == "ro"
    if path is not None:
        if not read_only:
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise DatabaseError(
                    f"Cannot create the folder {path.parent}: {exc.strerror}.",
                    "Choose another location with --db or LABASSESS_DB.",
                ) from exc
        if path.exists() and path.stat().st_size > 0:
            _check_sqlite_header(path)
    engine = make_engine(url)
    db = Database(engine, url, path)
    try:
        with engine.connect() as conn:
            current = _current_revision(conn)
        known = known_revisions()
        if current is not None and current not in known:
            raise DatabaseError(
                f"The database {db.display_url} was written by a newer version of LabAssess (schema {current}).",
                "Install the newer LabAssess to open it; this version has not changed the file.",
            )
        if migrate and current != known[-1]:
            if current is not None and path is not None:
                db.backup_path = backup_sqlite(path, backup_dir, tag=f"schema-{current}")
            _upgrade(engine)
    except DBAPIError as exc:
        engine.dispose()
        raise classify_db_error(exc, db.display_url) from exc
    except DatabaseError:
        engine.dispose()
        raise
    return db


def check_sqlite_header(path: Path) -> None:
    """Raise ``DatabaseError`` unless ``path`` starts like a SQLite database."""
    _check_sqlite_header(path)


def _check_sqlite_header(path: Path) -> None:
    try:
        with path.open("rb") as fh:
            header = fh.read(16)
    except OSError as exc:
        raise DatabaseError(f"Cannot read {path}: {exc.strerror}.", "Check the file's permissions.") from exc
    if header != b"SQLite format 3\x00":
        raise DatabaseError(
            f"{path} is not a LabAssess database (it is not a SQLite file, or it is damaged).",
            "Restore it from a backup (labassess backup / the .bak files beside it), or choose another file with --db.",
        )


def _current_revision(conn) -> str | None:
    if not inspect(conn).has_table("alembic_version"):
        if inspect(conn).has_table("lab"):
            # tables without a version row: not ours, or an interrupted first migration
            raise DatabaseError(
                "The database has LabAssess tables but no schema version.",
                "Restore it from a backup, or run 'labassess doctor' for details.",
            )
        return None
    return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()


def _upgrade(engine: Engine) -> None:
    from alembic import command

    cfg = _alembic_config()
    with engine.connect() as conn:
        raw = conn.connection.dbapi_connection if engine.dialect.name == "sqlite" else None
        if raw is not None:
            # SQLite: foreign keys off for the migration (a batch-mode table rebuild drops and renames
            # tables, which with foreign keys on would cascade-delete child rows); the switch only works
            # outside a transaction.  They are checked before the commit and switched on again after.
            raw.execute("PRAGMA foreign_keys=OFF")
        try:
            # one transaction for the whole migration: an interrupted upgrade leaves the old schema intact
            with conn.begin():
                cfg.attributes["connection"] = conn
                command.upgrade(cfg, "head")
                if raw is not None:
                    broken = conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                    if broken:
                        raise DatabaseError(
                            f"The schema upgrade would leave {len(broken)} broken reference(s) (first in table "
                            f"{broken[0][0]}); nothing was changed.",
                            "Run 'labassess doctor' and report this problem; the backup beside the file is intact.",
                        )
        finally:
            if raw is not None:
                raw.execute("PRAGMA foreign_keys=ON")


def backup_sqlite(path: Path, backup_dir: Path | None = None, *, tag: str = "backup", dest: Path | None = None) -> Path:
    """Write a consistent copy of a SQLite file using SQLite's online backup API.

    Safe while another process is writing: the copy is a snapshot of one committed state.
    """
    if dest is None:
        stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
        folder = backup_dir or path.parent
        folder.mkdir(parents=True, exist_ok=True)
        dest = folder / f"{path.stem}.{tag}.{stamp}.bak.sqlite"
    tmp = dest.with_name(dest.name + ".part")
    src = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=10)
    try:
        out = sqlite3.connect(tmp)
        try:
            src.backup(out)
        finally:
            out.close()
    except sqlite3.Error as exc:
        tmp.unlink(missing_ok=True)
        raise DatabaseError(
            f"Could not back up {path}: {exc}.", "Free some disk space or choose another folder."
        ) from exc
    finally:
        src.close()
    tmp.replace(dest)  # atomic: a half-written backup never carries the final name
    return dest

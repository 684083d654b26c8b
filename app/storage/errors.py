"""Database errors a user can act on: what happened and what to do."""

from __future__ import annotations


class DatabaseError(RuntimeError):
    """A database problem, with a message for the user and the next step.

    Attributes:
        message: what happened (one sentence).
        hint: what to do about it.
    """

    def __init__(self, message: str, hint: str = ""):
        self.message = message
        self.hint = hint
        super().__init__(f"{message} {hint}".strip())


class StaleWriteError(RuntimeError):
    """An edit was made against an older version of a row someone else has changed since."""

    def __init__(self, what: str, expected: int, actual: int):
        self.what = what
        self.expected = expected
        self.actual = actual
        super().__init__(
            f"{what} was changed by someone else (your version {expected}, now {actual}); "
            "reload it and apply your change again."
        )


def classify_db_error(exc: BaseException, where: str) -> DatabaseError:
    """Translate a driver error (SQLAlchemy-wrapped or raw) into a ``DatabaseError`` naming the cause and the remedy.

    The message always says that what was saved before is intact when that is true: SQLite and
    PostgreSQL roll back the failed transaction and never touch committed data.
    """
    orig = getattr(exc, "orig", None) or exc
    raw = str(orig)
    text = raw.lower()
    first = raw.splitlines()[0] if raw else orig.__class__.__name__
    if any(s in text for s in ("database or disk is full", "no space left", "could not extend file", "disk full")):
        return DatabaseError(
            f"The disk holding {where} is full; the last change was not saved (everything saved before it is intact).",
            "Free some disk space and repeat the last change.",
        )
    if "disk i/o error" in text or "input/output error" in text or "file too large" in text:
        return DatabaseError(
            f"Reading or writing {where} failed (disk I/O error): the disk may be full, removed or failing. "
            "The last change was not saved; everything saved before it is intact.",
            "Free some disk space or reconnect the drive, then run 'labassess doctor'.",
        )
    if "readonly" in text or "read-only" in text or "read only" in text:
        return DatabaseError(
            f"The database {where} is read-only; nothing can be saved (what is already in it is intact).",
            "Copy it to a folder you can write to, remove its write protection (file permissions, 'chattr -i', "
            "a read-only share or mode=ro), or open it with --db pointing at the copy.",
        )
    if (
        "database is locked" in text
        or "database table is locked" in text
        or "lock timeout" in text
        or "deadlock detected" in text
        or "could not serialize" in text
    ):
        return DatabaseError(
            f"The database {where} is busy: another LabAssess instance (window or command) is writing to it. "
            "Nothing was changed.",
            "Wait for the other instance to finish (or close it) and try again.",
        )
    if "file is not a database" in text or "malformed" in text or "file is encrypted" in text or "corrupt" in text:
        return DatabaseError(
            f"The database {where} is damaged.",
            "Run 'labassess doctor', or restore the latest backup (the .bak.sqlite files beside it).",
        )
    if "unable to open database" in text:
        return DatabaseError(
            f"Cannot open the database {where}.", "Check that the path exists and that you may read and write it."
        )
    if any(
        s in text
        for s in (
            "could not connect",
            "connection refused",
            "password authentication",
            "connection timeout",
            "timeout expired",
            "server closed the connection",
            "could not translate host name",
            "no pg_hba.conf entry",
        )
    ):
        return DatabaseError(
            f"Cannot connect to the database server {where}.",
            "Check that the server is running and the user name and password are right.",
        )
    if "does not exist" in text and "database" in text:
        return DatabaseError(
            f"The database {where} does not exist on the server.", "Create it first, or check the URL."
        )
    return DatabaseError(f"Database error on {where}: {first}", "Run 'labassess doctor' if it happens again.")

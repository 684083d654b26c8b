"""Database errors a user can act on: what happened and what to do."""

from __future__ import annotations

from sqlalchemy.exc import DBAPIError


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


def classify_db_error(exc: DBAPIError, where: str) -> DatabaseError:
    """Translate a driver error into a ``DatabaseError`` naming the cause and the remedy."""
    text = str(getattr(exc, "orig", exc)).lower()
    if "database or disk is full" in text or "no space left" in text:
        return DatabaseError(
            f"The disk holding {where} is full; the last change was not saved (everything saved before it is intact).",
            "Free some disk space and repeat the last change.",
        )
    if "readonly" in text or "read-only" in text or "attempt to write a readonly database" in text:
        return DatabaseError(
            f"The database {where} is read-only; nothing can be saved.",
            "Copy it to a folder you can write to, or fix its permissions.",
        )
    if "database is locked" in text or "database table is locked" in text:
        return DatabaseError(
            f"The database {where} is busy: another LabAssess window or process is writing to it.",
            "Wait a moment and try again, or close the other instance.",
        )
    if "file is not a database" in text or "malformed" in text or "disk i/o error" in text:
        return DatabaseError(
            f"The database {where} is damaged.",
            "Run 'labassess doctor', or restore the latest backup (the .bak.sqlite files beside it).",
        )
    if "unable to open database" in text:
        return DatabaseError(f"Cannot open the database {where}.", "Check the path and its permissions.")
    if "could not connect" in text or "connection refused" in text or "password authentication" in text:
        return DatabaseError(
            f"Cannot connect to the database server {where}.",
            "Check that the server is running and the user name and password are right.",
        )
    return DatabaseError(f"Database error on {where}: {str(getattr(exc, 'orig', exc)).splitlines()[0]}", "")

"""Errors services raise for the caller to show: not found, invalid input."""

from __future__ import annotations


class ServiceError(Exception):
    """Base class: a problem the user can fix; ``str()`` is a one-line message."""


class NotFound(ServiceError):
    """A lab, assessment, item or file does not exist."""

    def __init__(self, what: str, key: object):
        self.what = what
        self.key = key
        super().__init__(f"no {what} {key!r}")


class ValidationError(ServiceError):
    """Input rejected; ``field`` names the field (or file location)."""

    def __init__(self, field: str, message: str):
        self.field = field
        self.message = message
        super().__init__(f"{field}: {message}")


# The UI talks to services only; these storage errors reach it through here.
from app.storage.errors import DatabaseError, StaleWriteError  # noqa: E402

__all__ = ["DatabaseError", "NotFound", "ServiceError", "StaleWriteError", "ValidationError"]

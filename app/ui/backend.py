"""The UI's seam to the composition root: open services, create the demo, recognise service errors.

Imports happen inside the functions so that the window can appear before SQLAlchemy is loaded.
``app.ui`` never imports ``app.storage`` directly (import-linter contract); the error classes come
from ``app.services.errors``.
"""

from __future__ import annotations

from typing import Any


def open_services(db_url: str | None = None, catalog: Any = None) -> Any:
    """Open (and migrate) the database at ``db_url`` and return ``app.bootstrap.Services``."""
    from app.bootstrap import open_services as _open

    return _open(db_url, catalog=catalog)


def start_services(db_url: str) -> Any | None:
    """Services for a fast first paint, or None when the database must be opened first.

    Returns ``app.services.quickstart.StartupServices``: the first screen reads through a light
    reader while the full services open on a worker thread (``start()``); any write waits for them.
    None for a new, older-schema or server database: call ``open_services`` instead.
    """
    from app.services.quickstart import start_services as _start

    return _start(db_url, lambda: open_services(db_url))


def services_ready(services: Any) -> bool:
    """False only while a fast start's full services are still opening (``StartupServices.ready``)."""
    return bool(getattr(services, "ready", True))


def create_demo(services: Any):
    """Create (or re-create) the demo lab and its answered assessment; returns ``(LabDTO, AssessmentSummary)``."""
    from app.services.demo import create_demo as _create

    return _create(services.labs, services.assessments)


def is_database_error(exc: BaseException) -> bool:
    """True for a database problem with a user message (``.message``) and next step (``.hint``)."""
    from app.services.errors import DatabaseError

    return isinstance(exc, DatabaseError)


def is_not_found(exc: BaseException) -> bool:
    """True when the row asked for does not exist (any more): deleted, perhaps by someone else."""
    from app.services.errors import NotFound

    return isinstance(exc, NotFound)


def is_stale_write(exc: BaseException) -> bool:
    """True when someone else changed the row since it was read (shared database, second window)."""
    from app.services.errors import StaleWriteError

    return isinstance(exc, StaleWriteError)


def has_module(name: str) -> bool:
    """True if an optional module (a UI component added by another feature) is installed."""
    import importlib.util

    return importlib.util.find_spec(name) is not None


def load_module(name: str) -> Any:
    """Import an optional module by name."""
    import importlib

    return importlib.import_module(name)

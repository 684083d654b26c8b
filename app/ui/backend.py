"""The UI's one seam to the composition root (bootstrap, demo data, database error types).

``app.ui`` talks to services only through the ``Services`` object and the frozen DTOs they return.
Opening the services needs ``app.bootstrap`` (which wires SQLAlchemy), and recognising database
errors needs their classes; both are loaded here, at call time, so that no UI module imports the
storage layer and start-up stays lazy.  Nothing else in ``app.ui`` may use ``importlib`` for this.
"""

from __future__ import annotations

import importlib
import importlib.util
from typing import Any


def open_services(db_url: str | None = None, catalog: Any = None) -> Any:
    """Open (and migrate) the database at ``db_url`` and return ``app.bootstrap.Services``."""
    return importlib.import_module("app.bootstrap").open_services(db_url, catalog=catalog)


def create_demo(services: Any):
    """Create (or re-create) the demo lab and its answered assessment; returns ``(LabDTO, AssessmentSummary)``."""
    demo = importlib.import_module("app.services.demo")
    return demo.create_demo(services.labs, services.assessments)


def _storage_errors():
    return importlib.import_module("app.storage.errors")


def is_database_error(exc: BaseException) -> bool:
    """True for ``app.storage.errors.DatabaseError`` (has ``message`` and ``hint``)."""
    return isinstance(exc, _storage_errors().DatabaseError)


def is_stale_write(exc: BaseException) -> bool:
    """True for ``app.storage.errors.StaleWriteError`` (someone else changed the answer)."""
    return isinstance(exc, _storage_errors().StaleWriteError)


def has_module(name: str) -> bool:
    """True if an optional service module (e.g. ``app.services.plans``) is installed."""
    return importlib.util.find_spec(name) is not None


def load_module(name: str) -> Any:
    """Import an optional service/report module by name (plans, reports)."""
    return importlib.import_module(name)

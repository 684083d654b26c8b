"""Where LabAssess keeps its data.  Qt-free; the UI and the CLI both use these."""

from __future__ import annotations

import os
from pathlib import Path

from platformdirs import user_cache_path, user_data_path, user_log_path

APP_NAME = "LabAssess"


def data_dir() -> Path:
    """The user's data directory (``LABASSESS_HOME`` overrides it, e.g. for tests and portable use)."""
    override = os.environ.get("LABASSESS_HOME")
    return Path(override) if override else user_data_path(APP_NAME, appauthor=False)


def default_db_path() -> Path:
    """The embedded SQLite database file."""
    return data_dir() / "labassess.sqlite"


def default_db_url() -> str:
    """``LABASSESS_DB`` if set, else the embedded SQLite file."""
    env = os.environ.get("LABASSESS_DB")
    if env:
        return env if "://" in env else f"sqlite:///{Path(env).expanduser()}"
    return f"sqlite:///{default_db_path()}"


def user_checklist_dir() -> Path:
    """Where imported checklists are installed."""
    return data_dir() / "checklists"


def reports_dir() -> Path:
    """Default folder for generated reports."""
    return data_dir() / "reports"


def cache_dir() -> Path:
    """Derived data that can be rebuilt at any time (validated checklist snapshots)."""
    override = os.environ.get("LABASSESS_HOME")
    return Path(override) / "cache" if override else user_cache_path(APP_NAME, appauthor=False)


def log_dir() -> Path:
    """Where error logs are written."""
    override = os.environ.get("LABASSESS_HOME")
    return Path(override) / "logs" if override else user_log_path(APP_NAME, appauthor=False)

"""Shared fixtures.  Every test runs with its own LABASSESS_HOME, so no developer data is touched.

Fixtures:
    home: a fresh data directory (also set as LABASSESS_HOME).
    mini_catalog: a Catalog with the small test checklist (tests/data/mini-cl01.yaml) and the
        shipped packs.
    services: Services over a real SQLite file in ``home``.
    pg_url: the PostgreSQL URL from LABASSESS_TEST_PG (tests using it skip when it is unset,
        except in CI where .ci/run always sets it).
"""

from __future__ import annotations

import os
import shutil
import uuid
from pathlib import Path

import pytest

# Qt must never try to open a display in tests (pytest-qt creates the QApplication lazily).
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

DATA = Path(__file__).parent / "data"


@pytest.fixture(autouse=True)
def _snapshot_cache(tmp_path):
    """Validated checklist snapshots are kept on disk per test, never in the user's cache directory."""
    from app.services import snapshot_cache

    snapshot_cache.set_directory(tmp_path / "snapshot-cache")
    yield
    snapshot_cache.use_default_directory()


@pytest.fixture
def home(tmp_path, monkeypatch) -> Path:
    """A fresh LABASSESS_HOME."""
    h = tmp_path / "home"
    h.mkdir()
    monkeypatch.setenv("LABASSESS_HOME", str(h))
    monkeypatch.delenv("LABASSESS_DB", raising=False)
    return h


@pytest.fixture
def mini_catalog(home):
    """Catalog = shipped packs + the mini test checklist installed as a user pack."""
    from app.services.catalog import Catalog

    user = home / "checklists"
    user.mkdir(exist_ok=True)
    shutil.copy(DATA / "mini-cl01.yaml", user / "mini-cl01.yaml")
    return Catalog(user)


@pytest.fixture
def services(home, mini_catalog):
    """Services over a real SQLite file."""
    from app.bootstrap import open_services

    svc = open_services(f"sqlite:///{home / 'test.sqlite'}", catalog=mini_catalog)
    yield svc
    svc.close()


@pytest.fixture
def pg_url():
    """A fresh PostgreSQL database on the server named by LABASSESS_TEST_PG; dropped afterwards."""
    base = os.environ.get("LABASSESS_TEST_PG")
    if not base:
        if os.environ.get("CI"):
            pytest.fail("LABASSESS_TEST_PG must be set in CI (.ci/run starts PostgreSQL)")
        pytest.skip("no PostgreSQL server configured (set LABASSESS_TEST_PG)")
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    name = f"labassess_test_{uuid.uuid4().hex[:10]}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as c:
        c.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(base).set(database=name).render_as_string(hide_password=False)
    yield url
    _drop_database(admin, name)
    admin.dispose()


def _drop_database(admin, name: str) -> None:
    """Drop a test database, retrying while a background worker (e.g. autovacuum) still holds it.

    A leftover throw-away database is harmless, so after the retries we warn instead of failing.
    """
    import time
    import warnings

    from sqlalchemy import text
    from sqlalchemy.exc import DBAPIError

    for attempt in range(10):
        try:
            with admin.connect() as c:
                c.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            return
        except DBAPIError as exc:
            last = exc
            time.sleep(0.2 * (attempt + 1))
    warnings.warn(f"could not drop test database {name}: {last.orig}", stacklevel=2)


@pytest.fixture(params=["sqlite", "postgres"])
def any_db_url(request, home):
    """Parametrise storage tests over SQLite and PostgreSQL."""
    if request.param == "sqlite":
        return f"sqlite:///{home / 'any.sqlite'}"
    return request.getfixturevalue("pg_url")


@pytest.fixture
def any_services(any_db_url, mini_catalog):
    """Services over SQLite or PostgreSQL (see ``any_db_url``)."""
    from app.bootstrap import open_services

    svc = open_services(any_db_url, catalog=mini_catalog)
    yield svc
    svc.close()

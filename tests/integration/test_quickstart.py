"""StartupServices: first-screen reads at once, writes wait for the full services, failures are kept.

Real SQLite files; the full services are the real ones, opened on the real worker thread.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from app.assessment.model import LabProfile, Status
from app.bootstrap import open_services
from app.services.assessments import AssessmentService
from app.services.errors import DatabaseError
from app.services.quickstart import StartupServices, start_services

ROOT = Path(__file__).parents[2]


@pytest.fixture
def saved(services):
    """A lab with an assessment of the mini checklist; the database is closed afterwards."""
    lab = services.labs.add(LabProfile(name="Lab"))
    a = services.assessments.create(lab.id, ["mini-cl01"])
    items = [it.id for p in services.assessments.packs(a.id) for it in p.items]
    services.assessments.answer(a.id, items[0], Status.CONFORM)
    return {"url": services.db.url, "assessment": a.id, "items": items}


def test_first_screen_reads_do_not_load_sqlalchemy(saved, home):
    """In a fresh interpreter: labs, assessment list and the scored view without SQLAlchemy."""
    code = (
        "import json, sys\n"
        "from app.services.quickstart import start_services\n"
        f"s = start_services({saved['url']!r}, lambda: None)\n"
        "labs = s.labs.list()\n"
        f"view = s.assessments.view({saved['assessment']})\n"
        "listed = s.assessments.list()\n"
        "print(json.dumps({'labs': len(labs), 'answers': len(view.answers), 'listed': len(listed),\n"
        "                  'sqlalchemy': 'sqlalchemy' in sys.modules, 'ready': s.ready}))\n"
    )
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True)
    info = json.loads(out.stdout.strip().splitlines()[-1])
    assert info == {"labs": 1, "answers": 1, "listed": 1, "sqlalchemy": False, "ready": False}


def test_a_write_before_the_services_are_open_waits_and_is_saved(saved, mini_catalog):
    gate = threading.Event()

    def opener():
        gate.wait(5)  # the full services are still "opening" while the write is made
        return open_services(saved["url"], catalog=mini_catalog)

    fast = start_services(saved["url"], opener)
    assert fast is not None
    fast.start()
    threading.Timer(0.2, gate.set).start()
    item = saved["items"][1]
    dto = fast.assessments.answer(saved["assessment"], item, Status.NONCONFORM, note="typed at once")
    assert dto.status is Status.NONCONFORM
    assert fast.ready
    assert isinstance(fast.assessments, AssessmentService)  # from now on the real service itself
    with pytest.raises(sqlite3.ProgrammingError):  # and the light reader's file handle is released
        fast._reader.labs()
    fast.close()
    again = open_services(saved["url"], catalog=mini_catalog)
    try:
        assert again.assessments.answers(saved["assessment"])[item].note == "typed at once"
    finally:
        again.close()


def test_a_failed_open_is_reported_to_every_caller_and_the_callback(saved):
    failure = DatabaseError("The database is locked by another program.", "Close it and try again.")

    def opener():
        raise failure

    fast = start_services(saved["url"], opener)
    seen: list = []
    fast.on_done(seen.append)
    fast.start()
    with pytest.raises(DatabaseError):
        fast.assessments.answer(saved["assessment"], saved["items"][0], Status.PARTIAL)
    with pytest.raises(DatabaseError):
        fast.plans.plan(saved["assessment"])
    assert seen == [failure]
    assert fast.error is failure and not fast.ready
    fast.on_done(seen.append)  # registered after the end: called at once
    assert seen == [failure, failure]
    fast.close()


def test_unknown_attributes_are_not_services(saved):
    fast = start_services(saved["url"], lambda: None)
    assert isinstance(fast, StartupServices)
    with pytest.raises(AttributeError):
        _ = fast.no_such_service
    fast._reader.close()


def test_no_fast_start_for_a_new_database(home):
    assert start_services(f"sqlite:///{home / 'new.sqlite'}", lambda: None) is None

"""Shared team database on PostgreSQL: several consultants (Services objects) at once, stale edits
detected, concurrent writers lose nothing, connection details never shown."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, select

from app.assessment.model import LabProfile, Status
from app.storage.errors import StaleWriteError
from app.storage.orm import Answer, AnswerHistory

pytestmark = [pytest.mark.integration, pytest.mark.postgres]


@pytest.fixture
def two(pg_url, mini_catalog):
    """Two consultants: two independent Services (own engines) on the same PostgreSQL database."""
    from app.bootstrap import open_services

    a = open_services(pg_url, catalog=mini_catalog)
    b = open_services(pg_url, catalog=mini_catalog)
    yield a, b
    a.close()
    b.close()


def _assessment(svc):
    lab = svc.labs.add(LabProfile(name="共享数据库实验室", test_fields=("appliance_safety",)))
    return svc.assessments.create(lab.id, ["mini-cl01"], assessor="team")


def test_stale_edit_is_detected_and_newer_answer_survives(two):
    """B edits an answer A has read; A's save against the old version raises and B's answer stays."""
    alice, bob = two
    asm = _assessment(alice)
    v1 = alice.assessments.answer(asm.id, "T-6.4-01", "partial", note="alice first", by="alice")
    seen_by_alice = alice.assessments.answers(asm.id)["T-6.4-01"]
    seen_by_bob = bob.assessments.answers(asm.id)["T-6.4-01"]
    assert seen_by_alice.version == seen_by_bob.version == v1.version
    bob.assessments.answer(
        asm.id, "T-6.4-01", "conform", note="bob fixed it", by="bob", expected_version=seen_by_bob.version
    )
    with pytest.raises(StaleWriteError) as err:
        alice.assessments.answer(
            asm.id, "T-6.4-01", "nonconform", note="alice stale", by="alice", expected_version=seen_by_alice.version
        )
    assert "changed by someone else" in str(err.value)
    for svc in (alice, bob):
        now = svc.assessments.answers(asm.id)["T-6.4-01"]
        assert (now.status, now.note, now.updated_by) == (Status.CONFORM, "bob fixed it", "bob")
    assert [h.changed_by for h in alice.assessments.history(asm.id, "T-6.4-01")] == ["alice", "bob"]


def test_two_concurrent_writers_lose_no_answer(two, mini_catalog):
    """Two threads, each with its own Services, commit many answers at once: every one is stored."""
    alice, bob = two
    asm = _assessment(alice)
    items = [it.id for it in alice.assessments.packs(asm.id)[0].items]
    halves = {"alice": (alice, items[0::2]), "bob": (bob, items[1::2])}
    rounds = 3
    errors: list[BaseException] = []
    start = threading.Barrier(2)

    def writer(name):
        svc, mine = halves[name]
        try:
            start.wait()
            for r in range(rounds):
                for item in mine:
                    svc.assessments.answer(
                        asm.id, item, ("conform", "partial", "nonconform")[r % 3], note=f"{name} round {r}", by=name
                    )
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(n,)) for n in halves]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert not errors, errors
    answers = bob.assessments.answers(asm.id)
    assert len(answers) == len(items)
    for name, (_svc, mine) in halves.items():
        for item in mine:
            a = answers[item]
            assert (a.note, a.updated_by, a.version) == (f"{name} round {rounds - 1}", name, rounds)
    with alice.db.transaction() as s:
        n_hist = s.scalar(
            select(func.count()).select_from(AnswerHistory).join(Answer).where(Answer.assessment_id == asm.id)
        )
    assert n_hist == rounds * len(items)


def test_concurrent_edits_of_one_answer_never_silently_overwrite(two):
    """Two threads edit the SAME answer with optimistic locking (retry on StaleWriteError): every
    successful edit is in the history and the versions count every edit — no lost update."""
    alice, bob = two
    asm = _assessment(alice)
    alice.assessments.answer(asm.id, "T-7.2-01", "partial", note="", by="setup")
    per_thread = 15
    errors: list[BaseException] = []
    stale = {"alice": 0, "bob": 0}
    start = threading.Barrier(2)

    def editor(name, svc):
        try:
            start.wait()
            done = 0
            while done < per_thread:
                cur = svc.assessments.answers(asm.id)["T-7.2-01"]
                try:
                    svc.assessments.answer(
                        asm.id,
                        "T-7.2-01",
                        "partial",
                        note=f"{cur.note}|{name}{done}",
                        by=name,
                        expected_version=cur.version,
                    )
                    done += 1
                except StaleWriteError:
                    stale[name] += 1
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)

    threads = [threading.Thread(target=editor, args=(n, s)) for n, s in (("alice", alice), ("bob", bob))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(180)
    assert not errors, errors
    final = alice.assessments.answers(asm.id)["T-7.2-01"]
    tokens = [t for t in final.note.split("|") if t]
    # every edit was made on top of the previous one: all 30 tokens survive, in each writer's order
    assert sorted(tokens) == sorted([f"alice{i}" for i in range(per_thread)] + [f"bob{i}" for i in range(per_thread)])
    assert final.version == 1 + 2 * per_thread
    assert len(alice.assessments.history(asm.id, "T-7.2-01")) == 1 + 2 * per_thread


def test_connection_details_never_in_messages(pg_url, mini_catalog, capsys):
    """The password of a server URL appears neither in display_url nor in a connection error."""
    from sqlalchemy.engine import make_url

    from app.bootstrap import open_services
    from app.cli.main import main
    from app.storage.database import redact_url

    password = make_url(pg_url).password
    svc = open_services(pg_url, catalog=mini_catalog)
    try:
        assert password and password not in svc.db.display_url
    finally:
        svc.close()
    bad = make_url(pg_url).set(password="s3cret-Pa55", port=1).render_as_string(hide_password=False)
    assert "s3cret-Pa55" not in redact_url(bad)
    assert main(["--db", bad, "lab", "list"]) == 1
    out = capsys.readouterr()
    assert "s3cret-Pa55" not in out.err + out.out and "Cannot connect" in out.err

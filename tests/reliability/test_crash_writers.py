"""Crash safety: answer writers (service layer and CLI) killed with SIGKILL at random moments.

After every kill the database passes ``PRAGMA integrity_check`` and holds every answer whose call had
returned (the writer's acknowledgements on stdout), including its history entry.  The two tests below
and ``test_crash_migration.py`` together perform well over 200 kills (LABASSESS_CRASH_SCALE scales them).
"""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import sys
import threading
import time

import pytest
from crash_tools import Victim, Zygote, acks, read_lines, scale
from rel_helpers import HERE, ROOT, env_for, integrity, make_home, seed

pytestmark = [pytest.mark.integration, pytest.mark.slow]

SERVICE_KILLS = 180
CLI_KILLS = 30


def _current(db, items) -> dict[str, tuple[int, str]]:
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=30)
    try:
        marks = ",".join("?" * len(items))
        rows = con.execute(f"SELECT item_id, note, status FROM answer WHERE item_id IN ({marks})", items).fetchall()
    finally:
        con.close()
    return {i: (int(n.split(":")[1]), s) for i, n, s in rows if n.startswith("seq:")}


def _in_history(db, seqs: list[int]) -> set[int]:
    if not seqs:
        return set()
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=30)
    try:
        found = set()
        for i in range(0, len(seqs), 500):
            chunk = [f"seq:{s}" for s in seqs[i : i + 500]]
            q = f"SELECT new_note FROM answer_history WHERE new_note IN ({','.join('?' * len(chunk))})"
            found |= {int(r[0].split(":")[1]) for r in con.execute(q, chunk)}
        return found
    finally:
        con.close()


class Ledger:
    """What each slot's writers acknowledged, checked against the database after every kill."""

    def __init__(self, db):
        self.db = db
        self.lock = threading.Lock()
        self.last: dict[str, tuple[int, str]] = {}
        self.kills = 0
        self.acked = 0
        self.mid_stream = 0  # kills of a writer that had already acknowledged an answer
        self.errors: list[str] = []

    def check(self, items: list[str], new_acks: list[tuple[str, int, str]], label: str) -> None:
        with self.lock:
            for item, seq, status in new_acks:
                self.last[item] = (seq, status)
            self.acked += len(new_acks)
            ok = integrity(self.db)
            if ok != "ok":
                self.errors.append(f"{label}: integrity_check: {ok}")
                return
            cur = _current(self.db, items)
            for item in items:
                if item not in self.last:
                    continue
                seq, status = self.last[item]
                got = cur.get(item)
                # the database holds the acknowledged write, or a later one the process made before dying
                if got is None or got[0] < seq or (got[0] == seq and got[1] != status):
                    self.errors.append(f"{label}: item {item} acknowledged seq {seq} {status}, database has {got}")
            missing = {s for _i, s, _st in new_acks} - _in_history(self.db, [s for _i, s, _st in new_acks])
            if missing:
                self.errors.append(f"{label}: acknowledged writes missing from history: {sorted(missing)[:5]}")


def test_service_writers_survive_sigkill(tmp_path):
    """Three service-layer writers on one file, killed at random over and over: no acknowledged answer is lost."""
    home = make_home(tmp_path)
    db = tmp_path / "crash.sqlite"
    (asm,), items = seed(home, db)
    target = max(3, int(SERVICE_KILLS * scale()))
    ledger = Ledger(db)
    n_slots = 3
    deadline = time.monotonic() + 120

    def slot(k: int) -> None:
        rng = random.Random(1000 + k)
        mine = items[k::n_slots]
        zygote = Zygote(str(HERE / "crash_writer.py"), env_for(home), str(ROOT))
        run = 0
        try:
            while True:
                with ledger.lock:
                    if ledger.kills >= target or ledger.errors:
                        return
                if time.monotonic() > deadline:
                    ledger.errors.append(f"slot {k}: out of time after {ledger.kills} kills")
                    return
                run += 1
                ack_file = tmp_path / f"acks-{k}-{run}.txt"
                pid = zygote.spawn(
                    str(ack_file),
                    f"sqlite:///{db}",
                    str(home / "checklists"),
                    str(asm),
                    ",".join(mine),
                    str(k * 10**8 + run * 10**5),
                    str(rng.randrange(10**9)),
                )
                t_ready = time.monotonic()
                while "READY" not in read_lines(ack_file) and time.monotonic() - t_ready < 30:
                    time.sleep(0.002)
                if run % 2 == 0:
                    # every other kill lands mid-stream, after at least one acknowledged write (on a loaded
                    # machine a random delay alone can end most writers before their first answer)
                    while not acks(read_lines(ack_file)) and time.monotonic() - t_ready < 30:
                        time.sleep(0.002)
                time.sleep(rng.uniform(0.0, 0.12))
                status = zygote.kill(pid)
                if not (os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL):
                    ledger.errors.append(f"slot {k}: writer ended by itself (status {status}); see stderr above")
                    return
                new_acks = acks(read_lines(ack_file))
                with ledger.lock:
                    ledger.kills += 1
                    ledger.mid_stream += run % 2 == 0 and bool(new_acks)
                ledger.check(mine, new_acks, f"slot {k} run {run}")
        finally:
            zygote.close()

    threads = [threading.Thread(target=slot, args=(k,)) for k in range(n_slots)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not ledger.errors, ledger.errors[:5]
    assert ledger.kills >= target
    # writes really happened between the kills: every other kill interrupted a writer that had answered
    assert ledger.mid_stream >= ledger.kills // 2 - n_slots and ledger.acked >= ledger.mid_stream
    print(f"service writers: {ledger.kills} kills, {ledger.acked} acknowledged answers verified")
    _reopens_healthy(db, home)


def test_cli_writers_survive_sigkill(tmp_path):
    """`labassess assessment answer` processes killed at random: every command that exited 0 is in the database."""
    home = make_home(tmp_path)
    db = tmp_path / "cli.sqlite"
    (asm,), items = seed(home, db)
    t0 = time.monotonic()
    warm = Victim(
        [
            sys.executable,
            "-m",
            "app",
            "--db",
            str(db),
            "assessment",
            "answer",
            str(asm),
            items[0],
            "conform",
            "--note",
            "seq:0",
        ],
        env_for(home),
        str(ROOT),
    )
    assert warm.wait(60) == 0, warm.stderr
    typical = time.monotonic() - t0
    target = max(2, int(CLI_KILLS * scale()))
    ledger = Ledger(db)
    ledger.last[items[0]] = (0, "conform")
    deadline = time.monotonic() + 150

    def slot(k: int) -> None:
        rng = random.Random(2000 + k)
        mine = items[1 + k :: 2]
        seq = k * 10**8
        while True:
            with ledger.lock:
                if ledger.kills >= target or ledger.errors:
                    return
            if time.monotonic() > deadline:
                ledger.errors.append(f"CLI slot {k}: out of time after {ledger.kills} kills")
                return
            seq += 1
            item, status = rng.choice(mine), rng.choice(("conform", "partial", "nonconform", "unassessed"))
            v = Victim(
                [
                    sys.executable,
                    "-m",
                    "app",
                    "--db",
                    str(db),
                    "assessment",
                    "answer",
                    str(asm),
                    item,
                    status,
                    "--note",
                    f"seq:{seq}",
                ],
                env_for(home),
                str(ROOT),
            )
            # most kills land late: while the database is opened and the answer written
            time.sleep(typical * rng.uniform(0.5, 1.6))
            killed = v.kill()
            if killed:
                with ledger.lock:
                    ledger.kills += 1
                ledger.check(mine, [], f"CLI slot {k} seq {seq} (killed)")
            elif v.proc.returncode == 0:
                ledger.check(mine, [(item, seq, status)], f"CLI slot {k} seq {seq}")
            else:
                ledger.errors.append(f"CLI exited {v.proc.returncode}: {v.stderr[-1500:]}")

    threads = [threading.Thread(target=slot, args=(k,)) for k in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not ledger.errors, ledger.errors[:5]
    assert ledger.kills >= target
    print(f"CLI writers: {ledger.kills} kills, {ledger.acked} completed commands verified")
    _reopens_healthy(db, home)


def _reopens_healthy(db, home) -> None:
    from app.services.maintenance import diagnose

    report = diagnose(f"sqlite:///{db}")
    assert report.healthy, report.findings


GUI_KILLS = 15


def test_gui_writer_survives_sigkill(tmp_path):
    """The real main window (offscreen) answering from the keyboard, killed at random: no acknowledged answer is lost."""
    home = make_home(tmp_path)
    db = tmp_path / "gui.sqlite"
    (asm,), items = seed(home, db)
    target = max(2, int(GUI_KILLS * scale()))
    ledger = Ledger(db)
    rng = random.Random(3000)
    deadline = time.monotonic() + 150
    env = {**env_for(home), "QT_QPA_PLATFORM": "offscreen"}
    seq = 0
    while ledger.kills < target and not ledger.errors:
        assert time.monotonic() < deadline, f"GUI writer out of time after {ledger.kills} kills"
        seq += 10**5
        v = Victim(
            [
                sys.executable,
                str(HERE / "gui_writer.py"),
                f"sqlite:///{db}",
                str(home / "checklists"),
                str(asm),
                ",".join(items),
                str(seq),
                str(rng.randrange(10**9)),
            ],
            env,
            str(ROOT),
        )
        assert v.ready.wait(60), v.stderr
        assert "READY" in v.lines, v.stderr[-2000:]
        mid_stream = ledger.kills % 2 == 1
        if mid_stream:  # every other kill after at least one acknowledged keystroke (see the service test)
            t_ready = time.monotonic()
            while not acks(list(v.lines)) and time.monotonic() - t_ready < 30:
                time.sleep(0.005)
        time.sleep(rng.uniform(0.0, 0.4))
        assert v.kill(), f"GUI writer ended by itself: {v.stderr[-2000:]}"
        new_acks = acks(list(v.lines))
        ledger.kills += 1
        ledger.mid_stream += mid_stream and bool(new_acks)
        ledger.check(items, new_acks, f"GUI run {ledger.kills}")
    assert not ledger.errors, ledger.errors[:5]
    assert ledger.mid_stream >= ledger.kills // 2 and ledger.acked >= ledger.mid_stream
    print(f"GUI writer: {ledger.kills} kills, {ledger.acked} acknowledged keyboard answers verified")
    _reopens_healthy(db, home)

"""Issue 2 figures: answer save latency on SQLite, scoring a 200-item assessment, ``labassess --help`` start.

Floors (same run, same machine):
- answer save: a bare ``sqlite3`` INSERT+COMMIT into a similar table with the same pragmas
  (WAL, ``synchronous=FULL``, foreign keys) -- the price of durability itself;
- scoring: a bare weighted mean over the same 200 (criticality, credit) pairs;
- start-up: ``python -c pass`` (the interpreter alone).
"""

from __future__ import annotations

import random
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

from bench.common import median, percentile, row, time_calls, time_command

N_SAVES = 600
WARMUP = 30
N_ITEMS = 200
STATUSES = ("conform", "partial", "nonconform", "conform", "unassessed")


def synthetic_checklist_data(n_items: int = N_ITEMS, checklist_id: str = "synthetic-200") -> dict:
    """A valid requirements checklist with ``n_items`` items spread over the 29 CNAS-CL01 clauses."""
    from app.checklists.schema import CNAS_CLAUSES

    clauses = [key for key, _zh, _en in CNAS_CLAUSES]
    per = {c: [] for c in clauses}
    for i in range(n_items):
        c = clauses[i % len(clauses)]
        n = len(per[c]) + 1
        item = {
            "id": f"S-{c}-{n:02d}",
            "clause": c,
            "text": {"zh": f"合成问题 {c}-{n}", "en": f"Synthetic question {c}-{n}"},
            "guidance": {"zh": "符合时的表现", "en": "What conformity looks like"},
            "evidence": {"zh": ["记录"], "en": ["Record"]},
            "criticality": 1 + i % 3,
            "knockout": i % 50 == 7,
            "na": {"allowed": True, "justification": {"zh": "不开展", "en": "Not done"}}
            if i % 4 == 0
            else {"allowed": False},
            "actions": [
                {
                    "key": f"act-{c}-{n}",
                    "text": {"zh": "行动", "en": "Action"},
                    "effort_days": 1,
                    "owner_role": "technical_manager",
                    "training_theme": "quality_control",
                    "phase": 1,
                    "closure_evidence": {"zh": "记录", "en": "Record"},
                }
            ],
        }
        per[c].append(item)
    return {
        "format": "labassess-checklist/1",
        "id": checklist_id,
        "version": "1",
        "kind": "requirements",
        "title": {"zh": "合成清单", "en": "Synthetic checklist"},
        "basis": [
            {"id": "CNAS-CL01", "title": {"zh": "准则", "en": "Criteria"}, "edition": "2018", "checked": "2026-11-20"}
        ],
        "sections": [{"clause": c, "title": {"zh": c, "en": c}, "items": items} for c, items in per.items() if items],
    }


def _answer_save(tmp: Path) -> list[dict]:
    import yaml

    from app.assessment.model import LabProfile, Status
    from app.bootstrap import open_services
    from app.services.catalog import Catalog

    user = tmp / "checklists"
    user.mkdir()
    data = synthetic_checklist_data()
    (user / "synthetic-200.yaml").write_text(
        yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8"
    )
    svc = open_services(f"sqlite:///{tmp / 'bench.sqlite'}", catalog=Catalog(user))
    lab = svc.labs.add(LabProfile(name="Bench lab"))
    asm = svc.assessments.create(lab.id, ["synthetic-200"])
    items = [it["id"] for sec in data["sections"] for it in sec["items"]]
    rng = random.Random(7)
    seq = [(items[i % len(items)], Status(STATUSES[rng.randrange(len(STATUSES))])) for i in range(N_SAVES + WARMUP)]
    it = iter(seq)

    def save():
        item, status = next(it)
        svc.assessments.answer(asm.id, item, status, note=f"note {item}", by="bench")

    # floor: bare sqlite3, same pragmas, one INSERT (upsert) + COMMIT per save
    con = sqlite3.connect(tmp / "floor.sqlite", isolation_level=None)
    con.execute("PRAGMA busy_timeout=10000")
    con.execute("PRAGMA foreign_keys=ON")
    con.execute("PRAGMA journal_mode=WAL")
    con.execute("PRAGMA synchronous=FULL")
    con.execute(
        "CREATE TABLE answer (id INTEGER PRIMARY KEY, assessment_id INTEGER, item_id TEXT, status TEXT, note TEXT,"
        " UNIQUE(assessment_id, item_id))"
    )
    it2 = iter(seq)

    def bare():
        item, status = next(it2)
        con.execute("BEGIN")
        con.execute(
            "INSERT INTO answer (assessment_id, item_id, status, note) VALUES (1, ?, ?, ?)"
            " ON CONFLICT(assessment_id, item_id) DO UPDATE SET status=excluded.status, note=excluded.note",
            (item, status.value, f"note {item}"),
        )
        con.execute("COMMIT")

    # interleaved, so that both see the same disk and cache conditions
    times: list[float] = []
    floor: list[float] = []
    for i in range(N_SAVES + WARMUP):
        a = time_calls(save, 1)[0]
        b = time_calls(bare, 1)[0]
        if i >= WARMUP:
            times.append(a)
            floor.append(b)
    con.close()

    # the view (DB read + scoring + gates) of the now fully answered assessment
    view_times = time_calls(lambda: svc.assessments.view(asm.id), 30, warmup=3)
    svc.close()
    ms = 1000.0
    label = "bare sqlite3 INSERT+COMMIT, same pragmas"
    return [
        row(
            "answer save median (SQLite, AssessmentService.answer)",
            median(times) * ms,
            "ms",
            floor=median(floor) * ms,
            floor_label=label,
        ),
        row(
            f"answer save p95 ({N_SAVES} saves)",
            percentile(times, 95) * ms,
            "ms",
            target=5.0,
            floor=percentile(floor, 95) * ms,
            floor_label=label,
        ),
        row("assessment view, 200 items (read + score + gates)", median(view_times) * ms, "ms"),
    ]


def _scoring() -> list[dict]:
    from app.assessment.model import Answer, LabProfile, Status
    from app.assessment.scoring import score_assessment
    from app.checklists.validate import checklist_from_data

    checklist = checklist_from_data(synthetic_checklist_data(), "synthetic")
    items = [it for it in checklist.items]
    rng = random.Random(11)
    answers = {}
    for it in items:
        st = Status(STATUSES[rng.randrange(4)])
        if it.na_allowed and rng.random() < 0.1:
            answers[it.id] = Answer(it.id, Status.NA, na_reason="not done")
        else:
            answers[it.id] = Answer(it.id, st)
    profile = LabProfile(name="Bench lab")
    times = time_calls(lambda: score_assessment([checklist], answers, profile), 200, warmup=10)

    pairs = [(it.criticality, answers[it.id].status.credit) for it in items]

    def bare():
        num = den = 0.0
        for w, c in pairs:
            if c is not None:
                num += w * c
                den += w
        return num / den

    floor = time_calls(bare, 200, warmup=10)
    return [
        row(
            f"score a {len(items)}-item assessment",
            median(times) * 1000.0,
            "ms",
            target=5.0,
            floor=median(floor) * 1000.0,
            floor_label="bare weighted mean over the same 200 answers",
        ),
    ]


def _startup() -> list[dict]:
    cli = time_command([sys.executable, "-m", "app", "--help"], n=7)
    bare = time_command([sys.executable, "-c", "pass"], n=7)
    return [
        row(
            "labassess --help start-up (median of 7)",
            median(cli) * 1000.0,
            "ms",
            floor=median(bare) * 1000.0,
            floor_label="python -c pass",
        ),
    ]


def run() -> list[dict]:
    """Every issue-2 figure."""
    t0 = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="labassess-bench-") as d:
        rows = _answer_save(Path(d))
    rows += _scoring()
    rows += _startup()
    print(f"bench_core took {time.perf_counter() - t0:.1f} s", file=sys.stderr)
    return rows

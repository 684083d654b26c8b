"""Crash safety of lab files: `labassess export` and `labassess import` SIGKILLed at random moments.

Export: afterwards the target either does not exist or is a complete, verifiable lab file (it is
written under a temporary name and renamed).  Import: afterwards the database passes
``integrity_check`` and holds either the whole imported assessment (every answer and evidence file)
or nothing of it — the import is one transaction.
"""

from __future__ import annotations

import random
import sqlite3
import sys
import time

import pytest
from crash_tools import Victim, scale
from rel_helpers import ROOT, env_for, integrity, make_home, seed

pytestmark = [pytest.mark.integration, pytest.mark.slow]

KILLS = 12
N_EVIDENCE = 60


def _source_with_evidence(home, db):
    """A database whose assessment has answers on every item and 60 evidence files (~12 MB)."""
    from app.assessment.model import Status
    from app.bootstrap import open_services
    from app.services.assessments import AnswerChange
    from app.services.catalog import Catalog

    (asm,), items = seed(home, db)
    svc = open_services(f"sqlite:///{db}", catalog=Catalog(home / "checklists"))
    try:
        applicable = [i for i in items if not i.startswith("T-7.3")]
        svc.assessments.answer_many(asm, [AnswerChange(i, Status.PARTIAL, f"note {i}") for i in applicable])
        rng = random.Random(5)
        for k in range(N_EVIDENCE):
            svc.evidence.add_bytes(asm, applicable[k % len(applicable)], f"photo-{k}.jpg", rng.randbytes(200_000))
    finally:
        svc.close()
    return asm, len(applicable)


def _run(home, db, *args) -> Victim:
    return Victim([sys.executable, "-m", "app", "--db", str(db), *args], env_for(home), str(ROOT))


def test_export_killed_midway_leaves_no_partial_file(tmp_path):
    """An export killed at any moment leaves either no file at the target name or a complete, valid one."""
    from app.services.labfile import read_labfile

    home = make_home(tmp_path)
    db = tmp_path / "src.sqlite"
    asm, _n = _source_with_evidence(home, db)
    t0 = time.monotonic()
    full = tmp_path / "full.labx"
    assert _run(home, db, "export", str(asm), "--out", str(full)).wait(120) == 0
    typical = time.monotonic() - t0
    rng = random.Random(11)
    complete = absent = 0
    for k in range(max(2, int(KILLS * scale()))):
        out = tmp_path / f"out-{k}.labx"
        v = _run(home, db, "export", str(asm), "--out", str(out))
        time.sleep(typical * rng.uniform(0.3, 1.1))
        v.kill()
        if out.exists():
            lab = read_labfile(out)  # raises on any damage: hashes, manifest, truncation
            assert len(lab.evidence) == N_EVIDENCE
            complete += 1
        else:
            absent += 1
    assert absent >= 1, "no kill landed before the export finished; the test proves nothing"
    print(f"export kills: {absent} left no file, {complete} finished before the kill")


def test_import_killed_midway_changes_nothing_or_everything(tmp_path):
    """An import killed at any moment leaves the target database consistent: all of the lab file or none."""
    home = make_home(tmp_path)
    src = tmp_path / "src.sqlite"
    asm, n_answers = _source_with_evidence(home, src)
    labx = tmp_path / "lab.labx"
    assert _run(home, src, "export", str(asm), "--out", str(labx)).wait(120) == 0
    rng = random.Random(12)
    t0 = time.monotonic()
    probe = tmp_path / "probe.sqlite"
    assert _run(home, probe, "import", str(labx)).wait(120) == 0
    typical = time.monotonic() - t0
    whole = nothing = 0
    for k in range(max(2, int(KILLS * scale()))):
        target = tmp_path / f"target-{k}.sqlite"
        seed(home, target)  # the target already holds other work, which must survive
        v = _run(home, target, "import", str(labx))
        time.sleep(typical * rng.uniform(0.3, 1.1))
        v.kill()
        assert integrity(target) == "ok"
        con = sqlite3.connect(target)
        try:
            labs = con.execute("SELECT count(*) FROM lab").fetchone()[0]
            answers = con.execute("SELECT count(*) FROM answer").fetchone()[0]
            evidence = con.execute("SELECT count(*) FROM evidence").fetchone()[0]
        finally:
            con.close()
        if labs == 1:
            assert (answers, evidence) == (0, 0)
            nothing += 1
        else:
            assert (labs, answers, evidence) == (2, n_answers, N_EVIDENCE)
            whole += 1
    assert nothing >= 1, "no kill landed before the import committed; the test proves nothing"
    print(f"import kills: {nothing} changed nothing, {whole} completed before the kill")

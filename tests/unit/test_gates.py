"""Readiness gates G1–G10: pass / fail / unknown from the lab profile and answers."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from app.assessment.gates import add_months, earliest_application_date, evaluate_gates, months_between
from app.assessment.model import Answer, LabProfile, PTRecord, ScopeMethod, Status
from app.assessment.scoring import score_assessment
from app.checklists.loader import load_file, shipped_checklists

MINI = load_file(Path(__file__).parents[1] / "data" / "mini-cl01.yaml")
TODAY = dt.date(2026, 11, 25)


def _gates_pack():
    pack = next((c for c in shipped_checklists() if c.kind == "gates"), None)
    if pack is None:
        pytest.skip("gates pack not shipped yet")
    return pack


def _eval(profile: LabProfile, answers: dict[str, Status] | None = None):
    ans = {k: Answer(k, v) for k, v in (answers or {}).items()}
    score = score_assessment([MINI], ans, profile)
    return {g.id: g for g in evaluate_gates(_gates_pack(), profile, [MINI], ans, score, TODAY)}


def test_unknown_without_data():
    """With an empty profile every gate is unknown or fails for lack of records, none passes."""
    gates = _eval(LabProfile(name="x"))
    assert len(gates) == 10
    assert all(g.state in ("unknown", "fail") for g in gates.values())


def test_six_months_of_operation():
    """G5 passes after 6 months of operation and fails before, naming the date."""
    assert _eval(LabProfile(name="x", ms_start_date=add_months(TODAY, -7)))["G5"].state == "pass"
    g5 = _eval(LabProfile(name="x", ms_start_date=add_months(TODAY, -2)))["G5"]
    assert g5.state == "fail" and add_months(TODAY, 4).isoformat() in g5.reason.en


def test_audit_before_review():
    """G6 needs an internal audit and a later management review after the system start."""
    start = add_months(TODAY, -8)
    ok = LabProfile(
        name="x",
        ms_start_date=start,
        last_internal_audit=add_months(TODAY, -2),
        last_management_review=add_months(TODAY, -1),
    )
    assert _eval(ok)["G6"].state == "pass"
    swapped = LabProfile(
        name="x",
        ms_start_date=start,
        last_internal_audit=add_months(TODAY, -1),
        last_management_review=add_months(TODAY, -2),
    )
    assert _eval(swapped)["G6"].state == "fail"


def test_pt_per_sub_field_within_three_years():
    """G7 needs a satisfactory PT per applied sub-field within 3 years."""
    p = LabProfile(
        name="x",
        sub_fields=("lum", "app"),
        pt_records=(
            PTRecord("lum", add_months(TODAY, -12), "satisfactory"),
            PTRecord("app", add_months(TODAY, -40), "satisfactory"),
        ),
    )
    g7 = _eval(p)["G7"]
    assert g7.state == "fail" and "app" in g7.reason.en
    p2 = LabProfile(name="x", sub_fields=("lum",), pt_records=(PTRecord("lum", add_months(TODAY, -1), "satisfactory"),))
    assert _eval(p2)["G7"].state == "pass"


def test_traceability_gate_follows_key_equipment_items():
    """G9 fails on a gap in a critical 6.4/6.5 item and passes when they all conform."""
    crit = [it.id for it in MINI.items if it.clause_key in ("6.4", "6.5") and it.criticality >= 3]
    assert crit
    assert _eval(LabProfile(name="x"), {i: Status.CONFORM for i in crit})["G9"].state == "pass"
    assert (
        _eval(LabProfile(name="x"), {**{i: Status.CONFORM for i in crit}, crit[0]: Status.PARTIAL})["G9"].state
        == "fail"
    )


def test_experience_for_every_method():
    """G10 fails when a scope method has no testing experience."""
    p = LabProfile(
        name="x", scope_methods=(ScopeMethod("GB 7000.1", "温升", True), ScopeMethod("GB/T 4208", "IP", False))
    )
    assert _eval(p)["G10"].state == "fail"
    p2 = LabProfile(name="x", scope_methods=(ScopeMethod("GB 7000.1", "温升", True),))
    assert _eval(p2)["G10"].state == "pass"


def test_earliest_application_date():
    """Six months from the start, and at least two months for audit and review when they are missing."""
    p = LabProfile(name="x", ms_start_date=add_months(TODAY, -1))
    gates = tuple(_eval(p).values())
    assert earliest_application_date(p, gates, TODAY) == add_months(TODAY, 5)


def test_month_arithmetic():
    """Calendar months clamp to the end of shorter months."""
    assert add_months(dt.date(2026, 1, 31), 1) == dt.date(2026, 2, 28)
    assert months_between(dt.date(2026, 1, 31), dt.date(2026, 2, 28)) == 0
    assert months_between(dt.date(2026, 1, 15), dt.date(2026, 7, 15)) == 6

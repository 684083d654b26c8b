"""Scoring: the formula, bands, critical gaps and the invariants from the issue (Hypothesis)."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.assessment.model import Answer, LabProfile, Status, parse_status
from app.assessment.scoring import FORMULA, band_for, score_assessment
from app.checklists.loader import load_file

MINI = load_file(Path(__file__).parents[1] / "data" / "mini-cl01.yaml")
PROFILE = LabProfile(name="lab")
ITEMS = [it for it in MINI.items if "sampling" not in it.applies_to]
SCORED = [Status.CONFORM, Status.PARTIAL, Status.NONCONFORM]


def _score(answers: dict[str, Status]):
    return score_assessment([MINI], {k: Answer(k, v) for k, v in answers.items()}, PROFILE)


answers_strategy = st.dictionaries(
    st.sampled_from([it.id for it in ITEMS]),
    st.sampled_from(list(Status)),
)


def test_clause_score_is_weighted_by_criticality():
    """Clause score = Σ(weight × credit) / Σ(weight) over assessed items; N/A and unassessed left out."""
    a, b = MINI.item("T-4.1-01"), MINI.item("T-4.1-02")
    r = _score({a.id: Status.CONFORM, b.id: Status.PARTIAL})
    expected = (a.criticality * 1 + b.criticality * 0.5) / (a.criticality + b.criticality)
    cell = next(c for c in r.clauses if c.key == "4.1")
    assert cell.score == pytest.approx(expected)
    assert r.readiness == pytest.approx(round(100 * expected, 1))
    r2 = _score({a.id: Status.CONFORM, b.id: Status.NA})
    assert next(c for c in r2.clauses if c.key == "4.1").score == 1.0


def test_readiness_is_the_mean_of_assessed_clauses():
    """Overall readiness averages clause scores, so one big clause cannot dominate."""
    r = _score({"T-4.1-01": Status.CONFORM, "T-6.4-01": Status.NONCONFORM, "T-6.4-02": Status.NONCONFORM})
    assert r.readiness == 50.0


def test_knockout_nonconform_is_a_critical_gap_and_caps_the_band():
    """A nonconform on a knock-out item is a critical gap; the band is capped at 'building'."""
    answers = {it.id: Status.CONFORM for it in ITEMS}
    answers["T-6.4-01"] = Status.NONCONFORM
    r = _score(answers)
    assert [g.item_id for g in r.critical_gaps] == ["T-6.4-01"]
    assert r.readiness > 90
    assert band_for(r.readiness, True, len(r.critical_gaps))[0] == "building"
    assert band_for(r.readiness, True, 0)[0] == "ready"
    assert band_for(r.readiness, False, 0)[0] == "nearly_ready"
    assert band_for(50.0, True, 0)[0] == "starting" and band_for(None, False, 0)[0] == "starting"


def test_option_b_and_activities_exclude_items():
    """Option B drops 'skip' items; sampling items apply only to labs that sample."""
    r_a = score_assessment([MINI], {}, PROFILE)
    r_b = score_assessment([MINI], {}, LabProfile(name="b", ms_option="B"))
    r_s = score_assessment([MINI], {}, LabProfile(name="s", activities=("testing", "sampling")))
    assert r_b.progress.applicable == r_a.progress.applicable - 1
    assert r_s.progress.applicable == r_a.progress.applicable + 2


def test_formula_is_written_in_both_languages():
    """The printed formula states the credits and the bands in zh and en."""
    assert "部分符合 = 0.5" in FORMULA.zh and "partially conform 0.5" in FORMULA.en


@pytest.mark.parametrize(
    "text, status",
    [
        ("符合", Status.CONFORM),
        ("Partial", Status.PARTIAL),
        ("3", Status.NONCONFORM),
        ("不适用", Status.NA),
        ("未评估", Status.UNASSESSED),
    ],
)
def test_status_parsing(text, status):
    """Statuses parse from English, Chinese and keys 1–5."""
    assert parse_status(text) is status


def test_unknown_status_names_the_choices():
    """An unknown status lists the accepted spellings."""
    with pytest.raises(ValueError, match="符合"):
        parse_status("maybe")


@settings(max_examples=200, deadline=None)
@given(answers_strategy)
def test_scores_stay_in_range(answers):
    """Every clause, group, pack score and the readiness stay within 0..1 / 0..100."""
    r = _score(answers)
    cells = [*r.clauses, *r.groups, *(p.overall for p in r.packs)]
    assert all(c.score is None or 0.0 <= c.score <= 1.0 for c in cells)
    assert r.readiness is None or 0.0 <= r.readiness <= 100.0
    assert r.progress.answered + r.progress.unassessed == r.progress.applicable


@settings(max_examples=100, deadline=None)
@given(answers_strategy, st.randoms())
def test_scores_do_not_depend_on_answer_order(answers, rnd):
    """Shuffling the order answers are given in changes nothing."""
    items = list(answers.items())
    rnd.shuffle(items)
    assert _score(dict(items)) == _score(answers)


@settings(max_examples=200, deadline=None)
@given(answers_strategy, st.sampled_from([it.id for it in ITEMS if it.na_allowed]))
def test_na_never_lowers_a_score(answers, item_id):
    """Marking an item N/A never scores lower than leaving it unassessed or answering it nonconform."""
    base = dict(answers)
    with_na = {**base, item_id: Status.NA}
    for other in (Status.UNASSESSED, Status.NONCONFORM):
        r_na, r_other = _score(with_na), _score({**base, item_id: other})
        for c_na, c_other in zip(r_na.clauses, r_other.clauses):
            if c_na.score is not None and c_other.score is not None:
                assert c_na.score >= c_other.score - 1e-12
        if r_na.readiness is not None and r_other.readiness is not None and other is Status.NONCONFORM:
            assert r_na.readiness >= r_other.readiness - 1e-9
    assert _score(with_na).readiness == _score({**base, item_id: Status.UNASSESSED}).readiness


@settings(max_examples=200, deadline=None)
@given(answers_strategy, st.sampled_from([it.id for it in ITEMS]), st.sampled_from([(0, 1), (0, 2), (1, 2)]))
def test_a_gap_never_raises_a_score(answers, item_id, worse):
    """Turning an answer into a worse one (conform > partial > nonconform) never raises any score."""
    better, worse_status = SCORED[worse[0]], SCORED[worse[1]]
    r_good = _score({**answers, item_id: better})
    r_bad = _score({**answers, item_id: worse_status})
    assert r_bad.readiness <= r_good.readiness + 1e-9
    for a, b in zip(r_good.clauses, r_bad.clauses):
        assert (b.score or 0) <= (a.score or 0) + 1e-12
    assert len(r_bad.gaps) >= len(r_good.gaps)


def test_two_hundred_items_score_consistently():
    """A realistic random assessment scores deterministically (same input, same result)."""
    rnd = random.Random(3)
    answers = {it.id: rnd.choice(list(Status)) for it in ITEMS}
    assert _score(answers) == _score(dict(answers))

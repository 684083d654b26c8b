"""Pure pieces of follow-up and portfolio: outcome classification, cohorts, pseudonyms, heat colours."""

from __future__ import annotations

import datetime as dt

import pytest

from app.checklists.schema import Text
from app.services.errors import ValidationError
from app.services.followup import classify
from app.services.portfolio import Cohort, ItemRank, pseudonym


@pytest.mark.parametrize(
    "before,after,outcome",
    [
        ("nonconform", "conform", "closed"),
        ("partial", "na", "closed"),
        ("partial", "partial", "still_open"),
        ("nonconform", "partial", "still_open"),
        ("partial", "nonconform", "regressed"),
        ("conform", "partial", "regressed"),
        (None, "nonconform", "new_gap"),
        ("na", "partial", "new_gap"),
        ("conform", "conform", "unchanged"),
        (None, "conform", "unchanged"),
        ("partial", None, "unchanged"),
    ],
)
def test_classify_outcomes(before, after, outcome):
    """Each before/after pair of statuses gets the documented outcome."""
    assert classify(before, after) == outcome


def test_cohort_validation_and_description():
    """Unknown industries/sizes and inverted date ranges are refused; the description names the filters."""
    with pytest.raises(ValidationError, match="size"):
        Cohort(size="huge").validate()
    with pytest.raises(ValidationError, match="since"):
        Cohort(since=dt.date(2026, 2, 1), until=dt.date(2026, 1, 1)).validate()
    text = Cohort(industry="lighting", field="emc", since=dt.date(2026, 1, 1)).describe("en")
    assert "lighting" in text and "emc" in text and "2026-01-01" in text and "latest" in text
    assert "每个实验室最新一次评估" in Cohort().describe("zh")


def test_pseudonym_is_stable_and_hides_the_uid():
    """The same lab always gets the same short label, which does not contain its uid."""
    uid = "3f2b8c1e-0000-4000-8000-000000000001"
    assert pseudonym(uid) == pseudonym(uid) and pseudonym(uid).startswith("L-") and uid[:6] not in pseudonym(uid)
    assert pseudonym(uid) != pseudonym(uid.replace("1", "2"))


def test_item_percent_of_labs_where_it_applies():
    """An item's share is gaps ÷ applicable labs (0 when nobody answered it)."""
    r = ItemRank("X", "6.4", Text("a", "a"), "quality_control", False, 62, 30, 32, 100, 5)
    assert r.percent == 62.0
    assert ItemRank("X", "6.4", Text("a", "a"), "", False, 0, 0, 0, 0, 3).percent == 0.0


def test_heat_colour_scale():
    """No gap is white, every item a gap is red, not assessed is grey."""
    from app.report.portfolio_pdf import heat_colour

    white, red, grey = heat_colour(0.0), heat_colour(1.0), heat_colour(None)
    assert (white.red, white.green, white.blue) == (1.0, 1.0, 1.0)
    assert red.red > 0.8 and red.green < 0.3 and grey.red == grey.green == grey.blue

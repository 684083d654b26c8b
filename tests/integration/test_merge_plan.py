"""The 3-way answer merge on plain data: one-sided changes taken, two-sided ones are conflicts."""

from __future__ import annotations

import datetime as dt

import pytest

from app.services.merge import AnswerSide, HistoryRecord, choose, plan_answers

T0 = dt.datetime(2026, 5, 1, 9, 0, 0, 123456)


def _h(status, note="", by="x", minutes=0, old=None):
    return HistoryRecord(old, status, None, note, None, "", by, T0 + dt.timedelta(minutes=minutes))


def _side(item, history, minutes=None):
    last = history[-1]
    return AnswerSide(item, last.new_status, last.new_note, "", updated_at=last.changed_at, history=tuple(history))


BASE = [_h("partial", "base", minutes=0)]


def test_equal_sides_do_nothing():
    """Identical answers need no decision, whatever their histories."""
    p = plan_answers({"A": _side("A", BASE)}, {"A": _side("A", BASE)})
    assert [d.action for d in p.decisions] == ["same"] and not p.conflicts


def test_one_sided_changes():
    """Only theirs changed -> take; only mine changed -> keep; new on their side -> take."""
    mine = {"A": _side("A", BASE), "B": _side("B", [*BASE, _h("conform", "mine", minutes=5)])}
    theirs = {
        "A": _side("A", [*BASE, _h("conform", "theirs", minutes=5)]),
        "B": _side("B", BASE),
        "C": _side("C", [_h("nonconform", "new")]),
    }
    p = plan_answers(mine, theirs)
    assert {d.item_id: (d.action, d.reason) for d in p.decisions} == {
        "A": ("take", "one-sided"),
        "B": ("keep", "one-sided"),
        "C": ("take", "new"),
    }
    assert next(d for d in p.decisions if d.item_id == "A").common == 1


def test_both_sides_changed_is_a_conflict_until_a_policy_decides():
    """Different changes on both sides stay open under 'ask'; mine/theirs/newest/per-item resolve them."""
    mine = {"A": _side("A", [*BASE, _h("conform", "mine", minutes=10)])}
    theirs = {"A": _side("A", [*BASE, _h("nonconform", "theirs", minutes=5)])}
    ask = plan_answers(mine, theirs)
    assert [c.ref for c in ask.conflicts] == ["answer:A"] and not ask.decisions
    assert ask.conflicts[0].mine.startswith("conform") and ask.conflicts[0].theirs.startswith("nonconform")
    assert plan_answers(mine, theirs, "theirs").taken[0].reason == "conflict-theirs"
    assert not plan_answers(mine, theirs, "mine").taken
    assert not plan_answers(mine, theirs, "newest").taken  # mine is 5 minutes newer
    assert plan_answers(mine, theirs, "ask", {"answer:A": "theirs"}).taken[0].item_id == "A"


def test_no_shared_history_and_different_answers_is_a_conflict():
    """Without a common ancestor two different answers are never silently overwritten."""
    mine = {"A": AnswerSide("A", "conform")}
    theirs = {"A": AnswerSide("A", "nonconform")}
    assert [c.key for c in plan_answers(mine, theirs).conflicts] == ["A"]


def test_bad_policy_and_resolution_are_refused():
    """Unknown policies and resolution values raise ValueError."""
    with pytest.raises(ValueError, match="policy"):
        plan_answers({}, {}, "overwrite")
    conflict = plan_answers({"A": AnswerSide("A", "conform")}, {"A": AnswerSide("A", "partial")}).conflicts[0]
    with pytest.raises(ValueError, match="mine"):
        choose(conflict, "ask", {"answer:A": "both"})

"""Quality gates over every shipped content pack (issue 3)."""

from __future__ import annotations

import re
import sys
from collections import Counter
from pathlib import Path

import pytest

from app.assessment.model import LabProfile
from app.checklists.glossary import inconsistent_terms, load_glossary
from app.checklists.loader import shipped_checklists
from app.checklists.schema import CNAS_CLAUSES, TRAINING_THEMES
from app.records import field_names

ROOT = Path(__file__).parents[2]
PACKS = {c.id: c for c in shipped_checklists()}
CJK = re.compile(r"[\u4e00-\u9fff]")


def _pack(pid):
    if pid not in PACKS:
        pytest.fail(f"pack {pid} is not shipped")
    return PACKS[pid]


def test_cnas_cl01_covers_every_clause_with_150_to_220_items():
    """All 29 second-level clauses have items; the total is within 150–220."""
    cl01 = _pack("cnas-cl01")
    counts = Counter(it.clause_key for it in cl01.items)
    missing = [key for key, _zh, _en in CNAS_CLAUSES if counts[key] == 0]
    assert missing == []
    assert 150 <= len(cl01.items) <= 220


def test_weighting_favours_the_hot_spots():
    """The clauses where labs fail most carry more items than the average clause."""
    counts = Counter(it.clause_key for it in _pack("cnas-cl01").items)
    mean = sum(counts.values()) / len(CNAS_CLAUSES)
    for hot in ("6.2", "6.4", "7.2", "7.7", "7.8"):
        assert counts[hot] > mean, hot


def test_every_item_is_complete_in_both_languages():
    """Chinese fields contain Chinese, English fields contain no Chinese, evidence lists match in length."""
    for pack in PACKS.values():
        for it in pack.items:
            for t in (it.text, it.guidance):
                assert CJK.search(t.zh), it.id
                # English may quote a Chinese term in passing (e.g. "大专 (3-year diploma)"), but only in passing
                assert len(CJK.findall(t.en)) <= 0.05 * len(t.en), it.id
            assert len(it.evidence.zh) == len(it.evidence.en) >= 1, it.id
            if it.na_allowed:
                assert it.na_justification and it.na_justification.zh and it.na_justification.en, it.id
            for a in it.actions:
                assert a.training_theme in TRAINING_THEMES and a.text.zh and a.text.en, it.id


def test_item_ids_are_unique_across_packs_and_stable():
    """No id appears twice across packs, and every released id is still shipped (ids are never reused or dropped)."""
    ids = [it.id for p in PACKS.values() for it in p.items] + [g.id for p in PACKS.values() for g in p.gates]
    dupes = [i for i, n in Counter(ids).items() if n > 1]
    assert dupes == []
    released = (ROOT / "tests" / "data" / "released-item-ids.txt").read_text(encoding="utf-8").split()
    assert sorted(set(released) - set(ids)) == []


def test_shared_action_keys_mean_the_same_action():
    """Actions that share a merge key have the same text everywhere, so the merged plan action is unambiguous."""
    seen: dict[str, tuple[str, str]] = {}
    for pack in PACKS.values():
        for it in pack.items:
            for a in it.actions:
                first = seen.setdefault(a.key, (a.text.en, it.id))
                assert first[0] == a.text.en, f"key {a.key}: {it.id} differs from {first[1]}"


def test_knockout_items_are_critical():
    """Every knock-out item has criticality 3, and knock-outs are a minority (≤ 25 %)."""
    for pack in PACKS.values():
        ko = [it for it in pack.items if it.knockout]
        assert all(it.criticality == 3 for it in ko), pack.id
        if pack.items:
            assert len(ko) <= 0.25 * len(pack.items), pack.id


def test_option_b_narrows_management_clauses_only():
    """Option B drops only clause-8 items, and keeps part of 8.2–8.9."""
    cl01 = _pack("cnas-cl01")
    skipped = [it for it in cl01.items if it.option_b == "skip"]
    assert skipped and all(it.clause.startswith("8.") for it in skipped)
    eight = [it for it in cl01.items if it.clause_key in {f"8.{i}" for i in range(2, 10)}]
    assert 0 < len(skipped) < len(eight)


def test_gates_reference_profile_data():
    """Every field a gate rule reads exists on the lab profile; G1–G10 are all present."""
    gates = next(p for p in PACKS.values() if p.kind == "gates")
    assert [g.id for g in gates.gates] == [f"G{i}" for i in range(1, 11)]
    fields = set(field_names(LabProfile))
    for g in gates.gates:
        for key in ("field", "audit_field", "review_field", "after_field"):
            if key in g.rule.params:
                assert g.rule.params[key] in fields, (g.id, g.rule.params[key])
        for clause in g.rule.params.get("clauses", []):
            assert clause in {k for k, _z, _e in CNAS_CLAUSES}, (g.id, clause)


def test_supplements_state_basis_and_fields():
    """Every supplement names its test fields (or is opt-in) and each basis document has an edition and a check date."""
    for pack in PACKS.values():
        assert pack.basis, pack.id
        if pack.kind == "supplement":
            assert pack.applies_to_fields or not pack.default_enabled, pack.id


def test_terms_follow_the_glossary():
    """No pack uses a variant the glossary says to avoid (期间检查 for 期间核查, …)."""
    assert inconsistent_terms(PACKS.values(), load_glossary()) == []


def test_checklist_docs_are_current():
    """docs/checklists.md matches the shipped packs (regenerate with scripts/checklist_docs.py)."""
    sys.path.insert(0, str(ROOT / "scripts"))
    import checklist_docs

    assert (ROOT / "docs" / "checklists.md").read_text(encoding="utf-8") == checklist_docs.render()

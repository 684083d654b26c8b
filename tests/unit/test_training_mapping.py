"""Training catalogue ↔ checklist actions: every action key of a shipped pack names the module(s) that teach it."""

from __future__ import annotations

from collections import defaultdict

import pytest

from app.checklists.loader import shipped_checklists
from app.checklists.training import Module, TrainingCatalogue, shipped_training


@pytest.fixture(scope="module")
def catalogue() -> TrainingCatalogue:
    """The shipped training catalogue."""
    cat = shipped_training()
    assert cat is not None, "app/checklists/data/training.yaml is missing"
    return cat


@pytest.fixture(scope="module")
def pack_keys() -> dict[str, set[str]]:
    """Every action key used by a shipped pack, with the packs that use it."""
    keys: dict[str, set[str]] = defaultdict(set)
    for pack in shipped_checklists():
        for section in pack.sections:
            for item in section.items:
                for action in item.actions:
                    keys[action.key].add(pack.id)
    return dict(keys)


def _modules_for(cat: TrainingCatalogue, key: str) -> list[Module]:
    return [m for m in cat.modules if key in m.action_keys]


def test_catalogue_loads_with_action_keys(catalogue):
    """The shipped catalogue validates and its modules carry action keys."""
    assert catalogue.modules
    assert sum(len(m.action_keys) for m in catalogue.modules) > 0


def test_every_pack_action_key_has_a_module(catalogue, pack_keys):
    """Each action key used by any shipped pack is listed in at least one module's action_keys."""
    mapped = {k for m in catalogue.modules for k in m.action_keys}
    missing = {k: sorted(packs) for k, packs in pack_keys.items() if k not in mapped}
    assert not missing, f"action keys with no training module: {missing}"


def test_no_stale_action_keys(catalogue, pack_keys):
    """Every action_keys entry names a key that some shipped pack actually uses."""
    stale = {m.id: sorted(set(m.action_keys) - set(pack_keys)) for m in catalogue.modules}
    stale = {mid: keys for mid, keys in stale.items() if keys}
    assert not stale, f"action keys no pack uses: {stale}"


def test_keys_are_not_duplicated_or_spread_too_wide(catalogue):
    """No module lists a key twice and no key is served by more than two modules."""
    per_key: dict[str, list[str]] = defaultdict(list)
    for m in catalogue.modules:
        assert len(m.action_keys) == len(set(m.action_keys)), m.id
        for k in m.action_keys:
            per_key[k].append(m.id)
    wide = {k: ids for k, ids in per_key.items() if len(ids) > 2}
    assert not wide, f"keys served by more than two modules: {wide}"


def test_intermediate_check_procedure_goes_to_intermediate_check_training(catalogue):
    """`ic-procedure` is served by a module whose content teaches 期间核查 (intermediate checks)."""
    mods = _modules_for(catalogue, "ic-procedure")
    assert mods and all("期间核查" in m.content.zh for m in mods)
    assert all(m.theme == "quality_control" for m in mods)


def test_internal_audit_programme_goes_to_internal_auditor_training(catalogue):
    """`internal-audit-programme` is served by the internal auditor (CNAS-GL012) module."""
    mods = _modules_for(catalogue, "internal-audit-programme")
    assert [m.id for m in mods] == ["TR-MS-04"]
    assert "内审" in mods[0].title.zh and "internal_auditor" in mods[0].audience


def test_pt_enrolment_goes_to_pt_training(catalogue):
    """`pt-enrolment` is served by a quality-control module on proficiency testing (CNAS-RL02)."""
    mods = _modules_for(catalogue, "pt-enrolment")
    assert mods and all(m.theme == "quality_control" for m in mods)
    assert any("能力验证" in m.title.zh and "CNAS-RL02" in m.content.zh for m in mods)


def test_faulty_equipment_goes_to_equipment_management_not_fire_tests(catalogue):
    """`equipment-fault-procedure` is taught by equipment management, not by a glow-wire or fire-test course."""
    mods = _modules_for(catalogue, "equipment-fault-procedure")
    assert mods
    for m in mods:
        assert "设备" in m.title.zh
        assert "灼热丝" not in m.title.zh and "燃" not in m.title.zh


@pytest.mark.parametrize(
    ("key", "needle"),
    [
        ("mu-evaluation", "不确定度"),
        ("decision-rule-policy", "判定规则"),
        ("control-charts", "控制图"),
        ("hv-test-area-guarding", "耐压"),
        ("cma-legal-status", "资质认定"),
        ("emc-site-validation", "NSA"),
        ("sphere-method-controls", "积分球"),
        ("reference-procedure-checks", "灼热丝"),
    ],
)
def test_hand_picked_keys_reach_the_expected_content(catalogue, key, needle):
    """A hand-picked action key is served by a module whose title or content covers the topic."""
    mods = _modules_for(catalogue, key)
    assert mods and any(needle in m.title.zh + m.content.zh for m in mods), (key, [m.id for m in mods])


def test_field_specific_keys_only_reach_modules_for_that_field(catalogue):
    """EMC and photometry actions map to modules that are general or restricted to the same field."""
    for prefix, field in (("emc-", "emc"), ("photometr", "photometry")):
        for m in catalogue.modules:
            if any(k.startswith(prefix) for k in m.action_keys):
                assert not m.fields or field in m.fields, (m.id, m.fields)

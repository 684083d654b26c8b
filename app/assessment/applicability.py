"""Which packs and items apply to a lab, from its profile.  Pure functions."""

from __future__ import annotations

from app.assessment.model import LabProfile
from app.checklists.schema import Checklist, Item


def item_applies(item: Item, profile: LabProfile) -> bool:
    """True if ``item`` applies to a lab with ``profile``.

    Rules: applicability tags are any-of against the lab's activities; test-field tags are any-of
    against the lab's test fields; items marked ``option_b: skip`` drop out under option B.
    """
    if item.applies_to and not set(item.applies_to) & set(profile.activities):
        return False
    if item.fields and not set(item.fields) & set(profile.test_fields):
        return False
    return not (item.option_b == "skip" and profile.ms_option == "B")


def pack_applies(pack: Checklist, profile: LabProfile) -> bool:
    """True if a pack is relevant to the lab by default (used to pre-select packs in the wizard)."""
    if not pack.default_enabled and pack.id.startswith("cma") and "external_reports" not in profile.activities:
        return False
    if not pack.default_enabled and not pack.id.startswith("cma"):
        return False
    if pack.applies_to_fields:
        return bool(set(pack.applies_to_fields) & set(profile.test_fields))
    return True


def inapplicable_reason(item: Item, profile: LabProfile, lang: str = "en") -> str:
    """Why an item does not apply (empty if it applies)."""
    zh = lang == "zh"
    if item.applies_to and not set(item.applies_to) & set(profile.activities):
        tags = ", ".join(item.applies_to)
        return f"实验室未开展：{tags}" if zh else f"the lab does not do: {tags}"
    if item.fields and not set(item.fields) & set(profile.test_fields):
        tags = ", ".join(item.fields)
        return f"不在实验室检测领域内：{tags}" if zh else f"outside the lab's test fields: {tags}"
    if item.option_b == "skip" and profile.ms_option == "B":
        return "方式B：由 ISO 9001 体系覆盖" if zh else "option B: covered by the ISO 9001 system"
    return ""

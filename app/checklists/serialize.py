"""Checklist -> plain data (the inverse of ``validate.checklist_from_data``).

Used to snapshot the exact checklist an assessment was made with, to export XLSX and YAML, and in
round-trip tests: ``checklist_from_data(to_data(c)) == c``.
"""

from __future__ import annotations

from app.checklists import schema as s


def _text(t: s.Text) -> dict:
    return {"zh": t.zh, "en": t.en}


def to_data(c: s.Checklist) -> dict:
    """Return the checklist as a JSON/YAML-ready dict in the file format."""
    out: dict = {
        "format": s.FORMAT_TAG,
        "id": c.id,
        "version": c.version,
        "kind": c.kind,
        "title": _text(c.title),
    }
    if c.description.zh or c.description.en:
        out["description"] = _text(c.description)
    if c.applies_to_fields:
        out["applies_to_fields"] = list(c.applies_to_fields)
    if not c.default_enabled:
        out["default_enabled"] = False
    out["basis"] = [
        {"id": b.id, "title": _text(b.title), "edition": b.edition, "checked": b.checked.isoformat()} for b in c.basis
    ]
    out["sections"] = [
        {"clause": sec.clause, "title": _text(sec.title), "items": [item_to_data(it) for it in sec.items]}
        for sec in c.sections
    ]
    if c.gates:
        out["gates"] = [
            {
                "id": g.id,
                "title": _text(g.title),
                "description": _text(g.description),
                "needs": {"zh": list(g.needs.zh), "en": list(g.needs.en)},
                "rule": {"type": g.rule.type, "params": dict(g.rule.params)},
                **({"milestone": True} if g.milestone else {}),
            }
            for g in c.gates
        ]
    return out


def item_to_data(it: s.Item) -> dict:
    """One item as file-format data."""
    d: dict = {
        "id": it.id,
        "clause": it.clause,
        "text": _text(it.text),
        "guidance": _text(it.guidance),
        "evidence": {"zh": list(it.evidence.zh), "en": list(it.evidence.en)},
        "criticality": it.criticality,
    }
    if it.knockout:
        d["knockout"] = True
    if it.applies_to:
        d["applies_to"] = list(it.applies_to)
    if it.fields:
        d["fields"] = list(it.fields)
    if it.option_b != "keep":
        d["option_b"] = it.option_b
    d["na"] = {"allowed": it.na_allowed}
    if it.na_justification is not None:
        d["na"]["justification"] = _text(it.na_justification)
    d["actions"] = [
        {
            "key": a.key,
            "text": _text(a.text),
            "effort_days": a.effort_days,
            "owner_role": a.owner_role,
            "training_theme": a.training_theme,
            "phase": a.phase,
            "closure_evidence": _text(a.closure_evidence),
        }
        for a in it.actions
    ]
    return d

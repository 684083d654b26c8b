"""The zh/en glossary of terms used in checklists and reports, and a consistency check over packs.

``data/glossary.yaml`` (format ``labassess-glossary/1``) lists each term with the variants to avoid
(e.g. 期间检查 instead of 期间核查).  ``inconsistent_terms`` finds avoided variants in pack texts.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass
from importlib import resources

from app.checklists.errors import ChecklistError, Problem
from app.checklists.schema import Checklist, Text
from app.checklists.yaml_source import load_located


@dataclass(frozen=True)
class Term:
    """One glossary entry."""

    zh: str
    en: str
    note: Text
    avoid_zh: tuple[str, ...]
    avoid_en: tuple[str, ...]


@functools.cache
def load_glossary() -> tuple[Term, ...]:
    """The shipped glossary (``ChecklistError`` if the file is malformed)."""
    text = resources.files("app.checklists").joinpath("data", "glossary.yaml").read_text(encoding="utf-8")
    data, locate = load_located(text, "glossary.yaml")
    problems = []
    if (
        not isinstance(data, dict)
        or data.get("format") != "labassess-glossary/1"
        or not isinstance(data.get("terms"), list)
    ):
        raise ChecklistError(
            [Problem("glossary.yaml", "line 1", "format", "expected labassess-glossary/1 with a list of terms")]
        )
    terms = []
    for i, t in enumerate(data["terms"]):
        where = locate(("terms", i))
        if not isinstance(t, dict) or not t.get("zh") or not t.get("en"):
            problems.append(Problem("glossary.yaml", where, f"terms.[{i}]", "each term needs zh and en"))
            continue
        note = t.get("note") or {}
        terms.append(
            Term(
                str(t["zh"]),
                str(t["en"]),
                Text(str(note.get("zh", "")), str(note.get("en", ""))),
                tuple(map(str, t.get("avoid_zh") or ())),
                tuple(map(str, t.get("avoid_en") or ())),
            )
        )
    if problems:
        raise ChecklistError(problems)
    return tuple(terms)


def _texts(pack: Checklist) -> Iterable[tuple[str, str, str]]:
    """(item id, language, text) for every text of a pack."""
    for it in pack.items:
        for lang in ("zh", "en"):
            parts = [it.text.get(lang), it.guidance.get(lang), *it.evidence.get(lang)]
            if it.na_justification:
                parts.append(it.na_justification.get(lang))
            for a in it.actions:
                parts += [a.text.get(lang), a.closure_evidence.get(lang)]
            yield it.id, lang, "\n".join(parts)


def inconsistent_terms(packs: Iterable[Checklist], terms: Iterable[Term]) -> list[tuple[str, str, str]]:
    """Avoided variants found in pack texts: (item id, variant, preferred term).

    Chinese variants match as substrings unless the preferred term itself contains the variant at
    that position; English variants match as whole words, case-insensitively.
    """
    found = []
    terms = list(terms)
    for pack in packs:
        for item_id, lang, text in _texts(pack):
            for t in terms:
                if lang == "zh":
                    for v in t.avoid_zh:
                        # blank out the preferred terms first so that e.g. 核查标准 does not match 查标准
                        cleaned = text
                        for good in (x.zh for x in terms):
                            if v in good:
                                cleaned = cleaned.replace(good, "□" * len(good))
                        if v and v in cleaned:
                            found.append((item_id, v, t.zh))
                else:
                    for v in t.avoid_en:
                        if v and re.search(rf"(?<![\w-]){re.escape(v)}(?![\w-])", text, re.IGNORECASE):
                            found.append((item_id, v, t.en))
    return found

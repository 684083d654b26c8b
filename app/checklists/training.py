"""The training catalogue (``labassess-training/1``): modules grouped by the five training themes.

Data only, validated like a checklist: every problem is reported with the file, the YAML line and
the field, and all problems are listed at once (``ChecklistError``).  The plan generator
(``app.assessment.plan``) picks the modules that serve the plan's actions.

File layout::

    format: labassess-training/1
    version: "2026.1"
    themes:
      - id: management_system            # one of schema.TRAINING_THEMES
        title: {zh: …, en: …}
        modules:
          - id: TR-MS-01
            title: {zh: …, en: …}
            content: {zh: …, en: …}
            audience: [quality_manager, testers]   # schema.OWNER_ROLES
            clauses: ["8.3", "7.5"]                 # CNAS-CL01 clauses (or S1-style refs)
            hours: 4
            method: {zh: …, en: …}
            effectiveness: {zh: …, en: …}
            fields: [battery]                       # optional: only for labs with these test fields
            action_keys: [ic-procedure]             # optional: actions this module always serves
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from app.checklists import schema as s
from app.checklists.errors import ChecklistError, Problem
from app.checklists.validate import MISSING, _Checker
from app.checklists.yaml_source import load_located

TRAINING_FORMAT = "labassess-training/1"

_TOP_KEYS = {"format", "version", "themes"}
_THEME_KEYS = {"id", "title", "modules"}
_MODULE_KEYS = {
    "id",
    "title",
    "content",
    "audience",
    "clauses",
    "hours",
    "method",
    "effectiveness",
    "fields",
    "action_keys",
}


@dataclass(frozen=True)
class Module:
    """One training module of a theme."""

    id: str
    theme: str
    title: s.Text
    content: s.Text
    audience: tuple[str, ...]
    clauses: tuple[str, ...]
    hours: float
    method: s.Text
    effectiveness: s.Text
    fields: tuple[str, ...] = ()
    action_keys: tuple[str, ...] = ()
    line: int = field(default=0, compare=False)


@dataclass(frozen=True)
class Theme:
    """A training theme (one of the five) and its modules."""

    id: str
    title: s.Text
    modules: tuple[Module, ...]


@dataclass(frozen=True)
class TrainingCatalogue:
    """A validated training catalogue."""

    version: str
    themes: tuple[Theme, ...]
    source: str = field(default="", compare=False)

    @property
    def modules(self) -> tuple[Module, ...]:
        """Every module, theme by theme."""
        return tuple(m for t in self.themes for m in t.modules)

    def theme(self, theme_id: str) -> Theme | None:
        """The theme with ``theme_id`` (None if the catalogue has none)."""
        return next((t for t in self.themes if t.id == theme_id), None)

    def module(self, module_id: str) -> Module:
        """One module by id (KeyError if absent)."""
        for m in self.modules:
            if m.id == module_id:
                return m
        raise KeyError(module_id)


def _clause_ok(ref: str) -> bool:
    return s.is_cnas_clause(ref) or bool(s.GENERIC_CLAUSE_RE.match(ref))


def training_from_data(data: object, source: str = "<data>", locate=None) -> TrainingCatalogue:
    """Validate plain data and build the catalogue.

    Raises:
        ChecklistError: listing every problem (file, line, field, message).
    """
    c = _Checker(source, locate or (lambda _p: ""))
    top = c.mapping(data, (), _TOP_KEYS)
    if not top:
        if not c.problems:
            c.err((), "the file is empty")
        raise ChecklistError(c.problems)
    if top.get("format") != TRAINING_FORMAT:
        c.err(("format",), f"must be {TRAINING_FORMAT!r}; got {top.get('format')!r}")
    version = c.string(c.required(top, "version", ()), ("version",))
    raw_themes = c.required(top, "themes", ())
    if raw_themes is not MISSING and not isinstance(raw_themes, list):
        c.err(("themes",), "expected a list of themes")
        raw_themes = []
    themes: list[Theme] = []
    seen_themes: set[str] = set()
    seen_modules: set[str] = set()
    for ti, raw in enumerate(raw_themes if isinstance(raw_themes, list) else []):
        tp = ("themes", ti)
        td = c.mapping(raw, tp, _THEME_KEYS)
        tid = c.choice(c.required(td, "id", tp), tp + ("id",), s.TRAINING_THEMES)
        if tid in seen_themes:
            c.err(tp + ("id",), f"duplicate theme {tid!r}")
        seen_themes.add(tid)
        title = c.text(c.required(td, "title", tp), tp + ("title",))
        raw_modules = td.get("modules")
        if not isinstance(raw_modules, list) or not raw_modules:
            c.err(tp + ("modules",), "a theme needs a non-empty list of modules")
            raw_modules = []
        modules = []
        for mi, rm in enumerate(raw_modules):
            mp = tp + ("modules", mi)
            mid_raw = rm.get("id") if isinstance(rm, dict) else None
            label = f"module {mid_raw}" if isinstance(mid_raw, str) and mid_raw else ""
            md = c.mapping(rm, mp, _MODULE_KEYS, label)
            if not md:
                continue
            mid = c.string(c.required(md, "id", mp, label), mp + ("id",), label)
            if mid and not s.ID_RE.match(mid):
                c.err(mp + ("id",), "use letters, digits, '-', '_' or '.' only", label)
            if mid in seen_modules:
                c.err(mp + ("id",), f"duplicate module id {mid!r}", label)
            seen_modules.add(mid)
            audience = c.tags(c.required(md, "audience", mp, label), mp + ("audience",), s.OWNER_ROLES, label)
            if "audience" in md and not audience and isinstance(md["audience"], list) and not md["audience"]:
                c.err(mp + ("audience",), "name at least one role", label)
            clauses_raw = c.required(md, "clauses", mp, label)
            clauses: list[str] = []
            if clauses_raw is not MISSING:
                if not isinstance(clauses_raw, list) or not clauses_raw:
                    c.err(mp + ("clauses",), "expected a non-empty list of clause references", label)
                else:
                    for ci, ref in enumerate(clauses_raw):
                        ref = c.string(ref, mp + ("clauses", ci), label)
                        if ref and not _clause_ok(ref):
                            c.err(mp + ("clauses", ci), f"bad clause reference {ref!r}", label)
                        clauses.append(ref)
            hours = c.number(c.required(md, "hours", mp, label), mp + ("hours",), label)
            if (
                "hours" in md
                and isinstance(md["hours"], (int, float))
                and not isinstance(md["hours"], bool)
                and md["hours"] == 0
            ):
                c.err(mp + ("hours",), "must be more than 0", label)
            keys = md.get("action_keys") or []
            if not isinstance(keys, list):
                c.err(mp + ("action_keys",), "expected a list of action keys", label)
                keys = []
            action_keys = tuple(c.string(k, mp + ("action_keys", i), label) for i, k in enumerate(keys))
            where = c.locate(mp)
            modules.append(
                Module(
                    id=mid,
                    theme=tid,
                    title=c.text(c.required(md, "title", mp, label), mp + ("title",), label),
                    content=c.text(c.required(md, "content", mp, label), mp + ("content",), label),
                    audience=audience,
                    clauses=tuple(clauses),
                    hours=hours,
                    method=c.text(c.required(md, "method", mp, label), mp + ("method",), label),
                    effectiveness=c.text(c.required(md, "effectiveness", mp, label), mp + ("effectiveness",), label),
                    fields=c.tags(md.get("fields"), mp + ("fields",), s.TEST_FIELDS, label),
                    action_keys=action_keys,
                    line=int(where.split()[-1]) if where.startswith("line ") else 0,
                )
            )
        themes.append(Theme(id=tid, title=title, modules=tuple(modules)))
    if raw_themes is not MISSING and not themes and not c.problems:
        c.err(("themes",), "the catalogue needs at least one theme")
    if c.problems:
        raise ChecklistError(c.problems)
    order = {t: i for i, t in enumerate(s.TRAINING_THEMES)}
    themes.sort(key=lambda t: order.get(t.id, 99))
    return TrainingCatalogue(version=version, themes=tuple(themes), source=source)


def load_training_text(text: str, source: str = "<string>") -> TrainingCatalogue:
    """Validate YAML ``text`` (``ChecklistError`` on any problem)."""
    data, locate = load_located(text, source)
    return training_from_data(data, source, locate)


def load_training_file(path: str | Path) -> TrainingCatalogue:
    """Load a training catalogue file.

    Raises:
        ChecklistError: the file is missing, unreadable, not UTF-8, or invalid.
    """
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ChecklistError([Problem(path.name, "", "", f"cannot read file: {exc.strerror or exc}")]) from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ChecklistError([Problem(path.name, f"byte {exc.start}", "", "file is not UTF-8 text")]) from None
    return load_training_text(text, path.name)


@functools.cache
def shipped_training() -> TrainingCatalogue | None:
    """The catalogue shipped in ``app/checklists/data/training.yaml`` (None until it is installed)."""
    entry = resources.files("app.checklists").joinpath("data").joinpath("training.yaml")
    if not entry.is_file():
        return None
    return load_training_text(entry.read_text(encoding="utf-8"), "training.yaml")

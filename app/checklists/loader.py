"""Load checklist files (YAML or XLSX) and find the shipped and user-installed packs.

Shipped packs live in ``app/checklists/data/*.yaml`` (package data, read with
``importlib.resources``).  Packs a user imports are copied into ``<data dir>/checklists``.  Only
safe parsers are used: YAML is composed with the safe loader and never constructs objects.
"""

from __future__ import annotations

import functools
from importlib import resources
from pathlib import Path

from app.checklists.errors import ChecklistError, Problem
from app.checklists.schema import Checklist
from app.checklists.validate import checklist_from_data
from app.checklists.yaml_source import load_located


def load_text(text: str, source: str = "<string>") -> Checklist:
    """Validate YAML ``text`` and return the checklist (``ChecklistError`` on any problem)."""
    data, locate = load_located(text, source)
    return checklist_from_data(data, source, locate)


def load_file(path: str | Path) -> Checklist:
    """Load a ``.yaml``/``.yml`` or ``.xlsx`` checklist file.

    Raises:
        ChecklistError: the file is missing, unreadable, not UTF-8, or invalid.
    """
    path = Path(path)
    name = path.name
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        from app.checklists.xlsx import read_xlsx  # openpyxl only when needed

        return read_xlsx(path)
    if suffix not in {".yaml", ".yml"}:
        raise ChecklistError([Problem(name, "", "", "unsupported file type; use .yaml, .yml or .xlsx")])
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ChecklistError([Problem(name, "", "", f"cannot read file: {exc.strerror or exc}")]) from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ChecklistError([Problem(name, f"byte {exc.start}", "", "file is not UTF-8 text")]) from None
    return load_text(text, name)


#: Reference data shipped beside the packs that is not a checklist (own formats and loaders).
REFERENCE_FILES = frozenset({"training.yaml", "glossary.yaml"})


@functools.cache
def shipped_checklists() -> tuple[Checklist, ...]:
    """Every pack shipped with the application, sorted by id (cached; files are immutable)."""
    out = []
    for entry in sorted(resources.files("app.checklists").joinpath("data").iterdir(), key=lambda e: e.name):
        if entry.name.endswith((".yaml", ".yml")) and entry.name not in REFERENCE_FILES:
            out.append(load_text(entry.read_text(encoding="utf-8"), entry.name))
    return tuple(out)


def user_checklists(directory: Path | None) -> tuple[Checklist, ...]:
    """Packs the user imported into ``directory`` (invalid files are skipped by the caller's choice)."""
    if directory is None or not directory.is_dir():
        return ()
    return tuple(load_file(p) for p in sorted(directory.glob("*.yaml")))

"""Training catalogue loader (app.checklists.training): the shipped file loads; problems are located."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.checklists.errors import ChecklistError
from app.checklists.schema import TRAINING_THEMES
from app.checklists.training import load_training_file, load_training_text

ROOT = Path(__file__).parents[2]


def _catalogue_path() -> Path:
    for p in (ROOT / "app" / "checklists" / "data" / "training.yaml", ROOT / "content" / "training.yaml"):
        if p.is_file():
            return p
    pytest.skip("no training catalogue yet")


def test_real_catalogue_loads_with_all_five_themes():
    """The shipped training catalogue validates and covers the five themes with unique module ids."""
    cat = load_training_file(_catalogue_path())
    assert [t.id for t in cat.themes] == list(TRAINING_THEMES)
    ids = [m.id for m in cat.modules]
    assert len(ids) == len(set(ids)) >= 10
    assert all(m.hours > 0 and m.audience and m.clauses for m in cat.modules)


BAD = """format: labassess-training/1
version: "1"
themes:
  - id: management_system
    title: {zh: 体系, en: MS}
    modules:
      - id: M1
        title: {zh: a}
        content: {zh: c, en: c}
        audience: [nobody]
        clauses: ["6.4"]
        hours: 0
        method: {zh: m, en: m}
        effectiveness: {zh: e, en: e}
        colour: red
      - id: M1
        title: {zh: b, en: b}
        content: {zh: c, en: c}
        audience: [testers]
        clauses: ["6.4"]
        hours: 2
        method: {zh: m, en: m}
        effectiveness: {zh: e, en: e}
  - id: cooking
    title: {zh: x, en: x}
    modules: []
"""


def test_every_problem_is_reported_with_file_line_and_field():
    """All problems are listed at once, each with the file, line, module and field."""
    with pytest.raises(ChecklistError) as exc:
        load_training_text(BAD, "training.yaml")
    report = exc.value.report()
    assert "training.yaml:8: module M1: title.en: missing language 'en'" in report
    assert "training.yaml:10: module M1: audience: unknown tag 'nobody'" in report
    assert "training.yaml:12: module M1: hours: must be more than 0" in report
    assert "module M1: colour: unknown key 'colour'" in report
    assert "duplicate module id 'M1'" in report
    assert "training.yaml:24: themes.[1].id: must be one of" in report
    assert "a theme needs a non-empty list of modules" in report


def test_wrong_format_and_unreadable_file(tmp_path):
    """A wrong format tag or a missing file is a ChecklistError naming the file."""
    with pytest.raises(ChecklistError, match="must be 'labassess-training/1'"):
        load_training_text("format: other/1\nversion: '1'\nthemes: []\n", "t.yaml")
    with pytest.raises(ChecklistError, match="cannot read file"):
        load_training_file(tmp_path / "missing.yaml")

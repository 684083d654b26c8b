"""Checklist loading: every problem reported with file, line, item and field; safe parsing only."""

from __future__ import annotations

import pytest

from app.checklists.errors import ChecklistError
from app.checklists.loader import load_file, load_text
from app.checklists.serialize import to_data
from app.checklists.validate import checklist_from_data
from app.checklists.yaml_dump import dump_yaml

GOOD = """\
format: labassess-checklist/1
id: t
version: "1"
kind: requirements
title: {zh: 测试, en: Test}
basis:
  - {id: CNAS-CL01, title: {zh: 准则, en: Criteria}, edition: "2018", checked: 2026-11-20}
sections:
  - clause: "6.4"
    title: {zh: 设备, en: Equipment}
    items:
      - id: CL01-6.4-01
        clause: "6.4.10"
        text: {zh: 是否制定了期间核查计划, en: Is there an intermediate-check plan}
        guidance: {zh: 计划覆盖关键设备, en: The plan covers key equipment}
        evidence: {zh: [期间核查计划], en: [Intermediate-check plan]}
        criticality: 3
        knockout: true
        applies_to: [testing]
        na: {allowed: false}
        actions:
          - key: ic-plan
            text: {zh: 制定计划, en: Write the plan}
            effort_days: 2
            owner_role: technical_manager
            training_theme: quality_control
            phase: 1
            closure_evidence: {zh: 批准的计划, en: Approved plan}
"""


def _problems(text: str) -> list[str]:
    with pytest.raises(ChecklistError) as exc:
        load_text(text, "bad.yaml")
    return [str(p) for p in exc.value.problems]


def test_good_checklist_loads():
    """A complete file loads into frozen objects with every field."""
    c = load_text(GOOD, "good.yaml")
    item = c.item("CL01-6.4-01")
    assert (item.clause, item.criticality, item.knockout, item.clause_key) == ("6.4.10", 3, True, "6.4")
    assert item.actions[0].key == "ic-plan" and item.line == 12


def test_every_problem_is_reported_with_line_item_and_field():
    """Unknown keys, missing language, wrong types, bad clause refs and duplicates are all listed at once."""
    bad = (
        GOOD.replace("criticality: 3", "criticality: 5\n        colour: red")
        .replace("en: Is there an intermediate-check plan", "fr: x")
        .replace('clause: "6.4.10"', 'clause: "9.9"')
    )
    bad += bad[bad.index("      - id: CL01-6.4-01") :]
    problems = _problems(bad)
    text = "\n".join(problems)
    assert "bad.yaml:17: item CL01-6.4-01: criticality: must be between 1 and 3, got 5" in text
    assert "unknown key 'colour'" in text
    assert "text.en: missing language 'en'" in text or "missing language 'en'" in text
    assert "bad clause reference '9.9'" in text
    assert "duplicate id 'CL01-6.4-01'" in text
    assert all(p.startswith("bad.yaml:") for p in problems)


def test_yaml_norway_problem_is_explained():
    """An unquoted yes/no where text is expected gets a hint to quote it."""
    text = "\n".join(_problems(GOOD.replace("en: The plan covers key equipment", "en: yes")))
    assert "put the text in quotes" in text


@pytest.mark.parametrize(
    "payload, message",
    [
        ("!!python/object/apply:os.system ['echo pwned']", "unsupported YAML tag"),
        ("a: &x [1]\nb: *x\n", "aliases are not allowed"),
        ("a: 1\na: 2\n", "duplicate key"),
        ("a: [1, 2", "YAML syntax error"),
        ("", "empty"),
        ("- just\n- a list\n", "expected a mapping"),
    ],
)
def test_unsafe_or_broken_yaml_is_refused(payload, message):
    """No tag constructs objects; aliases, duplicate keys and syntax errors are typed errors."""
    assert any(message in p for p in _problems(payload))


def test_round_trip_through_data_and_yaml():
    """to_data -> YAML -> load gives back an equal checklist."""
    c = load_text(GOOD)
    assert checklist_from_data(to_data(c)) == c
    assert load_text(dump_yaml(to_data(c))) == c


def test_file_errors_name_the_file(tmp_path):
    """Missing files, wrong suffixes and non-UTF-8 bytes are ChecklistErrors naming the file."""
    with pytest.raises(ChecklistError, match="nope.yaml"):
        load_file(tmp_path / "nope.yaml")
    (tmp_path / "x.txt").write_text("a")
    with pytest.raises(ChecklistError, match="unsupported file type"):
        load_file(tmp_path / "x.txt")
    (tmp_path / "gbk.yaml").write_bytes("标题".encode("gbk"))
    with pytest.raises(ChecklistError, match="not UTF-8"):
        load_file(tmp_path / "gbk.yaml")


@pytest.mark.parametrize(
    "old, new, message",
    [
        # texts of two entries that look well formed at a glance (the validator's fast path) but are not
        ("text: {zh: 是否制定了期间核查计划, en: Is there", "text: {zh: '  ', en: Is there", "must not be empty"),
        ("text: {zh: 是否制定了期间核查计划, en: Is there", "text: {zh: yes, en: Is there", "put the text in quotes"),
        ("guidance: {zh: 计划覆盖关键设备, en:", "guidance: {zh: 计划覆盖关键设备, fr:", "unknown key 'fr'"),
        ("guidance: {zh: 计划覆盖关键设备, en:", "guidance: {zh: [计划], en:", "expected text, got a list"),
        ("evidence: {zh: [期间核查计划], en:", "evidence: {zh: [期间核查计划, ' '], en:", "must not be empty"),
        ("evidence: {zh: [期间核查计划], en:", "evidence: {zh: [], en:", "missing language 'zh' (a non-empty list)"),
        ("evidence: {zh: [期间核查计划], en:", "evidence: {zh: [true], en:", "put the text in quotes"),
        ("evidence: {zh: [期间核查计划], en:", "evidence: {zh: 期间核查计划, en:", "missing language 'zh'"),
    ],
)
def test_malformed_texts_next_to_well_formed_ones_are_reported(old, new, message):
    """A text or text list with two entries still gets every check (blank, yes/no, wrong key or type)."""
    assert old in GOOD
    assert any(message in p for p in _problems(GOOD.replace(old, new, 1)))


def test_numbers_in_texts_are_read_as_text():
    """An unquoted number where text is expected is kept as its text, in single texts and in lists."""
    c = load_text(GOOD.replace("en: [Intermediate-check plan]", "en: [2018]").replace("zh: 设备, en:", "zh: 2018, en:"))
    item = c.item("CL01-6.4-01")
    assert item.evidence.en == ("2018",) and c.sections[0].title.zh == "2018"

"""The command line: exit codes, messages, JSON output, bulk answers, checklist commands."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from app.cli.main import main

pytestmark = pytest.mark.integration
DATA = Path(__file__).parents[1] / "data"


def run(argv, capsys):
    try:
        code = main(argv)
    except SystemExit as exc:
        code = exc.code
    out = capsys.readouterr()
    return code, out.out, out.err


@pytest.fixture
def cli_home(home):
    (home / "checklists").mkdir()
    (home / "checklists" / "mini-cl01.yaml").write_bytes((DATA / "mini-cl01.yaml").read_bytes())
    return home


def test_lab_assessment_answer_show(cli_home, capsys):
    """A lab and an assessment are created, answered in English and Chinese, and shown as JSON."""
    code, out, _ = run(["lab", "add", "R&D <实验室>", "--industry", "lighting", "--fields", "luminaire_safety"], capsys)
    assert code == 0 and out.strip() == "1"
    code, out, _ = run(["assessment", "new", "--lab", "1", "--checklist", "mini-cl01"], capsys)
    assert code == 0 and out.strip() == "1"
    assert run(["assessment", "answer", "1", "T-6.4-01", "不符合", "--note", "无期间核查"], capsys)[0] == 0
    assert run(["assessment", "answer", "1", "T-4.1-01", "conform"], capsys)[0] == 0
    code, out, _ = run(["assessment", "show", "1", "--json"], capsys)
    data = json.loads(out)
    assert code == 0
    assert data["critical_gaps"][0]["item"] == "T-6.4-01"
    assert {c["clause"] for c in data["clauses"]} >= {"4.1", "5", "8.9"} and len(data["clauses"]) == 29
    assert data["progress"]["answered"] == 2
    code, out, _ = run(["assessment", "show", "1", "--lang", "en"], capsys)
    assert "Readiness" in out and "T-6.4-01" in out
    code, out, _ = run(["lab", "list", "--json"], capsys)
    assert json.loads(out)[0]["name"] == "R&D <实验室>"


def test_errors_and_exit_codes(cli_home, capsys):
    """Usage errors exit 2; problems exit 1 with one line on stderr and no traceback."""
    assert run(["assessment", "answer"], capsys)[0] == 2
    assert run(["lab", "add"], capsys)[0] == 2
    code, _, err = run(["assessment", "show", "99"], capsys)
    assert code == 1 and err.strip() == "labassess: no assessment 99" and "Traceback" not in err
    run(["lab", "add", "L"], capsys)
    run(["assessment", "new", "--lab", "1", "--checklist", "mini-cl01"], capsys)
    code, _, err = run(["assessment", "answer", "1", "T-4.1-01", "maybe"], capsys)
    assert code == 2 and "符合" in err
    code, _, err = run(["assessment", "answer", "1", "NOPE", "conform"], capsys)
    assert code == 1 and "NOPE" in err
    code, _, err = run(["assessment", "new", "--lab", "1", "--checklist", "nope"], capsys)
    assert code == 1 and "no checklist 'nope'" in err


def test_bulk_answers_from_csv_all_or_nothing(cli_home, capsys, tmp_path):
    """A CSV with one bad row changes nothing and names the row; a good one is applied."""
    run(["lab", "add", "L"], capsys)
    run(["assessment", "new", "--lab", "1", "--checklist", "mini-cl01"], capsys)
    bad = tmp_path / "bad.csv"
    bad.write_text("条目,结论,备注\nT-4.1-01,符合,ok\nT-4.2-01,maybe,\n", encoding="utf-8")
    code, _, err = run(["assessment", "answer", "1", "--from", str(bad)], capsys)
    assert code == 1 and "bad.csv row 3 column status" in err
    code, out, _ = run(["assessment", "show", "1", "--json"], capsys)
    assert json.loads(out)["progress"]["answered"] == 0
    good = tmp_path / "good.csv"
    good.write_text("item,status,note,na_reason\nT-4.1-01,conform,ok,\nT-4.1-02,na,,不开展\n", encoding="utf-8")
    code, out, _ = run(["assessment", "answer", "1", "--from", str(good)], capsys)
    assert code == 0 and "2 answer(s) saved" in out


def test_checklist_commands(cli_home, capsys, tmp_path):
    """validate reports every error with its location; export/import round-trips through XLSX."""
    bad = tmp_path / "bad.yaml"
    bad.write_text((DATA / "mini-cl01.yaml").read_text(encoding="utf-8").replace("criticality: 1", "criticality: 9", 1))
    code, _, err = run(["checklist", "validate", str(bad)], capsys)
    assert code == 1 and "bad.yaml:" in err and "criticality: must be between 1 and 3, got 9" in err
    code, out, _ = run(["checklist", "validate", str(DATA / "mini-cl01.yaml")], capsys)
    assert code == 0 and "58 items" in out
    xlsx = tmp_path / "mini.xlsx"
    assert run(["checklist", "export", "mini-cl01", "--out", str(xlsx)], capsys)[0] == 0
    (cli_home / "checklists" / "mini-cl01.yaml").unlink()
    code, out, _ = run(["checklist", "import", str(xlsx)], capsys)
    assert code == 0 and "installed mini-cl01" in out
    code, out, _ = run(["checklist", "show", "mini-cl01", "--json"], capsys)
    items = json.loads(out)["items"]
    assert len(items) == 58 and {"id", "clause", "text", "criticality"} <= set(items[0])


def test_python_dash_m_and_help():
    """`python -m app --help` works like `labassess --help`."""
    out = subprocess.run([sys.executable, "-m", "app", "--help"], capture_output=True, text=True, check=True)
    assert "labassess" in out.stdout and "demo" in out.stdout

"""XLSX authoring template: export + import keeps everything; errors name sheet, row and field."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import load_workbook

from app.checklists.errors import ChecklistError
from app.checklists.loader import load_file, shipped_checklists
from app.checklists.xlsx import read_xlsx, write_xlsx

MINI = Path(__file__).parents[1] / "data" / "mini-cl01.yaml"


def test_round_trip_keeps_everything(tmp_path):
    """Every shipped pack and the mini pack survive export to XLSX and import unchanged."""
    for c in (load_file(MINI), *shipped_checklists()):
        out = tmp_path / f"{c.id}.xlsx"
        write_xlsx(c, out)
        assert read_xlsx(out) == c


def test_errors_name_sheet_row_and_field(tmp_path):
    """A bad cell is reported as 'sheet Items row N' with the item id and field."""
    out = tmp_path / "t.xlsx"
    write_xlsx(load_file(MINI), out)
    wb = load_workbook(out)
    ws = wb["Items"]
    header = [c.value for c in ws[1]]
    ws.cell(row=4, column=header.index("criticality") + 1, value=7)
    ws.cell(row=5, column=header.index("text_en") + 1).value = None
    wb["Actions"].cell(row=2, column=1, value="NO-SUCH")
    wb.save(out)
    with pytest.raises(ChecklistError) as exc:
        read_xlsx(out)
    text = exc.value.report()
    assert "t.xlsx (sheet Actions row 2): item_id: no item 'NO-SUCH'" in text
    # the first two problems stop before validation; fix the action link and check the rest
    wb = load_workbook(out)
    wb["Actions"].cell(row=2, column=1, value="T-4.1-01")
    wb.save(out)
    with pytest.raises(ChecklistError) as exc:
        read_xlsx(out)
    text = exc.value.report()
    assert "(sheet Items row 4): item T-4.2-01: criticality: must be between 1 and 3, got 7" in text
    assert "(sheet Items row 5): item T-4.2-02: text.en: missing language 'en'" in text


def test_not_a_workbook(tmp_path):
    """A file that is not an XLSX workbook is a clear ChecklistError."""
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(b"not a zip")
    with pytest.raises(ChecklistError, match="not a readable .xlsx"):
        read_xlsx(bad)

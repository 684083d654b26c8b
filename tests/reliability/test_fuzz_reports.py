"""Hypothesis fuzzing of user text in reports: any note renders in PDF, Word and Excel without error,
and Word and Excel keep it exactly (characters XML cannot hold are the only exception, and they are
replaced visibly rather than dropped)."""

from __future__ import annotations

import pytest
from docx import Document
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from app.assessment.model import LabProfile

pytestmark = [pytest.mark.integration, pytest.mark.slow]

HOSTILE = st.sampled_from(
    [
        "<b>",
        "</para>",
        "&amp;",
        "R&D",
        "<br/>",
        "\n",
        "\r\n",
        "\t",
        "😀",
        "𠀀",
        "\u202e",
        "%s",
        "{0}",
        "=1+1",
        "@SUM(A1)",
        "\\",
        '"',
        "'",
        "　",
        "\u200b",
        "x" * 300,
    ]
)
NOTE = st.lists(st.one_of(HOSTILE, st.text(max_size=40)), max_size=8).map("".join)


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    """One assessment of the mini checklist with a gap whose note the tests rewrite."""
    import shutil
    from pathlib import Path

    from app.bootstrap import open_services
    from app.services.catalog import Catalog

    base = tmp_path_factory.mktemp("fuzzrep")
    (base / "checklists").mkdir()
    shutil.copy(Path(__file__).parents[1] / "data" / "mini-cl01.yaml", base / "checklists")
    svc = open_services(f"sqlite:///{base / 'r.sqlite'}", catalog=Catalog(base / "checklists"))
    lab = svc.labs.add(LabProfile(name="Fuzz lab"))
    asm = svc.assessments.create(lab.id, ["mini-cl01"])
    svc.assessments.answer(asm.id, "T-4.1-01", "partial", note="x")
    yield svc, asm.id, base
    svc.close()


def _xml_safe(text: str) -> bool:
    return all(
        ch in "\t\n\r" or (0x20 <= ord(ch) <= 0xD7FF) or (0xE000 <= ord(ch) <= 0xFFFD) or ord(ch) > 0xFFFF
        for ch in text
    )


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(note=NOTE)
def test_any_note_renders_in_every_format(world, note):
    """PDF, Word and Excel are written for any note; Word and Excel hold XML-safe notes exactly."""
    svc, asm, base = world
    svc.assessments.answer(asm, "T-4.1-01", "partial", note=note)
    assert svc.assessments.answers(asm)["T-4.1-01"].note == note
    for suffix in ("pdf", "docx", "xlsx"):
        out = svc.reports.write(asm, base / f"r.{suffix}", "en")
        assert out.stat().st_size > 0
    if not _xml_safe(note) or not note.strip():
        return
    wanted = note.replace("\r\n", "\n").replace("\r", "\n")
    cells = [
        str(c.value)
        for ws in load_workbook(base / "r.xlsx").worksheets
        for row in ws.iter_rows()
        for c in row
        if c.value is not None
    ]
    # Excel keeps a lone CR as written; compare line breaks normalised on both sides
    assert any(wanted.strip() in c.replace("\r\n", "\n").replace("\r", "\n") for c in cells)
    doc = Document(base / "r.docx")
    texts = [cell.text for t in doc.tables for row in t.rows for cell in row.cells] + [p.text for p in doc.paragraphs]
    assert any(wanted.strip() in t for t in texts)

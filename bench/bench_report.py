"""Issue 4 figures: the improvement-plan PDF and Word file of a full CNAS-CL01 assessment with ~60 gaps.

Setup (untimed): the shipped CNAS-CL01 pack, the demo lab profile, answers drawn so that about 60
items are gaps (partial or nonconform), the plan generated and the report data assembled.

Figures (median of 5 runs after one warm-up, in this process, fonts already registered by the warm-up):
- PDF render: ``write_report(data, out.pdf)``; floor = a bare ReportLab Platypus document with the
  same font and the same page count (one paragraph per page) -- the fixed cost of ReportLab itself.
- Word render: ``write_report(data, out.docx)``; floor = a bare python-docx document with the same
  number of tables, each one row.
- Excel render, plan generation + report data assembly (services, SQLite), page count and file size.
"""

from __future__ import annotations

import datetime as dt
import os
import random
import tempfile
from pathlib import Path

from bench.common import median, row, time_calls

GAPS = 60
RUNS = 5


def _setup(home: Path):
    os.environ["LABASSESS_HOME"] = str(home)
    from app.assessment.model import Status
    from app.bootstrap import open_services
    from app.services.assessments import AnswerChange
    from app.services.demo import demo_profile

    svc = open_services(f"sqlite:///{home / 'bench.sqlite'}")
    today = dt.date(2026, 3, 2)
    lab = svc.labs.add(demo_profile(today))
    cl01 = next(p for p in svc.catalog.all() if p.kind == "requirements" and p.id == "cnas-cl01")
    a = svc.assessments.create(lab.id, [cl01.id], assessor="bench", assessed_on=today)
    items = [it for p in svc.assessments.packs(a.id) if p.kind == "requirements" for it in p.items]
    rng = random.Random(4)
    gap_ids = set(rng.sample([it.id for it in items], min(GAPS, len(items))))
    notes = ["耐压测试仪期间核查记录缺失，需补做。", "Work instruction still cites the old edition.", ""]
    changes = []
    for it in items:
        if it.id in gap_ids:
            st = Status.NONCONFORM if rng.random() < 0.4 else Status.PARTIAL
            changes.append(AnswerChange(it.id, st, rng.choice(notes)))
        else:
            changes.append(AnswerChange(it.id, Status.CONFORM))
    svc.assessments.answer_many(a.id, changes)
    return svc, a.id


def _bare_pdf(out: Path, pages: int) -> None:
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate

    from app.report.fonts import FONT, register_fonts

    register_fonts()
    st = ParagraphStyle("b", fontName=FONT, fontSize=9)
    story = []
    for i in range(pages):
        story += [Paragraph(f"第 {i + 1} 页 page {i + 1}", st), PageBreak()]
    SimpleDocTemplate(str(out), pagesize=A4).build(story[:-1])


def _bare_docx(out: Path, tables: int) -> None:
    import docx

    d = docx.Document()
    for i in range(tables):
        d.add_heading(f"表 {i}", level=2)
        t = d.add_table(rows=1, cols=3)
        t.rows[0].cells[0].text = "x"
    d.save(str(out))


def run() -> list[dict]:
    """Run the report benchmarks and return protocol rows."""
    with tempfile.TemporaryDirectory(prefix="labassess-bench-report-") as tmp:
        home = Path(tmp)
        svc, aid = _setup(home)
        from app.services.reports import write_report

        t_data = time_calls(lambda: svc.reports.data(aid, "zh"), RUNS, warmup=1)
        data = svc.reports.data(aid, "zh")
        gaps = len(data.gaps)
        pdf, docx_out, xlsx = home / "r.pdf", home / "r.docx", home / "r.xlsx"
        t_pdf = time_calls(lambda: write_report(data, pdf), RUNS, warmup=1)
        t_docx = time_calls(lambda: write_report(data, docx_out), RUNS, warmup=1)
        t_xlsx = time_calls(lambda: write_report(data, xlsx), RUNS, warmup=1)
        import docx
        import pypdf

        pages = len(pypdf.PdfReader(str(pdf)).pages)
        n_tables = len(docx.Document(str(docx_out)).tables)
        bare = home / "bare.pdf"
        t_bare = time_calls(lambda: _bare_pdf(bare, pages), RUNS, warmup=1)
        bare_docx = home / "bare.docx"
        t_bare_docx = time_calls(lambda: _bare_docx(bare_docx, n_tables), RUNS, warmup=1)
        size_kb = pdf.stat().st_size / 1024
        docx_kb = docx_out.stat().st_size / 1024
        svc.close()
    return [
        row(
            f"report PDF render, CNAS-CL01 with {gaps} gaps",
            median(t_pdf),
            "s",
            target=1.0,
            floor=median(t_bare),
            floor_label=f"bare ReportLab doc, {pages} pages, same font",
        ),
        row(
            f"report Word render, {gaps} gaps",
            median(t_docx),
            "s",
            target=1.0,
            floor=median(t_bare_docx),
            floor_label=f"bare python-docx, {n_tables} one-row tables",
        ),
        row(f"report Excel render, {gaps} gaps", median(t_xlsx), "s", target=1.0),
        row("plan regenerate + report data (SQLite)", median(t_data), "s"),
        row("report PDF pages", pages, "pages", lower_is_better=True),
        row("report PDF size", size_kb, "KiB"),
        row("report Word size", docx_kb, "KiB"),
    ]


if __name__ == "__main__":
    for r in run():
        print(r)

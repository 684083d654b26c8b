"""Reports read back: PDF (pypdf, pdffonts), Word (python-docx), Excel (openpyxl), and the CLI."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess

import pypdf
import pytest

from app.assessment.model import LabProfile, Status
from app.cli.main import main
from app.report.pdf import chunks
from app.services.assessments import AnswerChange

pytestmark = pytest.mark.integration
D0 = dt.date(2026, 3, 2)
HOSTILE = '<b>R&D</b> & 1<2 "q" 第二行\n新行'
EMOJI = "设备已修好 😀 ✅ ok"
URL = "https://example.com/" + "very-long-path-segment-" * 12
LONG = ("温升试验记录缺失，需要补做。 " * 250) + URL + (" The end of a very long note. " * 40)
FORMULA = "=1+1 looks like a formula"


def ws(text: str) -> str:
    return re.sub(r"\s+", "", text)


@pytest.fixture
def report_case(services):
    """An assessment of the mini checklist with gaps carrying hostile, emoji, long and formula-like notes."""
    lab = services.labs.add(
        LabProfile(
            name="中山 R&D <实验室>",
            size="small",
            staff={"technical_manager": "李工", "quality_manager": "王敏"},
            declaration_voluntary=True,
            legal_status_confirmed=True,
            declaration_truthful=True,
            declaration_rules=True,
            sub_fields=("灯具安全",),
            test_fields=("luminaire_safety",),
        )
    )
    a = services.assessments.create(lab.id, ["mini-cl01"], assessor="张顾问 & Co", assessed_on=D0)
    items = [it for p in services.assessments.packs(a.id) if p.kind != "gates" for it in p.items]
    notes = {
        "T-6.4-01": (Status.NONCONFORM, HOSTILE),
        "T-7.7-02": (Status.PARTIAL, EMOJI),
        "T-7.2-01": (Status.PARTIAL, LONG),
        "T-8.3-01": (Status.NONCONFORM, FORMULA),
        "T-8.8-02": (Status.PARTIAL, ""),
    }
    services.assessments.answer_many(
        a.id, [AnswerChange(it.id, *notes.get(it.id, (Status.CONFORM, ""))) for it in items]
    )
    services.plans.regenerate(a.id)
    return services, a.id


def pdf_text(path) -> str:
    return "\n".join(p.extract_text() for p in pypdf.PdfReader(str(path)).pages)


@pytest.mark.parametrize(
    "lang,headings",
    [
        ("zh", ["执行摘要", "条款得分表", "差距清单", "改进行动计划", "路线图", "培训计划", "评分方法", "审批签字"]),
        (
            "en",
            [
                "Executive summary",
                "Clause scores",
                "Gap register",
                "Improvement action plan",
                "Roadmap",
                "Training plan",
                "Scoring method",
                "Sign-off",
            ],
        ),
    ],
)
def test_pdf_contents_read_back(report_case, tmp_path, lang, headings):
    """The PDF holds every section, the gates, a known gap, an action with its due date and the caveat."""
    svc, aid = report_case
    out = svc.reports.write(aid, tmp_path / f"r-{lang}.pdf", lang)
    text = pdf_text(out)
    for h in headings:
        assert h in text, h
    for g in [f"G{i}" for i in range(1, 11)]:
        assert g in text
    assert "T-6.4-01" in text and "T-8.3-01" in text
    action = next(a for a in svc.plans.actions(aid) if a.key == "shared-key")
    assert action.due_date.isoformat() in text
    assert ws(action.text(lang)) in ws(text)
    assert ("不是认可决定" if lang == "zh" else "not an accreditation decision") in text
    assert ws("Σ(weight × credit)" if lang == "en" else "Σ(权重 × 得分)") in ws(text)


def test_pdf_user_text_round_trips_exactly(report_case, tmp_path):
    """Markup characters, line breaks, emoji, a very long note and a long URL come back as typed."""
    svc, aid = report_case
    text = pdf_text(svc.reports.write(aid, tmp_path / "r.pdf", "zh"))
    assert '<b>R&D</b> & 1<2 "q" 第二行\n新行' in text
    assert "中山 R&D <实验室>" in text and "张顾问 & Co" in text
    assert EMOJI in text
    for piece in chunks(LONG):
        assert ws(piece) in ws(text)
    assert ws(URL) in ws(text)


def test_pdf_fonts_embedded_and_metadata(report_case, tmp_path):
    """Every font is an embedded TrueType subset; title, author, subject, language and bookmarks are set."""
    svc, aid = report_case
    out = svc.reports.write(aid, tmp_path / "r.pdf", "en")
    reader = pypdf.PdfReader(str(out))
    fonts = {}
    for page in reader.pages:
        for _name, ref in page["/Resources"].get("/Font", {}).items():
            f = ref.get_object()
            fonts[f["/BaseFont"]] = f
    assert fonts
    for base, f in fonts.items():
        desc = f.get("/FontDescriptor")
        assert desc is not None and "/FontFile2" in desc.get_object(), base
    names = {str(b).split("+", 1)[-1] for b in fonts}
    assert names == {"NotoSansSC-Regular", "NotoSansSC-Bold"}  # the real bold face is used
    if shutil.which("pdffonts"):
        lines = subprocess.run(["pdffonts", str(out)], capture_output=True, text=True, check=True).stdout.splitlines()[
            2:
        ]
        assert lines and all(line.split()[-5] == "yes" for line in lines)
    meta = reader.metadata
    assert "中山 R&D <实验室>" in meta.title and meta.author == "张顾问 & Co" and "CNAS-CL01" in meta.subject
    assert reader.trailer["/Root"]["/Lang"] == "en"
    outline = [o.title for o in reader.outline if not isinstance(o, list)]
    assert "Gap register" in " ".join(outline) and len(outline) >= 8
    assert len(reader.pages) >= 5
    first = reader.pages[2].extract_text()
    assert "Page 3 of" in first


def test_docx_is_editable_and_exact(report_case, tmp_path):
    """The Word file has real headings and tables with the user's text exactly as typed."""
    import docx

    svc, aid = report_case
    d = docx.Document(str(svc.reports.write(aid, tmp_path / "r.docx", "zh")))
    headings = [p.text for p in d.paragraphs if p.style.name.startswith("Heading") or p.style.name == "Title"]
    assert "1 执行摘要" in headings and "5 改进行动计划" in headings and "9 审批签字" in headings
    cells = [c.text for t in d.tables for row in t.rows for c in row.cells]
    assert HOSTILE in cells and EMOJI in cells and LONG in cells and FORMULA in cells
    action = next(a for a in svc.plans.actions(aid) if a.key == "shared-key")
    assert action.due_date.isoformat() in cells
    assert any(c.startswith("G7") for c in cells) or "G7" in cells
    assert d.core_properties.author == "张顾问 & Co"


def test_docx_has_the_pdf_charts_as_pictures(report_case, tmp_path):
    """Radar, bars and roadmap are in the Word file as real, non-blank pictures of the PDF's drawings."""
    import io

    pytest.importorskip("rlPyCairo", reason="Word charts need the charts extra (CI installs it)")

    import docx
    from PIL import Image

    svc, aid = report_case
    d = docx.Document(str(svc.reports.write(aid, tmp_path / "r.docx", "zh")))
    headings = [p.text for p in d.paragraphs if p.style.name.startswith("Heading")]
    assert "2 条款得分图" in headings
    assert len(d.inline_shapes) == 3
    images = [
        Image.open(io.BytesIO(part.blob)).convert("RGB")
        for part in d.part.package.parts
        if part.content_type == "image/png"
    ]
    assert len(images) == 3
    for im in images:
        colours = im.getcolors(maxcolors=1 << 20)
        assert colours is not None and len(colours) > 50, "a chart picture is (nearly) blank"
        assert im.width >= 400
    widest = max(images, key=lambda im: im.width / im.height)
    assert widest.width / widest.height > 2  # the roadmap is a wide Gantt strip


def test_chart_pictures_are_cairos_own_png_and_match_reportlabs_rendering():
    """The fast PNG path (Cairo's encoder) gives exactly the pixels of ReportLab's own PNG path."""
    import io

    pytest.importorskip("rlPyCairo", reason="Word charts need the charts extra (CI installs it)")
    from PIL import Image, ImageChops
    from reportlab.graphics import renderPM

    from app.report import charts, raster

    charts.register_fonts()
    keys = ["4.1", "4.2", "5", "6.2", "6.4", "7.2", "7.7", "8.7"]
    values = [100.0, 60.0, None, 45.5, 80.0, 20.0, 0.0, 75.0]
    for drawing in (charts.radar(keys, values), charts.bars(keys, values)):
        fast = raster.to_png(drawing)
        assert fast is not None and fast.startswith(b"\x89PNG")
        slow = renderPM.drawToString(drawing, fmt="PNG", dpi=raster.DPI)
        a = Image.open(io.BytesIO(fast)).convert("RGB")
        b = Image.open(io.BytesIO(slow)).convert("RGB")
        assert a.size == b.size and a.size[0] > 400
        assert ImageChops.difference(a, b).getbbox() is None  # pixel for pixel the same picture


def test_chart_pictures_without_cairos_encoder_use_reportlabs_on_the_same_rendering(monkeypatch):
    """Another renderPM backend: the picture still comes out, encoded by ReportLab, the same pixels."""
    import io

    pytest.importorskip("rlPyCairo", reason="Word charts need the charts extra (CI installs it)")
    from PIL import Image, ImageChops

    from app.report import charts, raster

    charts.register_fonts()
    drawing = charts.bars(["4.1", "6.4", "7.7"], [90.0, None, 35.0])
    fast = raster.to_png(drawing)
    monkeypatch.setattr(raster, "_cairo_png", lambda canvas: None)
    fallback = raster.to_png(drawing)
    assert fallback is not None and fallback.startswith(b"\x89PNG")
    a = Image.open(io.BytesIO(fast)).convert("RGB")
    b = Image.open(io.BytesIO(fallback)).convert("RGB")
    assert ImageChops.difference(a, b).getbbox() is None


def test_docx_without_a_chart_rasteriser_still_exports_and_says_so(report_case, tmp_path, monkeypatch):
    import docx

    from app.report import raster

    monkeypatch.setattr(raster, "to_png", lambda drawing, dpi=raster.DPI: None)
    svc, aid = report_case
    d = docx.Document(str(svc.reports.write(aid, tmp_path / "r.docx", "en")))
    assert len(d.inline_shapes) == 0
    assert any("Charts could not be drawn" in p.text for p in d.paragraphs)
    assert any(t.rows and "Clause" in t.rows[0].cells[0].text for t in d.tables)


def test_xlsx_sheets_are_filterable_and_exact(report_case, tmp_path):
    """The workbook has filterable, frozen gap and action sheets; text stays text, dates are dates."""
    import openpyxl

    svc, aid = report_case
    wb = openpyxl.load_workbook(str(svc.reports.write(aid, tmp_path / "r.xlsx", "en")))
    assert wb.sheetnames[:2] == ["Gap register", "Action plan"]
    gaps, actions = wb["Gap register"], wb["Action plan"]
    for sheet in (gaps, actions):
        assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref.startswith("A1:")
    values = [c.value for row in gaps.iter_rows(min_row=2) for c in row]
    assert HOSTILE in values and EMOJI in values and FORMULA in values
    formula_cell = next(c for row in gaps.iter_rows(min_row=2) for c in row if c.value == FORMULA)
    assert formula_cell.data_type == "s"
    keys = [r[1].value for r in actions.iter_rows(min_row=2)]
    assert "shared-key" in keys
    row = next(r for r in actions.iter_rows(min_row=2) if r[1].value == "shared-key")
    assert isinstance(row[10].value, dt.datetime)
    assert set(row[3].value.split(", ")) >= {"T-6.4-01"}


def test_user_edits_appear_in_reports(report_case, tmp_path):
    """An edited owner name and a user-added action are printed in the PDF."""
    svc, aid = report_case
    a = next(a for a in svc.plans.actions(aid) if a.key == "shared-key")
    svc.plans.update(a.id, a.version, owner_name="赵六 <QA>")
    svc.plans.add(aid, "自定义行动：购买新的耐压测试仪", "Buy a new hipot tester", due_date=D0 + dt.timedelta(days=40))
    text = pdf_text(svc.reports.write(aid, tmp_path / "r.pdf", "zh"))
    assert ws("技术负责人：赵六 <QA>") in ws(text) and ws("自定义行动：购买新的耐压测试仪") in ws(text)


def test_cli_report_and_plan(report_case, home, tmp_path, capsys):
    """`labassess report` writes each format; `plan` prints the plan; bad suffixes fail with one line."""
    svc, aid = report_case
    db = str(home / "test.sqlite")
    svc.close()
    for suffix in ("pdf", "docx", "xlsx"):
        out = tmp_path / f"cli.{suffix}"
        assert main(["--db", db, "report", str(aid), "--out", str(out), "--lang", "en"]) == 0
        assert out.stat().st_size > 1000
    assert main(["--db", db, "report", str(aid), "--out", str(tmp_path / "x.txt")]) == 1
    assert "--out must end in" in capsys.readouterr().err
    assert main(["--db", db, "plan", str(aid), "--json"]) == 0
    assert '"shared-key"' in capsys.readouterr().out
    assert main(["--db", db, "plan", "regenerate", str(aid), "--lang", "en"]) == 0
    assert "added 0" in capsys.readouterr().out
    assert main(["--db", db, "plan", "nonsense", "1"]) == 2


def test_cli_demo_writes_the_plan_pdf(home, capsys):
    """`labassess demo` writes the demo improvement plan to the default reports folder and prints the path."""
    assert main(["--db", str(home / "demo.sqlite"), "demo", "--lang", "en"]) == 0
    out = home / "reports" / "demo-improvement-plan-en.pdf"
    assert out.is_file() and str(out) in capsys.readouterr().out
    assert "Improvement action plan" in pdf_text(out)


def test_closed_action_verification_is_in_every_export(report_case, tmp_path):
    """Who verified a closed action, when, and the effectiveness check appear in the PDF, Word and Excel plans."""
    from docx import Document
    from openpyxl import load_workbook

    services, aid = report_case
    action = services.plans.actions(aid)[0]
    services.followups.close_action(
        action.id,
        closure_note="程序文件 QP-12 第 2 版已发布",
        effectiveness="三个月后内审抽查 5 台设备，全部有期间核查记录",
        verified_by="王敏",
        verified_on=D0 + dt.timedelta(days=40),
    )
    day = (D0 + dt.timedelta(days=40)).isoformat()
    pdf = services.reports.write(aid, tmp_path / "p.pdf", "zh")
    text = ws("".join(page.extract_text() for page in pypdf.PdfReader(pdf).pages))
    assert ws(f"验证：王敏 {day}") in text and ws("全部有期间核查记录") in text
    docx = services.reports.write(aid, tmp_path / "p.docx", "en")
    cells = [c.text for t in Document(docx).tables for r in t.rows for c in r.cells]
    assert any(f"Verified by 王敏 on {day}" in c for c in cells)
    xlsx = services.reports.write(aid, tmp_path / "p.xlsx", "en")
    values = [str(c.value) for ws_ in load_workbook(xlsx).worksheets for row in ws_.iter_rows() for c in row]
    assert any("effectiveness check: 三个月后内审抽查" in v for v in values)
    assert not any("reopened" in c for c in cells)
    # reopened and closed again: every export says the first closure did not hold
    services.plans.update(action.id, status="in_progress")
    services.followups.close_action(action.id, closure_note="第 3 版", effectiveness="再次抽查", verified_by="李工")
    pdf = services.reports.write(aid, tmp_path / "p2.pdf", "zh")
    text = ws("".join(page.extract_text() for page in pypdf.PdfReader(pdf).pages))
    assert ws("此前关闭后曾重新打开 1 次") in text
    docx = services.reports.write(aid, tmp_path / "p2.docx", "en")
    cells = [c.text for t in Document(docx).tables for r in t.rows for c in r.cells]
    assert any("reopened 1 time(s) after an earlier closure" in c for c in cells)

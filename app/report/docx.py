"""The editable Word report (python-docx): the same plan with real headings and tables.

Users edit and sign the Word file before sending it, so everything is plain text in ordinary
tables (no text boxes, no images of text).  The charts (clause radar and bars, the roadmap) are the
PDF's own drawings as PNG pictures (``app.report.raster``).  User text is written exactly as typed; line breaks
become Word line breaks.  Control characters that XML cannot hold are shown as their visible
Unicode "control picture" (U+2400 block) instead of being dropped.
"""

from __future__ import annotations

from copy import deepcopy
from io import BytesIO
from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

from app.report import charts, raster
from app.report.labels import label

EAST_ASIA_FONT = "Microsoft YaHei"
LATIN_FONT = "Calibri"


def xml_safe(text: str) -> str:
    """Replace characters XML 1.0 cannot hold with visible control pictures (never drop them)."""
    out = []
    for ch in text or "":
        o = ord(ch)
        if o < 0x20 and ch not in "\t\n\r":
            out.append(chr(0x2400 + o))
        elif 0xD800 <= o <= 0xDFFF or o in (0xFFFE, 0xFFFF):
            out.append("\ufffd")
        else:
            out.append(ch)
    return "".join(out)


def _font(run_or_style, size: float | None = None, bold: bool | None = None, colour=None) -> None:
    font = run_or_style.font
    font.name = LATIN_FONT
    rpr = run_or_style.element.get_or_add_rPr()
    rfonts = rpr.find(qn("w:rFonts"))
    if rfonts is None:
        rfonts = rpr.makeelement(qn("w:rFonts"), {})
        rpr.append(rfonts)
    rfonts.set(qn("w:eastAsia"), EAST_ASIA_FONT)
    if size:
        font.size = Pt(size)
    if bold is not None:
        font.bold = bold
    if colour is not None:
        font.color.rgb = colour


#: the finished ``w:rPr`` of a run per (size, bold), copied into later runs
_RUN_PROPERTIES: dict[tuple[float | None, bool], object] = {}


def _styled_run(paragraph, line: str, size: float | None, bold: bool):
    """Add a run with ``_font``'s fonts, size and weight.

    A report has a few thousand table runs; setting each one's fonts through python-docx's property
    objects was most of the Word export's time, so the first run of a size and weight is styled that
    way and later ones get a copy of its finished ``w:rPr`` element.
    """
    run = paragraph.add_run(line)
    key = (size, bold)
    rpr = _RUN_PROPERTIES.get(key)
    if rpr is None:
        _font(run, size=size, bold=bold or None)
        _RUN_PROPERTIES[key] = deepcopy(run.element.rPr)
    else:
        run.element.insert(0, deepcopy(rpr))  # w:rPr is the run's first child
    return run


def _text(paragraph, text: str, *, bold: bool = False, size: float | None = None) -> None:
    text = xml_safe((text or "").replace("\r\n", "\n").replace("\r", "\n"))
    lines = text.split("\n")
    for i, line in enumerate(lines):
        run = _styled_run(paragraph, line, size, bool(bold))
        if i < len(lines) - 1:
            run.add_break()


def _table(doc, headers, rows, widths_mm=None):
    t = doc.add_table(rows=1, cols=len(headers))
    t.style = "Table Grid"
    t.alignment = WD_TABLE_ALIGNMENT.LEFT
    for cell, h in zip(t.rows[0].cells, headers):
        cell.paragraphs[0].text = ""
        _text(cell.paragraphs[0], h, bold=True, size=8.5)
    # repeat the header row on every page
    trpr = t.rows[0]._tr.get_or_add_trPr()
    trpr.append(trpr.makeelement(qn("w:tblHeader"), {qn("w:val"): "true"}))
    for r in rows:
        cells = t.add_row().cells
        for cell, value in zip(cells, r):
            _text(cell.paragraphs[0], "" if value is None else str(value), size=8.5)
    if widths_mm:
        for row in t.rows:
            for cell, w in zip(row.cells, widths_mm):
                cell.width = Mm(w)
    return t


def _d(d) -> str:
    return d.isoformat() if d else "—"


def _pct(v) -> str:
    return "—" if v is None else f"{v:.1f}%"


CHART_W_MM = 88  # two charts side by side in the 180 mm text width


def _picture(paragraph, drawing, width_mm: float) -> bool:
    """Add ``drawing`` as a PNG picture to ``paragraph``; False if it could not be rasterised."""
    png = raster.to_png(drawing)
    if png is None:
        return False
    paragraph.add_run().add_picture(BytesIO(png), width=Mm(width_mm))
    return True


def write_docx(data, out: Path) -> Path:
    """Render ``data`` (``ReportData``) as an editable .docx file."""
    lang = data.lang
    L = lambda key: label(lang, key)  # noqa: E731
    doc = Document()
    sec = doc.sections[0]
    sec.orientation = WD_ORIENT.PORTRAIT
    sec.page_width, sec.page_height = Mm(210), Mm(297)
    for side in ("left_margin", "right_margin"):
        setattr(sec, side, Mm(15))
    sec.top_margin = sec.bottom_margin = Mm(15)
    for name in ("Normal", "Title", "Heading 1", "Heading 2", "Heading 3"):
        _font(doc.styles[name], size={"Normal": 9.5}.get(name))
    props = doc.core_properties
    props.title = xml_safe(f"{data.title} — {data.lab_name}")
    props.author = xml_safe(data.assessor or "LabAssess")
    props.subject = L("report_subject")
    props.language = "zh-CN" if lang == "zh" else "en"
    props.keywords = "CNAS-CL01, ISO/IEC 17025"
    header = sec.header.paragraphs[0]
    _text(header, f"{data.lab_name} — {L('running_header')}", size=7.5)

    def heading(text: str, level: int):
        h = doc.add_heading(level=level)
        _text(h, text)
        for r in h.runs:
            r.font.color.rgb = RGBColor(0x1F, 0x3A, 0x5F)
        return h

    heading(data.title, 0)
    _text(doc.add_paragraph(), data.lab_name, size=13)
    _table(
        doc,
        [L("lab"), ""],
        [
            (L("assessed_on"), _d(data.assessed_on)),
            (L("assessor"), data.assessor or "—"),
            (L("generated_on"), _d(data.generated_on)),
            *data.profile,
            (L("checklists"), "\n".join(data.checklists)),
        ],
    )
    heading(L("basis"), 2)
    _table(
        doc,
        [L("doc"), L("title"), L("edition"), L("checked")],
        [(b.doc_id, b.title, b.edition, _d(b.checked)) for b in data.basis],
    )

    heading(L("exec_summary"), 1)
    _table(
        doc,
        [L("readiness"), L("band"), L("critical_gaps"), L("gaps")],
        [(_pct(data.readiness), data.band_label, data.critical_count, data.gap_count)],
    )
    _table(
        doc,
        ["", ""],
        [
            (L("progress"), data.progress),
            (L("earliest_application"), _d(data.earliest_application)),
            (L("planned_application"), _d(data.application_date)),
            (L("total_effort"), f"{data.total_effort:g}"),
        ],
    )
    heading(L("gates"), 2)
    _table(
        doc,
        [L("gate"), L("title"), L("state"), L("reason"), L("milestone_date")],
        [(g.id, g.title, g.state_label, g.reason, _d(g.date)) for g in data.gates],
    )
    heading(L("top_risks"), 2)
    for r in data.top_risks:
        _text(doc.add_paragraph(style="List Bullet"), r)
    for n in data.notes:
        _text(doc.add_paragraph(style="List Bullet"), n)

    heading(L("charts"), 1)
    half_pt = CHART_W_MM / 25.4 * 72
    pictures = doc.add_table(rows=2, cols=2)
    for col, (key, drawing) in enumerate(zip(("radar", "bars"), charts.clause_charts(data.clauses, half_pt))):
        _text(pictures.cell(0, col).paragraphs[0], L(key), size=8)
        drawn = _picture(pictures.cell(1, col).paragraphs[0], drawing, CHART_W_MM)
    if not drawn:
        _text(doc.add_paragraph(), L("charts_unavailable"))

    heading(L("clause_table"), 1)
    _table(
        doc,
        [L("clause"), L("title"), L("score"), L("assessed"), L("gaps"), "★"],
        [
            (c.key, c.title, _pct(c.percent), f"{c.assessed}/{c.applicable}", c.gaps, c.critical_gaps)
            for c in data.clauses
        ],
    )

    heading(L("gap_register"), 1)
    _table(
        doc,
        [L("item"), L("clause"), L("finding"), L("note"), L("evidence"), L("criticality")],
        [
            (
                g.item_id,
                g.clause,
                g.finding,
                g.note,
                "\n".join(g.expected_evidence) + (f"\n{L('attached')}: " + ", ".join(g.attached) if g.attached else ""),
                f"{g.status_label} C{g.criticality}"
                + (f" ★ {L('knockout')}" if g.knockout else "")
                + (f" {g.priority}" if g.priority else ""),
            )
            for g in data.gaps
        ],
    )

    heading(L("action_plan"), 1)
    _table(
        doc,
        [
            L("no"),
            L("action"),
            L("closes"),
            L("priority"),
            L("phase"),
            L("owner"),
            L("effort"),
            L("start"),
            L("due"),
            L("status"),
            L("closure"),
        ],
        [
            (
                a.no,
                a.text,
                ", ".join(a.item_ids) + (f" [{', '.join(a.clauses)}]" if a.clauses else ""),
                a.priority,
                a.phase,
                a.owner,
                f"{a.effort_days:g}",
                _d(a.start),
                _d(a.due),
                a.status_label,
                "\n".join(x for x in (a.closure_evidence, a.closure_note, a.verification) if x),
            )
            for a in data.actions
        ],
    )

    heading(L("roadmap"), 1)
    _picture(doc.add_paragraph(), charts.roadmap(data, 180 / 25.4 * 72), 180)
    _table(doc, [L("phase"), L("start"), L("due")], [(p.title, _d(p.start), _d(p.end)) for p in data.phases])
    heading(L("route_milestones"), 2)
    ms = sorted([*data.route, *data.milestones], key=lambda m: (m.date, m.id))
    _table(
        doc,
        [L("milestone_date"), L("title"), L("phase"), L("state")],
        [(_d(m.date), f"{m.id} · {m.title}" if m.id.startswith("G") else m.title, m.phase, m.state_label) for m in ms],
    )

    heading(L("training"), 1)
    themes: dict[str, list] = {}
    for t in data.training:
        themes.setdefault(t.theme_title, []).append(t)
    for title, mods in themes.items():
        heading(title, 2)
        _table(
            doc,
            [L("module"), L("audience"), L("when"), L("hours"), L("method"), L("effectiveness_eval"), L("serves")],
            [
                (
                    f"{t.module_id} {t.title}",
                    t.audience,
                    _d(t.when),
                    f"{t.hours:g}",
                    t.method,
                    t.effectiveness,
                    t.serves,
                )
                for t in mods
            ],
        )

    heading(L("method_title"), 1)
    _text(doc.add_paragraph(), data.formula)
    p = doc.add_paragraph()
    _text(p, L("caveat_title") + "：" if lang == "zh" else L("caveat_title") + ": ", bold=True)
    _text(p, data.caveat)

    heading(L("signoff"), 1)
    _table(
        doc, ["", L("signature"), L("date")], [(L(k), "", "") for k in ("prepared_by", "reviewed_by", "approved_by")]
    )
    doc.save(str(out))
    return out

"""The PDF report (ReportLab Platypus): cover, summary, charts, tables, roadmap, training, sign-off.

Rules that keep every page readable and every piece of user text intact:

* User text goes through ``para_text``: XML-escaped (``<b>``, ``&``, ``R&D`` print literally), line
  breaks become ``<br/>``, runs of spaces are kept.  Characters the font lacks (emoji) are drawn as
  a box but stay in the text layer (see ``app.report.fonts``).
* Long text is cut into chunks (``chunks``) that become separate table rows, so no cell is ever
  taller than a page (ReportLab cannot split a single cell); long words and URLs wrap anywhere
  (``wordWrap='CJK'``).
* Tables repeat their header row on every page; every page has a running header, "page n of m",
  and every section is a PDF bookmark.  The document carries title, author, subject and language.
"""

from __future__ import annotations

import re
from pathlib import Path
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    CondPageBreak,
    Frame,
    Image,
    KeepTogether,
    PageBreak,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from app.report import charts
from app.report.fonts import FONT, FONT_BOLD, register_fonts
from app.report.labels import label

PAGE_W, PAGE_H = A4
MARGIN = 15 * mm
BODY_W = PAGE_W - 2 * MARGIN
#: Longest piece of user text placed in one table cell; longer text continues in the next row.
CHUNK = 600

NAVY = charts.NAVY
HEAD_BG = colors.HexColor("#1F3A5F")
ZEBRA = colors.HexColor("#F4F7FA")
STATE_COLOURS = {"pass": charts.GREEN, "fail": charts.RED, "unknown": charts.AMBER}
PRIO_COLOURS = {"P1": charts.RED, "P2": charts.AMBER, "P3": charts.TEAL}

_SPACES = re.compile(r"  +")


def para_text(text: str) -> str:
    """User text -> Paragraph markup that prints exactly ``text``."""
    text = (text or "").replace("\r\n", "\n").replace("\r", "\n")
    out = escape(text, {'"': "&quot;"})
    out = _SPACES.sub(lambda m: " " + "&nbsp;" * (len(m.group()) - 1), out)
    return out.replace("\n", "<br/>")


def chunks(text: str, size: int = CHUNK) -> list[str]:
    """Split ``text`` into pieces of at most ``size`` characters, preferring line and word breaks."""
    text = text or ""
    if len(text) <= size:
        return [text]
    out = []
    while len(text) > size:
        cut = text.rfind("\n", size // 2, size)
        if cut < 0:
            cut = text.rfind(" ", size // 2, size)
        if cut < 0:
            cut = size
        out.append(text[:cut])
        text = text[cut:]
        if text[:1] in ("\n", " "):
            text = text[1:]
    out.append(text)
    return out


class _Tbl(Table):
    """A Table whose plain-string cells use the embedded font (ReportLab's default is Helvetica)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.setStyle(TableStyle([("FONTNAME", (0, 0), (-1, -1), FONT)]))


class _Styles:
    def __init__(self):
        base = dict(fontName=FONT, wordWrap="CJK", textColor=colors.HexColor("#1B2631"))
        self.body = ParagraphStyle("body", fontSize=9, leading=13.5, spaceAfter=4, **base)
        self.small = ParagraphStyle("small", fontSize=7.8, leading=10.5, **base)
        self.cell = ParagraphStyle("cell", fontSize=7.8, leading=10.2, **base)
        self.head = ParagraphStyle(
            "head", fontSize=7.8, leading=10, fontName=FONT_BOLD, textColor=colors.white, wordWrap="CJK"
        )
        self.h1 = ParagraphStyle(
            "h1",
            fontSize=15,
            leading=20,
            fontName=FONT_BOLD,
            textColor=NAVY,
            spaceBefore=6,
            spaceAfter=8,
            wordWrap="CJK",
        )
        self.h2 = ParagraphStyle(
            "h2",
            fontSize=11.5,
            leading=15,
            fontName=FONT_BOLD,
            textColor=NAVY,
            spaceBefore=8,
            spaceAfter=4,
            wordWrap="CJK",
        )
        self.title = ParagraphStyle(
            "title", fontSize=22, leading=30, fontName=FONT_BOLD, textColor=NAVY, spaceAfter=10, wordWrap="CJK"
        )
        self.cover = ParagraphStyle("cover", fontSize=13, leading=19, fontName=FONT, textColor=NAVY, wordWrap="CJK")
        self.big = ParagraphStyle(
            "big", fontSize=26, leading=32, fontName=FONT_BOLD, alignment=TA_CENTER, wordWrap="CJK"
        )
        self.center = ParagraphStyle(
            "center", fontSize=8.5, leading=11, alignment=TA_CENTER, fontName=FONT, wordWrap="CJK"
        )


class _Doc(BaseDocTemplate):
    """Adds a bookmark + outline entry for every flowable tagged with ``_outline = (title, level)``."""

    def afterFlowable(self, flowable):
        info = getattr(flowable, "_outline", None)
        if info:
            title, level = info
            key = f"sec{id(flowable)}"
            self.canv.bookmarkPage(key)
            self.canv.addOutlineEntry(title, key, level=level, closed=False)


def _numbered_canvas(header: str, page_fmt: str):
    class NumberedCanvas(Canvas):
        """Draws the running header and 'page n of m' once the page count is known."""

        def __init__(self, *args, **kwargs):
            if not kwargs.get("initialFontName"):
                kwargs["initialFontName"] = FONT
            super().__init__(*args, **kwargs)
            self._pages = []

        def showPage(self):
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self):
            total = len(self._pages)
            for state in self._pages:
                self.__dict__.update(state)
                self._decorate(total)
                super().showPage()
            super().save()

        def _decorate(self, total: int):
            n = self._pageNumber
            self.saveState()
            self.setFont(FONT, 7.5)
            self.setFillColor(colors.HexColor("#5D6D7E"))
            if n > 1:
                self.drawString(MARGIN, PAGE_H - 10 * mm, _clip(header, 95))
                self.setStrokeColor(colors.HexColor("#D5DBE1"))
                self.setLineWidth(0.5)
                self.line(MARGIN, PAGE_H - 11.5 * mm, PAGE_W - MARGIN, PAGE_H - 11.5 * mm)
            self.drawCentredString(PAGE_W / 2, 8 * mm, page_fmt.format(n=n, total=total))
            self.restoreState()

    return NumberedCanvas


def _clip(text: str, n: int) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"


def write_pdf(data, out: Path) -> Path:
    """Render ``data`` (``app.services.reports.ReportData``) as a PDF file."""
    register_fonts()
    lang = data.lang
    L = lambda key: label(lang, key)  # noqa: E731
    st = _Styles()
    doc = _Doc(
        str(out),
        pagesize=A4,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=16 * mm,
        bottomMargin=15 * mm,
        title=f"{data.title} — {data.lab_name}",
        author=data.assessor or "LabAssess",
        subject=label(lang, "report_subject"),
        creator="LabAssess",
        keywords="CNAS-CL01, ISO/IEC 17025",
        lang="zh-CN" if lang == "zh" else "en",
    )
    frame = Frame(
        MARGIN,
        15 * mm,
        BODY_W,
        PAGE_H - 31 * mm,
        id="body",
        leftPadding=0,
        rightPadding=0,
        topPadding=0,
        bottomPadding=0,
    )
    doc.addPageTemplates([PageTemplate(id="page", frames=[frame])])
    story = _story(data, st, L)
    header = f"{data.lab_name} — {L('running_header')}"
    doc.build(story, canvasmaker=_numbered_canvas(header, L("page")))
    return out


# -- building blocks -----------------------------------------------------------------------------
def _h(text: str, style, level: int):
    p = Paragraph(para_text(text), style)
    p._outline = (text, level)
    return p


def _p(text: str, style) -> Paragraph:
    return Paragraph(para_text(text), style)


def _table(rows, widths, st, *, header_rows: int = 1, extra=()):
    t = _Tbl(rows, colWidths=widths, repeatRows=header_rows, hAlign="LEFT", splitByRow=1)
    style = [
        ("BACKGROUND", (0, 0), (-1, header_rows - 1), HEAD_BG),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("GRID", (0, 0), (-1, -1), 0.3, colors.HexColor("#C9D1D9")),
        ("LEFTPADDING", (0, 0), (-1, -1), 3),
        ("RIGHTPADDING", (0, 0), (-1, -1), 3),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
        ("FONTNAME", (0, 0), (-1, -1), FONT),
        ("FONTSIZE", (0, 0), (-1, -1), 7.8),
    ]
    style.extend(extra)
    t.setStyle(TableStyle(style))
    return t


def _headrow(labels, st):
    return [Paragraph(para_text(x), st.head) for x in labels]


def _date(d) -> str:
    return d.isoformat() if d else "—"


def _pct(v) -> str:
    return "—" if v is None else f"{v:.1f}%"


def _story(data, st, L):
    story = []
    story += _cover(data, st, L)
    story.append(PageBreak())
    story += _summary(data, st, L)
    story += _charts(data, st, L)
    story += _clause_table(data, st, L)
    story += _gap_register(data, st, L)
    story += _action_plan(data, st, L)
    story += _roadmap(data, st, L)
    story += _training(data, st, L)
    story += _method(data, st, L)
    story += _signoff(data, st, L)
    return story


def _cover(data, st, L):
    out = []
    if data.logo:
        try:
            img = Image(str(data.logo))
            w, h = img.imageWidth, img.imageHeight
            scale = min(50 * mm / w, 22 * mm / h, 1.0) if w and h else 1.0
            img.drawWidth, img.drawHeight = w * scale, h * scale
            img.hAlign = "LEFT"
            out += [img, Spacer(1, 6 * mm)]
        except Exception:  # noqa: BLE001 - a broken logo must never stop the report
            pass
    out.append(Spacer(1, 18 * mm))
    title = _p(data.title, st.title)
    title._outline = (data.title, 0)
    out.append(title)
    out.append(_p(data.lab_name, st.cover))
    out.append(Spacer(1, 10 * mm))
    rows = [
        [_p(L("lab"), st.cell), _p(data.lab_name, st.cell)],
        [_p(L("assessed_on"), st.cell), _p(_date(data.assessed_on), st.cell)],
        [_p(L("assessor"), st.cell), _p(data.assessor or "—", st.cell)],
        [_p(L("generated_on"), st.cell), _p(_date(data.generated_on), st.cell)],
        *[[_p(k, st.cell), _p(v or "—", st.cell)] for k, v in data.profile],
        [_p(L("checklists"), st.cell), _p("\n".join(data.checklists), st.cell)],
    ]
    out.append(
        _Tbl(
            rows,
            colWidths=[45 * mm, BODY_W - 45 * mm],
            hAlign="LEFT",
            style=TableStyle(
                [
                    ("LINEBELOW", (0, 0), (-1, -1), 0.3, colors.HexColor("#D5DBE1")),
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ("TEXTCOLOR", (0, 0), (0, -1), NAVY),
                ]
            ),
        )
    )
    out.append(Spacer(1, 8 * mm))
    out.append(_p(L("basis"), st.h2))
    rows = [_headrow([L("doc"), L("title"), L("edition"), L("checked")], st)]
    rows += [
        [_p(b.doc_id, st.cell), _p(b.title, st.cell), _p(b.edition, st.cell), _p(_date(b.checked), st.cell)]
        for b in data.basis
    ]
    if len(rows) == 1:
        rows.append([_p("—", st.cell), "", "", ""])
    out.append(_table(rows, [38 * mm, BODY_W - 38 * mm - 40 * mm, 18 * mm, 22 * mm], st))
    return out


def _summary(data, st, L):
    out = [_h(L("exec_summary"), st.h1, 0)]
    colour = charts.score_colour(data.readiness)
    band = ParagraphStyle("band", parent=st.big, textColor=colour)
    box = _Tbl(
        [
            [
                Paragraph(_pct(data.readiness), band),
                Paragraph(
                    para_text(data.band_label),
                    ParagraphStyle("bl", parent=st.big, fontSize=16, leading=22, textColor=colour),
                ),
            ],
            [_p(L("readiness"), st.center), _p(L("band"), st.center)],
        ],
        colWidths=[BODY_W / 2] * 2,
        style=TableStyle(
            [
                ("BOX", (0, 0), (-1, -1), 0.6, colour),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("BACKGROUND", (0, 0), (-1, -1), colors.HexColor("#FAFBFC")),
            ]
        ),
    )
    out += [box, Spacer(1, 4 * mm)]
    facts = [
        (L("progress"), data.progress),
        (L("critical_gaps"), str(data.critical_count)),
        (L("gaps"), str(data.gap_count)),
        (L("earliest_application"), _date(data.earliest_application)),
        (L("planned_application"), _date(data.application_date)),
        (L("total_effort"), f"{data.total_effort:g}"),
    ]
    out.append(
        _Tbl(
            [[_p(k, st.cell), _p(v, st.cell)] for k, v in facts],
            colWidths=[70 * mm, BODY_W - 70 * mm],
            hAlign="LEFT",
            style=TableStyle(
                [("LINEBELOW", (0, 0), (-1, -1), 0.3, colors.HexColor("#D5DBE1")), ("TEXTCOLOR", (0, 0), (0, -1), NAVY)]
            ),
        )
    )
    out.append(CondPageBreak(40 * mm))
    out.append(_h(L("gates"), st.h2, 1))
    rows = [_headrow([L("gate"), L("title"), L("state"), L("reason"), L("milestone_date")], st)]
    extra = []
    for i, g in enumerate(data.gates, 1):
        rows.append(
            [
                _p(g.id, st.cell),
                _p(g.title, st.cell),
                _p(g.state_label, st.cell),
                _p(g.reason, st.cell),
                _p(_date(g.date), st.cell),
            ]
        )
        extra.append(("BACKGROUND", (2, i), (2, i), STATE_COLOURS.get(g.state, charts.GREY).clone(alpha=0.25)))
    if not data.gates:
        rows.append([_p("—", st.cell), _p(L("none"), st.cell), "", "", ""])
    out.append(_table(rows, [12 * mm, 50 * mm, 16 * mm, BODY_W - 100 * mm, 22 * mm], st, extra=extra))
    out.append(_h(L("top_risks"), st.h2, 1))
    for r in data.top_risks or [L("none")]:
        out.append(_p("• " + r, st.body))
    if data.notes:
        out.append(_h(L("notes"), st.h2, 1))
        out += [_p("• " + n, st.body) for n in data.notes]
    return out


def _charts(data, st, L):
    half = BODY_W / 2 - 3 * mm
    r, b = charts.clause_charts(data.clauses, half)
    grid = _Tbl(
        [[_p(L("radar"), st.small), _p(L("bars"), st.small)], [r, b]],
        colWidths=[half + 3 * mm] * 2,
        style=TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP")]),
    )
    return [CondPageBreak(120 * mm), _h(L("charts"), st.h1, 0), grid]


def _clause_table(data, st, L):
    out = [_h(L("clause_table"), st.h1, 0)]
    rows = [_headrow([L("clause"), L("title"), L("score"), L("assessed"), L("gaps"), "★"], st)]
    extra = []
    for i, c in enumerate(data.clauses, 1):
        rows.append(
            [
                _p(c.key, st.cell),
                _p(c.title, st.cell),
                _p(_pct(c.percent), st.cell),
                _p(f"{c.assessed}/{c.applicable}", st.cell),
                _p(str(c.gaps), st.cell),
                _p(str(c.critical_gaps), st.cell),
            ]
        )
        extra.append(("BACKGROUND", (2, i), (2, i), charts.score_colour(c.percent).clone(alpha=0.25)))
        if i % 2 == 0:
            extra.append(("BACKGROUND", (0, i), (1, i), ZEBRA))
    out.append(_table(rows, [14 * mm, BODY_W - 84 * mm, 18 * mm, 26 * mm, 14 * mm, 12 * mm], st, extra=extra))
    return out


def _gap_register(data, st, L):
    out = [CondPageBreak(60 * mm), _h(L("gap_register"), st.h1, 0)]
    rows = [_headrow([L("item"), L("finding"), L("note"), L("evidence"), L("criticality")], st)]
    extra = []
    cont = L("cont")
    for g in data.gaps:
        r0 = len(rows)
        crit = (
            f"{g.status_label}\nC{g.criticality}"
            + (f"\n★ {L('knockout')}" if g.knockout else "")
            + (f"\n{g.priority}" if g.priority else "")
        )
        ev = "\n".join(
            ["· " + e for e in g.expected_evidence]
            + ([f"{L('attached')}: " + ", ".join(g.attached)] if g.attached else [])
        )
        note_parts = chunks(g.note)
        ev_parts = chunks(ev)
        n = max(len(note_parts), len(ev_parts))
        for k in range(n):
            rows.append(
                [
                    _p(f"{g.item_id}\n{g.clause}" if k == 0 else f"{g.item_id} {cont}", st.cell),
                    _p(g.finding, st.cell) if k == 0 else "",
                    _p(note_parts[k], st.cell) if k < len(note_parts) else "",
                    _p(ev_parts[k], st.cell) if k < len(ev_parts) else "",
                    _p(crit, st.cell) if k == 0 else "",
                ]
            )
        if g.critical:
            extra.append(("BACKGROUND", (4, r0), (4, r0), charts.RED.clone(alpha=0.2)))
    if len(rows) == 1:
        rows.append([_p(L("none"), st.cell), "", "", "", ""])
    out.append(_table(rows, [19 * mm, 52 * mm, 52 * mm, BODY_W - 143 * mm, 20 * mm], st, extra=extra))
    return out


def _action_rows(actions, st, L):
    rows = [
        _headrow(
            [
                L("no"),
                L("action"),
                L("priority") + " / " + L("phase"),
                L("owner"),
                L("start") + " / " + L("due"),
                L("closure"),
            ],
            st,
        )
    ]
    extra = []
    cont = L("cont")
    for a in actions:
        r0 = len(rows)
        closes = ", ".join(a.item_ids) + (f" [{', '.join(a.clauses)}]" if a.clauses else "")
        tag = L("user_action") if a.origin == "user" else (L("edited") if a.edited else "")
        text_parts = chunks(a.text)
        closure = "\n".join(x for x in (a.closure_evidence, a.closure_note, a.verification) if x)
        closure_parts = chunks(closure)
        n = max(len(text_parts), len(closure_parts))
        for k in range(n):
            if k == 0:
                body = [Paragraph(para_text(text_parts[0]), st.cell)]
                if closes:
                    body.append(Paragraph(para_text("→ " + closes), st.small))
                if tag:
                    body.append(Paragraph(para_text(f"({tag})"), st.small))
                rows.append(
                    [
                        _p(str(a.no), st.cell),
                        body,
                        _p(f"{a.priority} / {a.phase}\n{a.status_label}", st.cell),
                        _p(a.owner or "—", st.cell),
                        _p(f"{_date(a.start)}\n{_date(a.due)}", st.cell),
                        _p(closure_parts[0], st.cell),
                    ]
                )
            else:
                rows.append(
                    [
                        _p(f"{a.no} {cont}", st.cell),
                        _p(text_parts[k], st.cell) if k < len(text_parts) else "",
                        "",
                        "",
                        "",
                        _p(closure_parts[k], st.cell) if k < len(closure_parts) else "",
                    ]
                )
        extra.append(("BACKGROUND", (2, r0), (2, r0), PRIO_COLOURS.get(a.priority, charts.GREY).clone(alpha=0.22)))
    if len(rows) == 1:
        rows.append([_p("—", st.cell), _p(L("none"), st.cell), "", "", "", ""])
    return rows, extra


def _action_plan(data, st, L):
    out = [CondPageBreak(60 * mm), _h(L("action_plan"), st.h1, 0)]
    rows, extra = _action_rows(data.actions, st, L)
    widths = [9 * mm, 66 * mm, 17 * mm, 26 * mm, 19 * mm, BODY_W - 137 * mm]
    out.append(_table(rows, widths, st, extra=extra))
    if data.dropped:
        out.append(_h(L("dropped"), st.h2, 1))
        rows, extra = _action_rows(data.dropped, st, L)
        out.append(_table(rows, widths, st, extra=extra))
    return out


def _roadmap(data, st, L):
    out = [PageBreak(), _h(L("roadmap"), st.h1, 0)]
    out.append(charts.roadmap(data, BODY_W))
    out.append(Spacer(1, 4 * mm))
    rows = [_headrow([L("phase"), L("start"), L("due")], st)]
    rows += [[_p(p.title, st.cell), _p(_date(p.start), st.cell), _p(_date(p.end), st.cell)] for p in data.phases]
    out.append(_table(rows, [BODY_W - 50 * mm, 25 * mm, 25 * mm], st))
    out.append(CondPageBreak(40 * mm))
    out.append(_h(L("route_milestones"), st.h2, 1))
    rows = [_headrow([L("milestone_date"), L("title"), L("phase"), L("state")], st)]
    ms = sorted([*data.route, *data.milestones], key=lambda m: (m.date, m.id))
    rows += [
        [
            _p(_date(m.date), st.cell),
            _p(f"{m.id} · {m.title}" if m.id.startswith("G") else m.title, st.cell),
            _p(str(m.phase), st.cell),
            _p(m.state_label, st.cell),
        ]
        for m in ms
    ]
    out.append(_table(rows, [24 * mm, BODY_W - 64 * mm, 14 * mm, 26 * mm], st))
    return out


def _training(data, st, L):
    out = [CondPageBreak(60 * mm), _h(L("training"), st.h1, 0)]
    if not data.training:
        out.append(_p(L("none"), st.body))
        return out
    themes: dict[str, list] = {}
    for t in data.training:
        themes.setdefault(t.theme_title, []).append(t)
    for title, mods in themes.items():
        out.append(CondPageBreak(45 * mm))
        out.append(_h(title, st.h2, 1))
        rows = [
            _headrow(
                [
                    L("module"),
                    L("audience"),
                    L("when") + " / " + L("hours"),
                    L("method") + " / " + L("effectiveness_eval"),
                    L("serves"),
                ],
                st,
            )
        ]
        for t in mods:
            rows.append(
                [
                    [
                        Paragraph(
                            para_text(f"{t.module_id} {t.title}"),
                            ParagraphStyle("mt", parent=st.cell, fontName=FONT_BOLD),
                        ),
                        Paragraph(para_text(t.content), st.small),
                    ],
                    _p(t.audience, st.cell),
                    _p(f"{_date(t.when)}\n{t.hours:g} h", st.cell),
                    _p(f"{t.method}\n{t.effectiveness}", st.cell),
                    _p(t.serves, st.small),
                ]
            )
        out.append(_table(rows, [58 * mm, 34 * mm, 19 * mm, 42 * mm, BODY_W - 153 * mm], st))
    return out


def _method(data, st, L):
    out = [CondPageBreak(50 * mm), _h(L("method_title"), st.h1, 0), _p(data.formula, st.body), Spacer(1, 3 * mm)]
    box = _Tbl(
        [
            [_p(L("caveat_title"), ParagraphStyle("ct", parent=st.body, fontName=FONT_BOLD, textColor=charts.RED))],
            [_p(data.caveat, st.body)],
        ],
        colWidths=[BODY_W],
        style=TableStyle(
            [("BOX", (0, 0), (-1, -1), 0.8, charts.RED), ("BACKGROUND", (0, 0), (-1, -1), colors.HexColor("#FDF2F0"))]
        ),
    )
    out.append(box)
    return out


def _signoff(data, st, L):
    head = _h(L("signoff"), st.h1, 0)
    rows = [_headrow(["", L("signature"), L("date")], st)]
    for key in ("prepared_by", "reviewed_by", "approved_by"):
        rows.append([_p(L(key), st.cell), "", ""])
    t = _table(
        rows,
        [40 * mm, BODY_W - 80 * mm, 40 * mm],
        st,
        extra=[("ROWBACKGROUNDS", (0, 1), (-1, -1), [colors.white]), ("BOTTOMPADDING", (0, 1), (-1, -1), 18)],
    )
    return [KeepTogether([Spacer(1, 6 * mm), head, t])]

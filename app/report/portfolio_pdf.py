"""The common-problems report (PDF, zh or en): ranking, clause bars, labs × clauses heat map,
recommended group training and the labs behind the top items (pseudonyms unless names are shown).

Text from the database goes through ``escape`` before it becomes a Paragraph; the bundled Noto Sans
SC font is embedded (``app.report.fonts``).  Charts are ReportLab graphics (vector, no Qt).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from pathlib import Path
from xml.sax.saxutils import escape

from reportlab.graphics.shapes import Drawing, Rect, String
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, Paragraph, Spacer, Table, TableStyle

from app.report.simple_doc import MARGIN, write_story

BODY_W = A4[0] - 2 * MARGIN
NAVY = colors.HexColor("#1F3A5F")
ZEBRA = colors.HexColor("#F4F7FA")

T = {
    "title": ("共性问题分析报告", "Common problems across labs"),
    "subtitle": ("CNAS-CL01 自评估 — 多实验室汇总", "CNAS-CL01 self-assessment — pooled over many labs"),
    "cohort": ("范围", "Cohort"),
    "labs": ("实验室数", "Labs"),
    "made": ("生成日期", "Generated"),
    "anon": ("实验室已匿名（以代号表示）。", "Labs are anonymised (shown by pseudonym)."),
    "named": ("报告列出实验室名称，仅限内部使用。", "Labs are named in this report: internal use only."),
    "training": ("建议的集中培训", "Recommended group training"),
    "no_training": ("没有达到推荐阈值的共性差距。", "No common gap reaches the recommendation threshold."),
    "clauses": ("按条款：至少一个条目存在差距的实验室比例", "By clause: labs with at least one gap in the clause"),
    "items": ("差距最多的条目", "Items most labs fail"),
    "heat": (
        "实验室 × 条款热力图（条款内差距条目比例）",
        "Labs × clauses heat map (share of the clause's items with a gap)",
    ),
    "heat_note": (
        "列出差距最多的实验室；空白表示该实验室未评估此条款。",
        "The labs with the most gaps are shown; blank = the lab did not assess the clause.",
    ),
    "drill": ("涉及的实验室（前几个条目）", "Labs behind the top items"),
    "method": (
        "统计口径：每个实验室取最新一次评估；条目比例 = 部分符合或不符合的实验室 ÷ 该条目适用（已评估且非不适用）的实验室。",
        "Method: the latest assessment of each lab; an item's share = labs answering partial or nonconform ÷ "
        "labs where it applies (assessed, not N/A).",
    ),
    "col_item": ("条目", "Item"),
    "col_clause": ("条款", "Clause"),
    "col_text": ("内容", "Text"),
    "col_pct": ("比例", "Share"),
    "col_gap": ("差距", "Gaps"),
    "col_nc": ("不符合", "NC"),
    "col_labs": ("实验室", "Labs"),
    "col_course": ("课程", "Course"),
    "col_theme": ("主题", "Theme"),
    "col_hours": ("学时", "Hours"),
    "col_lab": ("实验室", "Lab"),
    "col_status": ("结论", "Status"),
    "col_date": ("日期", "Date"),
    "col_industry": ("行业", "Industry"),
    "col_size": ("规模", "Size"),
    "none": ("没有符合条件的评估。", "No assessment matches the filters."),
}
STATUS = {"nonconform": ("不符合", "Nonconform"), "partial": ("部分符合", "Partial")}


def _t(key: str, lang: str) -> str:
    zh, en = T[key]
    return zh if lang == "zh" else en


def heat_colour(v: float | None):
    """White (no gap) -> amber -> red (every item a gap); light grey when not assessed."""
    if v is None:
        return colors.HexColor("#EEEEEE")
    v = max(0.0, min(1.0, v))
    if v < 0.5:
        f = v / 0.5
        return colors.Color(1.0, 1.0 - 0.25 * f, 1.0 - 0.8 * f)
    f = (v - 0.5) / 0.5
    return colors.Color(1.0 - 0.15 * f, 0.75 - 0.55 * f, 0.2 - 0.1 * f)


def heatmap_drawing(heat, font: str, width: float = BODY_W, max_height: float = 200 * mm) -> Drawing:
    """The labs × clauses grid as a ReportLab Drawing (labels left, clause keys on top)."""
    n_labs, n_cl = len(heat.labs), len(heat.clauses)
    label_w = 28 * mm
    cell_w = (width - label_w) / max(1, n_cl)
    cell_h = min(6 * mm, (max_height - 10 * mm) / max(1, n_labs))
    h = 10 * mm + cell_h * n_labs
    d = Drawing(width, h)
    top = h - 10 * mm
    for j, cl in enumerate(heat.clauses):
        d.add(
            String(
                label_w + j * cell_w + cell_w / 2, top + 2 * mm, cl, fontName=font, fontSize=5.5, textAnchor="middle"
            )
        )
    for i, lab in enumerate(heat.labs):
        y = top - (i + 1) * cell_h
        d.add(
            String(
                label_w - 1.5 * mm,
                y + cell_h * 0.3,
                lab[:18],
                fontName=font,
                fontSize=min(6.5, cell_h * 0.8 / mm * 2.2),
                textAnchor="end",
            )
        )
        for j, v in enumerate(heat.values[i]):
            d.add(
                Rect(
                    label_w + j * cell_w,
                    y,
                    cell_w,
                    cell_h,
                    fillColor=heat_colour(v),
                    strokeColor=colors.white,
                    strokeWidth=0.3,
                )
            )
    return d


def clause_bars(clauses: Sequence, lang: str, font: str, width: float = BODY_W) -> Drawing:
    """Horizontal bars: % of labs with a gap per clause, highest first."""
    bar_h, gap = 4.2 * mm, 1.2 * mm
    label_w = 62 * mm
    h = len(clauses) * (bar_h + gap) + 4 * mm
    d = Drawing(width, h)
    span = width - label_w - 14 * mm
    for i, c in enumerate(clauses):
        y = h - (i + 1) * (bar_h + gap)
        title = f"{c.clause} {c.title.get(lang)}"
        d.add(String(label_w - 2 * mm, y + 1.2 * mm, title[:30], fontName=font, fontSize=7, textAnchor="end"))
        d.add(Rect(label_w, y, span, bar_h, fillColor=ZEBRA, strokeColor=None))
        d.add(
            Rect(
                label_w,
                y,
                span * c.percent / 100.0,
                bar_h,
                fillColor=heat_colour(c.percent / 100.0),
                strokeColor=NAVY,
                strokeWidth=0.3,
            )
        )
        d.add(String(label_w + span + 1.5 * mm, y + 1.2 * mm, f"{c.percent:.0f}%", fontName=font, fontSize=7))
    return d


def write_portfolio_pdf(
    result, heat, drill: Mapping[str, Sequence], out: Path, lang: str = "zh", *, top: int = 20, show_labs: bool = False
) -> Path:
    """Write the common-problems report to ``out`` (atomically) and return it."""
    from app.report.fonts import register_fonts

    font, bold = register_fonts()
    base = ParagraphStyle("b", fontName=font, fontSize=9, leading=13, wordWrap="CJK")
    small = ParagraphStyle("s", parent=base, fontSize=7.5, leading=10)
    h1 = ParagraphStyle("h1", parent=base, fontName=bold, fontSize=18, leading=24, textColor=NAVY)
    h2 = ParagraphStyle(
        "h2", parent=base, fontName=bold, fontSize=12, leading=17, textColor=NAVY, spaceBefore=8, spaceAfter=4
    )

    def p(text: str, style=base) -> Paragraph:
        return Paragraph(escape(text).replace("\n", "<br/>"), style)

    def table(header: list[str], rows: list[list], widths: list[float]) -> Table:
        data = [[p(h, small) for h in header]] + [[p(str(c), small) for c in r] for r in rows]
        t = Table(data, colWidths=widths, repeatRows=1)
        t.setStyle(
            TableStyle(
                [
                    ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#DCE4EE")),
                    ("ROWBACKGROUNDS", (0, 1), (-1, -1), [colors.white, ZEBRA]),
                    ("GRID", (0, 0), (-1, -1), 0.25, colors.HexColor("#B0B8C4")),
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ]
            )
        )
        return t

    story: list = [p(_t("title", lang), h1), p(_t("subtitle", lang)), Spacer(1, 3 * mm)]
    story.append(
        table(
            [_t("cohort", lang), _t("labs", lang), _t("made", lang)],
            [[result.cohort.describe(lang), f"{result.labs}", dt.date.today().isoformat()]],
            [BODY_W * 0.6, BODY_W * 0.15, BODY_W * 0.25],
        )
    )
    story += [Spacer(1, 2 * mm), p(_t("named" if show_labs else "anon", lang), small), p(_t("method", lang), small)]
    if not result.assessments:
        story.append(p(_t("none", lang)))
    else:
        story.append(p(_t("training", lang), h2))
        if result.training:
            for tr in result.training:
                story.append(
                    p(
                        "• "
                        + tr.message(lang)
                        + (
                            f"（{tr.hours:g} h）"
                            if tr.hours and lang == "zh"
                            else (f" ({tr.hours:g} h)" if tr.hours else "")
                        )
                    )
                )
        else:
            story.append(p(_t("no_training", lang)))
        story.append(KeepTogether([p(_t("clauses", lang), h2), clause_bars(result.clauses, lang, font)]))
        story.append(p(_t("items", lang), h2))
        story.append(
            table(
                [
                    _t("col_item", lang),
                    _t("col_clause", lang),
                    _t("col_text", lang),
                    _t("col_pct", lang),
                    _t("col_gap", lang),
                    _t("col_nc", lang),
                    _t("col_labs", lang),
                ],
                [
                    [
                        x.item_id + (" ★" if x.knockout else ""),
                        x.clause,
                        x.text.get(lang),
                        f"{x.percent:.1f}%",
                        x.labs_gap,
                        x.labs_nonconform,
                        x.labs_applicable,
                    ]
                    for x in result.items[:top]
                ],
                [24 * mm, 12 * mm, BODY_W - 24 * mm - 12 * mm - 4 * 14 * mm, 14 * mm, 14 * mm, 14 * mm, 14 * mm],
            )
        )
        if heat.labs:
            story.append(
                KeepTogether([p(_t("heat", lang), h2), p(_t("heat_note", lang), small), heatmap_drawing(heat, font)])
            )
        if drill:
            story.append(p(_t("drill", lang), h2))
            for item_id, labs in drill.items():
                story.append(p(f"{item_id}: {len(labs)}", base))
                story.append(
                    table(
                        [
                            _t("col_lab", lang),
                            _t("col_status", lang),
                            _t("col_date", lang),
                            _t("col_industry", lang),
                            _t("col_size", lang),
                        ],
                        [
                            [
                                x.label,
                                STATUS.get(x.status, (x.status, x.status))[0 if lang == "zh" else 1],
                                x.assessed_on,
                                x.industry,
                                x.size,
                            ]
                            for x in labs[:15]
                        ],
                        [BODY_W * 0.32, BODY_W * 0.17, BODY_W * 0.17, BODY_W * 0.17, BODY_W * 0.17],
                    )
                )
                story.append(Spacer(1, 2 * mm))

    return write_story(
        story, out, title=_t("title", lang), footer=f"LabAssess — {_t('title', lang)}", font=font, lang=lang
    )

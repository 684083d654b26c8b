"""The follow-up report (PDF, zh or en): before and after of two assessments of one lab.

Readiness before/after, clause score deltas (table + paired bars), gaps closed / still open /
regressed / new, items still to re-verify, and overdue plan actions.  Fonts: the bundled Noto Sans
SC registered by ``app.report.fonts``; user text is escaped before it becomes a Paragraph.
"""

from __future__ import annotations

import datetime as dt
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
GREY = colors.HexColor("#B0B8C4")
TEAL = colors.HexColor("#2A9D8F")
ZEBRA = colors.HexColor("#F4F7FA")

L = {
    "title": ("跟踪复查报告", "Follow-up report"),
    "lab": ("实验室", "Lab"),
    "before": ("上次评估", "Before"),
    "after": ("本次评估", "After"),
    "readiness": ("准备度", "Readiness"),
    "change": ("变化", "Change"),
    "clauses": ("条款得分变化", "Clause scores before and after"),
    "closed": ("已关闭的差距", "Gaps closed"),
    "still_open": ("仍未关闭的差距", "Gaps still open"),
    "regressed": ("退步的条目", "Items that regressed"),
    "new_gap": ("新发现的差距", "New gaps"),
    "pending": ("待复核（沿用上次结论，尚未重新核实）", "To re-verify (carried over, not re-checked yet)"),
    "overdue": ("逾期未完成的整改措施", "Overdue improvement actions"),
    "none": ("无", "None"),
    "legend": (
        "灰色：上次评估；青绿色：本次评估；右侧数字为变化（百分点）。",
        "Grey: before; teal: after; the number on the right is the change in percentage points.",
    ),
    "col_item": ("条目", "Item"),
    "col_clause": ("条款", "Clause"),
    "col_text": ("内容", "Text"),
    "col_before": ("之前", "Before"),
    "col_after": ("之后", "After"),
    "col_delta": ("变化", "Δ"),
    "col_action": ("措施", "Action"),
    "col_owner": ("负责人", "Owner"),
    "col_due": ("截止", "Due"),
    "col_days": ("逾期天数", "Days overdue"),
    "col_status": ("状态", "Status"),
    "summary": (
        "已关闭 {closed} 项，仍未关闭 {open} 项，退步 {reg} 项，新差距 {new} 项，待复核 {pending} 项，逾期措施 {overdue} 项。",
        "{closed} gap(s) closed, {open} still open, {reg} regressed, {new} new, {pending} to re-verify, "
        "{overdue} overdue action(s).",
    ),
}
STATUS = {
    "conform": ("符合", "Conform"),
    "partial": ("部分符合", "Partial"),
    "nonconform": ("不符合", "Nonconform"),
    "na": ("不适用", "N/A"),
    None: ("未评估", "Not assessed"),
}


def _l(key: str, lang: str) -> str:
    zh, en = L[key]
    return zh if lang == "zh" else en


def _pct(v) -> str:
    return "—" if v is None else f"{v:.1f}%"


def clause_pairs(clauses, font: str, width: float = BODY_W) -> Drawing:
    """Paired bars per clause: before (grey) and after (teal)."""
    rows = [c for c in clauses if c.before is not None or c.after is not None]
    bar_h, gap = 2.4 * mm, 1.6 * mm
    label_w = 14 * mm
    h = len(rows) * (2 * bar_h + gap) + 2 * mm
    d = Drawing(width, h)
    span = width - label_w - 16 * mm
    for i, c in enumerate(rows):
        y = h - (i + 1) * (2 * bar_h + gap)
        d.add(String(label_w - 2 * mm, y + bar_h * 0.6, c.clause, fontName=font, fontSize=6.5, textAnchor="end"))
        d.add(Rect(label_w, y + bar_h, span * (c.before or 0) / 100.0, bar_h, fillColor=GREY, strokeColor=None))
        d.add(Rect(label_w, y, span * (c.after or 0) / 100.0, bar_h, fillColor=TEAL, strokeColor=None))
        if c.delta is not None:
            d.add(String(label_w + span + 1.5 * mm, y + bar_h * 0.6, f"{c.delta:+.1f}", fontName=font, fontSize=6.5))
    return d


def write_followup_pdf(comparison, out: Path, lang: str = "zh") -> Path:
    """Write the before/after report of ``comparison`` (``FollowupService.compare``) atomically."""
    from app.report.fonts import register_fonts

    font, bold = register_fonts()
    base = ParagraphStyle("b", fontName=font, fontSize=9, leading=13, wordWrap="CJK")
    small = ParagraphStyle("s", parent=base, fontSize=7.5, leading=10)
    h1 = ParagraphStyle("h1", parent=base, fontName=bold, fontSize=18, leading=24, textColor=NAVY)
    h2 = ParagraphStyle(
        "h2", parent=base, fontName=bold, fontSize=12, leading=17, textColor=NAVY, spaceBefore=8, spaceAfter=4
    )

    def p(text, style=base) -> Paragraph:
        return Paragraph(escape(str(text)).replace("\n", "<br/>"), style)

    def table(header, rows, widths) -> Table:
        t = Table(
            [[p(h, small) for h in header]] + [[p(c, small) for c in r] for r in rows], colWidths=widths, repeatRows=1
        )
        t.setStyle(
            TableStyle(
                [
                    ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#DCE4EE")),
                    ("ROWBACKGROUNDS", (0, 1), (-1, -1), [colors.white, ZEBRA]),
                    ("GRID", (0, 0), (-1, -1), 0.25, GREY),
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ]
            )
        )
        return t

    c = comparison

    def st(s):
        return STATUS.get(s, (s, s))[0 if lang == "zh" else 1]

    story = [p(_l("title", lang), h1), p(f"{_l('lab', lang)}: {c.lab_name}"), Spacer(1, 3 * mm)]
    story.append(
        table(
            ["", _l("before", lang), _l("after", lang), _l("change", lang)],
            [
                ["#", f"#{c.before.id} {c.before.assessed_on}", f"#{c.after.id} {c.after.assessed_on}", ""],
                [
                    _l("readiness", lang),
                    _pct(c.readiness_before),
                    _pct(c.readiness_after),
                    "—" if c.readiness_delta is None else f"{c.readiness_delta:+.1f}",
                ],
            ],
            [BODY_W * 0.25] * 4,
        )
    )
    story.append(Spacer(1, 2 * mm))
    story.append(
        p(
            _l("summary", lang).format(
                closed=len(c.of("closed")),
                open=len(c.of("still_open")),
                reg=len(c.of("regressed")),
                new=len(c.of("new_gap")),
                pending=c.pending,
                overdue=len(c.overdue),
            )
        )
    )
    story.append(
        KeepTogether([p(_l("clauses", lang), h2), p(_l("legend", lang), small), clause_pairs(c.clauses, font)])
    )
    story.append(Spacer(1, 2 * mm))
    story.append(
        table(
            [_l("col_clause", lang), "", _l("col_before", lang), _l("col_after", lang), _l("col_delta", lang)],
            [
                [
                    d.clause,
                    d.title.get(lang),
                    _pct(d.before),
                    _pct(d.after),
                    "—" if d.delta is None else f"{d.delta:+.1f}",
                ]
                for d in c.clauses
                if d.before is not None or d.after is not None
            ],
            [16 * mm, BODY_W - 16 * mm - 3 * 22 * mm, 22 * mm, 22 * mm, 22 * mm],
        )
    )
    widths = [24 * mm, 12 * mm, BODY_W - 24 * mm - 12 * mm - 2 * 22 * mm, 22 * mm, 22 * mm]
    for key in ("closed", "still_open", "regressed", "new_gap"):
        rows = c.of(key)
        story.append(p(f"{_l(key, lang)} ({len(rows)})", h2))
        if rows:
            story.append(
                table(
                    [
                        _l("col_item", lang),
                        _l("col_clause", lang),
                        _l("col_text", lang),
                        _l("col_before", lang),
                        _l("col_after", lang),
                    ],
                    [
                        [o.item_id + (" *" if o.pending else ""), o.clause, o.text.get(lang), st(o.before), st(o.after)]
                        for o in rows
                    ],
                    widths,
                )
            )
        else:
            story.append(p(_l("none", lang), small))
    pending = [o for o in c.outcomes if o.pending]
    story.append(p(f"{_l('pending', lang)} ({len(pending)})", h2))
    story.append(p(", ".join(o.item_id for o in pending) or _l("none", lang), small))
    story.append(p(f"{_l('overdue', lang)} ({len(c.overdue)})", h2))
    if c.overdue:
        story.append(
            table(
                [
                    _l("col_action", lang),
                    _l("col_owner", lang),
                    _l("col_due", lang),
                    _l("col_days", lang),
                    _l("col_status", lang),
                ],
                [[a.text.get(lang), a.owner, a.due_date, a.days_overdue, a.status] for a in c.overdue],
                [BODY_W - 4 * 24 * mm, 24 * mm, 24 * mm, 24 * mm, 24 * mm],
            )
        )
    else:
        story.append(p(_l("none", lang), small))

    return write_story(
        story,
        out,
        title=_l("title", lang),
        footer=f"LabAssess — {_l('title', lang)} — {dt.date.today().isoformat()}",
        font=font,
        lang=lang,
    )

"""Vector charts drawn with ReportLab's own graphics (no Qt, no raster images).

* ``radar``: the clause scores on a ``SpiderChart`` with a light 100 % reference ring.
* ``bars``: one horizontal bar per clause, coloured by score band.
* ``gantt``: the roadmap: one bar per phase, action due dates as ticks, milestones as diamonds.

Every string uses the embedded font (a Drawing's default would be the non-embedded Helvetica).
"""

from __future__ import annotations

import datetime as dt

from reportlab.graphics.charts.barcharts import HorizontalBarChart
from reportlab.graphics.charts.spider import SpiderChart
from reportlab.graphics.shapes import Drawing, Line, Polygon, Rect, String
from reportlab.lib import colors

from app.report.fonts import FONT, FONT_BOLD, register_fonts

NAVY = colors.HexColor("#1F3A5F")
TEAL = colors.HexColor("#2A7F8E")
GREY = colors.HexColor("#B8C2CC")
LIGHT = colors.HexColor("#EEF2F6")
RED = colors.HexColor("#C0392B")
AMBER = colors.HexColor("#E0A030")
GREEN = colors.HexColor("#2E8B57")
PHASE_COLOURS = (RED, AMBER, TEAL, NAVY)


def score_colour(percent: float | None):
    """Traffic-light colour of a score (grey when not assessed)."""
    if percent is None:
        return GREY
    if percent >= 90:
        return GREEN
    if percent >= 75:
        return TEAL
    if percent >= 55:
        return AMBER
    return RED


def radar(keys: list[str], values: list[float | None], width: float = 250, height: float = 250) -> Drawing:
    """Clause radar: ``values`` in percent (None drawn as 0)."""
    register_fonts()
    d = Drawing(width, height)
    chart = SpiderChart()
    pad = 28
    chart.x, chart.y = pad, pad
    chart.width, chart.height = width - 2 * pad, height - 2 * pad
    chart.data = [[v or 0.0 for v in values], [100.0] * len(values)]
    chart.labels = list(keys)
    chart.strands[0].strokeColor = TEAL
    chart.strands[0].fillColor = colors.Color(0.16, 0.5, 0.56, alpha=0.25)
    chart.strands[0].strokeWidth = 1.2
    chart.strands[1].strokeColor = GREY
    chart.strands[1].fillColor = None
    chart.strands[1].strokeWidth = 0.5
    chart.spokes.strokeColor = LIGHT
    chart.spokeLabels.fontName = FONT
    chart.spokeLabels.fontSize = 6.5
    chart.spokeLabels.fillColor = NAVY
    chart.strandLabels.fontName = FONT
    d.add(chart)
    return d


def bars(keys: list[str], values: list[float | None], width: float = 250, height: float | None = None) -> Drawing:
    """Per-clause horizontal bar chart (0–100 %), first clause at the top."""
    register_fonts()
    n = max(len(keys), 1)
    height = height or max(120.0, 9.0 * n + 40)
    d = Drawing(width, height)
    chart = HorizontalBarChart()
    chart.x, chart.y = 34, 22
    chart.width, chart.height = width - 50, height - 34
    rev_keys = list(reversed(keys))
    rev_vals = [v or 0.0 for v in reversed(values)]
    chart.data = [rev_vals]
    chart.categoryAxis.categoryNames = rev_keys
    chart.categoryAxis.labels.fontName = FONT
    chart.categoryAxis.labels.fontSize = 6.5
    chart.categoryAxis.labels.boxAnchor = "e"
    chart.categoryAxis.labels.dx = -3
    chart.categoryAxis.strokeColor = GREY
    chart.valueAxis.valueMin = 0
    chart.valueAxis.valueMax = 100
    chart.valueAxis.valueStep = 25
    chart.valueAxis.labels.fontName = FONT
    chart.valueAxis.labels.fontSize = 6.5
    chart.valueAxis.strokeColor = GREY
    chart.valueAxis.visibleGrid = True
    chart.valueAxis.gridStrokeColor = LIGHT
    chart.barWidth = 5
    chart.groupSpacing = 3
    chart.bars[0].strokeColor = None
    for i, v in enumerate(reversed(values)):
        chart.bars[(0, i)].fillColor = score_colour(v)
    d.add(chart)
    return d


def gantt(phases, milestones, action_dues, *, width: float = 480, lang: str = "zh") -> Drawing:
    """Roadmap by phase.

    Args:
        phases: rows with ``phase``, ``title``, ``start``, ``end``.
        milestones: rows with ``id``, ``title``, ``date``, ``state`` (route milestones).
        action_dues: ``(phase, due date)`` of every action (drawn as ticks on its phase bar).
    """
    register_fonts()
    dates = [p.start for p in phases] + [p.end for p in phases] + [m.date for m in milestones]
    dates += [d for _p, d in action_dues if d]
    if not dates:
        return Drawing(width, 20)
    lo, hi = min(dates), max(dates)
    lo = dt.date(lo.year, lo.month, 1)
    hi = hi + dt.timedelta(days=10)
    span = max((hi - lo).days, 1)
    left, right = 150.0, 8.0
    row_h, gap = 16.0, 6.0
    n_rows = len(phases)
    ms_h = 14.0 * len(milestones) + 10
    height = 26 + n_rows * (row_h + gap) + ms_h + 12
    d = Drawing(width, height)

    def x(day: dt.date) -> float:
        return left + (width - left - right) * (day - lo).days / span

    top = height - 22
    # month grid
    m = lo
    while m <= hi:
        xx = x(m)
        d.add(Line(xx, 8, xx, top + 6, strokeColor=LIGHT, strokeWidth=0.6))
        d.add(
            String(
                xx + 2,
                top + 8,
                f"{m.year % 100:02d}-{m.month:02d}" if m.month != 1 and m != lo else f"{m.year}-{m.month:02d}",
                fontName=FONT,
                fontSize=6,
                fillColor=NAVY,
            )
        )
        m = dt.date(m.year + (m.month // 12), m.month % 12 + 1, 1)
    y = top
    for p in phases:
        y -= row_h + gap
        colour = PHASE_COLOURS[p.phase % len(PHASE_COLOURS)]
        d.add(String(4, y + 4, _fit(p.title, left - 10, 6.8), fontName=FONT, fontSize=6.8, fillColor=NAVY))
        x0, x1 = x(p.start), max(x(p.end), x(p.start) + 2)
        d.add(Rect(x0, y, x1 - x0, row_h, fillColor=colour, strokeColor=None, fillOpacity=0.85))
        for ph, due in action_dues:
            if ph == p.phase and due:
                xx = x(due)
                d.add(Line(xx, y - 2, xx, y + 1.5, strokeColor=colour, strokeWidth=0.8))
    y -= 12
    for ms in milestones:
        y -= 14
        xx = x(ms.date)
        fill = GREEN if ms.state == "pass" else NAVY
        d.add(
            Polygon(
                [xx, y + 9, xx + 4.5, y + 4.5, xx, y, xx - 4.5, y + 4.5],
                fillColor=fill,
                strokeColor=colors.white,
                strokeWidth=0.5,
            )
        )
        d.add(Line(xx, y + 9, xx, top, strokeColor=fill, strokeWidth=0.3, strokeDashArray=[1, 2]))
        label = f"{ms.title}  {ms.date.isoformat()}"
        anchor_right = xx > left + (width - left) * 0.6
        d.add(
            String(
                xx - 7 if anchor_right else xx + 7,
                y + 2,
                label,
                fontName=FONT_BOLD if ms.id == "apply" else FONT,
                fontSize=6.8,
                fillColor=NAVY,
                textAnchor="end" if anchor_right else "start",
            )
        )
    return d


def _fit(text: str, width: float, size: float) -> str:
    """``text`` shortened with an ellipsis so that it fits ``width`` points (fixed labels only)."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    if stringWidth(text, FONT, size) <= width:
        return text
    while text and stringWidth(text + "…", FONT, size) > width:
        text = text[:-1]
    return text + "…"


def clause_charts(clauses, half: float) -> tuple[Drawing, Drawing]:
    """The clause radar and the per-clause bars for a report (``clauses``: rows with key, percent)."""
    keys = [c.key for c in clauses]
    values = [c.percent for c in clauses]
    return radar(keys, values, width=half, height=half), bars(
        keys, values, width=half, height=max(half, 9.0 * len(keys) + 40)
    )


def roadmap(data, width: float) -> Drawing:
    """The roadmap (``gantt``) of a report's phases, route milestones and action due dates."""
    return gantt(data.phases, data.route, [(a.phase, a.due) for a in data.actions], width=width, lang=data.lang)

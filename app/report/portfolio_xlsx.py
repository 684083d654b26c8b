"""The common-problems report as an Excel workbook (zh or en): summary + training, items, clauses,
heat map (coloured cells), and the labs behind the top items (pseudonyms unless names are shown)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from pathlib import Path

from app.report.portfolio_pdf import STATUS, T


def _t(key: str, lang: str) -> str:
    zh, en = T[key]
    return zh if lang == "zh" else en


def _safe(v):
    """Cell text that Excel never runs as a formula (user text starting with = + - @)."""
    if isinstance(v, str) and v[:1] in ("=", "+", "-", "@"):
        return "'" + v
    return v


def _hex(v: float | None) -> str:
    from app.report.portfolio_pdf import heat_colour

    c = heat_colour(v)
    return f"{int(c.red * 255):02X}{int(c.green * 255):02X}{int(c.blue * 255):02X}"


def write_portfolio_xlsx(
    result, heat, drill: Mapping[str, Sequence], out: Path, lang: str = "zh", *, show_labs: bool = False
) -> Path:
    """Write the workbook to ``out`` atomically and return it."""
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill

    wb = Workbook()
    ws = wb.active
    ws.title = "概要" if lang == "zh" else "Summary"
    bold = Font(bold=True)
    ws.append([_t("title", lang)])
    ws["A1"].font = Font(bold=True, size=14)
    ws.append([_t("cohort", lang), result.cohort.describe(lang)])
    ws.append([_t("labs", lang), result.labs])
    ws.append([_t("made", lang), dt.date.today().isoformat()])
    ws.append([_t("named" if show_labs else "anon", lang)])
    ws.append([_t("method", lang)])
    ws.append([])
    ws.append([_t("training", lang)])
    ws.cell(ws.max_row, 1).font = bold
    ws.append(
        [
            _t("col_course", lang),
            _t("col_theme", lang),
            _t("col_pct", lang),
            _t("col_labs", lang),
            _t("col_item", lang),
            _t("col_hours", lang),
            "message",
        ]
    )
    for tr in result.training:
        ws.append(
            [
                _safe(tr.title.get(lang)),
                _safe(tr.theme_title.get(lang)),
                tr.percent,
                tr.labs,
                tr.item_id,
                tr.hours,
                _safe(tr.message(lang)),
            ]
        )
    ws.column_dimensions["A"].width = 36
    ws.column_dimensions["B"].width = 30

    wi = wb.create_sheet("条目" if lang == "zh" else "Items")
    wi.append(
        [
            _t("col_item", lang),
            _t("col_clause", lang),
            _t("col_text", lang),
            _t("col_pct", lang),
            _t("col_gap", lang),
            _t("col_nc", lang),
            "partial",
            _t("col_labs", lang),
            "N/A",
            "knock-out",
        ]
    )
    for x in result.items:
        wi.append(
            [
                x.item_id,
                x.clause,
                _safe(x.text.get(lang)),
                x.percent,
                x.labs_gap,
                x.labs_nonconform,
                x.labs_partial,
                x.labs_applicable,
                x.labs_na,
                "★" if x.knockout else "",
            ]
        )
    wi.column_dimensions["C"].width = 60
    wi.freeze_panes = "A2"

    wc = wb.create_sheet("条款" if lang == "zh" else "Clauses")
    wc.append([_t("col_clause", lang), "title", _t("col_pct", lang), _t("col_gap", lang), _t("col_labs", lang)])
    for c in result.clauses:
        wc.append([c.clause, c.title.get(lang), c.percent, c.labs_gap, c.labs_applicable])
    wc.column_dimensions["B"].width = 40

    wh = wb.create_sheet("热力图" if lang == "zh" else "Heat map")
    wh.append([_t("col_lab", lang), *heat.clauses])
    for lab, values in zip(heat.labs, heat.values):
        wh.append([_safe(lab), *[None if v is None else round(v * 100, 1) for v in values]])
        r = wh.max_row
        for j, v in enumerate(values, start=2):
            wh.cell(r, j).fill = PatternFill("solid", fgColor=_hex(v))
    wh.column_dimensions["A"].width = 30

    wd = wb.create_sheet("涉及实验室" if lang == "zh" else "Labs affected")
    wd.append(
        [
            _t("col_item", lang),
            _t("col_lab", lang),
            _t("col_status", lang),
            _t("col_date", lang),
            _t("col_industry", lang),
            _t("col_size", lang),
        ]
    )
    for item_id, labs in drill.items():
        for x in labs:
            wd.append(
                [
                    item_id,
                    _safe(x.label),
                    STATUS.get(x.status, (x.status, x.status))[0 if lang == "zh" else 1],
                    x.assessed_on,
                    x.industry,
                    x.size,
                ]
            )
    wd.column_dimensions["B"].width = 30

    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".part")
    try:
        wb.save(tmp)
        tmp.replace(out)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return out

"""The Excel tracking workbook (openpyxl): gap register, action plan, gates, training as filterable sheets.

Every sheet has a bold, frozen header row and an autofilter.  Dates are real Excel dates.  User
text is stored as text exactly as typed: a value starting with ``=`` stays text (never a formula),
and control characters XML cannot hold are shown as visible control pictures.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from app.report.docx import xml_safe
from app.report.labels import label

HEAD_FILL = PatternFill("solid", fgColor="1F3A5F")
HEAD_FONT = Font(bold=True, color="FFFFFF")
WRAP = Alignment(wrap_text=True, vertical="top")
MAX_CELL = 32_767  # Excel's limit on one cell; longer text continues in the next row


def _sheet(wb, title: str, headers: list[str], rows: list[list], widths: list[int]):
    ws = wb.create_sheet(title[:31])
    ws.append(headers)
    for cell in ws[1]:
        cell.font, cell.fill, cell.alignment = HEAD_FONT, HEAD_FILL, WRAP
    for r in rows:
        values = list(r)
        pieces = max((len(v) // MAX_CELL + 1 for v in values if isinstance(v, str)), default=1)
        for k in range(pieces):
            row = []
            for v in values:
                if isinstance(v, str):
                    v = xml_safe(v)[k * MAX_CELL : (k + 1) * MAX_CELL] if (k == 0 or len(v) > MAX_CELL) else ""
                elif k:
                    v = None
                row.append(v)
            ws.append(row)
            for cell in ws[ws.max_row]:
                if isinstance(cell.value, str):
                    cell.data_type = "s"  # '=1+1' typed by a user stays text, never a formula
                elif isinstance(cell.value, dt.date):
                    cell.number_format = "yyyy-mm-dd"
                cell.alignment = WRAP
    for i, w in enumerate(widths, 1):
        ws.column_dimensions[get_column_letter(i)].width = w
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:{get_column_letter(len(headers))}{max(ws.max_row, 1)}"
    return ws


def write_xlsx(data, out: Path) -> Path:
    """Render ``data`` (``ReportData``) as a tracking workbook."""
    lang = data.lang
    L = lambda key: label(lang, key)  # noqa: E731
    wb = Workbook()
    wb.remove(wb.active)
    wb.properties.title = xml_safe(f"{data.title} — {data.lab_name}")
    wb.properties.creator = xml_safe(data.assessor or "LabAssess")
    wb.properties.subject = L("report_subject")
    wb.properties.language = "zh-CN" if lang == "zh" else "en"
    _sheet(
        wb,
        "差距清单" if lang == "zh" else "Gap register",
        [
            L("item"),
            L("clause"),
            L("finding"),
            L("status"),
            L("criticality"),
            L("knockout"),
            L("priority"),
            L("note"),
            L("expected_evidence"),
            L("attached"),
        ],
        [
            [
                g.item_id,
                g.clause,
                g.finding,
                g.status_label,
                g.criticality,
                L("yes") if g.knockout else L("no_"),
                g.priority,
                g.note,
                "\n".join(g.expected_evidence),
                "\n".join(g.attached),
            ]
            for g in data.gaps
        ],
        [14, 9, 50, 12, 10, 10, 9, 50, 36, 24],
    )
    _sheet(
        wb,
        "改进计划" if lang == "zh" else "Action plan",
        [
            L("no"),
            "key",
            L("action"),
            L("closes"),
            L("clause"),
            L("priority"),
            L("phase"),
            L("owner"),
            L("effort"),
            L("start"),
            L("due"),
            L("status"),
            L("closure"),
            L("note"),
            "验证" if lang == "zh" else "Verification",
        ],
        [
            [
                a.no,
                a.key,
                a.text,
                ", ".join(a.item_ids),
                ", ".join(a.clauses),
                a.priority,
                a.phase,
                a.owner,
                a.effort_days,
                a.start,
                a.due,
                a.status_label,
                a.closure_evidence,
                a.closure_note,
                a.verification,
            ]
            for a in data.actions
        ],
        [6, 18, 60, 20, 12, 8, 7, 20, 9, 12, 12, 12, 40, 30, 40],
    )
    _sheet(
        wb,
        "关口与里程碑" if lang == "zh" else "Gates and milestones",
        [L("gate"), L("title"), L("state"), L("reason"), L("milestone_date")],
        [[g.id, g.title, g.state_label, g.reason, g.date] for g in data.gates]
        + [[m.id, m.title, m.state_label, "", m.date] for m in data.route],
        [10, 40, 12, 60, 14],
    )
    _sheet(
        wb,
        "培训计划" if lang == "zh" else "Training plan",
        [
            L("module"),
            L("title"),
            L("audience"),
            L("when"),
            L("hours"),
            L("method"),
            L("effectiveness_eval"),
            L("serves"),
        ],
        [
            [
                t.module_id,
                f"{t.theme_title} · {t.title}",
                t.audience,
                t.when,
                t.hours,
                t.method,
                t.effectiveness,
                t.serves,
            ]
            for t in data.training
        ],
        [12, 44, 40, 12, 8, 30, 40, 30],
    )
    wb.save(str(out))
    return out

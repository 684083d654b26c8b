"""Read bulk answers (item, status, note, N/A reason) from a CSV or XLSX file filled in offline."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from app.assessment.model import parse_status
from app.services.assessments import AnswerChange
from app.services.errors import ValidationError

COLUMNS = ("item", "status", "note", "na_reason")
_HEADER_ALIASES = {
    "item": "item",
    "item_id": "item",
    "条目": "item",
    "条目编号": "item",
    "status": "status",
    "结论": "status",
    "状态": "status",
    "note": "note",
    "备注": "note",
    "说明": "note",
    "na_reason": "na_reason",
    "n/a reason": "na_reason",
    "na reason": "na_reason",
    "不适用理由": "na_reason",
}
MAX_ROWS = 20_000


def read_answers(path: Path) -> list[AnswerChange]:
    """Parse a bulk-answer file.

    The first row is a header naming at least ``item`` and ``status`` (English or Chinese names).

    Raises:
        ValidationError: naming the file, row and column of the first problem found.
    """
    name = path.name
    rows = _rows(path)
    if not rows:
        raise ValidationError(name, "the file is empty")
    header = [_HEADER_ALIASES.get(str(h or "").strip().lower(), str(h or "").strip()) for h in rows[0]]
    for needed in ("item", "status"):
        if needed not in header:
            raise ValidationError(
                f"{name} row 1", f"missing column {needed!r} (columns: item, status, note, na_reason)"
            )
    if len(rows) > MAX_ROWS:
        raise ValidationError(name, f"more than {MAX_ROWS} rows")
    index = {h: i for i, h in enumerate(header) if h in COLUMNS}
    out: list[AnswerChange] = []
    seen: dict[str, int] = {}
    for n, row in enumerate(rows[1:], start=2):
        cells = {k: ("" if i >= len(row) or row[i] is None else str(row[i])) for k, i in index.items()}
        if not any(v.strip() for v in cells.values()):
            continue
        item = cells.get("item", "").strip()
        if not item:
            raise ValidationError(f"{name} row {n}", "column 'item' is empty")
        if item in seen:
            raise ValidationError(f"{name} row {n}", f"item {item} already given in row {seen[item]}")
        seen[item] = n
        try:
            status = parse_status(cells.get("status", ""))
        except ValueError as exc:
            raise ValidationError(f"{name} row {n} column status", str(exc)) from None
        out.append(AnswerChange(item, status, cells.get("note", ""), cells.get("na_reason", "")))
    return out


def _rows(path: Path) -> list[list]:
    suffix = path.suffix.lower()
    try:
        if suffix == ".csv":
            raw = path.read_bytes()
            try:
                text = raw.decode("utf-8-sig")
            except UnicodeDecodeError:
                text = raw.decode("gb18030")  # Excel on Chinese Windows saves CSV as GBK
            return list(csv.reader(io.StringIO(text)))
        if suffix == ".xlsx":
            from openpyxl import load_workbook

            wb = load_workbook(path, read_only=True, data_only=True)
            try:
                ws = wb.active
                return [list(r) for r in ws.iter_rows(values_only=True)]
            finally:
                wb.close()
    except OSError as exc:
        raise ValidationError(path.name, f"cannot read file: {exc.strerror or exc}") from None
    except Exception as exc:  # noqa: BLE001 - openpyxl raises many types for broken files
        raise ValidationError(path.name, f"not a readable spreadsheet: {exc}") from None
    raise ValidationError(path.name, "use a .csv or .xlsx file")

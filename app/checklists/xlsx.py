"""XLSX authoring template: export any checklist to a workbook and read one back.

Consultants write checklists in Excel.  The workbook has one sheet per kind of row; list cells hold
one entry per line and tag cells are comma-separated.  Reading builds the same plain data as the
YAML loader and runs the same validator, with locations such as ``sheet Items row 12``.
Export then import gives back an equal ``Checklist``.
"""

from __future__ import annotations

import json
from pathlib import Path

from app.checklists.errors import ChecklistError, Problem
from app.checklists.schema import FORMAT_TAG, Checklist
from app.checklists.serialize import to_data
from app.checklists.validate import checklist_from_data

SHEETS = {
    "Checklist": ["key", "value"],
    "Basis": ["id", "title_zh", "title_en", "edition", "checked"],
    "Sections": ["clause", "title_zh", "title_en"],
    "Items": [
        "section",
        "id",
        "clause",
        "text_zh",
        "text_en",
        "guidance_zh",
        "guidance_en",
        "evidence_zh",
        "evidence_en",
        "criticality",
        "knockout",
        "applies_to",
        "fields",
        "option_b",
        "na_allowed",
        "na_justification_zh",
        "na_justification_en",
    ],
    "Actions": [
        "item_id",
        "key",
        "text_zh",
        "text_en",
        "effort_days",
        "owner_role",
        "training_theme",
        "phase",
        "closure_evidence_zh",
        "closure_evidence_en",
    ],
    "Gates": [
        "id",
        "title_zh",
        "title_en",
        "description_zh",
        "description_en",
        "needs_zh",
        "needs_en",
        "rule_type",
        "rule_params_json",
        "milestone",
    ],
}
README_ROWS = [
    ("LabAssess checklist template", "LabAssess 检查表模板"),
    (
        "One row per basis document, section, item, action or gate. Keep the header rows.",
        "每行一个依据文件、章节、条目、行动或关口；不要改动表头。",
    ),
    (
        "Lists (evidence, needs): one entry per line inside the cell (Alt+Enter).",
        "列表（证据、所需数据）：单元格内每行一项（Alt+Enter 换行）。",
    ),
    ("Tags (applies_to, fields): comma-separated.", "标签（applies_to、fields）：用英文逗号分隔。"),
    ("Every text needs both Chinese (_zh) and English (_en).", "所有文字须同时填写中文（_zh）和英文（_en）。"),
    ("Validate with: labassess checklist validate FILE.xlsx", "校验命令：labassess checklist validate FILE.xlsx"),
]

MAX_ROWS = 20_000


def write_xlsx(checklist: Checklist, path: Path) -> None:
    """Write ``checklist`` as an authoring workbook at ``path`` (atomic replace)."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill

    data = to_data(checklist)
    wb = Workbook()
    readme = wb.active
    readme.title = "README"
    for en, zh in README_ROWS:
        readme.append([en, zh])
    readme.column_dimensions["A"].width = 80
    readme.column_dimensions["B"].width = 60

    def sheet(name: str, rows: list[list]):
        ws = wb.create_sheet(name)
        ws.append(SHEETS[name])
        for cell in ws[1]:
            cell.font = Font(bold=True)
            cell.fill = PatternFill("solid", fgColor="DDE7F0")
        for r in rows:
            ws.append(["" if v is None else v for v in r])
        for col in ws.columns:
            ws.column_dimensions[col[0].column_letter].width = 18 if len(SHEETS[name]) > 4 else 40
        for row in ws.iter_rows(min_row=2):
            for cell in row:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
        ws.freeze_panes = "A2"
        ws.auto_filter.ref = ws.dimensions

    meta = [
        ["format", FORMAT_TAG],
        ["id", data["id"]],
        ["version", data["version"]],
        ["kind", data["kind"]],
        ["title_zh", data["title"]["zh"]],
        ["title_en", data["title"]["en"]],
        ["description_zh", data.get("description", {}).get("zh", "")],
        ["description_en", data.get("description", {}).get("en", "")],
        ["applies_to_fields", ",".join(data.get("applies_to_fields", []))],
        ["default_enabled", "yes" if data.get("default_enabled", True) else "no"],
    ]
    sheet("Checklist", meta)
    sheet("Basis", [[b["id"], b["title"]["zh"], b["title"]["en"], b["edition"], b["checked"]] for b in data["basis"]])
    sheet("Sections", [[s["clause"], s["title"]["zh"], s["title"]["en"]] for s in data["sections"]])
    items, actions = [], []
    for s in data["sections"]:
        for it in s["items"]:
            na = it.get("na", {})
            just = na.get("justification", {})
            items.append(
                [
                    s["clause"],
                    it["id"],
                    it["clause"],
                    it["text"]["zh"],
                    it["text"]["en"],
                    it["guidance"]["zh"],
                    it["guidance"]["en"],
                    "\n".join(it["evidence"]["zh"]),
                    "\n".join(it["evidence"]["en"]),
                    it["criticality"],
                    "yes" if it.get("knockout") else "no",
                    ",".join(it.get("applies_to", [])),
                    ",".join(it.get("fields", [])),
                    it.get("option_b", "keep"),
                    "yes" if na.get("allowed") else "no",
                    just.get("zh", ""),
                    just.get("en", ""),
                ]
            )
            for a in it["actions"]:
                actions.append(
                    [
                        it["id"],
                        a["key"],
                        a["text"]["zh"],
                        a["text"]["en"],
                        a["effort_days"],
                        a["owner_role"],
                        a["training_theme"],
                        a["phase"],
                        a["closure_evidence"]["zh"],
                        a["closure_evidence"]["en"],
                    ]
                )
    sheet("Items", items)
    sheet("Actions", actions)
    sheet(
        "Gates",
        [
            [
                g["id"],
                g["title"]["zh"],
                g["title"]["en"],
                g["description"]["zh"],
                g["description"]["en"],
                "\n".join(g["needs"]["zh"]),
                "\n".join(g["needs"]["en"]),
                g["rule"]["type"],
                json.dumps(g["rule"]["params"], ensure_ascii=False),
                "yes" if g.get("milestone") else "no",
            ]
            for g in data.get("gates", [])
        ],
    )
    path = Path(path)
    tmp = path.with_name(path.name + ".part")
    wb.save(tmp)
    tmp.replace(path)


def read_xlsx(path: Path) -> Checklist:
    """Read an authoring workbook; raises ``ChecklistError`` with sheet/row/field locations."""
    from openpyxl import load_workbook

    name = Path(path).name
    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 - zip/xml/openpyxl errors of many kinds
        raise ChecklistError([Problem(name, "", "", f"not a readable .xlsx workbook: {exc}")]) from None
    try:
        return _read(wb, name)
    finally:
        wb.close()


def _read(wb, name: str) -> Checklist:
    problems: list[Problem] = []
    locations: dict[tuple, str] = {}

    def rows(sheet_name: str, required: bool = True) -> list[tuple[int, dict]]:
        if sheet_name not in wb.sheetnames:
            if required:
                problems.append(Problem(name, f"sheet {sheet_name}", "", "missing sheet"))
            return []
        ws = wb[sheet_name]
        it = ws.iter_rows(values_only=True)
        header = next(it, None)
        expected = SHEETS[sheet_name]
        if header is None:
            problems.append(Problem(name, f"sheet {sheet_name} row 1", "", "missing header row"))
            return []
        header = [str(h).strip() if h is not None else "" for h in header]
        for col in header:
            if col and col not in expected:
                problems.append(
                    Problem(name, f"sheet {sheet_name} row 1", col, f"unknown column (expected: {', '.join(expected)})")
                )
        out = []
        for n, raw in enumerate(it, start=2):
            if n > MAX_ROWS:
                problems.append(Problem(name, f"sheet {sheet_name}", "", f"more than {MAX_ROWS} rows"))
                break
            if raw is None or all(v is None or str(v).strip() == "" for v in raw):
                continue
            out.append((n, {h: raw[i] if i < len(raw) else None for i, h in enumerate(header) if h}))
        return out

    def s(v) -> str:
        if v is None:
            return ""
        if isinstance(v, float) and v.is_integer():
            v = int(v)
        return str(v)

    def lines(v) -> list[str]:
        return [x.strip() for x in s(v).splitlines() if x.strip()]

    def tags(v) -> list[str]:
        return [x.strip() for x in s(v).split(",") if x.strip()]

    def yes(v) -> bool | str:
        t = s(v).strip().lower()
        if t in ("yes", "y", "true", "1", "是"):
            return True
        if t in ("no", "n", "false", "0", "否", ""):
            return False
        return t  # the validator reports it as a bad boolean

    def num(v):
        if isinstance(v, (int, float)) and not isinstance(v, bool):
            return int(v) if isinstance(v, float) and v.is_integer() else v
        t = s(v).strip()
        try:
            return int(t)
        except ValueError:
            try:
                return float(t)
            except ValueError:
                return t  # reported by the validator as the wrong type

    meta = {s(r.get("key")).strip(): r.get("value") for _n, r in rows("Checklist")}
    data: dict = {
        "format": s(meta.get("format")),
        "id": s(meta.get("id")),
        "version": s(meta.get("version")),
        "kind": s(meta.get("kind")),
        "title": {"zh": s(meta.get("title_zh")), "en": s(meta.get("title_en"))},
        "basis": [],
        "sections": [],
    }
    if s(meta.get("description_zh")) or s(meta.get("description_en")):
        data["description"] = {"zh": s(meta.get("description_zh")), "en": s(meta.get("description_en"))}
    if tags(meta.get("applies_to_fields")):
        data["applies_to_fields"] = tags(meta.get("applies_to_fields"))
    if "default_enabled" in meta:
        data["default_enabled"] = yes(meta.get("default_enabled"))
    for n, r in rows("Basis"):
        locations[("basis", len(data["basis"]))] = f"sheet Basis row {n}"
        data["basis"].append(
            {
                "id": s(r.get("id")),
                "title": {"zh": s(r.get("title_zh")), "en": s(r.get("title_en"))},
                "edition": s(r.get("edition")),
                "checked": _date_text(r.get("checked")),
            }
        )
    section_index: dict[str, int] = {}
    for n, r in rows("Sections"):
        clause = s(r.get("clause")).strip()
        locations[("sections", len(data["sections"]))] = f"sheet Sections row {n}"
        section_index[clause] = len(data["sections"])
        data["sections"].append(
            {"clause": clause, "title": {"zh": s(r.get("title_zh")), "en": s(r.get("title_en"))}, "items": []}
        )
    item_ref: dict[str, dict] = {}
    for n, r in rows("Items"):
        sec = s(r.get("section")).strip()
        if sec not in section_index:
            problems.append(Problem(name, f"sheet Items row {n}", "section", f"no section {sec!r} in sheet Sections"))
            continue
        si = section_index[sec]
        ii = len(data["sections"][si]["items"])
        locations[("sections", si, "items", ii)] = f"sheet Items row {n}"
        item = {
            "id": s(r.get("id")).strip(),
            "clause": s(r.get("clause")).strip(),
            "text": {"zh": s(r.get("text_zh")), "en": s(r.get("text_en"))},
            "guidance": {"zh": s(r.get("guidance_zh")), "en": s(r.get("guidance_en"))},
            "evidence": {"zh": lines(r.get("evidence_zh")), "en": lines(r.get("evidence_en"))},
            "criticality": num(r.get("criticality")),
            "knockout": yes(r.get("knockout")),
            "option_b": s(r.get("option_b")).strip() or "keep",
            "na": {"allowed": yes(r.get("na_allowed"))},
            "actions": [],
        }
        if tags(r.get("applies_to")):
            item["applies_to"] = tags(r.get("applies_to"))
        if tags(r.get("fields")):
            item["fields"] = tags(r.get("fields"))
        if item["na"]["allowed"] is True or s(r.get("na_justification_zh")) or s(r.get("na_justification_en")):
            item["na"]["justification"] = {"zh": s(r.get("na_justification_zh")), "en": s(r.get("na_justification_en"))}
        if item["na"]["allowed"] is not True and "justification" in item["na"]:
            del item["na"]["justification"]
        data["sections"][si]["items"].append(item)
        item_ref[item["id"]] = (item, si, ii)
    for n, r in rows("Actions"):
        iid = s(r.get("item_id")).strip()
        if iid not in item_ref:
            problems.append(Problem(name, f"sheet Actions row {n}", "item_id", f"no item {iid!r} in sheet Items"))
            continue
        item, si, ii = item_ref[iid]
        locations[("sections", si, "items", ii, "actions", len(item["actions"]))] = f"sheet Actions row {n}"
        item["actions"].append(
            {
                "key": s(r.get("key")).strip(),
                "text": {"zh": s(r.get("text_zh")), "en": s(r.get("text_en"))},
                "effort_days": num(r.get("effort_days")),
                "owner_role": s(r.get("owner_role")).strip(),
                "training_theme": s(r.get("training_theme")).strip(),
                "phase": num(r.get("phase")),
                "closure_evidence": {"zh": s(r.get("closure_evidence_zh")), "en": s(r.get("closure_evidence_en"))},
            }
        )
    gates = []
    for n, r in rows("Gates", required=False):
        locations[("gates", len(gates))] = f"sheet Gates row {n}"
        raw_params = s(r.get("rule_params_json")).strip() or "{}"
        try:
            params = json.loads(raw_params)
        except json.JSONDecodeError as exc:
            problems.append(Problem(name, f"sheet Gates row {n}", "rule_params_json", f"not valid JSON: {exc.msg}"))
            params = {}
        gates.append(
            {
                "id": s(r.get("id")).strip(),
                "title": {"zh": s(r.get("title_zh")), "en": s(r.get("title_en"))},
                "description": {"zh": s(r.get("description_zh")), "en": s(r.get("description_en"))},
                "needs": {"zh": lines(r.get("needs_zh")), "en": lines(r.get("needs_en"))},
                "rule": {"type": s(r.get("rule_type")).strip(), "params": params},
                "milestone": yes(r.get("milestone")),
            }
        )
    if gates:
        data["gates"] = gates
    if problems:
        raise ChecklistError(problems)

    def locate(path: tuple) -> str:
        p = tuple(path)
        while p:
            if p in locations:
                return locations[p]
            p = p[:-1]
        return "sheet Checklist"

    return checklist_from_data(data, name, locate)


def _date_text(v) -> str:
    import datetime as dt

    if isinstance(v, dt.datetime):
        return v.date().isoformat()
    if isinstance(v, dt.date):
        return v.isoformat()
    return "" if v is None else str(v).strip()

"""The ``labassess`` command line.  Exit 0 on success, 2 on usage errors, 1 with a one-line message.

Imports of the heavy layers (SQLAlchemy, ReportLab, Qt) happen inside the command functions so
that ``labassess --help`` starts fast.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import logging
import sys
from pathlib import Path

from app import __version__

EXIT_OK, EXIT_ERROR, EXIT_USAGE = 0, 1, 2


def _current_user() -> str:
    """The login name for 'who answered' (USER on Linux/macOS, USERNAME on Windows)."""
    import getpass

    try:
        return getpass.getuser()
    except Exception:  # noqa: BLE001 - no user database entry (containers, services)
        return ""


#: Modules that contribute sub-commands: each has ``register(sub) -> dict[command, handler]`` and
#: keeps its own heavy imports inside the handlers.
COMMAND_MODULES: tuple[str, ...] = (
    "app.cli.cmd_maintenance",
    "app.cli.cmd_report",
    "app.cli.cmd_labfile",
    "app.cli.cmd_portfolio",
    "app.cli.cmd_followup",
)


class UsageError(Exception):
    """Bad arguments: exit 2."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # argparse prints usage and exits 2; we keep that contract
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message}\n")


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (use YYYY-MM-DD): {text!r}") from None


def _csv_list(text: str) -> list[str]:
    return [t.strip() for t in text.split(",") if t.strip()]


def build_parser() -> argparse.ArgumentParser:
    """The argument parser (also used by the docs and tests)."""
    p = _Parser(
        prog="labassess",
        description="LabAssess 实验室能力自评估 — CNAS-CL01 self-assessment, gap scoring and improvement plans. "
        "Without a command, opens the desktop app.",
    )
    p.add_argument("--version", action="version", version=f"labassess {__version__}")
    p.add_argument(
        "--db", metavar="URL", help="database URL or SQLite file (default: $LABASSESS_DB or the embedded file)"
    )
    p.add_argument("--debug", action="store_true", help="show tracebacks")
    sub = p.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    d = sub.add_parser("demo", help="create the demo lab and an answered CNAS-CL01 assessment; print its summary")
    d.add_argument("--json", action="store_true")
    d.add_argument("--out", type=Path, help="also write the improvement plan (.pdf/.docx/.xlsx)")
    d.add_argument("--lang", choices=("zh", "en"), default="zh")

    lab = sub.add_parser("lab", help="labs").add_subparsers(
        dest="lab_cmd", metavar="ACTION", parser_class=_Parser, required=True
    )
    la = lab.add_parser("add", help="add a lab; prints its id")
    la.add_argument("name")
    la.add_argument("--industry", choices=("appliance", "lighting", "other"), default="appliance")
    la.add_argument("--size", choices=("micro", "small", "medium"), default="small")
    la.add_argument("--staff", type=int, help="number of staff")
    la.add_argument(
        "--activities", type=_csv_list, default=["testing"], help="comma list: testing,calibration,sampling,..."
    )
    la.add_argument(
        "--fields",
        type=_csv_list,
        default=[],
        help="comma list of test fields: appliance_safety,luminaire_safety,emc,photometry,battery,chemical,performance",
    )
    la.add_argument("--option", choices=("A", "B"), default="A", help="management-system option")
    la.add_argument("--ms-start", type=_date, help="date the management system started (YYYY-MM-DD)")
    la.add_argument("--internal-audit", type=_date, help="date of the last full internal audit")
    la.add_argument("--management-review", type=_date, help="date of the last management review")
    ll = lab.add_parser("list", help="list labs")
    ll.add_argument("--json", action="store_true")

    asm = sub.add_parser("assessment", help="assessments").add_subparsers(
        dest="asm_cmd", metavar="ACTION", parser_class=_Parser, required=True
    )
    an = asm.add_parser("new", help="start an assessment; prints its id")
    an.add_argument("--lab", type=int, required=True)
    an.add_argument("--checklist", action="append", required=True, help="checklist id (repeat for more packs)")
    an.add_argument("--assessor", default="")
    an.add_argument("--date", type=_date, help="assessment date (default today)")
    al = asm.add_parser("list", help="list assessments")
    al.add_argument("--lab", type=int)
    al.add_argument("--json", action="store_true")
    aa = asm.add_parser("answer", help="answer an item, or many from a CSV/XLSX file")
    aa.add_argument("id", type=int)
    aa.add_argument("item", nargs="?")
    aa.add_argument(
        "status", nargs="?", help="conform partial nonconform na unassessed | 符合 部分符合 不符合 不适用 未评估"
    )
    aa.add_argument("--note", default="")
    aa.add_argument("--na-reason", default="")
    aa.add_argument("--by", default=_current_user())
    aa.add_argument("--from", dest="from_file", type=Path, help="bulk answers: columns item,status,note,na_reason")
    ash = asm.add_parser("show", help="scores by clause, gates, critical gaps, progress")
    ash.add_argument("id", type=int)
    ash.add_argument("--json", action="store_true")
    ash.add_argument("--lang", choices=("zh", "en"), default="zh")

    ck = sub.add_parser("checklist", help="checklists").add_subparsers(
        dest="ck_cmd", metavar="ACTION", parser_class=_Parser, required=True
    )
    cl = ck.add_parser("list", help="list checklist packs")
    cl.add_argument("--json", action="store_true")
    cs = ck.add_parser("show", help="every item of a pack")
    cs.add_argument("id")
    cs.add_argument("--json", action="store_true")
    cv = ck.add_parser("validate", help="validate a checklist file; exit 0 or print every error")
    cv.add_argument("file", type=Path)
    ci = ck.add_parser("import", help="validate and install a checklist (.yaml or .xlsx)")
    ci.add_argument("file", type=Path)
    ce = ck.add_parser("export", help="write a pack as XLSX (the authoring template) or YAML")
    ce.add_argument("id")
    ce.add_argument("--out", type=Path, required=True)

    extra: dict = {}
    import importlib

    for name in COMMAND_MODULES:
        extra.update(importlib.import_module(name).register(sub))
    p.set_defaults(_extra=extra)
    return p


def main(argv: list[str] | None = None) -> int:
    """Entry point of ``labassess`` and ``python -m app``."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        return _open_gui(args)
    from app.cli import commands  # heavy imports only when a command runs

    try:
        return commands.dispatch(args)
    except commands.CommandError as exc:
        print(f"labassess: {exc}", file=sys.stderr)
        return EXIT_ERROR
    except UsageError as exc:
        print(f"labassess: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("labassess: interrupted", file=sys.stderr)
        return EXIT_ERROR
    except Exception as exc:  # noqa: BLE001 - last line of defence: one line, or a traceback with --debug
        if args.debug:
            raise
        logging.getLogger("labassess").exception("unexpected error")
        print(
            f"labassess: unexpected error: {exc.__class__.__name__}: {exc} (run with --debug for details)",
            file=sys.stderr,
        )
        return EXIT_ERROR


def _open_gui(args) -> int:
    from app.ui import start_gc

    start_gc.pause()  # before PySide6 is imported; run_gui resumes it after the first paint
    try:
        from app.ui.main import run_gui
    except ImportError as exc:
        start_gc.resume()
        print(f"labassess: the desktop app cannot start: {exc}", file=sys.stderr)
        return EXIT_ERROR
    return run_gui(db_url=args.db)


def print_json(data) -> None:
    """Print machine-readable output (UTF-8, dates as ISO strings)."""
    print(json.dumps(data, ensure_ascii=False, indent=2, default=_json_default))


def _json_default(o):
    if isinstance(o, (dt.date, dt.datetime)):
        return o.isoformat()
    if hasattr(o, "value"):
        return o.value
    raise TypeError(type(o).__name__)

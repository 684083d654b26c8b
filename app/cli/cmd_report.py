"""CLI: ``labassess report`` (PDF / Word / Excel) and ``labassess plan`` (show, regenerate, edit)."""

from __future__ import annotations

import argparse
from pathlib import Path

from app.cli.main import EXIT_OK, EXIT_USAGE, _current_user, print_json


def register(sub) -> dict:
    """Add the ``report`` and ``plan`` sub-commands."""
    r = sub.add_parser("report", help="write the assessment report and improvement plan (.pdf, .docx or .xlsx)")
    r.add_argument("id", type=int, help="assessment id")
    r.add_argument("--out", type=Path, required=True, help="output file: .pdf, .docx or .xlsx")
    r.add_argument("--lang", choices=("zh", "en"), default="zh")
    r.add_argument("--logo", type=Path, help="optional logo image for the PDF cover")

    p = sub.add_parser(
        "plan",
        help="show the improvement plan: 'plan ID [--json]'; 'plan regenerate ID'; "
        "'plan edit ACTION_ID --owner NAME --due YYYY-MM-DD --status done ...'",
    )
    p.add_argument("words", nargs="+", metavar="ID | regenerate ID | edit ACTION_ID")
    p.add_argument("--json", action="store_true")
    p.add_argument("--lang", choices=("zh", "en"), default="zh")
    p.add_argument("--owner", help="edit: owner name")
    p.add_argument("--start", help="edit: start date YYYY-MM-DD")
    p.add_argument("--due", help="edit: due date YYYY-MM-DD")
    p.add_argument("--status", choices=("open", "in_progress", "done", "verified"), help="edit: status")
    p.add_argument("--priority", choices=("P1", "P2", "P3"), help="edit: priority")
    p.add_argument("--text", help="edit: action text (in --lang)")
    p.add_argument("--version", type=int, dest="expected_version", help="edit: the version you read (optimistic check)")
    return {"report": cmd_report, "plan": cmd_plan}


def _int(text: str, what: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{what} must be a number, not {text!r}") from None


def cmd_report(args) -> int:
    from app.cli.commands import CommandError, _services

    if args.out.suffix.lower() not in (".pdf", ".docx", ".xlsx"):
        raise CommandError("--out must end in .pdf, .docx or .xlsx")
    svc = _services(args)
    try:
        summary = svc.plans.regenerate(args.id)
        out = svc.reports.write(args.id, args.out, args.lang, logo=args.logo)
    finally:
        svc.close()
    if summary.changed:
        print(summary.describe(args.lang))
    print(f"wrote {out}")
    return EXIT_OK


def cmd_plan(args) -> int:
    import sys

    from app.cli.commands import CommandError, _services

    words = args.words
    try:
        if words[0] == "regenerate" and len(words) == 2:
            action, ident = "regenerate", _int(words[1], "ID")
        elif words[0] == "edit" and len(words) == 2:
            action, ident = "edit", _int(words[1], "ACTION_ID")
        elif len(words) == 1:
            action, ident = "show", _int(words[0], "ID")
        else:
            raise argparse.ArgumentTypeError("use 'plan ID', 'plan regenerate ID' or 'plan edit ACTION_ID'")
    except argparse.ArgumentTypeError as exc:
        print(f"labassess: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    svc = _services(args)
    try:
        if action == "regenerate":
            s = svc.plans.regenerate(ident)
            if args.json:
                print_json(
                    {
                        "added": s.added,
                        "dropped": s.dropped,
                        "restored": s.restored,
                        "updated": s.updated,
                        "kept_edits": s.kept_edits,
                        "user_actions": s.user_actions,
                    }
                )
            else:
                print(s.describe(args.lang))
            return EXIT_OK
        if action == "edit":
            changes = {}
            if args.owner is not None:
                changes["owner_name"] = args.owner
            if args.start is not None:
                changes["start_date"] = args.start
            if args.due is not None:
                changes["due_date"] = args.due
            if args.status is not None:
                changes["status"] = args.status
            if args.priority is not None:
                changes["priority"] = args.priority
            if args.text is not None:
                changes["text_zh" if args.lang == "zh" else "text_en"] = args.text
            if not changes:
                raise CommandError("nothing to change: give --owner, --start, --due, --status, --priority or --text")
            a = svc.plans.update(ident, args.expected_version, by=_current_user(), **changes)
            print(f"action {a.id} {a.key}: saved (version {a.version}; edited: {', '.join(a.edited)})")
            return EXIT_OK
        plan = svc.plans.plan(ident)
    finally:
        svc.close()
    sched = plan.schedule
    if args.json:
        print_json(
            {
                "assessment": ident,
                "application_date": sched.application_date,
                "earliest_application": sched.earliest_application,
                "actions": [_action_json(a, args.lang) for a in plan.actions],
                "dropped": [_action_json(a, args.lang) for a in plan.dropped],
                "milestones": [
                    {"id": m.id, "title": m.title.get(args.lang), "date": m.date, "phase": m.phase, "state": m.state}
                    for m in (*sched.milestones, *sched.route)
                ],
                "training": [
                    {
                        "module": t.module_id,
                        "theme": t.theme,
                        "title": t.title.get(args.lang),
                        "when": t.when,
                        "hours": t.hours,
                        "audience": list(t.audience),
                        "items": list(t.item_ids),
                        "actions": list(t.action_keys),
                    }
                    for t in sched.training
                ],
            }
        )
        return EXIT_OK
    from app.cli.commands import _table

    zh = args.lang == "zh"
    _table(
        ["id", "P", "ph", "due", "owner", "status", "closes", "action"],
        [
            [
                a.id,
                a.priority,
                a.phase,
                a.due_date or "",
                a.owner_name,
                a.status,
                ",".join(a.item_ids)[:30],
                _one_line(a.text(args.lang), 60) + (" *" if a.edited else ""),
            ]
            for a in plan.actions
        ],
    )
    print()
    print("里程碑" if zh else "Milestones")
    _table(
        ["id", "date", "state", "title"],
        [
            [m.id, m.date, m.state, m.title.get(args.lang)]
            for m in sorted((*sched.milestones, *sched.route), key=lambda m: m.date)
        ],
    )
    print(
        f"\n{'计划申请日期' if zh else 'Planned application date'}: {sched.application_date}   "
        f"{'行动' if zh else 'actions'}: {len(plan.actions)}   {'已移除' if zh else 'dropped'}: {len(plan.dropped)}"
    )
    return EXIT_OK


def _one_line(text: str, n: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 1] + "…"


def _action_json(a, lang: str) -> dict:
    return {
        "id": a.id,
        "key": a.key,
        "origin": a.origin,
        "text": a.text(lang),
        "items": list(a.item_ids),
        "clauses": list(a.clauses),
        "priority": a.priority,
        "phase": a.phase,
        "owner_role": a.owner_role,
        "owner_name": a.owner_name,
        "effort_days": a.effort_days,
        "start": a.start_date,
        "due": a.due_date,
        "status": a.status,
        "closure_evidence": a.closure_evidence(lang),
        "edited": list(a.edited),
        "dropped": a.dropped,
        "version": a.version,
    }

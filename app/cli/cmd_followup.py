"""CLI: ``labassess followup ID`` (start a re-check), ``labassess confirm ID ITEM``, ``labassess compare A B``
and ``labassess close-action ACTION_ID``."""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path

from app.cli.main import EXIT_OK, _current_user, print_json


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (use YYYY-MM-DD): {text!r}") from None


def register(sub) -> dict:
    """Add the ``followup``, ``confirm``, ``compare`` and ``close-action`` sub-commands."""
    f = sub.add_parser("followup", help="start a follow-up re-check of an assessment; prints the new id")
    f.add_argument("id", type=int, help="the earlier assessment")
    f.add_argument("--assessor", default="")
    f.add_argument("--date", type=_date, help="date of the re-check (default today)")
    c = sub.add_parser("confirm", help="re-verify carried-over answers as they stand (clears 'to re-verify')")
    c.add_argument("id", type=int, help="assessment id")
    c.add_argument("items", nargs="+", metavar="ITEM")
    c.add_argument("--by", default=_current_user())
    m = sub.add_parser(
        "compare", help="compare two assessments of a lab: clause deltas, gaps closed/remaining/new, overdue actions"
    )
    m.add_argument("a", type=int)
    m.add_argument("b", type=int)
    m.add_argument("--json", action="store_true")
    m.add_argument("--out", type=Path, help="write the follow-up report (.pdf)")
    m.add_argument("--lang", choices=("zh", "en"), default="zh")
    x = sub.add_parser("close-action", help="close a plan action with evidence, effectiveness check and verifier")
    x.add_argument("action_id", type=int)
    x.add_argument("--evidence", required=True, help="evidence of closure (what was seen)")
    x.add_argument("--effectiveness", required=True, help="how effectiveness was checked, and the result")
    x.add_argument("--verified-by", required=True)
    x.add_argument("--date", type=_date, help="verification date (default today)")
    x.add_argument("--version", type=int, dest="expected_version", help="the version you read (optimistic check)")
    return {"followup": cmd_followup, "confirm": cmd_confirm, "compare": cmd_compare, "close-action": cmd_close}


def cmd_followup(args) -> int:
    from app.cli.commands import _services

    svc = _services(args)
    try:
        s = svc.followups.start_followup(args.id, assessor=args.assessor, date=args.date)
        print(s.id)
    finally:
        svc.close()
    return EXIT_OK


def cmd_confirm(args) -> int:
    from app.cli.commands import _services

    svc = _services(args)
    try:
        for item in args.items:
            a = svc.assessments.confirm(args.id, item, by=args.by)
            print(f"{a.item_id}: {a.status.value} confirmed (version {a.version})")
    finally:
        svc.close()
    return EXIT_OK


def cmd_close(args) -> int:
    from app.cli.commands import _services

    svc = _services(args)
    try:
        svc.followups.close_action(
            args.action_id,
            closure_note=args.evidence,
            effectiveness=args.effectiveness,
            verified_by=args.verified_by,
            verified_on=args.date,
            expected_version=args.expected_version,
        )
        print(f"action {args.action_id} closed (verified by {args.verified_by})")
    finally:
        svc.close()
    return EXIT_OK


def comparison_json(c, lang: str) -> dict:
    """A comparison as plain data."""
    return {
        "lab": c.lab_name,
        "before": {"id": c.before.id, "assessed_on": c.before.assessed_on, "readiness": c.readiness_before},
        "after": {"id": c.after.id, "assessed_on": c.after.assessed_on, "readiness": c.readiness_after},
        "readiness_delta": c.readiness_delta,
        "clauses": [
            {"clause": d.clause, "title": d.title.get(lang), "before": d.before, "after": d.after, "delta": d.delta}
            for d in c.clauses
        ],
        "counts": {k: len(c.of(k)) for k in ("closed", "still_open", "regressed", "new_gap")},
        "pending": c.pending,
        "items": [
            {
                "item": o.item_id,
                "clause": o.clause,
                "before": o.before,
                "after": o.after,
                "outcome": o.outcome,
                "pending": o.pending,
            }
            for o in c.outcomes
            if o.outcome != "unchanged"
        ],
        "overdue": [
            {
                "id": a.id,
                "assessment_id": a.assessment_id,
                "text": a.text.get(lang),
                "owner": a.owner,
                "due_date": a.due_date,
                "days_overdue": a.days_overdue,
                "status": a.status,
            }
            for a in c.overdue
        ],
    }


def cmd_compare(args) -> int:
    from app.cli.commands import CommandError, _services, _table

    if args.out and args.out.suffix.lower() != ".pdf":
        raise CommandError("--out must end in .pdf")
    svc = _services(args)
    try:
        c = svc.followups.compare(args.a, args.b)
    finally:
        svc.close()
    if args.out:
        from app.report.followup_pdf import write_followup_pdf

        write_followup_pdf(c, args.out, args.lang)
    if args.json:
        print_json(comparison_json(c, args.lang))
    else:
        zh = args.lang == "zh"
        delta = "—" if c.readiness_delta is None else f"{c.readiness_delta:+.1f}"
        print(
            f"{c.lab_name}: #{c.before.id} ({c.before.assessed_on}) → #{c.after.id} ({c.after.assessed_on})   "
            f"{'准备度' if zh else 'readiness'} {_p(c.readiness_before)} → {_p(c.readiness_after)} ({delta})"
        )
        _table(
            ["clause", "before", "after", "Δ"],
            [
                [d.clause, _p(d.before), _p(d.after), "—" if d.delta is None else f"{d.delta:+.1f}"]
                for d in c.clauses
                if d.before is not None or d.after is not None
            ],
        )
        for key, zh_l, en_l in (
            ("closed", "已关闭", "closed"),
            ("still_open", "仍未关闭", "still open"),
            ("regressed", "退步", "regressed"),
            ("new_gap", "新差距", "new gaps"),
        ):
            rows = c.of(key)
            print(f"\n{zh_l if zh else en_l}: {len(rows)}")
            for o in rows[:50]:
                print(
                    f"  {o.item_id}{' (待复核)' if o.pending and zh else (' (to re-verify)' if o.pending else '')}: "
                    f"{o.before or '—'} → {o.after or '—'}"
                )
        print(f"\n{'逾期措施' if zh else 'overdue actions'}: {len(c.overdue)}")
        for a in c.overdue:
            print(f"  #{a.id} {a.text.get(args.lang)[:60]} — {a.owner or '—'}, due {a.due_date} ({a.days_overdue} d)")
    if args.out:
        print(f"wrote {args.out}")
    return EXIT_OK


def _p(v) -> str:
    return "—" if v is None else f"{v:.1f}%"

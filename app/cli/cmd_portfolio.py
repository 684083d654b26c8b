"""CLI: ``labassess portfolio`` — common problems across labs (database or a folder of .labx files)."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

from app.cli.main import EXIT_OK, print_json


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (use YYYY-MM-DD): {text!r}") from None


def _pct(text: str) -> float:
    try:
        v = float(text.rstrip("%"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a percentage: {text!r}") from None
    if not 0 <= v <= 100:
        raise argparse.ArgumentTypeError("the threshold is a percentage between 0 and 100")
    return v


def register(sub) -> dict:
    """Add the ``portfolio`` sub-command."""
    p = sub.add_parser(
        "portfolio",
        help="common problems across labs: items and clauses ranked by the share of labs "
        "with a gap, heat map, recommended group training",
    )
    p.add_argument("--json", action="store_true")
    p.add_argument("--industry", choices=("appliance", "lighting", "other"))
    p.add_argument("--size", choices=("micro", "small", "medium"))
    p.add_argument("--field", help="test field, e.g. luminaire_safety, appliance_safety, emc, photometry")
    p.add_argument("--since", type=_date, help="assessed on or after YYYY-MM-DD")
    p.add_argument("--until", type=_date, help="assessed on or before YYYY-MM-DD")
    p.add_argument(
        "--all-assessments",
        action="store_true",
        help="pool every assessment (default: the latest assessment of each lab)",
    )
    p.add_argument(
        "--threshold",
        type=_pct,
        default=0.0,
        metavar="PCT",
        help="show items and clauses where at least PCT%% of labs have a gap",
    )
    p.add_argument("--top", type=int, default=20, help="number of items to list (default 20)")
    p.add_argument(
        "--labx-dir", type=Path, metavar="DIR", help="rank a folder of .labx lab files instead of the database"
    )
    p.add_argument("--item", help="drill down: the labs with a gap on this item")
    p.add_argument("--clause", help="drill down: the labs with a gap in this clause")
    p.add_argument("--out", type=Path, help="write the common-problems report (.pdf or .xlsx)")
    p.add_argument("--lang", choices=("zh", "en"), default="zh")
    p.add_argument("--show-labs", action="store_true", help="name the labs (default: anonymised pseudonyms)")
    return {"portfolio": cmd_portfolio}


def cmd_portfolio(args) -> int:
    from app.cli.commands import CommandError, _services, _table
    from app.services.portfolio import Cohort, PortfolioService

    if args.out and args.out.suffix.lower() not in (".pdf", ".xlsx"):
        raise CommandError("--out must end in .pdf or .xlsx")
    cohort = Cohort(
        industry=args.industry,
        size=args.size,
        field=args.field,
        since=args.since,
        until=args.until,
        latest_only=not args.all_assessments,
    )
    svc = None
    if args.labx_dir:

        def progress(f, m):
            sys.stderr.write(f"\rreading lab files: {int(f * 100):3d}% {m[:40]:<40}")
            if f >= 1:
                sys.stderr.write("\n")

        pf = PortfolioService.from_labx_dir(args.labx_dir, progress=progress)
        for msg in pf.skipped:
            print(f"skipped: {msg}", file=sys.stderr)
    else:
        svc = _services(args)
        pf = svc.portfolio
    zh = args.lang == "zh"
    try:
        if args.item or args.clause:
            labs = pf.affected(cohort, item_id=args.item, clause=args.clause, show_labs=args.show_labs)
            if args.json:
                print_json(
                    [
                        {
                            "lab": x.label,
                            "assessment_id": x.assessment_id,
                            "assessed_on": x.assessed_on,
                            "industry": x.industry,
                            "size": x.size,
                            "status": x.status,
                            "gaps": x.gaps,
                        }
                        for x in labs
                    ]
                )
            else:
                print(f"{len(labs)} {'个实验室存在差距' if zh else 'lab(s) with a gap'}: {args.item or args.clause}")
                _table(
                    ["lab", "assessment", "date", "industry", "size", "status", "gaps"],
                    [[x.label, x.assessment_id, x.assessed_on, x.industry, x.size, x.status, x.gaps] for x in labs],
                )
            return EXIT_OK
        result = pf.rank(cohort, threshold=args.threshold)
        if args.out:
            heat = pf.heatmap(cohort, show_labs=args.show_labs)
            drill = {
                r.item_id: pf.affected(cohort, item_id=r.item_id, show_labs=args.show_labs)
                for r in result.items[: min(args.top, 10)]
            }
            if args.out.suffix.lower() == ".pdf":
                from app.report.portfolio_pdf import write_portfolio_pdf

                write_portfolio_pdf(result, heat, drill, args.out, args.lang, top=args.top, show_labs=args.show_labs)
            else:
                from app.report.portfolio_xlsx import write_portfolio_xlsx

                write_portfolio_xlsx(result, heat, drill, args.out, args.lang, show_labs=args.show_labs)
        if args.json:
            print_json(result_json(result, args.lang, args.top))
        else:
            _print(result, args, _table)
        if args.out:
            print(f"wrote {args.out}")
    finally:
        if svc is not None:
            svc.close()
        else:
            pf.close()
    if not result.assessments:
        raise CommandError("no assessment matches these filters")
    return EXIT_OK


def result_json(r, lang: str, top: int | None = None) -> dict:
    """The ranking as plain data (also used by the Excel report and tests)."""
    return {
        "cohort": {
            "industry": r.cohort.industry,
            "size": r.cohort.size,
            "field": r.cohort.field,
            "since": r.cohort.since,
            "until": r.cohort.until,
            "latest_only": r.cohort.latest_only,
        },
        "labs": r.labs,
        "assessments": r.assessments,
        "threshold": r.threshold,
        "packs": list(r.packs),
        "items": [
            {
                "item": x.item_id,
                "clause": x.clause,
                "text": x.text.get(lang),
                "percent": x.percent,
                "labs_gap": x.labs_gap,
                "labs_nonconform": x.labs_nonconform,
                "labs_partial": x.labs_partial,
                "labs_applicable": x.labs_applicable,
                "labs_na": x.labs_na,
                "theme": x.theme,
                "knockout": x.knockout,
            }
            for x in (r.items[:top] if top else r.items)
        ],
        "clauses": [
            {
                "clause": c.clause,
                "title": c.title.get(lang),
                "percent": c.percent,
                "labs_gap": c.labs_gap,
                "labs_applicable": c.labs_applicable,
            }
            for c in r.clauses
        ],
        "training": [
            {
                "module": t.module_id,
                "title": t.title.get(lang),
                "theme": t.theme,
                "percent": t.percent,
                "labs": t.labs,
                "item": t.item_id,
                "hours": t.hours,
                "message": t.message(lang),
            }
            for t in r.training
        ],
    }


def _print(r, args, table) -> None:
    zh = args.lang == "zh"
    print(
        f"{'实验室' if zh else 'Labs'}: {r.labs}   {'评估' if zh else 'assessments'}: {r.assessments}   "
        f"{'范围' if zh else 'cohort'}: {r.cohort.describe(args.lang)}"
    )
    if not r.assessments:
        return
    print(
        f"\n{'差距最多的条目（存在差距的实验室占适用实验室的比例）' if zh else 'Items most labs fail (labs with a gap, % of labs where it applies)'}"
    )
    table(
        ["item", "clause", "%", "gap", "NC", "partial", "labs", "text"],
        [
            [
                x.item_id + (" ★" if x.knockout else ""),
                x.clause,
                f"{x.percent:.1f}",
                x.labs_gap,
                x.labs_nonconform,
                x.labs_partial,
                x.labs_applicable,
                x.text.get(args.lang)[:50],
            ]
            for x in r.items[: args.top]
        ],
    )
    print(
        f"\n{'条款（至少一个条目存在差距的实验室比例）' if zh else 'Clauses (labs with at least one gap in the clause)'}"
    )
    table(
        ["clause", "title", "%", "labs with gap", "labs"],
        [[c.clause, c.title.get(args.lang), f"{c.percent:.1f}", c.labs_gap, c.labs_applicable] for c in r.clauses],
    )
    if r.training:
        print(f"\n{'建议的集中培训' if zh else 'Recommended group training'}")
        for t in r.training:
            print(f"  • {t.message(args.lang)}" + (f" ({t.hours:g} h, {t.module_id})" if t.hours else ""))

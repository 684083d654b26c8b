"""Command implementations for the CLI.  Each returns an exit code; errors raise ``CommandError``."""

from __future__ import annotations

import sys
import unicodedata
from pathlib import Path

from app.assessment.model import LabProfile
from app.checklists.errors import ChecklistError
from app.cli.main import EXIT_OK, EXIT_USAGE, print_json
from app.services.errors import ServiceError
from app.storage.errors import DatabaseError, StaleWriteError


class CommandError(Exception):
    """A failure to report as one line on stderr (exit 1)."""


def _services(args):
    from app.bootstrap import open_services

    url = args.db
    if url and "://" not in url:
        url = f"sqlite:///{Path(url).expanduser().resolve()}"
    try:
        return open_services(url)
    except DatabaseError as exc:
        raise CommandError(str(exc)) from None


def dispatch(args) -> int:
    """Run the command named in ``args``."""
    handler = {
        "demo": cmd_demo,
        "lab": cmd_lab,
        "assessment": cmd_assessment,
        "checklist": cmd_checklist,
    }.get(args.command)
    if handler is None:
        handler = getattr(args, "_extra", {}).get(args.command)
    if handler is None:
        raise CommandError(f"unknown command {args.command}")
    try:
        return handler(args)
    except ChecklistError as exc:
        print(exc.report(), file=sys.stderr)
        raise CommandError(f"{len(exc.problems)} problem(s) in the checklist") from None
    except (ServiceError, DatabaseError, StaleWriteError, KeyError) as exc:
        msg = exc.args[0] if isinstance(exc, KeyError) else str(exc)
        raise CommandError(msg) from None


# -- demo ---------------------------------------------------------------------------------------
def cmd_demo(args) -> int:
    from app.services.demo import create_demo

    svc = _services(args)
    lab, summary = create_demo(svc.labs, svc.assessments)
    view = svc.assessments.view(summary.id)
    try:
        from app.paths import reports_dir

        out = args.out or reports_dir() / f"demo-improvement-plan-{args.lang}.pdf"
        out = svc.reports.write(summary.id, out, args.lang)
    finally:
        svc.close()
    if args.json:
        print_json({**_view_json(view, args.lang), "report": str(out)})
    else:
        print(f"已创建示例实验室 / demo lab created: #{lab.id} {lab.name}")
        print(f"评估 / assessment #{summary.id} — 数据库 / database: {svc.db.display_url}\n")
        _print_view(view, args.lang)
        print(f"\n改进计划 / improvement plan: {out}")
    return EXIT_OK


# -- labs ---------------------------------------------------------------------------------------
def cmd_lab(args) -> int:
    svc = _services(args)
    if args.lab_cmd == "add":
        profile = LabProfile(
            name=args.name,
            industry=args.industry,
            size=args.size,
            staff_count=args.staff,
            activities=tuple(args.activities),
            test_fields=tuple(args.fields),
            ms_option=args.option,
            ms_start_date=args.ms_start,
            last_internal_audit=args.internal_audit,
            last_management_review=args.management_review,
        )
        lab = svc.labs.add(profile)
        print(lab.id)
    else:
        labs = svc.labs.list()
        if args.json:
            print_json([{"id": lab.id, "uid": lab.uid, **_profile_json(lab.profile)} for lab in labs])
        else:
            _table(
                ["id", "name", "industry", "size", "fields", "option"],
                [
                    [
                        lab.id,
                        lab.name,
                        lab.profile.industry,
                        lab.profile.size,
                        ",".join(lab.profile.test_fields),
                        lab.profile.ms_option,
                    ]
                    for lab in labs
                ],
            )
    svc.close()
    return EXIT_OK


def _profile_json(p: LabProfile) -> dict:
    return {
        "name": p.name,
        "industry": p.industry,
        "size": p.size,
        "staff_count": p.staff_count,
        "activities": list(p.activities),
        "test_fields": list(p.test_fields),
        "ms_option": p.ms_option,
        "ms_start_date": p.ms_start_date,
        "last_internal_audit": p.last_internal_audit,
        "last_management_review": p.last_management_review,
    }


# -- assessments --------------------------------------------------------------------------------
def cmd_assessment(args) -> int:
    svc = _services(args)
    try:
        if args.asm_cmd == "new":
            s = svc.assessments.create(args.lab, args.checklist, assessor=args.assessor, assessed_on=args.date)
            print(s.id)
        elif args.asm_cmd == "list":
            rows = svc.assessments.list(args.lab)
            if args.json:
                print_json(
                    [
                        {
                            "id": r.id,
                            "uid": r.uid,
                            "lab_id": r.lab_id,
                            "lab": r.lab_name,
                            "assessed_on": r.assessed_on,
                            "status": r.status,
                            "assessor": r.assessor,
                            "readiness": r.readiness,
                            "progress": r.progress,
                            "gaps": r.gaps,
                            "critical_gaps": r.critical_gaps,
                            "follows": r.follows_id,
                            "packs": [f"{p.checklist_id}@{p.version}" for p in r.packs],
                        }
                        for r in rows
                    ]
                )
            else:
                _table(
                    ["id", "lab", "date", "status", "readiness", "progress", "gaps", "critical"],
                    [
                        [
                            r.id,
                            r.lab_name,
                            r.assessed_on,
                            r.status,
                            _pct(r.readiness),
                            f"{r.progress:.0f}%",
                            r.gaps,
                            r.critical_gaps,
                        ]
                        for r in rows
                    ],
                )
        elif args.asm_cmd == "answer":
            return _answer(svc, args)
        elif args.asm_cmd == "show":
            view = svc.assessments.view(args.id)
            if args.json:
                print_json(_view_json(view, args.lang))
            else:
                _print_view(view, args.lang)
    finally:
        svc.close()
    return EXIT_OK


def _answer(svc, args) -> int:
    if args.from_file is not None:
        if args.item or args.status:
            print("labassess: error: give either ITEM STATUS or --from FILE, not both", file=sys.stderr)
            return EXIT_USAGE
        from app.services.bulk import read_answers

        changes = read_answers(args.from_file)
        result = svc.assessments.answer_many(args.id, changes, by=args.by)
        print(f"{result.applied} answer(s) saved, {result.unchanged} unchanged")
        return EXIT_OK
    if not args.item or not args.status:
        print("labassess: error: ITEM and STATUS are required (or --from FILE)", file=sys.stderr)
        return EXIT_USAGE
    from app.assessment.model import parse_status

    try:
        status = parse_status(args.status)
    except ValueError as exc:
        print(f"labassess: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    a = svc.assessments.answer(args.id, args.item, status, note=args.note, na_reason=args.na_reason, by=args.by)
    print(f"{a.item_id}: {a.status.value} (version {a.version})")
    return EXIT_OK


# -- checklists ---------------------------------------------------------------------------------
def cmd_checklist(args) -> int:
    from app.paths import user_checklist_dir
    from app.services.catalog import Catalog

    catalog = Catalog(user_checklist_dir())
    if args.ck_cmd == "list":
        packs = catalog.all()
        if args.json:
            print_json(
                [
                    {
                        "id": c.id,
                        "version": c.version,
                        "kind": c.kind,
                        "title": {"zh": c.title.zh, "en": c.title.en},
                        "items": len(c.items),
                        "gates": len(c.gates),
                        "default_enabled": c.default_enabled,
                        "applies_to_fields": list(c.applies_to_fields),
                        "basis": [{"id": b.id, "edition": b.edition, "checked": b.checked} for b in c.basis],
                    }
                    for c in packs
                ]
            )
        else:
            _table(
                ["id", "version", "kind", "items", "title"],
                [[c.id, c.version, c.kind, len(c.items) or len(c.gates), c.title.zh] for c in packs],
            )
        for problem in catalog.load_problems:
            print(f"warning: skipped an invalid imported checklist: {problem}", file=sys.stderr)
    elif args.ck_cmd == "show":
        c = catalog.get(args.id)
        if args.json:
            from app.checklists.serialize import item_to_data

            data = {
                "id": c.id,
                "version": c.version,
                "kind": c.kind,
                "title": {"zh": c.title.zh, "en": c.title.en},
                "items": [item_to_data(it) for it in c.items],
            }
            if c.gates:
                data["gates"] = [
                    {"id": g.id, "title": {"zh": g.title.zh, "en": g.title.en}, "rule": g.rule.type} for g in c.gates
                ]
            print_json(data)
        else:
            print(f"{c.id} {c.version} — {c.title.zh} / {c.title.en}")
            for sec in c.sections:
                print(f"\n[{sec.clause}] {sec.title.zh} / {sec.title.en}")
                for it in sec.items:
                    flag = " ★" if it.knockout else ""
                    print(f"  {it.id:<14} {it.clause:<8} C{it.criticality}{flag}  {it.text.zh}")
            for g in c.gates:
                print(f"  {g.id:<4} {g.title.zh} / {g.title.en}")
    elif args.ck_cmd == "validate":
        from app.checklists.loader import load_file

        c = load_file(args.file)
        print(f"{args.file.name}: OK — {c.id} {c.version}, {len(c.sections)} sections, {len(c.items)} items")
    elif args.ck_cmd == "import":
        c = catalog.install(args.file)
        print(f"installed {c.id} {c.version} ({len(c.items)} items) into {catalog.user_dir}")
    elif args.ck_cmd == "export":
        c = catalog.get(args.id)
        suffix = args.out.suffix.lower()
        if suffix == ".xlsx":
            from app.checklists.xlsx import write_xlsx

            write_xlsx(c, args.out)
        elif suffix in {".yaml", ".yml"}:
            from app.checklists.serialize import to_data
            from app.checklists.yaml_dump import dump_yaml

            args.out.write_text(dump_yaml(to_data(c)), encoding="utf-8")
        else:
            raise CommandError("--out must end in .xlsx or .yaml")
        print(f"wrote {args.out}")
    return EXIT_OK


# -- rendering ----------------------------------------------------------------------------------
def _pct(v) -> str:
    return "—" if v is None else f"{v:.1f}%"


def _width(s: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in s)


def _pad(s: str, n: int) -> str:
    return s + " " * max(0, n - _width(s))


def _table(headers: list[str], rows: list[list]) -> None:
    cells = [[str(c) if c is not None else "" for c in r] for r in rows]
    widths = [max([_width(h)] + [_width(r[i]) for r in cells]) for i, h in enumerate(headers)]
    print("  ".join(_pad(h, w) for h, w in zip(headers, widths)).rstrip())
    print("  ".join("-" * w for w in widths))
    for r in cells:
        print("  ".join(_pad(c, w) for c, w in zip(r, widths)).rstrip())


def _print_view(view, lang: str) -> None:
    zh = lang == "zh"
    s = view.summary
    p = view.score.progress
    print(
        f"{'实验室' if zh else 'Lab'}: {view.lab.name}   {'评估日期' if zh else 'Date'}: {s.assessed_on}   "
        f"{'评估人' if zh else 'Assessor'}: {s.assessor or '—'}"
    )
    print(f"{'检查表' if zh else 'Checklists'}: " + ", ".join(f"{r.checklist_id} {r.version}" for r in s.packs))
    band = view.band_label.get(lang)
    print(
        f"\n{'准备度' if zh else 'Readiness'}: {_pct(view.score.readiness)}  [{band}]   "
        f"{'严重差距' if zh else 'critical gaps'}: {len(view.score.critical_gaps)}   "
        f"{'差距' if zh else 'gaps'}: {len(view.score.gaps)}"
    )
    print(
        f"{'进度' if zh else 'Progress'}: {p.answered}/{p.applicable} ({p.percent:.0f}%), "
        f"{'不适用' if zh else 'N/A'} {p.na}, {'未评估' if zh else 'not assessed'} {p.unassessed}, "
        f"{'按实验室概况排除' if zh else 'excluded by profile'} {p.excluded_by_profile}"
    )
    if view.earliest_application:
        print(f"{'最早可申请日期' if zh else 'Earliest application date'}: {view.earliest_application}")
    print(f"\n{'条款得分' if zh else 'Scores by clause'}")
    _table(
        ["clause", "title", "score", "answered", "gaps", "critical"],
        [
            [c.key, c.title.get(lang), _pct(c.percent), f"{c.assessed}/{c.applicable}", c.gaps, c.critical_gaps]
            for c in view.score.clauses
        ],
    )
    print()
    _table(["group", "title", "score"], [[g.key, g.title.get(lang), _pct(g.percent)] for g in view.score.groups])
    others = [ps for ps in view.score.packs if ps.kind != "requirements"]
    if others:
        print()
        _table(
            ["pack", "score", "gaps"],
            [[ps.title.get(lang), _pct(ps.overall.percent), ps.overall.gaps] for ps in others],
        )
    if view.gates:
        print(f"\n{'CNAS 准备度关口' if zh else 'CNAS readiness gates'}")
        from app.assessment.gates import STATE_LABELS

        _table(
            ["gate", "state", "title", "why"],
            [[g.id, STATE_LABELS[g.state].get(lang), g.title.get(lang), g.reason.get(lang)] for g in view.gates],
        )
    crit = view.score.critical_gaps
    if crit:
        print(f"\n{'严重差距（一票否决项不符合）' if zh else 'Critical gaps (knock-out items answered nonconform)'}")
        for g in crit:
            print(f"  ★ {g.item_id} [{g.clause}] {g.text.get(lang)}")


def _view_json(view, lang: str) -> dict:
    s = view.summary
    sc = view.score
    return {
        "assessment": {
            "id": s.id,
            "uid": s.uid,
            "lab_id": s.lab_id,
            "lab": view.lab.name,
            "assessed_on": s.assessed_on,
            "assessor": s.assessor,
            "status": s.status,
            "packs": [{"id": r.checklist_id, "version": r.version} for r in s.packs],
        },
        "readiness": sc.readiness,
        "band": view.band,
        "band_label": {"zh": view.band_label.zh, "en": view.band_label.en},
        "earliest_application": view.earliest_application,
        "progress": {
            "applicable": sc.progress.applicable,
            "answered": sc.progress.answered,
            "na": sc.progress.na,
            "unassessed": sc.progress.unassessed,
            "excluded_by_profile": sc.progress.excluded_by_profile,
            "percent": sc.progress.percent,
        },
        "clauses": [
            {
                "clause": c.key,
                "title": c.title.get(lang),
                "score": c.percent,
                "applicable": c.applicable,
                "assessed": c.assessed,
                "gaps": c.gaps,
                "critical_gaps": c.critical_gaps,
            }
            for c in sc.clauses
        ],
        "groups": [{"group": g.key, "title": g.title.get(lang), "score": g.percent} for g in sc.groups],
        "packs": [
            {"id": ps.pack_id, "kind": ps.kind, "score": ps.overall.percent, "gaps": ps.overall.gaps} for ps in sc.packs
        ],
        "gates": [
            {"id": g.id, "state": g.state, "title": g.title.get(lang), "reason": g.reason.get(lang)} for g in view.gates
        ],
        "critical_gaps": [
            {"item": g.item_id, "clause": g.clause, "text": g.text.get(lang), "note": g.note} for g in sc.critical_gaps
        ],
        "gaps": [
            {
                "item": g.item_id,
                "clause": g.clause,
                "status": g.status.value,
                "criticality": g.criticality,
                "critical": g.critical,
            }
            for g in sc.gaps
        ],
    }

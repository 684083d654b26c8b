"""CLI: ``labassess export ID --out FILE.labx [--anonymise]`` and ``labassess import FILE.labx [--on-conflict ...]``."""

from __future__ import annotations

import sys
from pathlib import Path

from app.cli.main import EXIT_OK, print_json


def register(sub) -> dict:
    """Add the ``export`` and ``import`` sub-commands."""
    e = sub.add_parser("export", help="write one assessment as a portable lab file (.labx)")
    e.add_argument("id", type=int, help="assessment id")
    e.add_argument("--out", type=Path, required=True, help="output file (.labx)")
    e.add_argument(
        "--anonymise",
        "--anonymize",
        action="store_true",
        help="strip lab identity, people and free text; keep a coarse profile (for platform statistics)",
    )
    i = sub.add_parser("import", help="load a lab file into the database (merging a newer copy answer by answer)")
    i.add_argument("file", type=Path)
    i.add_argument(
        "--on-conflict",
        choices=("ask", "mine", "theirs", "newest"),
        default="ask",
        help="answers changed on both sides: ask (list them, change nothing; default), keep mine, "
        "take theirs, or keep the newest edit",
    )
    i.add_argument("--by", default="", help="your name, recorded in the history of merged answers")
    i.add_argument("--json", action="store_true")
    return {"export": cmd_export, "import": cmd_import}


class _ProgressLine:
    """A one-line progress indicator on stderr (updates at most once per percent)."""

    def __init__(self, label: str):
        self.label = label
        self.last = -1

    def __call__(self, fraction: float, message: str) -> None:
        pct = int(fraction * 100)
        if pct == self.last:
            return
        self.last = pct
        end = "\n" if pct >= 100 else ""
        sys.stderr.write(f"\r{self.label}: {pct:3d}% {message[:50]:<50}{end}")
        sys.stderr.flush()


def cmd_export(args) -> int:
    from app.cli.commands import CommandError, _services

    if args.out.suffix.lower() != ".labx":
        raise CommandError("--out must end in .labx")
    svc = _services(args)
    try:
        res = svc.labfiles.export(args.id, args.out, anonymise=args.anonymise, progress=_ProgressLine("export"))
    finally:
        svc.close()
    kind = "anonymised lab file" if res.anonymised else "lab file"
    print(f"wrote {kind} {res.path} ({res.bytes:,} bytes, {res.evidence_files} evidence file(s))")
    return EXIT_OK


def cmd_import(args) -> int:
    from app.cli.commands import CommandError, _services, _table
    from app.services.merge import MergeConflictError

    svc = _services(args)
    try:
        try:
            res = svc.labfiles.import_file(
                args.file, on_conflict=args.on_conflict, by=args.by, progress=_ProgressLine("import")
            )
        except MergeConflictError as exc:
            sys.stderr.write("\n")
            print(f"{len(exc.conflicts)} conflict(s) — changed in this database AND in the file:")
            _table(
                ["what", "item", "mine", "theirs", "mine changed", "theirs changed"],
                [[c.kind, c.key, c.mine, c.theirs, _at(c.mine_at), _at(c.theirs_at)] for c in exc.conflicts],
            )
            raise CommandError(
                f"nothing imported: {len(exc.conflicts)} conflict(s). Re-run with --on-conflict mine, theirs or "
                "newest to choose, or resolve them in the app."
            ) from None
    finally:
        svc.close()
    if args.json:
        print_json(
            {
                "assessment_id": res.assessment_id,
                "lab_id": res.lab_id,
                "created": res.created,
                "answers_added": res.answers_added,
                "answers_updated": res.answers_updated,
                "answers_kept": res.answers_kept,
                "evidence_added": res.evidence_added,
                "actions_added": res.actions_added,
                "actions_updated": res.actions_updated,
                "conflicts_resolved": [{"kind": c.kind, "key": c.key} for c in res.conflicts_resolved],
            }
        )
        return EXIT_OK
    verb = "imported new" if res.created else "merged into"
    print(
        f"{verb} assessment #{res.assessment_id} (lab #{res.lab_id}): {res.answers_added} answer(s) added, "
        f"{res.answers_updated} updated, {res.answers_kept} local kept, {res.evidence_added} evidence file(s), "
        f"{res.actions_added} plan action(s) added, {res.actions_updated} updated"
    )
    for c in res.conflicts_resolved:
        print(f"  conflict {c.kind} {c.key}: resolved by --on-conflict {args.on_conflict}")
    return EXIT_OK


def _at(v) -> str:
    return v.strftime("%Y-%m-%d %H:%M") if v else "—"

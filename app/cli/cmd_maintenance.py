"""``labassess doctor [--json] [--repair]`` and ``labassess backup --out FILE [--force]``."""

from __future__ import annotations

from pathlib import Path


def _url(args) -> str:
    from app.paths import default_db_url

    url = args.db
    if url and "://" not in url:
        return f"sqlite:///{Path(url).expanduser().resolve()}"
    return url or default_db_url()


def register(sub) -> dict:
    """Add the maintenance sub-commands."""
    d = sub.add_parser(
        "doctor",
        help="check the database: integrity, schema version, evidence files, stray answers; says how to repair",
        description="Check the database without changing it. Exit 0 when healthy, 1 otherwise.",
    )
    d.add_argument("--json", action="store_true", help="machine-readable report")
    d.add_argument("--repair", action="store_true", help="delete orphaned evidence files (the only automatic repair)")
    b = sub.add_parser(
        "backup",
        help="write a consistent copy of the SQLite database (safe while LabAssess is running)",
        description="Copy the database with SQLite's online backup API and verify the copy. "
        "For PostgreSQL use pg_dump.",
    )
    b.add_argument("--out", type=Path, required=True, metavar="FILE", help="the backup file to write")
    b.add_argument("--force", action="store_true", help="replace FILE if it exists")
    return {"doctor": cmd_doctor, "backup": cmd_backup}


def cmd_doctor(args) -> int:
    """Run the doctor; print findings with repairs; exit 0 if healthy."""
    from app.cli.main import EXIT_ERROR, EXIT_OK, print_json
    from app.services.maintenance import diagnose, iter_report_lines

    report = diagnose(_url(args), repair=args.repair)
    if args.json:
        print_json(report.as_dict())
    else:
        for line in iter_report_lines(report):
            print(line)
    return EXIT_OK if report.healthy else EXIT_ERROR


def cmd_backup(args) -> int:
    """Write the backup and say where it is."""
    from app.cli.commands import CommandError
    from app.cli.main import EXIT_OK
    from app.services.maintenance import backup_database
    from app.storage.errors import DatabaseError

    try:
        result = backup_database(_url(args), args.out, overwrite=args.force)
    except DatabaseError as exc:
        raise CommandError(str(exc)) from None
    if result.integrity != "ok":
        raise CommandError(
            f"the backup {result.path} failed its integrity check ({result.integrity}); the source "
            "database may be damaged: run 'labassess doctor'"
        )
    print(f"backup written: {result.path} ({result.size} bytes, integrity ok)")
    return EXIT_OK

"""Build a realistic fixture database for every schema revision: ``python tests/data/schema/make_fixtures.py``.

For each revision known to ``app.storage.database.known_revisions()`` (or those named on the command
line) this creates ``tests/data/schema/<revision>.sqlite``: Alembic ``command.upgrade(cfg, rev)`` builds
exactly that revision's schema, then labs, assessments (one following another), checklist snapshots,
answers with history (Chinese, emoji and markup in notes), evidence files and plan actions are
inserted.  Rows are written through table reflection, so the script works for any revision: a
column this script does not know gets a plausible value from its type.

Run it once when a revision is released and commit the new file; never regenerate the fixture of an
older revision (it stands for databases users already have).  ``--force`` rebuilds existing files.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[2]
sys.path.insert(0, str(ROOT))

from sqlalchemy import (  # noqa: E402
    JSON,
    Boolean,
    Date,
    DateTime,
    Float,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    create_engine,
    event,
    insert,
)

FIXED_NOW = dt.datetime(2026, 11, 20, 9, 30, 0)
NOTES = [
    "人员能力确认记录齐全，见《授权一览表》",
    "Calibration certificate expired 2026-03 ⚠️ — re-calibration ordered",
    "<b>markup</b> & 'quotes' \"double\" ; DROP TABLE answer; --",
    "多行\n备注\r\n第三行\twith tab",
    "Emoji 🧪🔬📏 and combining é (e\u0301) and RTL \u202eabc",
    "",
]
STATUSES = ["conform", "partial", "nonconform", "conform", "na", "unassessed"]


def _value(col, row_no: int):
    t = col.type
    if isinstance(t, Boolean):
        return row_no % 2 == 0
    if isinstance(t, DateTime):
        return FIXED_NOW + dt.timedelta(minutes=row_no)
    if isinstance(t, Date):
        return dt.date(2026, 1, 1) + dt.timedelta(days=row_no)
    if isinstance(t, (Integer,)):
        return row_no
    if isinstance(t, Float):
        return float(row_no) + 0.5
    if isinstance(t, JSON):
        return []
    if isinstance(t, LargeBinary):
        return b"\x00fixture"
    if isinstance(t, (String, Text)):
        length = getattr(t, "length", None) or 200
        return f"{col.name}-{row_no}"[:length]
    return None


def _row(table, row_no: int, given: dict) -> dict:
    """``given`` plus a value for every other NOT NULL column without a default (for unknown columns)."""
    out = {}
    for col in table.columns:
        if col.name in given:
            out[col.name] = given[col.name]
        elif col.primary_key and isinstance(col.type, Integer):
            continue
        elif not col.nullable and col.server_default is None:
            out[col.name] = _value(col, row_no)
    return {k: v for k, v in out.items() if k in table.columns}


def build(revision: str, dest: Path) -> None:
    """Create ``dest`` at ``revision`` and fill it."""
    from alembic import command

    from app.checklists.loader import load_file
    from app.checklists.serialize import to_data
    from app.storage.database import _alembic_config

    dest.unlink(missing_ok=True)
    engine = create_engine(f"sqlite:///{dest}")
    event.listen(
        engine, "connect", lambda c, _r: (c.execute("PRAGMA foreign_keys=ON"), c.execute("PRAGMA journal_mode=WAL"))
    )
    cfg = _alembic_config()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, revision)
    meta = MetaData()
    meta.reflect(engine)
    T = meta.tables
    checklist = load_file(ROOT / "tests" / "data" / "mini-cl01.yaml")
    content = to_data(checklist)
    items = [it.id for it in checklist.items]
    na_ok = {it.id for it in checklist.items if it.na_allowed}
    digest = hashlib.sha256(
        json.dumps(content, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()
    ).hexdigest()

    with engine.begin() as c:

        def add(table_name: str, n: int, **given):
            if table_name not in T:
                return None
            res = c.execute(insert(T[table_name]).values(_row(T[table_name], n, given)))
            return res.inserted_primary_key[0] if res.inserted_primary_key else None

        snap = add(
            "checklist_snapshot",
            1,
            checklist_id=checklist.id,
            version=checklist.version,
            sha256=digest,
            content=content,
            created_at=FIXED_NOW,
        )
        labs = [
            add(
                "lab",
                1,
                uid="00000000-0000-4000-8000-000000000001",
                name="华南家电检测中心 (fixture)",
                industry="appliance",
                size="small",
                staff_count=18,
                activities=["testing"],
                test_fields=["appliance_safety", "emc"],
                ms_option="A",
                ms_start_date=dt.date(2025, 9, 1),
                last_internal_audit=dt.date(2026, 6, 15),
                last_management_review=dt.date(2026, 7, 20),
                sub_fields=[],
                pt_records=[],
                scope_methods=[],
                staff={"quality_manager": "李娜"},
                notes="fixture lab 1",
                created_at=FIXED_NOW,
                updated_at=FIXED_NOW,
            ),
            add(
                "lab",
                2,
                uid="00000000-0000-4000-8000-000000000002",
                name="Lighting Lab & Co <fixture>",
                industry="lighting",
                size="micro",
                staff_count=None,
                activities=["testing", "calibration"],
                test_fields=["photometry"],
                ms_option="B",
                sub_fields=[],
                pt_records=[],
                scope_methods=[],
                staff={},
                notes="",
                created_at=FIXED_NOW,
                updated_at=FIXED_NOW,
            ),
        ]
        assessments = []
        for n, (lab, follows) in enumerate([(labs[0], None), (labs[1], None), (labs[0], "first")], start=1):
            aid = add(
                "assessment",
                n,
                uid=f"00000000-0000-4000-9000-00000000000{n}",
                lab_id=lab,
                title=f"评估 {n}",
                assessor="王工",
                assessed_on=dt.date(2026, 3, n),
                status="completed" if n == 1 else "in_progress",
                follows_id=assessments[0] if follows else None,
                created_at=FIXED_NOW,
                updated_at=FIXED_NOW,
            )
            assessments.append(aid)
            add("assessment_pack", n, assessment_id=aid, snapshot_id=snap, position=0)
        row_no = 0
        for ai, aid in enumerate(assessments):
            for k, item in enumerate(items[: 20 + 10 * ai]):
                row_no += 1
                status = STATUSES[(k + ai) % len(STATUSES)]
                if status == "na" and item not in na_ok:
                    status = "partial"
                note = NOTES[(k + ai) % len(NOTES)]
                reason = "本实验室不开展抽样" if status == "na" else ""
                ans = add(
                    "answer",
                    row_no,
                    assessment_id=aid,
                    item_id=item,
                    status=status,
                    note=note,
                    na_reason=reason,
                    maturity=(k % 5) + 1 if k % 3 == 0 else None,
                    flagged=k % 7 == 0,
                    reverify=False,
                    version=2,
                    updated_by="王工",
                    updated_at=FIXED_NOW,
                )
                add(
                    "answer_history",
                    row_no * 2,
                    answer_id=ans,
                    old_status=None,
                    new_status="partial",
                    old_note=None,
                    new_note="初评",
                    old_na_reason=None,
                    new_na_reason="",
                    changed_by="王工",
                    changed_at=FIXED_NOW,
                )
                add(
                    "answer_history",
                    row_no * 2 + 1,
                    answer_id=ans,
                    old_status="partial",
                    new_status=status,
                    old_note="初评",
                    new_note=note,
                    old_na_reason="",
                    new_na_reason=reason,
                    changed_by="李娜",
                    changed_at=FIXED_NOW + dt.timedelta(hours=1),
                )
        for n, (name, data) in enumerate(
            [
                ("校准证书.pdf", b"%PDF-1.4\n" + bytes(range(256)) * 40),
                ("photo.jpg", b"\xff\xd8\xff\xe0" + b"\x10\x20" * 3000),
            ],
            start=1,
        ):
            d = hashlib.sha256(data).hexdigest()
            add("evidence_blob", n, sha256=d, size=len(data), data=data)
            add(
                "evidence",
                n,
                uid=f"00000000-0000-4000-a000-00000000000{n}",
                assessment_id=assessments[0],
                item_id=items[n],
                sha256=d,
                original_name=name,
                size=len(data),
                mime="application/octet-stream",
                added_by="王工",
                added_at=FIXED_NOW,
                removed_at=None,
            )
        for n in range(1, 4):
            add(
                "plan_action",
                n,
                uid=f"00000000-0000-4000-b000-00000000000{n}",
                assessment_id=assessments[0],
                key=f"act-{n}",
                origin="generated" if n < 3 else "user",
                text_zh=f"整改行动 {n}",
                text_en=f"Action {n}",
                item_ids=[items[n]],
                clauses=["6.4"],
                priority="P1",
                phase=1,
                owner_role="quality_manager",
                owner_name="李娜",
                effort_days=2.5,
                training_theme="quality_control",
                start_date=dt.date(2026, 4, 1),
                due_date=dt.date(2026, 5, 1),
                status="open",
                closure_evidence_zh="记录",
                closure_evidence_en="Record",
                closure_note="",
                effectiveness="",
                verified_by="",
                verified_on=None,
                edited=["owner_name"] if n == 2 else [],
                dropped=False,
                position=n,
                version=1,
                created_at=FIXED_NOW,
                updated_at=FIXED_NOW,
            )
        # tables this script does not know yet get one generic row each, so upgrades are exercised on them too
        known = {
            "alembic_version",
            "checklist_snapshot",
            "lab",
            "assessment",
            "assessment_pack",
            "answer",
            "answer_history",
            "evidence_blob",
            "evidence",
            "plan_action",
        }
        for name in T:
            if name not in known:
                print(f"  note: table {name} is not known to the generator; left empty", file=sys.stderr)
    with engine.connect() as c:
        c.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        c.exec_driver_sql("VACUUM")
    engine.dispose()


def main(argv: list[str] | None = None) -> int:
    """Build the missing fixtures (or the named revisions)."""
    from app.storage.database import known_revisions

    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("revisions", nargs="*", help="revisions to build (default: every known revision)")
    p.add_argument("--force", action="store_true", help="rebuild fixtures that exist")
    p.add_argument("--out", type=Path, default=HERE)
    args = p.parse_args(argv)
    known = known_revisions()
    for rev in args.revisions or known:
        if rev not in known:
            print(f"unknown revision {rev}; known: {', '.join(known)}", file=sys.stderr)
            return 2
        dest = args.out / f"{rev}.sqlite"
        if dest.exists() and not args.force:
            print(f"{dest.name}: exists (use --force to rebuild)")
            continue
        build(rev, dest)
        print(f"{dest.name}: written ({dest.stat().st_size} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())

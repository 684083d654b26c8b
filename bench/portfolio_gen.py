"""Synthetic but realistic portfolios of lab assessments, for the portfolio benchmark and tests.

Gap frequencies vary by clause the way ``docs/domain-brief.md`` §3.3 ranks the hot spots: equipment
and traceability (6.4/6.5) first, then method verification (7.2), validity of results / PT (7.7),
personnel (6.2), internal audit and corrective action (8.8/8.7), MU (7.6), reporting (7.8), records
(7.5/7.11), suppliers and documents (6.6/8.3); the rest of the standard is rarely a gap.  Each lab
also has a maturity factor (some labs are far behind, some nearly ready), and a follow-up
re-assessment of a lab closes most of its earlier gaps.

Rows are written with SQLAlchemy Core ``executemany`` in large batches inside one transaction, so
10,000 assessments × 200 items (2 M answers) take seconds, not minutes.
"""

from __future__ import annotations

import datetime as dt
import random
import uuid

from sqlalchemy import insert, select

from app.checklists.schema import CNAS_CLAUSES, clause_key
from app.checklists.serialize import to_data
from app.checklists.validate import checklist_from_data
from app.services.catalog import canonical_json, content_hash

#: Probability that an applicable item of a clause is a gap in an average lab (domain brief §3.3).
CLAUSE_GAP_RATE: dict[str, float] = {
    "6.4": 0.55,
    "6.5": 0.45,
    "7.2": 0.50,
    "8.3": 0.30,
    "7.7": 0.50,
    "6.2": 0.42,
    "8.8": 0.45,
    "8.7": 0.42,
    "7.6": 0.48,
    "7.8": 0.35,
    "7.5": 0.30,
    "7.11": 0.33,
    "6.6": 0.30,
    "8.9": 0.30,
}
DEFAULT_GAP_RATE = 0.12

#: Items per clause in the synthetic 200-item pack (large clauses have more items, like CNAS-CL01).
_ITEMS_PER_CLAUSE = {
    "4.1": 6,
    "4.2": 4,
    "5": 8,
    "6.1": 2,
    "6.2": 12,
    "6.3": 7,
    "6.4": 16,
    "6.5": 8,
    "6.6": 7,
    "7.1": 7,
    "7.2": 12,
    "7.3": 5,
    "7.4": 7,
    "7.5": 6,
    "7.6": 7,
    "7.7": 11,
    "7.8": 12,
    "7.9": 4,
    "7.10": 5,
    "7.11": 7,
    "8.1": 2,
    "8.2": 5,
    "8.3": 6,
    "8.4": 4,
    "8.5": 4,
    "8.6": 3,
    "8.7": 6,
    "8.8": 6,
    "8.9": 1,
}
_THEME = {
    "6.2": "operation",
    "6.4": "quality_control",
    "6.5": "quality_control",
    "7.6": "quality_control",
    "7.7": "quality_control",
    "7.11": "quality_control",
    "7.2": "standards",
    "7.8": "standards",
    "7.1": "standards",
    "6.3": "safety",
    "7.4": "operation",
    "7.5": "operation",
}
#: Recognisable wording for the most common gaps (the rest is generic).
_TOPIC = {
    "6.4": ("期间核查计划和记录", "intermediate-check plan and records"),
    "6.5": ("校准结果确认与溯源", "confirmation of calibration results and traceability"),
    "7.2": ("标准换版后的方法验证", "method verification after a standard change"),
    "7.7": ("能力验证和质量监控计划", "PT and quality-monitoring plan"),
    "6.2": ("人员授权和能力监控", "staff authorisation and competence monitoring"),
    "8.8": ("覆盖全部要素的内部审核", "internal audit covering every clause"),
    "8.7": ("纠正措施有效性验证", "verification of corrective-action effectiveness"),
    "7.6": ("测量不确定度评定", "evaluation of measurement uncertainty"),
    "7.8": ("报告和判定规则", "reports and decision rules"),
}

PACK_ID = "bench-cl01"


def bench_checklist_data(n_items: int = 200) -> dict:
    """A valid 200-item requirements pack spread over the 29 CNAS-CL01 clauses."""
    total = sum(_ITEMS_PER_CLAUSE.values())
    sections = []
    made = 0
    for i, (key, zh, en) in enumerate(CNAS_CLAUSES):
        count = _ITEMS_PER_CLAUSE[key] if n_items == total else max(1, round(_ITEMS_PER_CLAUSE[key] * n_items / total))
        if i == len(CNAS_CLAUSES) - 1:
            count = max(1, n_items - made)
        made += count
        topic = _TOPIC.get(key, (zh, en))
        theme = _THEME.get(key, "management_system")
        items = []
        for n in range(1, count + 1):
            items.append(
                {
                    "id": f"B-{key}-{n:02d}",
                    "clause": key,
                    "text": {"zh": f"{topic[0]}（{key} 第 {n} 问）", "en": f"{topic[1]} ({key} question {n})"},
                    "guidance": {"zh": "符合时的表现", "en": "What conformity looks like"},
                    "evidence": {"zh": ["记录"], "en": ["Record"]},
                    "criticality": 3 if key in CLAUSE_GAP_RATE else 2,
                    "na": {
                        "allowed": n % 5 == 0,
                        **({"justification": {"zh": "不开展", "en": "Not done"}} if n % 5 == 0 else {}),
                    },
                    "actions": [
                        {
                            "key": f"act-{key}-{n}",
                            "text": {"zh": f"建立{topic[0]}", "en": f"Set up {topic[1]}"},
                            "effort_days": 2,
                            "owner_role": "technical_manager",
                            "training_theme": theme,
                            "phase": 1,
                            "closure_evidence": {"zh": "记录", "en": "Record"},
                        }
                    ],
                }
            )
        sections.append({"clause": key, "title": {"zh": zh, "en": en}, "items": items})
    return {
        "format": "labassess-checklist/1",
        "id": PACK_ID,
        "version": "1",
        "kind": "requirements",
        "title": {"zh": "基准测试检查表", "en": "Benchmark checklist"},
        "basis": [
            {"id": "CNAS-CL01", "title": {"zh": "准则", "en": "Criteria"}, "edition": "2018", "checked": "2026-11-20"}
        ],
        "sections": sections,
    }


def generate(
    db,
    n_assessments: int = 10_000,
    n_items: int = 200,
    seed: int = 7,
    followup_share: float = 0.3,
    batch: int = 100_000,
    checklist=None,
) -> dict:
    """Fill ``db`` (an ``app.storage.database.Database``) with a synthetic portfolio.

    ``followup_share`` of the assessments are follow-ups of an earlier assessment of the same lab
    (so "latest per lab" selects fewer assessments than there are).  Returns counts.
    """
    from app.storage.orm import Answer, Assessment, AssessmentPack, ChecklistSnapshot, Lab

    rng = random.Random(seed)
    checklist = checklist or checklist_from_data(bench_checklist_data(n_items), source="bench")
    items = [(it.id, clause_key(it.clause), it.na_allowed) for it in checklist.items]
    n_labs = max(1, round(n_assessments * (1 - followup_share)))
    today = dt.date(2026, 11, 1)
    fields_by_industry = {
        "appliance": ["appliance_safety", "emc", "performance"],
        "lighting": ["luminaire_safety", "photometry", "emc"],
        "other": ["chemical", "battery"],
    }
    with db.engine.begin() as conn:
        digest = content_hash(checklist)
        snap_id = conn.scalar(select(ChecklistSnapshot.id).where(ChecklistSnapshot.sha256 == digest))
        if snap_id is None:
            import json

            snap_id = conn.execute(
                insert(ChecklistSnapshot).values(
                    checklist_id=checklist.id,
                    version=checklist.version,
                    sha256=digest,
                    content=json.loads(canonical_json(to_data(checklist))),
                    created_at=dt.datetime(2026, 11, 1),
                )
            ).inserted_primary_key[0]
        base_lab = conn.scalar(select(Lab.id).order_by(Lab.id.desc()).limit(1)) or 0
        base_asm = conn.scalar(select(Assessment.id).order_by(Assessment.id.desc()).limit(1)) or 0
        labs, maturity = [], {}
        for i in range(n_labs):
            industry = rng.choices(("appliance", "lighting", "other"), (0.5, 0.35, 0.15))[0]
            fields = rng.sample(fields_by_industry[industry], k=rng.randint(1, 2))
            lab_id = base_lab + i + 1
            # a quarter nearly ready, most typical, some far behind (>1: worse than the average lab)
            maturity[lab_id] = rng.choices(
                (rng.uniform(0.05, 0.3), rng.uniform(0.5, 1.2), rng.uniform(1.2, 1.7)), (0.25, 0.55, 0.2)
            )[0]
            labs.append(
                {
                    "id": lab_id,
                    "uid": str(uuid.UUID(int=rng.getrandbits(128))),
                    "name": f"Synthetic lab {lab_id:05d}",
                    "industry": industry,
                    "size": rng.choices(("micro", "small", "medium"), (0.3, 0.55, 0.15))[0],
                    "staff_count": rng.randint(3, 80),
                    "activities": ["testing"],
                    "test_fields": fields,
                    "ms_option": "A",
                    "sub_fields": [],
                    "pt_records": [],
                    "scope_methods": [],
                    "staff": {},
                    "notes": "",
                    "created_at": dt.datetime(2026, 1, 1),
                    "updated_at": dt.datetime(2026, 1, 1),
                }
            )
        conn.execute(insert(Lab.__table__), labs)
        assessments, packs = [], []
        lab_of: list[int] = []
        previous: dict[int, int] = {}
        for j in range(n_assessments):
            asm_id = base_asm + j + 1
            if j < n_labs:
                lab_id = base_lab + j + 1
                follows = None
                day = today - dt.timedelta(days=rng.randint(120, 700))
            else:
                lab_id = base_lab + rng.randint(1, n_labs)
                follows = previous.get(lab_id)
                day = today - dt.timedelta(days=rng.randint(0, 119))
            previous[lab_id] = asm_id
            lab_of.append(lab_id)
            assessments.append(
                {
                    "id": asm_id,
                    "uid": str(uuid.UUID(int=rng.getrandbits(128))),
                    "lab_id": lab_id,
                    "title": "",
                    "assessor": f"consultant {rng.randint(1, 12)}",
                    "assessed_on": day,
                    "status": "completed",
                    "follows_id": follows,
                    "created_at": dt.datetime(2026, 1, 1),
                    "updated_at": dt.datetime(2026, 1, 1),
                }
            )
            packs.append({"assessment_id": asm_id, "snapshot_id": snap_id, "position": 0})
        conn.execute(insert(Assessment.__table__), assessments)
        conn.execute(insert(AssessmentPack.__table__), packs)
        stamp = dt.datetime(2026, 11, 1)
        rows: list[dict] = []
        rates = {cl: CLAUSE_GAP_RATE.get(cl, DEFAULT_GAP_RATE) for _, cl, _ in items}
        n_rows = 0
        for j, a in enumerate(assessments):
            m = maturity[lab_of[j]] * (0.45 if a["follows_id"] else 1.0)
            rand = rng.random
            for item_id, cl, na_ok in items:
                r = rand()
                p = min(0.95, rates[cl] * m)
                if na_ok and r > 0.97:
                    status = "na"
                elif r < p * 0.4:
                    status = "nonconform"
                elif r < p:
                    status = "partial"
                elif r > 0.995:
                    status = "unassessed"
                else:
                    status = "conform"
                rows.append(
                    {
                        "assessment_id": a["id"],
                        "item_id": item_id,
                        "status": status,
                        "note": "",
                        "na_reason": "synthetic" if status == "na" else "",
                        "flagged": False,
                        "reverify": False,
                        "version": 1,
                        "updated_by": "gen",
                        "updated_at": stamp,
                    }
                )
            if len(rows) >= batch:
                conn.execute(insert(Answer.__table__), rows)
                n_rows += len(rows)
                rows = []
        if rows:
            conn.execute(insert(Answer.__table__), rows)
            n_rows += len(rows)
    if db.is_sqlite:
        with db.engine.begin() as conn:
            conn.exec_driver_sql("ANALYZE")
    return {"labs": n_labs, "assessments": n_assessments, "answers": n_rows, "items": len(items)}

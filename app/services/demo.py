"""The demo lab: a realistic small lighting/appliance lab and its answered CNAS-CL01 self-assessment.

Answers are drawn with a fixed seed so the demo is the same on every machine.  Gap rates per clause
follow the hot-spots of the domain brief §3.3 (equipment and intermediate checks, method verification,
QC/PT, personnel authorisation, internal audit and corrective action, MU, reporting).
"""

from __future__ import annotations

import datetime as dt
import random

from app.assessment.applicability import item_applies
from app.assessment.gates import add_months
from app.assessment.model import LabProfile, PTRecord, ScopeMethod, Status
from app.checklists.schema import clause_key
from app.services.assessments import AnswerChange, AssessmentService
from app.services.dto import AssessmentSummary, LabDTO
from app.services.labs import LabService

DEMO_LAB_NAME = "示例：中山市明辉照明电器有限公司检测中心"

#: Probability that an item of a clause is a gap (partial or nonconform), from the hot-spot ranking.
GAP_RATE = {
    "6.4": 0.55,
    "6.5": 0.45,
    "7.2": 0.5,
    "7.7": 0.5,
    "6.2": 0.4,
    "8.8": 0.45,
    "8.7": 0.4,
    "7.6": 0.5,
    "7.8": 0.35,
    "7.5": 0.3,
    "7.11": 0.35,
    "6.6": 0.3,
    "8.3": 0.3,
    "8.9": 0.35,
}
DEFAULT_GAP_RATE = 0.15

NOTES = {
    "6.4": (
        "耐压测试仪上次校准证书未做结果确认，期间核查记录缺失。",
        "No confirmation of the hipot tester's last calibration; no intermediate-check records.",
    ),
    "7.2": (
        "GB 7000.1-2015 换版后未做方法验证，仍沿用旧版作业指导书。",
        "No method verification after the GB 7000.1-2015 change; old work instruction still in use.",
    ),
    "7.7": (
        "近三年未参加灯具安全子领域的能力验证。",
        "No PT for the luminaire-safety sub-field in the last three years.",
    ),
    "6.2": (
        "两名新测试员无授权记录即独立出具原始记录。",
        "Two new testers sign raw records without an authorisation record.",
    ),
    "8.8": (
        "内审只覆盖了第 8 章，未覆盖技术要素。",
        "The internal audit covered clause 8 only, not the technical clauses.",
    ),
    "7.6": ("温升试验的测量不确定度未评定。", "No uncertainty evaluation for the temperature-rise test."),
}


def demo_profile(today: dt.date) -> LabProfile:
    """The demo lab's profile, relative to ``today`` (system started four months ago)."""
    return LabProfile(
        name=DEMO_LAB_NAME,
        industry="lighting",
        size="small",
        staff_count=18,
        activities=("testing",),
        test_fields=("luminaire_safety", "appliance_safety", "photometry"),
        ms_option="A",
        ms_start_date=add_months(today, -4),
        last_internal_audit=None,
        last_management_review=None,
        declaration_voluntary=True,
        legal_status_confirmed=True,
        declaration_truthful=True,
        declaration_rules=True,
        sub_fields=("灯具安全 / luminaire safety", "家用电器安全 / household appliance safety"),
        pt_records=(
            PTRecord(
                "家用电器安全 / household appliance safety",
                add_months(today, -14),
                "satisfactory",
                "CNAS-recognised PT provider",
            ),
        ),
        scope_methods=(
            ScopeMethod("GB 7000.1-2015", "温升 temperature rise", True),
            ScopeMethod("GB 7000.1-2015", "电气强度 electric strength", True),
            ScopeMethod("GB 4706.1-2005", "泄漏电流 leakage current", True),
            ScopeMethod("GB/T 4208-2017", "IP 防护等级 IP code", False),
        ),
        staff={
            "lab_director": "陈志强",
            "technical_manager": "李工",
            "quality_manager": "王敏",
            "equipment_officer": "黄伟",
            "qc_officer": "王敏",
            "document_controller": "刘芳",
            "internal_auditor": "刘芳",
            "safety_officer": "黄伟",
            "testers": "测试组",
            "authorised_signatory": "李工",
        },
    )


def create_demo(
    labs: LabService, assessments: AssessmentService, today: dt.date | None = None, seed: int = 17
) -> tuple[LabDTO, AssessmentSummary]:
    """Create (or re-create) the demo lab and a realistically answered assessment."""
    today = today or dt.date.today()
    for lab in labs.list():
        if lab.name == DEMO_LAB_NAME:
            labs.delete(lab.id)
    lab = labs.add(demo_profile(today), notes="LabAssess demo data")
    pack_ids = [p.id for p in assessments.catalog.all() if p.kind == "requirements"][:1]
    supplement = [
        p.id
        for p in assessments.catalog.all()
        if p.kind == "supplement" and p.default_enabled and set(p.applies_to_fields) & set(lab.profile.test_fields)
    ]
    summary = assessments.create(
        lab.id,
        pack_ids + supplement[:1],
        assessor="张顾问 (demo)",
        assessed_on=today,
        title="CNAS 准备度自评估 / CNAS readiness self-assessment",
    )
    rng = random.Random(seed)
    changes = []
    for pack in assessments.packs(summary.id):
        if pack.kind == "gates":
            continue
        for item in pack.items:
            rate = GAP_RATE.get(clause_key(item.clause), DEFAULT_GAP_RATE) if pack.kind == "requirements" else 0.3
            if not item_applies(item, lab.profile):
                continue
            r = rng.random()
            if item.na_allowed and item.na_justification is not None and r > 0.9:
                changes.append(AnswerChange(item.id, Status.NA, "", item.na_justification.zh))
                continue
            if r < rate * 0.45:
                status = Status.NONCONFORM
            elif r < rate:
                status = Status.PARTIAL
            elif r > 0.985:
                continue  # a few items left for the on-site interview
            else:
                status = Status.CONFORM
            note = ""
            if status.is_gap and clause_key(item.clause) in NOTES:
                note = NOTES[clause_key(item.clause)][0]
            changes.append(AnswerChange(item.id, status, note))
    assessments.answer_many(summary.id, changes, by="demo")
    return lab, assessments.view(summary.id).summary

"""CNAS readiness gates G1–G10: declarative rules (from the gates pack) evaluated here.

A gate is ``pass``, ``fail`` or ``unknown`` (the data it needs is missing).  Gates are shown beside
the readiness percentage and never folded into it.  ``earliest_application_date`` turns the
time-bound gates (G5 six months of operation, G6 audit then review) into a date.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence

from app.assessment.model import Answer, LabProfile, Status
from app.assessment.scoring import ScoreResult
from app.checklists.schema import Checklist, Gate, Text, clause_key
from app.records import Record

PASS, FAIL, UNKNOWN = "pass", "fail", "unknown"
STATE_LABELS = {PASS: Text("通过", "pass"), FAIL: Text("未通过", "fail"), UNKNOWN: Text("未知", "unknown")}


class GateResult(Record):
    """The state of one gate and why."""

    id: str
    title: Text
    state: str
    reason: Text
    milestone: bool


def add_months(day: dt.date, months: int) -> dt.date:
    """``day`` plus ``months`` calendar months (clamped to the month's last day)."""
    m = day.month - 1 + months
    year, month = day.year + m // 12, m % 12 + 1
    for d in (day.day, 30, 29, 28):
        try:
            return dt.date(year, month, d)
        except ValueError:
            continue
    raise AssertionError("unreachable")


def months_between(start: dt.date, end: dt.date) -> int:
    """Whole calendar months from ``start`` to ``end`` (0 if end is before start)."""
    months = (end.year - start.year) * 12 + end.month - start.month
    if end.day < start.day:
        months -= 1
    return max(months, 0)


def evaluate_gates(
    gates_pack: Checklist | None,
    profile: LabProfile,
    packs: Sequence[Checklist],
    answers: Mapping[str, Answer],
    score: ScoreResult,
    as_of: dt.date,
) -> tuple[GateResult, ...]:
    """Evaluate every gate of ``gates_pack`` (empty if there is none)."""
    if gates_pack is None:
        return ()
    return tuple(_evaluate(g, profile, packs, answers, score, as_of) for g in gates_pack.gates)


def _evaluate(g: Gate, profile: LabProfile, packs, answers, score: ScoreResult, as_of: dt.date) -> GateResult:
    p = g.rule.params
    fn = _RULES[g.rule.type]
    state, reason = fn(p, profile, packs, answers, score, as_of)
    return GateResult(id=g.id, title=g.title, state=state, reason=reason, milestone=g.milestone)


def _profile_flag(p, profile: LabProfile, *_):
    value = getattr(profile, p.get("field", ""), None)
    if value is None:
        return UNKNOWN, Text("实验室概况中尚未确认", "not yet confirmed in the lab profile")
    if value:
        return PASS, Text("已在实验室概况中确认", "confirmed in the lab profile")
    return FAIL, Text("实验室概况中声明为否", "declared 'no' in the lab profile")


def _months_since(p, profile: LabProfile, _packs, _answers, _score, as_of):
    start = getattr(profile, p.get("field", "ms_start_date"), None)
    need = int(p.get("min_months", 6))
    if start is None:
        return UNKNOWN, Text("未填写管理体系正式运行日期", "the management-system start date is not recorded")
    months = months_between(start, as_of)
    if months >= need:
        return PASS, Text(
            f"管理体系已运行 {months} 个月（要求 ≥{need}）", f"system running for {months} months (≥{need} needed)"
        )
    ready = add_months(start, need)
    return FAIL, Text(
        f"管理体系仅运行 {months} 个月，最早 {ready.isoformat()} 满 {need} 个月",
        f"system running for only {months} months; {need} months are reached on {ready.isoformat()}",
    )


def _review_cycle(p, profile: LabProfile, _packs, _answers, _score, as_of):
    start = getattr(profile, p.get("after_field", "ms_start_date"), None)
    audit = getattr(profile, p.get("audit_field", "last_internal_audit"), None)
    review = getattr(profile, p.get("review_field", "last_management_review"), None)
    max_age = int(p.get("max_age_months", 12))
    if audit is None or review is None:
        if start is None and audit is None and review is None:
            return UNKNOWN, Text(
                "未填写体系运行、内审和管理评审日期", "no system start, internal audit or review dates recorded"
            )
        missing = []
        if audit is None:
            missing.append(("完整的内部审核", "a full internal audit"))
        if review is None:
            missing.append(("管理评审", "a management review"))
        return FAIL, Text(
            "尚未完成" + "和".join(m[0] for m in missing), "not yet done: " + " and ".join(m[1] for m in missing)
        )
    if start is not None and (audit < start or review < start):
        return FAIL, Text("内审或管理评审早于体系正式运行日期", "the audit or review predates the system start date")
    if review < audit:
        return FAIL, Text(
            "管理评审早于内部审核，评审未能输入内审结果",
            "the management review predates the internal audit, so it could not consider its results",
        )
    if months_between(audit, as_of) > max_age or months_between(review, as_of) > max_age:
        return FAIL, Text(f"内审或管理评审已超过 {max_age} 个月", f"the audit or review is older than {max_age} months")
    return PASS, Text(
        f"内审 {audit.isoformat()}，管理评审 {review.isoformat()}",
        f"internal audit {audit.isoformat()}, management review {review.isoformat()}",
    )


def _pt_coverage(p, profile: LabProfile, _packs, _answers, _score, as_of):
    years = int(p.get("within_years", 3))
    if not profile.sub_fields:
        return UNKNOWN, Text("未列出申请的子领域", "no applied sub-fields listed")
    window_start = dt.date(as_of.year - years, as_of.month, min(as_of.day, 28))
    missing = [
        sf
        for sf in profile.sub_fields
        if not any(
            r.sub_field == sf and r.result == "satisfactory" and window_start <= r.date <= as_of
            for r in profile.pt_records
        )
    ]
    if missing:
        names = "、".join(missing)
        return FAIL, Text(
            f"以下子领域近 {years} 年内无满意的能力验证结果：{names}",
            f"no satisfactory PT within {years} years for: {', '.join(missing)}",
        )
    return PASS, Text(
        f"全部 {len(profile.sub_fields)} 个子领域均有满意的能力验证结果",
        f"all {len(profile.sub_fields)} sub-fields have a satisfactory PT",
    )


def _clause_score(p, _profile, _packs, _answers, score: ScoreResult, _as_of):
    wanted = set(p.get("clauses", []))
    need = float(p.get("min_percent", 75))
    cells = [c for c in score.clauses if c.key in wanted]
    applicable = sum(c.applicable for c in cells)
    assessed = sum(c.assessed for c in cells)
    if not applicable or assessed * 2 < applicable:
        return UNKNOWN, Text("相关条款评估不足一半", "fewer than half of the relevant items are assessed")
    scored = [(c.score, c.applicable) for c in cells if c.score is not None]
    total = sum(w for _s, w in scored)
    value = 100.0 * sum(s * w for s, w in scored) / total if total else 0.0
    critical = sum(c.critical_gaps for c in cells)
    if critical:
        return FAIL, Text(f"资源条款存在 {critical} 项严重差距", f"{critical} critical gap(s) in these clauses")
    if value >= need:
        return PASS, Text(
            f"相关条款得分 {value:.0f}%（要求 ≥{need:.0f}%）", f"score {value:.0f}% (≥{need:.0f}% needed)"
        )
    return FAIL, Text(f"相关条款得分 {value:.0f}%，低于 {need:.0f}%", f"score {value:.0f}%, below {need:.0f}%")


def _items_conform(p, profile: LabProfile, packs, answers, _score, _as_of):
    from app.assessment.applicability import item_applies

    clauses = set(p.get("clauses", []))
    ids = set(p.get("items", []))
    min_crit = int(p.get("min_criticality", 1))
    items = [
        it
        for pack in packs
        if pack.kind == "requirements"
        for it in pack.items
        if item_applies(it, profile)
        and (it.id in ids or (clause_key(it.clause) in clauses and it.criticality >= min_crit))
    ]
    if not items:
        return UNKNOWN, Text("没有可判定的条目", "no items to judge")
    statuses = [(it, answers[it.id].status if it.id in answers else Status.UNASSESSED) for it in items]
    bad = [it.id for it, st in statuses if st.is_gap]
    if bad:
        return FAIL, Text(
            f"{len(bad)} 个关键条目未符合：{', '.join(bad[:5])}",
            f"{len(bad)} key item(s) not conform: {', '.join(bad[:5])}",
        )
    open_ = [it.id for it, st in statuses if st is Status.UNASSESSED]
    if open_:
        return UNKNOWN, Text(f"{len(open_)} 个关键条目尚未评估", f"{len(open_)} key item(s) not assessed yet")
    return PASS, Text(f"{len(items)} 个关键条目均符合", f"all {len(items)} key items conform")


def _scope_experience(_p, profile: LabProfile, *_):
    methods = profile.scope_methods
    if not methods:
        return UNKNOWN, Text("未列出拟申请的方法/参数", "no applied methods or parameters listed")
    lacking = [m.standard + (f" {m.parameter}" if m.parameter else "") for m in methods if m.has_experience is False]
    unknown = [m for m in methods if m.has_experience is None]
    if lacking:
        return FAIL, Text(
            f"无检测经历：{'、'.join(lacking[:5])}", f"no testing experience for: {', '.join(lacking[:5])}"
        )
    if unknown:
        return UNKNOWN, Text(
            f"{len(unknown)} 个方法未确认检测经历", f"testing experience not confirmed for {len(unknown)} method(s)"
        )
    return PASS, Text(f"全部 {len(methods)} 个方法均有检测经历", f"all {len(methods)} methods have testing experience")


_RULES = {
    "profile_flag": _profile_flag,
    "months_since": _months_since,
    "review_cycle": _review_cycle,
    "pt_coverage": _pt_coverage,
    "clause_score": _clause_score,
    "items_conform": _items_conform,
    "scope_experience": _scope_experience,
}


def earliest_application_date(profile: LabProfile, gates: Sequence[GateResult], as_of: dt.date) -> dt.date | None:
    """The earliest date the lab could apply, from the time-bound prerequisites.

    Heuristic (documented in the report): the system must have run 6 months from its start (or from
    today if no start date is recorded); a full internal audit and then a management review must
    follow with records, which we plan in months 5 and 6 of operation when they are not yet done.
    Returns ``as_of`` if every gate passes; ``None`` if there are no gates.
    """
    if not gates:
        return None
    if all(g.state == PASS for g in gates):
        return as_of
    start = profile.ms_start_date or as_of
    six = add_months(start, 6)
    state = {g.id: g.state for g in gates}
    candidate = max(six, as_of)
    if state.get("G6") != PASS:
        candidate = max(candidate, add_months(as_of, 2))
    if state.get("G7") != PASS:
        candidate = max(candidate, add_months(as_of, 4))  # a PT round typically takes ~4 months to report
    return candidate

"""Scoring: items -> clauses -> clause groups -> readiness.  The one place the formula lives.

Pure functions over checklist items, answers and the lab profile; no I/O.  ``FORMULA`` is the
human-readable statement of exactly what ``score_assessment`` computes; reports print it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from app.assessment.applicability import item_applies
from app.assessment.model import Answer, LabProfile, Status
from app.checklists.schema import CNAS_CLAUSES, Checklist, Item, Text, clause_key
from app.records import Record

#: Readiness bands (lower bound in percent, id, zh, en), highest first.
BANDS = (
    (90.0, "ready", "可申请", "Ready to apply"),
    (75.0, "nearly_ready", "基本就绪", "Nearly ready"),
    (55.0, "building", "建设中", "Building"),
    (0.0, "starting", "起步", "Starting"),
)
#: A critical gap caps the band here: a serious nonconformity blocks accreditation.
CRITICAL_GAP_CAP = "building"

FORMULA = Text(
    zh=(
        "每个条目的得分：符合 = 1，部分符合 = 0.5，不符合 = 0；不适用（须填写理由）和未评估的条目不计入分母，"
        "未评估条目单独统计为进度。权重 = 条目关键程度（1 一般、2 重要、3 关键）。"
        "条款得分 = Σ(权重 × 得分) ÷ Σ(权重)，只计适用且已评估的条目。"
        "总体准备度 = 已评估的各二级条款（CNAS-CL01 共 29 个，第 5 章合为 1 个）得分的算术平均，使条目多的条款不会主导结果。"
        "档位：<55% 起步；55–74% 建设中；75–89% 基本就绪；≥90% 且 G1–G10 全部通过且无严重差距 → 可申请。"
        "关键条目（一票否决项）判为不符合即为严重差距，档位最高为“建设中”。"
        "准备度关口 G1–G10 单独判定为通过 / 未通过 / 未知，不计入百分比。"
    ),
    en=(
        "Item credit: conform 1, partially conform 0.5, nonconform 0; not-applicable items (a reason is required) and "
        "not-assessed items are left out of the denominator, and not-assessed items are counted separately as progress. "
        "Weight = the item's criticality (1 minor, 2 major, 3 critical). "
        "Clause score = Σ(weight × credit) ÷ Σ(weight) over applicable, assessed items. "
        "Overall readiness = the plain average of the scores of the assessed second-level clauses (29 in CNAS-CL01, "
        "clause 5 counted as one), so large clauses do not dominate. "
        "Bands: <55% starting; 55–74% building; 75–89% nearly ready; ≥90% with all gates G1–G10 passed and no "
        "critical gap -> ready to apply. A nonconform answer on a knock-out item is a critical gap and caps the band at "
        "'building'. Readiness gates G1–G10 are judged pass / fail / unknown on their own and never folded into the "
        "percentage."
    ),
)


class Cell(Record):
    """The score of one clause, clause group, section or pack.

    ``score`` is 0..1 or ``None`` when nothing applicable has been assessed.
    """

    key: str
    title: Text
    score: float | None
    applicable: int
    assessed: int
    na: int
    gaps: int
    critical_gaps: int

    @property
    def percent(self) -> float | None:
        """Score as a percentage rounded to one decimal."""
        return None if self.score is None else round(self.score * 100.0, 1)


class Gap(Record):
    """An applicable item answered partial or nonconform."""

    item_id: str
    pack_id: str
    clause: str
    status: Status
    criticality: int
    knockout: bool
    critical: bool  # nonconform on a knock-out item
    text: Text
    note: str


class PackScore(Record):
    """The result for one pack (CNAS-CL01, a supplement, lab safety)."""

    pack_id: str
    kind: str
    title: Text
    overall: Cell
    sections: tuple[Cell, ...]


class Progress(Record):
    """How much of the applicable checklist has been answered."""

    applicable: int
    answered: int
    na: int
    unassessed: int
    excluded_by_profile: int

    @property
    def percent(self) -> float:
        """Answered share of applicable items, 0–100."""
        return 0.0 if not self.applicable else round(100.0 * self.answered / self.applicable, 1)


class ScoreResult(Record):
    """Everything scoring produces for one assessment (gates are evaluated separately)."""

    readiness: float | None  # 0..100
    clauses: tuple[Cell, ...]  # the 29 CNAS-CL01 clauses, in document order
    groups: tuple[Cell, ...]  # clause groups 4..8
    packs: tuple[PackScore, ...]
    gaps: tuple[Gap, ...]
    progress: Progress

    @property
    def critical_gaps(self) -> tuple[Gap, ...]:
        """Gaps that are nonconform answers on knock-out items."""
        return tuple(g for g in self.gaps if g.critical)


# One scored item: (weight, credit or None, is N/A, is a gap, is a critical gap). Each applicable
# item's answer is looked at once; a cell then only sums records (an answer re-scores the whole
# assessment, four cells per item: section, pack, clause and clause group).
_Record = tuple[int, float | None, bool, bool, bool]


def _record(it: Item, answers: Mapping[str, Answer]) -> tuple[Status, _Record]:
    a = answers.get(it.id)
    status = a.status if a else Status.UNASSESSED
    gap = status is Status.PARTIAL or status is Status.NONCONFORM
    return status, (
        it.criticality,
        status.credit,
        status is Status.NA,
        gap,
        gap and it.knockout and status is Status.NONCONFORM,
    )


def _cell(key: str, title: Text, records: Sequence[_Record]) -> Cell:
    num = den = 0.0
    scored = na = gaps = critical = 0
    for weight, credit, is_na, is_gap, is_critical in records:
        if credit is not None:
            num += weight * credit
            den += weight
            scored += 1
        na += is_na
        gaps += is_gap
        critical += is_critical
    return Cell(
        key=key,
        title=title,
        score=None if den == 0 else num / den,
        applicable=len(records),
        assessed=scored + na,
        na=na,
        gaps=gaps,
        critical_gaps=critical,
    )


def score_assessment(packs: Sequence[Checklist], answers: Mapping[str, Answer], profile: LabProfile) -> ScoreResult:
    """Score an assessment over its packs.  Deterministic and independent of answer order.

    Only ``requirements`` packs feed the 29-clause readiness; other packs are scored per section and
    listed in ``packs``; gaps (and critical gaps) come from every scored pack.
    """
    clause_records: dict[str, list[_Record]] = {key: [] for key, _zh, _en in CNAS_CLAUSES}
    pack_scores = []
    gaps: list[Gap] = []
    applicable = answered = na = excluded = 0
    for pack in packs:
        if pack.kind == "gates":
            continue
        sections = []
        pack_records: list[_Record] = []
        for sec in pack.sections:
            records = []
            for it in sec.items:
                if not item_applies(it, profile):
                    excluded += 1
                    continue
                status, rec = _record(it, answers)
                records.append(rec)
                applicable += 1
                if status is not Status.UNASSESSED:
                    answered += 1
                na += rec[2]
                if rec[3]:
                    a = answers.get(it.id)
                    gaps.append(
                        Gap(
                            item_id=it.id,
                            pack_id=pack.id,
                            clause=it.clause,
                            status=status,
                            criticality=it.criticality,
                            knockout=it.knockout,
                            critical=rec[4],
                            text=it.text,
                            note=a.note if a else "",
                        )
                    )
                if pack.kind == "requirements":
                    clause_records.setdefault(clause_key(it.clause), []).append(rec)
            pack_records.extend(records)
            sections.append(_cell(sec.clause, sec.title, records))
        pack_scores.append(
            PackScore(pack.id, pack.kind, pack.title, _cell(pack.id, pack.title, pack_records), tuple(sections))
        )

    titles = {key: Text(zh, en) for key, zh, en in CNAS_CLAUSES}
    clauses = tuple(_cell(key, titles.get(key, Text(key, key)), recs) for key, recs in clause_records.items())
    groups = []
    for g in ("4", "5", "6", "7", "8"):
        members = [rec for key, recs in clause_records.items() if key.split(".")[0] == g for rec in recs]
        groups.append(_cell(g, GROUP_TITLES[g], members))
    scored = [c.score for c in clauses if c.score is not None]
    readiness = round(100.0 * sum(scored) / len(scored), 1) if scored else None
    gaps.sort(key=lambda g: (not g.critical, -g.criticality, g.status is Status.PARTIAL, g.item_id))
    return ScoreResult(
        readiness=readiness,
        clauses=clauses,
        groups=tuple(groups),
        packs=tuple(pack_scores),
        gaps=tuple(gaps),
        progress=Progress(applicable, answered, na, applicable - answered, excluded),
    )


GROUP_TITLES = {
    "4": Text("通用要求", "General requirements"),
    "5": Text("结构要求", "Structural requirements"),
    "6": Text("资源要求", "Resource requirements"),
    "7": Text("过程要求", "Process requirements"),
    "8": Text("管理体系要求", "Management system requirements"),
}


def band_for(readiness: float | None, all_gates_pass: bool, critical_gaps: int) -> tuple[str, Text]:
    """Return the readiness band id and its label.

    ``ready`` needs ≥ 90 %, every gate passed and no critical gap; a critical gap caps at ``building``.
    """
    value = readiness or 0.0
    order = [b[1] for b in BANDS]
    band = next(b for b in BANDS if value >= b[0])
    band_id = band[1]
    if band_id == "ready" and not all_gates_pass:
        band_id = "nearly_ready"
    if critical_gaps and order.index(band_id) < order.index(CRITICAL_GAP_CAP):
        band_id = CRITICAL_GAP_CAP
    label = next(Text(zh, en) for _lo, bid, zh, en in BANDS if bid == band_id)
    return band_id, label

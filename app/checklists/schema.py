"""Checklist domain objects: frozen records (``app.records``), no I/O, no Qt, no SQL.

A *checklist* (also called a *pack*) is versioned data: CNAS-CL01 requirements, the readiness
gates, lab safety, a field supplement.  The loader (``loader.py``) turns a YAML file into these
objects after validating every field; everything downstream (scoring, plan, reports, UI) reads
only these objects.  The file format is documented in ``docs/checklist-format.md``.
"""

from __future__ import annotations

import datetime as dt
import re

from app.records import Record, field

FORMAT_TAG = "labassess-checklist/1"

LANGS = ("zh", "en")

#: Pack kinds.  ``requirements`` packs are scored; ``gates`` packs hold readiness gates only.
KINDS = ("requirements", "gates", "safety", "supplement")

#: Applicability tags an item may carry (any-of semantics, see ``Item.applies_to``).
APPLICABILITY_TAGS = (
    "testing",
    "calibration",
    "sampling",
    "non_standard_methods",
    "multi_site",
    "off_site",
    "external_reports",
)

#: Test fields a lab profile can list; supplements apply by these.
TEST_FIELDS = (
    "appliance_safety",
    "luminaire_safety",
    "emc",
    "photometry",
    "battery",
    "chemical",
    "performance",
)

#: The five training themes (domain brief §5.3).
TRAINING_THEMES = (
    "management_system",  # 实验室管理体系
    "standards",  # 标准解读
    "safety",  # 安全管理
    "quality_control",  # 质量控制
    "operation",  # 实验操作
)

#: Owner roles an action can be assigned to; the lab profile maps roles to names.
OWNER_ROLES = (
    "lab_director",
    "technical_manager",
    "quality_manager",
    "equipment_officer",
    "qc_officer",
    "document_controller",
    "authorised_signatory",
    "internal_auditor",
    "safety_officer",
    "testers",
    "sample_administrator",
    "hr_officer",
)

#: Plan phases along the CNAS route (domain brief §5.2).
PHASES = (0, 1, 2, 3)

#: What happens to an item when the lab runs management-system option B (ISO 9001 route).
OPTION_B_RULES = ("keep", "skip")

#: Gate rule types understood by ``app.assessment.gates`` (data, never code).
GATE_RULE_TYPES = (
    "profile_flag",
    "months_since",
    "review_cycle",
    "pt_coverage",
    "clause_score",
    "items_conform",
    "scope_experience",
)

CLAUSE_RE = re.compile(r"^(4|5|6|7|8)(\.\d{1,2}){0,3}$")
GENERIC_CLAUSE_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9.\-]{0,30}$")
ID_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]{0,63}$")


class Text(Record):
    """A bilingual string.  Both languages are required by validation."""

    zh: str
    en: str

    def get(self, lang: str) -> str:
        """Return the text in ``lang`` ('zh' or 'en'), falling back to the other language."""
        value = self.zh if lang == "zh" else self.en
        return value or (self.en if lang == "zh" else self.zh)


class TextList(Record):
    """A bilingual list of short strings (e.g. evidence examples)."""

    zh: tuple[str, ...]
    en: tuple[str, ...]

    def get(self, lang: str) -> tuple[str, ...]:
        """Return the list in ``lang``."""
        return self.zh if lang == "zh" else self.en


class BasisDocument(Record):
    """A document a pack is based on, with the edition and when we last checked it was current."""

    id: str
    title: Text
    edition: str
    checked: dt.date


class Action(Record):
    """A recommended improvement action for a gap.

    ``key`` is shared by actions that should merge into one plan action (one intermediate-check
    procedure closes several 6.4 items).  ``effort_days`` is person-days.
    """

    key: str
    text: Text
    effort_days: float
    owner_role: str
    training_theme: str
    phase: int
    closure_evidence: Text


class Item(Record):
    """One question of a checklist.

    ``applies_to`` holds applicability tags: the item applies to a lab whose activities include
    *any* of them; an empty tuple means it always applies.  ``option_b`` says whether the item
    still applies when the lab runs management-system option B.
    """

    id: str
    clause: str
    text: Text
    guidance: Text
    evidence: TextList
    criticality: int
    knockout: bool
    applies_to: tuple[str, ...]
    na_allowed: bool
    na_justification: Text | None
    actions: tuple[Action, ...]
    option_b: str = "keep"
    fields: tuple[str, ...] = ()
    line: int = field(default=0, compare=False)  # where the item was read, not part of what it is

    @property
    def clause_key(self) -> str:
        """The scoring clause this item rolls up to (see ``clause_key``)."""
        return clause_key(self.clause)


class Section(Record):
    """A group of items under one clause (or a safety/supplement section)."""

    clause: str
    title: Text
    items: tuple[Item, ...]


class GateRule(Record):
    """Declarative pass/fail/unknown logic for a readiness gate (see ``app.assessment.gates``)."""

    type: str
    params: dict


class Gate(Record):
    """A CNAS readiness gate (G1-G10): what it needs and how it is decided."""

    id: str
    title: Text
    description: Text
    needs: TextList
    rule: GateRule
    milestone: bool = False


class Checklist(Record):
    """A validated, immutable checklist pack.

    Equality ignores ``source`` (where it was read from). The id index built once in
    ``__post_init__`` is kept beside the fields, not as one (not compared or shown).
    """

    id: str
    version: str
    kind: str
    title: Text
    description: Text
    basis: tuple[BasisDocument, ...]
    sections: tuple[Section, ...]
    gates: tuple[Gate, ...] = ()
    applies_to_fields: tuple[str, ...] = ()
    default_enabled: bool = True
    source: str = field(default="", compare=False)

    def __post_init__(self) -> None:  # the record is frozen: the index goes in its __dict__
        self.__dict__["_index"] = {it.id: it for s in self.sections for it in s.items}

    @property
    def items(self) -> tuple[Item, ...]:
        """All items in document order."""
        return tuple(it for s in self.sections for it in s.items)

    def item(self, item_id: str) -> Item:
        """Return one item by id (KeyError if absent)."""
        return self._index[item_id]

    def has_item(self, item_id: str) -> bool:
        """True if the pack holds ``item_id``."""
        return item_id in self._index


def is_cnas_clause(ref: str) -> bool:
    """True if ``ref`` looks like a CNAS-CL01 requirement clause (4 … 8.9.x)."""
    return bool(CLAUSE_RE.match(ref))


def clause_key(ref: str) -> str:
    """Map a clause reference to one of the 29 scoring clauses of CNAS-CL01.

    ``6.4.10`` -> ``6.4``; ``7.8.6`` -> ``7.8``; every clause 5.x -> ``5`` (clause 5 is scored as
    one structural clause, as in the domain brief's list of 29).  Non-CNAS references (safety
    sections such as ``S3``) map to their first dotted part.
    """
    parts = ref.split(".")
    if parts[0] == "5":
        return "5"
    if parts[0] in {"4", "6", "7", "8"} and len(parts) >= 2:
        return ".".join(parts[:2])
    return parts[0]


#: The 29 second-level clauses of CNAS-CL01:2018 in document order.
CNAS_CLAUSES = (
    ("4.1", "公正性", "Impartiality"),
    ("4.2", "保密性", "Confidentiality"),
    ("5", "结构要求", "Structural requirements"),
    ("6.1", "总则", "General"),
    ("6.2", "人员", "Personnel"),
    ("6.3", "设施和环境条件", "Facilities and environmental conditions"),
    ("6.4", "设备", "Equipment"),
    ("6.5", "计量溯源性", "Metrological traceability"),
    ("6.6", "外部提供的产品和服务", "Externally provided products and services"),
    ("7.1", "要求、标书和合同的评审", "Review of requests, tenders and contracts"),
    ("7.2", "方法的选择、验证和确认", "Selection, verification and validation of methods"),
    ("7.3", "抽样", "Sampling"),
    ("7.4", "检测或校准物品的处置", "Handling of test or calibration items"),
    ("7.5", "技术记录", "Technical records"),
    ("7.6", "测量不确定度的评定", "Evaluation of measurement uncertainty"),
    ("7.7", "确保结果有效性", "Ensuring the validity of results"),
    ("7.8", "报告结果", "Reporting of results"),
    ("7.9", "投诉", "Complaints"),
    ("7.10", "不符合工作", "Nonconforming work"),
    ("7.11", "数据控制和信息管理", "Control of data and information management"),
    ("8.1", "方式", "Options"),
    ("8.2", "管理体系文件", "Management system documentation"),
    ("8.3", "管理体系文件的控制", "Control of management system documents"),
    ("8.4", "记录控制", "Control of records"),
    ("8.5", "应对风险和机遇的措施", "Actions to address risks and opportunities"),
    ("8.6", "改进", "Improvement"),
    ("8.7", "纠正措施", "Corrective actions"),
    ("8.8", "内部审核", "Internal audits"),
    ("8.9", "管理评审", "Management reviews"),
)

"""Assessment domain values: answer statuses, the lab profile, answers.  Pure Python."""

from __future__ import annotations

import datetime as dt
import enum

from app.checklists.schema import APPLICABILITY_TAGS
from app.records import Record, field


class Status(enum.StrEnum):
    """An item's answer.  Values are stored in the database; never rename them."""

    CONFORM = "conform"
    PARTIAL = "partial"
    NONCONFORM = "nonconform"
    NA = "na"
    UNASSESSED = "unassessed"

    @property
    def credit(self) -> float | None:
        """Score credit: conform 1, partial 0.5, nonconform 0; N/A and unassessed have none."""
        return _CREDIT[self]

    @property
    def is_gap(self) -> bool:
        """Partial and nonconform answers are gaps."""
        return self in (Status.PARTIAL, Status.NONCONFORM)

    def label(self, lang: str) -> str:
        """Human label in ``lang``."""
        return STATUS_LABELS[self][0 if lang == "zh" else 1]


_CREDIT = {
    Status.CONFORM: 1.0,
    Status.PARTIAL: 0.5,
    Status.NONCONFORM: 0.0,
    Status.NA: None,
    Status.UNASSESSED: None,
}

STATUS_LABELS = {
    Status.CONFORM: ("符合", "Conform"),
    Status.PARTIAL: ("部分符合", "Partially conform"),
    Status.NONCONFORM: ("不符合", "Nonconform"),
    Status.NA: ("不适用", "Not applicable"),
    Status.UNASSESSED: ("未评估", "Not assessed"),
}

#: Every spelling the CLI and bulk import accept, mapped to a status.
STATUS_ALIASES: dict[str, Status] = {
    **{s.value: s for s in Status},
    "符合": Status.CONFORM,
    "部分符合": Status.PARTIAL,
    "不符合": Status.NONCONFORM,
    "不适用": Status.NA,
    "未评估": Status.UNASSESSED,
    "n/a": Status.NA,
    "partially conform": Status.PARTIAL,
    "1": Status.CONFORM,
    "2": Status.PARTIAL,
    "3": Status.NONCONFORM,
    "4": Status.NA,
    "5": Status.UNASSESSED,
}


def parse_status(text: str) -> Status:
    """Parse a status in English, Chinese or as the key 1–5.

    Raises:
        ValueError: naming the accepted spellings.
    """
    key = (text or "").strip().lower()
    if key in STATUS_ALIASES:
        return STATUS_ALIASES[key]
    raise ValueError(
        f"unknown status {text!r}; use conform, partial, nonconform, na, unassessed "
        "(or 符合, 部分符合, 不符合, 不适用, 未评估)"
    )


INDUSTRIES = ("appliance", "lighting", "other")
SIZES = ("micro", "small", "medium")  # <10, 10–49, 50+ staff
#: What a lab does; the same vocabulary as the items' applicability tags.
ACTIVITIES = APPLICABILITY_TAGS


class PTRecord(Record):
    """A proficiency-testing participation."""

    sub_field: str
    date: dt.date
    result: str  # satisfactory | questionable | unsatisfactory
    provider: str = ""


class ScopeMethod(Record):
    """A method/parameter the lab intends to apply for, and whether it has real test experience."""

    standard: str
    parameter: str = ""
    has_experience: bool | None = None


class LabProfile(Record):
    """Everything about the lab that scoring, gates and the plan need (no database identity)."""

    name: str
    industry: str = "appliance"
    size: str = "small"
    staff_count: int | None = None
    activities: tuple[str, ...] = ("testing",)
    test_fields: tuple[str, ...] = ()
    ms_option: str = "A"
    ms_start_date: dt.date | None = None
    last_internal_audit: dt.date | None = None
    last_management_review: dt.date | None = None
    declaration_voluntary: bool | None = None
    legal_status_confirmed: bool | None = None
    declaration_truthful: bool | None = None
    declaration_rules: bool | None = None
    sub_fields: tuple[str, ...] = ()
    pt_records: tuple[PTRecord, ...] = ()
    scope_methods: tuple[ScopeMethod, ...] = ()
    staff: dict[str, str] = field(default_factory=dict)  # owner role -> person's name


class Answer(Record):
    """The answer to one item (what scoring needs; storage adds history and versioning)."""

    item_id: str
    status: Status = Status.UNASSESSED
    note: str = ""
    na_reason: str = ""
    maturity: int | None = None
    flagged: bool = False

"""SQLAlchemy 2 typed tables.  Only ``app.storage`` and ``app.services`` see these classes.

Schema changes go through Alembic (``app/storage/migrations``); never edit a released migration.
Lists and small structures of the lab profile are JSON columns: they are read and written whole
and never queried across labs, so normalising them would add joins for nothing.
"""

from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


def utcnow() -> dt.datetime:
    """Timezone-aware now, stored as UTC."""
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def new_uid() -> str:
    """A random UUID string: the identity of a row across databases (portable lab files, merge)."""
    return str(uuid.uuid4())


class Base(DeclarativeBase):
    """Declarative base for every table."""


class ChecklistSnapshot(Base):
    """The exact content of a checklist version an assessment was made with."""

    __tablename__ = "checklist_snapshot"
    __table_args__ = (UniqueConstraint("checklist_id", "version", "sha256"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    checklist_id: Mapped[str] = mapped_column(String(64))
    version: Mapped[str] = mapped_column(String(32))
    sha256: Mapped[str] = mapped_column(String(64))
    content: Mapped[dict] = mapped_column(JSON)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class Lab(Base):
    """A laboratory and its profile."""

    __tablename__ = "lab"

    id: Mapped[int] = mapped_column(primary_key=True)
    uid: Mapped[str] = mapped_column(String(36), unique=True, default=new_uid)
    name: Mapped[str] = mapped_column(String(200))
    industry: Mapped[str] = mapped_column(String(20), default="appliance")
    size: Mapped[str] = mapped_column(String(20), default="small")
    staff_count: Mapped[int | None] = mapped_column(Integer)
    activities: Mapped[list] = mapped_column(JSON, default=lambda: ["testing"])
    test_fields: Mapped[list] = mapped_column(JSON, default=list)
    ms_option: Mapped[str] = mapped_column(String(1), default="A")
    ms_start_date: Mapped[dt.date | None] = mapped_column(Date)
    last_internal_audit: Mapped[dt.date | None] = mapped_column(Date)
    last_management_review: Mapped[dt.date | None] = mapped_column(Date)
    declaration_voluntary: Mapped[bool | None] = mapped_column(Boolean)
    legal_status_confirmed: Mapped[bool | None] = mapped_column(Boolean)
    declaration_truthful: Mapped[bool | None] = mapped_column(Boolean)
    declaration_rules: Mapped[bool | None] = mapped_column(Boolean)
    sub_fields: Mapped[list] = mapped_column(JSON, default=list)
    pt_records: Mapped[list] = mapped_column(JSON, default=list)
    scope_methods: Mapped[list] = mapped_column(JSON, default=list)
    staff: Mapped[dict] = mapped_column(JSON, default=dict)
    notes: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)

    assessments: Mapped[list[Assessment]] = relationship(back_populates="lab", cascade="all, delete-orphan")


class Assessment(Base):
    """One self-assessment of a lab, against fixed checklist snapshots."""

    __tablename__ = "assessment"

    id: Mapped[int] = mapped_column(primary_key=True)
    uid: Mapped[str] = mapped_column(String(36), unique=True, default=new_uid)
    lab_id: Mapped[int] = mapped_column(ForeignKey("lab.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(200), default="")
    assessor: Mapped[str] = mapped_column(String(120), default="")
    assessed_on: Mapped[dt.date] = mapped_column(Date, default=dt.date.today)
    completed_on: Mapped[dt.date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(20), default="in_progress")
    follows_id: Mapped[int | None] = mapped_column(ForeignKey("assessment.id", ondelete="SET NULL"))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)

    lab: Mapped[Lab] = relationship(back_populates="assessments")
    packs: Mapped[list[AssessmentPack]] = relationship(cascade="all, delete-orphan", order_by="AssessmentPack.position")


class AssessmentPack(Base):
    """Which checklist snapshots an assessment uses, in order."""

    __tablename__ = "assessment_pack"

    assessment_id: Mapped[int] = mapped_column(ForeignKey("assessment.id", ondelete="CASCADE"), primary_key=True)
    snapshot_id: Mapped[int] = mapped_column(ForeignKey("checklist_snapshot.id"), primary_key=True)
    position: Mapped[int] = mapped_column(Integer, default=0)

    snapshot: Mapped[ChecklistSnapshot] = relationship()


class Answer(Base):
    """The current answer to one item.  ``version`` increments on every change (optimistic locking)."""

    __tablename__ = "answer"
    __table_args__ = (
        UniqueConstraint("assessment_id", "item_id"),
        Index("ix_answer_item_status", "item_id", "status"),
        # covering index for the cross-lab ranking (migration 0002)
        Index("ix_answer_item_status_assessment", "item_id", "status", "assessment_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(ForeignKey("assessment.id", ondelete="CASCADE"), index=True)
    item_id: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(12), default="unassessed")
    note: Mapped[str] = mapped_column(Text, default="")
    na_reason: Mapped[str] = mapped_column(Text, default="")
    maturity: Mapped[int | None] = mapped_column(Integer)
    flagged: Mapped[bool] = mapped_column(Boolean, default=False)
    reverify: Mapped[bool] = mapped_column(Boolean, default=False)
    version: Mapped[int] = mapped_column(Integer, default=1)
    updated_by: Mapped[str] = mapped_column(String(120), default="")
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class AnswerHistory(Base):
    """Every change of an answer: old -> new, who, when.  Append-only."""

    __tablename__ = "answer_history"

    id: Mapped[int] = mapped_column(primary_key=True)
    answer_id: Mapped[int] = mapped_column(ForeignKey("answer.id", ondelete="CASCADE"), index=True)
    old_status: Mapped[str | None] = mapped_column(String(12))
    new_status: Mapped[str] = mapped_column(String(12))
    old_note: Mapped[str | None] = mapped_column(Text)
    new_note: Mapped[str] = mapped_column(Text, default="")
    old_na_reason: Mapped[str | None] = mapped_column(Text)
    new_na_reason: Mapped[str] = mapped_column(Text, default="")
    changed_by: Mapped[str] = mapped_column(String(120), default="")
    changed_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class EvidenceBlob(Base):
    """Evidence file content, addressed by SHA-256 (stored once however often it is attached)."""

    __tablename__ = "evidence_blob"

    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    size: Mapped[int] = mapped_column(Integer)
    data: Mapped[bytes] = mapped_column(LargeBinary)


class Evidence(Base):
    """A file attached to an assessment item."""

    __tablename__ = "evidence"

    id: Mapped[int] = mapped_column(primary_key=True)
    uid: Mapped[str] = mapped_column(String(36), unique=True, default=new_uid)
    assessment_id: Mapped[int] = mapped_column(ForeignKey("assessment.id", ondelete="CASCADE"), index=True)
    item_id: Mapped[str | None] = mapped_column(String(64))
    sha256: Mapped[str] = mapped_column(ForeignKey("evidence_blob.sha256"))
    original_name: Mapped[str] = mapped_column(String(255))
    size: Mapped[int] = mapped_column(Integer)
    mime: Mapped[str] = mapped_column(String(100), default="application/octet-stream")
    added_by: Mapped[str] = mapped_column(String(120), default="")
    added_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    removed_at: Mapped[dt.datetime | None] = mapped_column(DateTime)


class PlanAction(Base):
    """One action of an assessment's improvement plan (generated or added by the user).

    ``edited`` lists the fields the user changed; regeneration never overwrites those.
    """

    __tablename__ = "plan_action"

    id: Mapped[int] = mapped_column(primary_key=True)
    uid: Mapped[str] = mapped_column(String(36), unique=True, default=new_uid)
    assessment_id: Mapped[int] = mapped_column(ForeignKey("assessment.id", ondelete="CASCADE"), index=True)
    key: Mapped[str] = mapped_column(String(64), default="")
    origin: Mapped[str] = mapped_column(String(12), default="generated")  # generated | user
    text_zh: Mapped[str] = mapped_column(Text, default="")
    text_en: Mapped[str] = mapped_column(Text, default="")
    item_ids: Mapped[list] = mapped_column(JSON, default=list)
    clauses: Mapped[list] = mapped_column(JSON, default=list)
    priority: Mapped[str] = mapped_column(String(2), default="P2")
    phase: Mapped[int] = mapped_column(Integer, default=1)
    owner_role: Mapped[str] = mapped_column(String(40), default="")
    owner_name: Mapped[str] = mapped_column(String(120), default="")
    effort_days: Mapped[float] = mapped_column(Float, default=1.0)
    training_theme: Mapped[str] = mapped_column(String(40), default="")
    start_date: Mapped[dt.date | None] = mapped_column(Date)
    due_date: Mapped[dt.date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(16), default="open")
    closure_evidence_zh: Mapped[str] = mapped_column(Text, default="")
    closure_evidence_en: Mapped[str] = mapped_column(Text, default="")
    closure_note: Mapped[str] = mapped_column(Text, default="")
    effectiveness: Mapped[str] = mapped_column(Text, default="")
    verified_by: Mapped[str] = mapped_column(String(120), default="")
    verified_on: Mapped[dt.date | None] = mapped_column(Date)
    # every closure (with its record) and reopening, oldest first (migration 0003)
    closure_history: Mapped[list] = mapped_column(JSON, default=list, server_default="[]")
    edited: Mapped[list] = mapped_column(JSON, default=list)
    dropped: Mapped[bool] = mapped_column(Boolean, default=False)
    position: Mapped[int] = mapped_column(Integer, default=0)
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)

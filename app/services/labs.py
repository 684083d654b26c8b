"""Lab use cases: add, update, list labs and their profiles."""

from __future__ import annotations

from sqlalchemy import select

from app.assessment.model import ACTIVITIES, INDUSTRIES, SIZES, LabProfile
from app.checklists.schema import OWNER_ROLES, TEST_FIELDS
from app.records import replace
from app.services.dto import LabDTO
from app.services.errors import NotFound, ValidationError
from app.services.views import lab_dto
from app.storage.database import Database
from app.storage.orm import Lab

MAX_NAME = 200


def validate_profile(p: LabProfile) -> None:
    """Check a profile's values; raise ``ValidationError`` naming the field."""
    if not p.name or not p.name.strip():
        raise ValidationError("name", "the lab needs a name")
    if len(p.name) > MAX_NAME:
        raise ValidationError("name", f"at most {MAX_NAME} characters")
    if p.industry not in INDUSTRIES:
        raise ValidationError("industry", f"use one of {', '.join(INDUSTRIES)}")
    if p.size not in SIZES:
        raise ValidationError("size", f"use one of {', '.join(SIZES)}")
    if p.ms_option not in ("A", "B"):
        raise ValidationError("ms_option", "use A or B")
    for a in p.activities:
        if a not in ACTIVITIES:
            raise ValidationError("activities", f"unknown activity {a!r}; use {', '.join(ACTIVITIES)}")
    for f in p.test_fields:
        if f not in TEST_FIELDS:
            raise ValidationError("test_fields", f"unknown test field {f!r}; use {', '.join(TEST_FIELDS)}")
    for role in p.staff:
        if role not in OWNER_ROLES:
            raise ValidationError("staff", f"unknown role {role!r}")
    for r in p.pt_records:
        if r.result not in ("satisfactory", "questionable", "unsatisfactory"):
            raise ValidationError(
                "pt_records", f"PT result must be satisfactory, questionable or unsatisfactory, not {r.result!r}"
            )
    if p.staff_count is not None and not 0 <= p.staff_count <= 100000:
        raise ValidationError("staff_count", "must be between 0 and 100000")


def _apply(row: Lab, p: LabProfile) -> None:
    row.name = p.name.strip()
    row.industry = p.industry
    row.size = p.size
    row.staff_count = p.staff_count
    row.activities = list(p.activities)
    row.test_fields = list(p.test_fields)
    row.ms_option = p.ms_option
    row.ms_start_date = p.ms_start_date
    row.last_internal_audit = p.last_internal_audit
    row.last_management_review = p.last_management_review
    row.declaration_voluntary = p.declaration_voluntary
    row.legal_status_confirmed = p.legal_status_confirmed
    row.declaration_truthful = p.declaration_truthful
    row.declaration_rules = p.declaration_rules
    row.sub_fields = list(p.sub_fields)
    row.pt_records = [
        {"sub_field": r.sub_field, "date": r.date.isoformat(), "result": r.result, "provider": r.provider}
        for r in p.pt_records
    ]
    row.scope_methods = [
        {"standard": m.standard, "parameter": m.parameter, "has_experience": m.has_experience} for m in p.scope_methods
    ]
    row.staff = dict(p.staff)


to_dto = lab_dto  # the name the services use for a lab row -> DTO


class LabService:
    """Create, change and list labs."""

    def __init__(self, db: Database):
        self.db = db

    def add(self, profile: LabProfile, notes: str = "") -> LabDTO:
        """Add a lab; returns it with its new id."""
        validate_profile(profile)
        with self.db.transaction() as s:
            row = Lab()
            _apply(row, profile)
            row.notes = notes
            s.add(row)
            s.flush()
            return to_dto(row)

    def update(self, lab_id: int, profile: LabProfile, notes: str | None = None) -> LabDTO:
        """Replace a lab's profile."""
        validate_profile(profile)
        with self.db.transaction() as s:
            row = s.get(Lab, lab_id)
            if row is None:
                raise NotFound("lab", lab_id)
            _apply(row, profile)
            if notes is not None:
                row.notes = notes
            s.flush()
            return to_dto(row)

    def change(self, lab_id: int, **fields) -> LabDTO:
        """Change some profile fields (e.g. ``ms_start_date=...``) and keep the rest."""
        current = self.get(lab_id).profile
        return self.update(lab_id, replace(current, **fields))

    def get(self, lab_id: int) -> LabDTO:
        """One lab (``NotFound`` if absent)."""
        with self.db.transaction() as s:
            row = s.get(Lab, lab_id)
            if row is None:
                raise NotFound("lab", lab_id)
            return to_dto(row)

    def list(self) -> list[LabDTO]:
        """Every lab, by name."""
        with self.db.transaction() as s:
            return [to_dto(r) for r in s.scalars(select(Lab).order_by(Lab.name, Lab.id))]

    def delete(self, lab_id: int) -> None:
        """Delete a lab and all its assessments."""
        with self.db.transaction() as s:
            row = s.get(Lab, lab_id)
            if row is None:
                raise NotFound("lab", lab_id)
            s.delete(row)

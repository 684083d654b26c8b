"""Evidence files: attach (stored once, by SHA-256, inside the database), list, read, remove, restore."""

from __future__ import annotations

import hashlib
import mimetypes
from pathlib import Path

from sqlalchemy import select

from app.services.dto import EvidenceDTO
from app.services.errors import NotFound, ValidationError
from app.services.views import evidence_dto
from app.storage.database import Database
from app.storage.orm import Assessment, Evidence, EvidenceBlob, utcnow

MAX_EVIDENCE_BYTES = 100 * 1024 * 1024


_dto = evidence_dto


class EvidenceService:
    """Attach files to assessment items."""

    def __init__(self, db: Database):
        self.db = db

    def add(self, assessment_id: int, item_id: str | None, path: Path, by: str = "") -> EvidenceDTO:
        """Store a file's bytes (deduplicated by hash) and link it to an item, in one transaction."""
        try:
            size = path.stat().st_size
            if size > MAX_EVIDENCE_BYTES:
                raise ValidationError(path.name, f"larger than {MAX_EVIDENCE_BYTES // (1024 * 1024)} MB")
            data = path.read_bytes()
        except OSError as exc:
            raise ValidationError(path.name, f"cannot read file: {exc.strerror or exc}") from None
        return self.add_bytes(assessment_id, item_id, path.name, data, by=by)

    def add_bytes(
        self, assessment_id: int, item_id: str | None, name: str, data: bytes, by: str = "", mime: str | None = None
    ) -> EvidenceDTO:
        """Store ``data`` under ``name``."""
        digest = hashlib.sha256(data).hexdigest()
        mime = mime or mimetypes.guess_type(name)[0] or "application/octet-stream"
        with self.db.transaction() as s:
            if s.get(Assessment, assessment_id) is None:
                raise NotFound("assessment", assessment_id)
            if s.get(EvidenceBlob, digest) is None:
                s.add(EvidenceBlob(sha256=digest, size=len(data), data=data))
                s.flush()  # the blob row must exist before the evidence row that references it (no ORM relationship orders them)
            row = Evidence(
                assessment_id=assessment_id,
                item_id=item_id,
                sha256=digest,
                original_name=name[:255],
                size=len(data),
                mime=mime[:100],
                added_by=by,
            )
            s.add(row)
            s.flush()
            return _dto(row)

    def list(self, assessment_id: int, item_id: str | None = None, include_removed: bool = False) -> list[EvidenceDTO]:
        """Evidence of an assessment (or one item), oldest first."""
        with self.db.transaction() as s:
            q = select(Evidence).where(Evidence.assessment_id == assessment_id).order_by(Evidence.id)
            if item_id is not None:
                q = q.where(Evidence.item_id == item_id)
            if not include_removed:
                q = q.where(Evidence.removed_at.is_(None))
            return [_dto(r) for r in s.scalars(q)]

    def read(self, evidence_id: int) -> bytes:
        """The file's bytes."""
        with self.db.transaction() as s:
            row = s.get(Evidence, evidence_id)
            if row is None:
                raise NotFound("evidence", evidence_id)
            return s.get(EvidenceBlob, row.sha256).data

    def export_to(self, evidence_id: int, folder: Path) -> Path:
        """Write the file into ``folder`` (for opening in the system viewer); returns its path."""
        with self.db.transaction() as s:
            row = s.get(Evidence, evidence_id)
            if row is None:
                raise NotFound("evidence", evidence_id)
            name = Path(row.original_name).name or "evidence"
            data = s.get(EvidenceBlob, row.sha256).data
        folder.mkdir(parents=True, exist_ok=True)
        dest = folder / f"{evidence_id}-{name}"
        dest.write_bytes(data)
        return dest

    def remove(self, evidence_id: int) -> None:
        """Detach a file (kept, so ``restore`` can undo it)."""
        self._set_removed(evidence_id, True)

    def restore(self, evidence_id: int) -> None:
        """Undo ``remove``."""
        self._set_removed(evidence_id, False)

    def _set_removed(self, evidence_id: int, removed: bool) -> None:
        with self.db.transaction() as s:
            row = s.get(Evidence, evidence_id)
            if row is None:
                raise NotFound("evidence", evidence_id)
            row.removed_at = utcnow() if removed else None

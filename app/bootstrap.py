"""Composition root: open the database and build the services both the CLI and the UI use."""

from __future__ import annotations

from dataclasses import dataclass

from app.paths import default_db_url, user_checklist_dir
from app.services.assessments import AssessmentService
from app.services.catalog import Catalog
from app.services.evidence import EvidenceService
from app.services.followup import FollowupService
from app.services.labfile import LabFileService
from app.services.labs import LabService
from app.services.plans import PlanService
from app.services.portfolio import PortfolioService
from app.services.reports import ReportService
from app.storage.database import Database, open_database


@dataclass
class Services:
    """Every use-case service over one database."""

    db: Database
    catalog: Catalog
    labs: LabService
    assessments: AssessmentService
    evidence: EvidenceService
    plans: PlanService
    reports: ReportService
    labfiles: LabFileService
    portfolio: PortfolioService
    followups: FollowupService

    def close(self) -> None:
        """Release the database."""
        self.db.dispose()


def open_services(db_url: str | None = None, catalog: Catalog | None = None) -> Services:
    """Open (and migrate) the database at ``db_url`` (default: the embedded SQLite file)."""
    db = open_database(db_url or default_db_url())
    catalog = catalog or Catalog(user_checklist_dir())
    assessments = AssessmentService(db, catalog)
    evidence = EvidenceService(db)
    plans = PlanService(db, assessments)
    return Services(
        db=db,
        catalog=catalog,
        labs=LabService(db),
        assessments=assessments,
        evidence=evidence,
        plans=plans,
        reports=ReportService(assessments, plans, evidence),
        labfiles=LabFileService(db),
        portfolio=PortfolioService(db),
        followups=FollowupService(db, assessments, plans),
    )

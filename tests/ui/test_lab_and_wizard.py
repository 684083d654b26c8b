"""Creating a lab with the profile form and starting an assessment with the wizard."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import QDate

from app.assessment.model import LabProfile

pytestmark = pytest.mark.ui


def test_profile_form_collects_every_field(qtbot):
    """The form turns its widgets into a LabProfile (dates, declarations, PT, methods, staff)."""
    from app.ui.lab_form import LabProfileDialog

    d = LabProfileDialog(None, None)
    qtbot.addWidget(d)
    d.name.setText("中山检测")
    d.industry.setCurrentIndex(d.industry.findData("lighting"))
    d.fields[1]["luminaire_safety"].setChecked(True)
    d.option.setCurrentIndex(1)
    d.ms_start.enabled.setChecked(True)
    d.ms_start.edit.setDate(QDate(2026, 1, 15))
    d.decl["declaration_voluntary"].setCurrentIndex(1)
    d.sub_fields.setPlainText("灯具安全\n")
    d.pt.insertRow(0)
    for c, v in enumerate(["灯具安全", "2025-06-01", "satisfactory", "CNAS"]):
        d.pt.setItem(0, c, __import__("PySide6.QtWidgets", fromlist=["QTableWidgetItem"]).QTableWidgetItem(v))
    d.staff["technical_manager"].setText("李工")
    p = d.profile()
    assert p.name == "中山检测" and p.industry == "lighting" and p.ms_option == "B"
    assert p.test_fields == ("luminaire_safety",)
    assert p.ms_start_date == dt.date(2026, 1, 15) and p.last_internal_audit is None
    assert p.declaration_voluntary is True and p.declaration_rules is None
    assert p.pt_records[0].date == dt.date(2025, 6, 1)
    assert p.sub_fields == ("灯具安全",)
    assert p.staff == {"technical_manager": "李工"}


def test_profile_form_rejects_bad_rows(qtbot):
    """A PT row with a bad date is reported, not saved."""
    from PySide6.QtWidgets import QTableWidgetItem

    from app.ui.lab_form import LabProfileDialog

    d = LabProfileDialog(None, LabProfile(name="x"))
    qtbot.addWidget(d)
    d.pt.insertRow(0)
    d.pt.setItem(0, 1, QTableWidgetItem("yesterday"))
    d._accept()
    assert "YYYY-MM-DD" in d.error.text()


def test_wizard_preselects_packs_from_the_profile(qtbot, services, lab):
    """Requirements, gates and applicable supplements are pre-selected; others are not."""
    from app.ui.wizard import NewAssessmentDialog

    packs = services.catalog.all()
    d = NewAssessmentDialog(None, lab, packs, assessor="me")
    qtbot.addWidget(d)
    chosen = set(d.choice().pack_ids)
    assert {"cnas-cl01", "cnas-gates"} <= chosen
    assert "cnas-a003-electrical" in chosen  # appliance_safety lab
    assert "cnas-a008-emc-photometry" not in chosen
    assert d.choice().assessor == "me"


def test_create_a_lab_then_an_assessment_from_the_window(qtbot, services, ui_settings, messages, monkeypatch):
    """New lab -> profile dialog -> wizard -> the new assessment is open in the interview."""
    from app.ui.lab_form import LabProfileDialog
    from app.ui.main_window import MainWindow
    from app.ui.wizard import NewAssessmentChoice, NewAssessmentDialog

    monkeypatch.setattr(
        LabProfileDialog,
        "ask",
        classmethod(
            lambda cls, parent, p: LabProfile(name="新实验室", industry="appliance", test_fields=("appliance_safety",))
        ),
    )
    monkeypatch.setattr(
        NewAssessmentDialog,
        "ask",
        classmethod(
            lambda cls, parent, lab, packs, assessor="": NewAssessmentChoice(
                ("mini-cl01",), "首次自评", "me", dt.date(2026, 11, 1)
            )
        ),
    )
    w = MainWindow(services, ui_settings, services.db.url)
    qtbot.addWidget(w)
    w.start()
    w.actions["new_lab"].trigger()
    assert w.session is not None
    assert w.session.view.summary.title == "首次自评"
    assert w.session.view.lab.name == "新实验室"
    assert w.interview.current_item_id() == "T-4.1-01"
    assert w.nav_model.rowCount() == 1
    w.shutdown()


def test_editing_the_profile_rescores_the_open_assessment(window, services, monkeypatch):
    """Changing the profile (e.g. the system start date) updates the open assessment's gates."""
    from app.records import replace
    from app.ui.lab_form import LabProfileDialog

    lab = services.labs.get(window.session.view.lab.id)
    new = replace(lab.profile, declaration_voluntary=True)
    monkeypatch.setattr(LabProfileDialog, "ask", classmethod(lambda cls, parent, p: new))
    window.actions["edit_lab"].trigger()
    g1 = next(g for g in window.session.view.gates if g.id == "G1")
    assert g1.state == "pass"

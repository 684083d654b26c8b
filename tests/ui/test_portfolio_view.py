"""The portfolio view (ranked common gaps + heat map) and the merge-conflict dialog (pytest-qt, offscreen)."""

from __future__ import annotations

import datetime as dt

import pytest

from app.assessment.model import LabProfile
from app.services.merge import Conflict

pytestmark = pytest.mark.ui


def _labs(services):
    for name, industry, status in (
        ("甲", "appliance", "nonconform"),
        ("乙", "lighting", "partial"),
        ("丙", "lighting", "conform"),
    ):
        lab = services.labs.add(LabProfile(name=name, industry=industry, test_fields=("appliance_safety",)))
        a = services.assessments.create(lab.id, ["mini-cl01"])
        services.assessments.answer(a.id, "T-6.4-01", status)
        services.assessments.answer(a.id, "T-4.1-01", "conform")


def test_portfolio_view_ranks_and_draws_heatmap(qtbot, services):
    """Rank runs off the GUI thread; the table lists T-6.4-01 first (2 of 3 labs) and the heat map has rows."""
    from app.ui.portfolio_view import PortfolioView

    _labs(services)
    view = PortfolioView(services)
    qtbot.addWidget(view)
    view.resize(900, 600)
    view.show()
    with qtbot.waitSignal(view.loaded, timeout=10_000) as blocker:
        view.refresh()
    assert blocker.args == [3]
    assert view.items.item(0, 0).text() == "T-6.4-01" and view.items.item(0, 2).text() == "66.7"
    assert view.clauses.rowCount() >= 2 and view.heatmap.heat.labs
    assert all(label.startswith("L-") for label in view.heatmap.heat.labs)
    assert view.heatmap.cell_at(view.heatmap.LABEL_W + 1, view.heatmap.HEADER_H + 1) is not None
    view.heatmap.grab()  # paints without warnings


def test_portfolio_view_filters_and_names(qtbot, services):
    """The industry filter narrows the cohort and 'show lab names' names the heat-map rows."""
    from app.ui.portfolio_view import PortfolioView

    _labs(services)
    view = PortfolioView(services)
    qtbot.addWidget(view)
    view.industry.setCurrentIndex(view.industry.findData("lighting"))
    view.show_names.setChecked(True)
    with qtbot.waitSignal(view.loaded, timeout=10_000) as blocker:
        view.refresh()
    assert blocker.args == [2]
    assert set(view.heatmap.heat.labs) <= {"乙", "丙"} and "乙" in view.heatmap.heat.labs


def _conflicts():
    t = dt.datetime(2026, 5, 1, 9, 0)
    return [
        Conflict("answer", "T-6.4-01", "T-6.4-01", "conform — mine", "partial — theirs", t, t + dt.timedelta(hours=1)),
        Conflict("plan_action", "uid-1", "plan action 期间核查", "done, v2", "open, v3", t + dt.timedelta(hours=2), t),
    ]


def test_merge_dialog_needs_a_choice_per_conflict(qtbot):
    """OK stays disabled until every conflict has mine/theirs; resolutions() maps refs to choices."""
    from PySide6.QtWidgets import QDialogButtonBox

    from app.ui.merge_dialog import MergeDialog

    dlg = MergeDialog(_conflicts())
    qtbot.addWidget(dlg)
    ok = dlg.box.button(QDialogButtonBox.StandardButton.Ok)
    assert not ok.isEnabled() and dlg.resolutions() == {}
    dlg.choose_all("theirs")
    assert ok.isEnabled()
    assert dlg.resolutions() == {"answer:T-6.4-01": "theirs", "plan_action:uid-1": "theirs"}
    dlg.choose_newest()
    assert dlg.resolutions() == {"answer:T-6.4-01": "theirs", "plan_action:uid-1": "mine"}
    assert dlg.table.item(0, 2).text() == "conform — mine"


def test_import_with_dialog_applies_choices(qtbot, services, tmp_path, home, mini_catalog, monkeypatch):
    """A conflicting import shows the dialog; the chosen side is imported, cancel imports nothing."""
    from PySide6.QtWidgets import QDialog

    from app.bootstrap import open_services
    from app.ui import merge_dialog

    lab = services.labs.add(LabProfile(name="甲", test_fields=("appliance_safety",)))
    a = services.assessments.create(lab.id, ["mini-cl01"])
    services.assessments.answer(a.id, "T-6.4-01", "partial", by="x")
    services.labfiles.export(a.id, tmp_path / "v1.labx")
    other = open_services(f"sqlite:///{home / 'other.sqlite'}", catalog=mini_catalog)
    try:
        theirs = other.labfiles.import_file(tmp_path / "v1.labx").assessment_id
        other.assessments.answer(theirs, "T-6.4-01", "conform", note="theirs", by="y")
        other.labfiles.export(theirs, tmp_path / "v2.labx")
    finally:
        other.close()
    services.assessments.answer(a.id, "T-6.4-01", "nonconform", note="mine", by="x")
    monkeypatch.setattr(merge_dialog.MergeDialog, "exec", lambda self: QDialog.DialogCode.Rejected)
    assert merge_dialog.import_with_dialog(services, tmp_path / "v2.labx") is None
    assert services.assessments.answers(a.id)["T-6.4-01"].note == "mine"

    def accept_theirs(self):
        self.choose_all("theirs")
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(merge_dialog.MergeDialog, "exec", accept_theirs)
    res = merge_dialog.import_with_dialog(services, tmp_path / "v2.labx")
    assert res is not None and services.assessments.answers(a.id)["T-6.4-01"].note == "theirs"

"""Re-check → Compare with previous: clause deltas, gaps closed / remaining / new, overdue, the PDF."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog

from app.assessment.model import Status

pytestmark = pytest.mark.ui


@pytest.fixture
def compared(window, services, assessment, qtbot):
    """A follow-up with one gap closed, one still open and one new gap, an overdue action; compare open."""
    s = window.session
    s.answer("T-6.4-01", Status.NONCONFORM)
    s.answer("T-6.4-02", Status.PARTIAL)
    s.answer("T-4.1-01", Status.CONFORM)
    services.plans.regenerate(assessment.id)
    action = services.plans.actions(assessment.id)[0]
    services.plans.update(action.id, start_date=dt.date(2020, 1, 1), due_date=dt.date(2020, 2, 1), owner_name="王敏")
    fu = services.followups.start_followup(assessment.id, assessor="李工")
    window.refresh_navigator()
    window.open_assessment(fu.id)
    s = window.session
    s.answer("T-6.4-01", Status.CONFORM)  # closed
    s.answer("T-4.1-02", Status.NONCONFORM)  # new gap
    window.actions["compare"].trigger()
    from app.ui.compare_view import CompareDialog

    dlg = window.findChild(CompareDialog)
    assert dlg is not None and dlg.isVisible()
    qtbot.addWidget(dlg)
    return dlg, assessment, fu, action


def test_defaults_are_the_open_assessment_and_the_one_it_follows(compared):
    """Before = the assessment followed, after = the open follow-up; the headline shows readiness both ways."""
    dlg, before, after, _a = compared
    assert dlg.selected_ids() == (before.id, after.id)
    assert dlg.comparison.before.id == before.id and dlg.comparison.after.id == after.id
    assert "准备度" in dlg.headline.text() and "→" in dlg.headline.text()
    assert "已关闭 1" in dlg.counts.text() and "新差距 1" in dlg.counts.text() and "逾期行动 1" in dlg.counts.text()


def test_clause_table_colours_ups_and_downs(compared):
    """Clause rows show before/after and a coloured ▲/▼ change."""
    from app.ui.compare_view import DOWN, UP

    dlg = compared[0]
    t = dlg.clause_table
    rows = {t.item(r, 0).text(): r for r in range(t.rowCount())}
    assert "6.4" in rows and "4.1" in rows
    up = t.item(rows["6.4"], 4)
    down = t.item(rows["4.1"], 4)
    assert up.text().startswith("▲") and up.foreground().color() == UP
    assert down.text().startswith("▼") and down.foreground().color() == DOWN


def test_items_tab_lists_closed_remaining_and_new_gaps(compared):
    """The item tab lists each change with its outcome; carried items still to re-verify are marked ↻."""
    dlg = compared[0]
    t = dlg.item_table
    rows = {t.item(r, 1).data(Qt.ItemDataRole.UserRole): t.item(r, 0).text() for r in range(t.rowCount())}
    assert rows == {"T-6.4-01": "已关闭", "T-6.4-02": "仍未关闭", "T-4.1-02": "新差距"}
    r = next(r for r in range(t.rowCount()) if t.item(r, 1).data(Qt.ItemDataRole.UserRole) == "T-6.4-02")
    assert "↻" in t.item(r, 1).text()
    dlg.outcome_filter.setCurrentIndex(dlg.outcome_filter.findData("closed"))
    assert t.rowCount() == 1 and t.item(0, 1).data(Qt.ItemDataRole.UserRole) == "T-6.4-01"
    dlg.outcome_filter.setCurrentIndex(dlg.outcome_filter.findData("all"))
    assert t.rowCount() == 4  # plus T-4.1-01, unchanged


def test_overdue_actions_are_listed(compared):
    """An open action past its due date appears with its owner and the days overdue."""
    dlg, _b, _f, action = compared
    t = dlg.overdue_table
    assert t.rowCount() == 1
    assert t.item(0, 1).text() == "王敏" and t.item(0, 2).text() == "2020-02-01" and int(t.item(0, 3).text()) > 0


def test_choosing_the_same_assessment_twice_is_explained(compared):
    """Picking one assessment on both sides shows a message and disables the PDF button."""
    dlg = compared[0]
    dlg.before_box.setCurrentIndex(dlg.after_box.currentIndex())
    assert dlg.problem.isVisibleTo(dlg) and dlg.problem.text() == "请选择同一实验室的两个不同评估。"
    assert not dlg.pdf_button.isEnabled() and dlg.item_table.rowCount() == 0


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_pdf_button_writes_the_followup_report_in_the_background(compared, monkeypatch, tmp_path, qtbot, lang):
    """The PDF button asks for a file and writes the follow-up report (zh or en) in a worker."""
    from app.ui.export import ExportController

    dlg = compared[0]
    out = tmp_path / f"followup-{lang}.pdf"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(out), ""))
    opened = []
    monkeypatch.setattr(ExportController, "ask_open", staticmethod(lambda box: opened.append(box.text())))
    dlg.report_lang.setCurrentIndex(dlg.report_lang.findData(lang))
    with qtbot.waitSignal(dlg.report_written, timeout=30_000) as sig:
        qtbot.mouseClick(dlg.pdf_button, Qt.MouseButton.LeftButton)
    assert sig.args[0] == out and out.read_bytes().startswith(b"%PDF")
    assert opened and str(out) in opened[0]


def test_compare_with_a_single_assessment_explains_why_not(window, messages):
    """With only one assessment of the lab, compare says to start a follow-up first."""
    window.actions["compare"].trigger()
    assert messages[-1][1].startswith("这个实验室只有一个评估")

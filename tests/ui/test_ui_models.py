"""Every item model passes qtmodeltester and formats its columns."""

from __future__ import annotations

import datetime as dt

import pytest

from app.assessment.model import Status

pytestmark = pytest.mark.ui


def test_navigator_model(qtmodeltester, services, assessment):
    """Labs with their assessments as children pass the model tester."""
    from app.ui.models import ID_ROLE, KIND_ROLE, NavigatorModel

    m = NavigatorModel()
    m.set_rows(services.labs.list(), services.assessments.list())
    qtmodeltester.check(m)
    lab = m.index(0, 0)
    assert lab.data(KIND_ROLE) == "lab" and m.rowCount(lab) == 1
    a = m.index(0, 0, lab)
    assert a.data(KIND_ROLE) == "assessment" and a.data(ID_ROLE) == assessment.id
    assert m.parent(a) == lab
    assert m.index_of_assessment(assessment.id) == a


def test_clause_tree_model(qtmodeltester, services, assessment):
    """Packs and sections with progress pass the model tester."""
    from app.ui.models import ClauseTreeModel

    services.assessments.answer(assessment.id, "T-4.1-01", "partial")
    m = ClauseTreeModel()
    m.set_view(services.assessments.view(assessment.id))
    qtmodeltester.check(m)
    pack = m.index(0, 0)
    assert m.rowCount(pack) == 29
    sec = m.index(0, 0, pack)
    assert sec.data().startswith("4.1")
    assert m.index(0, 1, pack).data() == "1/2"
    assert m.index(0, 2, pack).data() == "1"


def test_item_table_model(qtmodeltester, services, assessment):
    """Items with answers pass the model tester; answer and flags are formatted."""
    from app.ui.models import ItemTableModel

    services.assessments.answer(assessment.id, "T-6.4-01", "nonconform", note="x")
    view = services.assessments.view(assessment.id)
    items = [it for p in view.packs for it in p.items]
    m = ItemTableModel()
    m.set_rows(items, view.answers)
    qtmodeltester.check(m)
    row = m.row_of("T-6.4-01")
    assert m.index(row, m.COL_ANSWER).data() == "✗ 不符合"
    assert m.index(row, m.COL_FLAGS).data() == "★ ✎"
    assert m.status_of("T-6.4-01") is Status.NONCONFORM


def test_item_table_colours_reach_the_delegate(qapp, services, assessment):
    """The answer colours (returned as QColor, not QBrush) are what the default delegate paints with."""
    from PySide6.QtGui import QPalette
    from PySide6.QtWidgets import QStyledItemDelegate, QStyleOptionViewItem

    from app.ui.models import STATUS_BACKGROUNDS, STATUS_COLORS, ItemTableModel

    services.assessments.answer(assessment.id, "T-6.4-01", "nonconform")
    view = services.assessments.view(assessment.id)
    m = ItemTableModel()
    m.set_rows([it for p in view.packs for it in p.items], view.answers)
    delegate = QStyledItemDelegate()

    def painted(col):
        opt = QStyleOptionViewItem()
        delegate.initStyleOption(opt, m.index(m.row_of("T-6.4-01"), col))
        return opt.palette.color(QPalette.ColorRole.Text), opt.backgroundBrush.color()

    text, background = painted(m.COL_ANSWER)
    assert text == STATUS_COLORS[Status.NONCONFORM]
    assert background == STATUS_BACKGROUNDS[Status.NONCONFORM]
    other_text, _ = painted(m.COL_QUESTION)
    assert other_text != STATUS_COLORS[Status.NONCONFORM]  # only the answer column is coloured


def test_gates_and_gaps_models(qtmodeltester, services, assessment):
    """Gate results and gaps pass the model tester."""
    from app.ui.models import GapsModel, GatesModel

    services.assessments.answer(assessment.id, "T-7.7-01", "nonconform")
    view = services.assessments.view(assessment.id)
    g = GatesModel()
    g.set_rows(view.gates)
    qtmodeltester.check(g)
    assert g.index(0, 0).data() == "G1"
    gaps = GapsModel()
    gaps.set_rows(view.score.gaps)
    qtmodeltester.check(gaps)
    assert gaps.index(0, 0).data() == "● T-7.7-01"


def test_evidence_model(qtmodeltester, services, assessment, tmp_path):
    """Evidence rows pass the model tester; images get a thumbnail."""
    from PySide6.QtGui import QColor, QImage

    from app.ui.evidence_view import EvidenceModel

    img = QImage(40, 30, QImage.Format.Format_RGB32)
    img.fill(QColor("red"))
    p = tmp_path / "photo.png"
    img.save(str(p))
    services.evidence.add(assessment.id, "T-6.4-01", p)
    m = EvidenceModel(reader=services.evidence.read)
    m.set_rows(services.evidence.list(assessment.id))
    qtmodeltester.check(m)
    assert m.index(0, 0).data() == "photo.png"
    assert m.index(0, 0).data(1) is not None  # DecorationRole


def test_plan_table_model(qtmodeltester, services, assessment):
    """Plan actions pass the model tester; editing a cell asks for a save, never writes itself."""
    from app.ui.plan_view import PlanTableModel

    services.assessments.answer(assessment.id, "T-6.4-01", "nonconform")
    plan = services.plans.plan(assessment.id)
    m = PlanTableModel()
    m.set_rows(list(plan.actions))
    qtmodeltester.check(m)
    asked = []
    m.edit_requested.connect(lambda *a: asked.append(a))
    from PySide6.QtCore import QDate

    assert m.setData(m.index(0, m.COL_DUE), QDate(2030, 1, 2))
    assert asked[0][1:3] == ("due_date", dt.date(2030, 1, 2))

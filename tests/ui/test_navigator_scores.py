"""The navigator lists every assessment at once; their readiness and progress follow after the paint."""

from __future__ import annotations

from app.assessment.model import Status
from app.ui.models import NavigatorModel, fmt_percent


def _figures(window, assessment_id: int) -> tuple[str, str]:
    m = window.nav_model
    idx = m.index_of_assessment(assessment_id)
    return (
        idx.sibling(idx.row(), NavigatorModel.COL_READINESS).data(),
        idx.sibling(idx.row(), NavigatorModel.COL_PROGRESS).data(),
    )


def _many(services, lab, n: int) -> list[int]:
    """``n`` assessments of ``lab``, each with a different number of conform answers."""
    ids = []
    for i in range(n):
        a = services.assessments.create(lab.id, ["mini-cl01"], title=f"A{i}")
        items = [it.id for p in services.assessments.packs(a.id) if p.kind != "gates" for it in p.items]
        for item in items[: i % (len(items) + 1)]:
            services.assessments.answer(a.id, item, Status.CONFORM)
        ids.append(a.id)
    return ids


def test_figures_wait_for_the_first_paint_then_all_arrive(qtbot, services, ui_settings, lab, messages):
    from app.ui.main_window import MainWindow

    ids = _many(services, lab, 9)
    w = MainWindow(services, ui_settings, services.db.url)
    qtbot.addWidget(w)
    w.start()  # opens the newest assessment; the other eight wait for their figures
    open_id = w.session.assessment_id
    waiting = [i for i in ids if i != open_id]
    assert all(_figures(w, i) == ("…", "…") for i in waiting)
    view = w.session.view.summary
    assert _figures(w, open_id) == (fmt_percent(view.readiness), fmt_percent(view.progress))
    qtbot.wait(50)  # the event loop runs, but the navigator has not been painted: nothing is scored
    assert w.nav_scorer.busy and all(_figures(w, i) == ("…", "…") for i in waiting)
    w.show()
    qtbot.waitExposed(w)
    qtbot.waitUntil(lambda: not w.nav_model.pending_scores(), timeout=5000)
    expected = {s.id: (fmt_percent(s.readiness), fmt_percent(s.progress)) for s in services.assessments.list()}
    assert {i: _figures(w, i) for i in ids} == expected
    assert len(set(expected.values())) > 3  # the lines really differ: each figure came from its own answers
    w.shutdown()


def test_a_new_listing_restarts_the_figures(window, services, lab, qtbot):
    ids = _many(services, lab, 5)
    window.refresh_navigator()
    assert window.nav_model.pending_scores()  # the new lines wait
    window.refresh_navigator()  # e.g. a lab file imported meanwhile: the queue starts again
    qtbot.waitUntil(lambda: not window.nav_model.pending_scores(), timeout=5000)
    expected = {s.id: (fmt_percent(s.readiness), fmt_percent(s.progress)) for s in services.assessments.list()}
    assert {i: _figures(window, i) for i in ids} == {i: expected[i] for i in ids}


def test_a_scoring_failure_is_logged_and_shows_a_dash(window, services, lab, qtbot, monkeypatch):
    from app.ui import errors

    ids = _many(services, lab, 3)

    def broken(_summaries):
        raise RuntimeError("scores are unavailable 测试")

    monkeypatch.setattr(services.assessments, "scored", broken)
    window.refresh_navigator()
    qtbot.waitUntil(lambda: not window.nav_scorer.busy and not window.nav_model.pending_scores(), timeout=5000)
    assert all(_figures(window, i) == ("–", "–") for i in ids)
    assert "scores are unavailable 测试" in errors.log_file().read_text(encoding="utf-8")
    assert window.session is not None  # the open assessment is untouched


def test_a_line_deleted_meanwhile_shows_a_dash_and_the_others_still_arrive(window, services, lab, qtbot):
    """On a shared database another user may delete an assessment while its figures are pending."""
    from app.ui import errors

    ids = _many(services, lab, 6)
    window.refresh_navigator()
    gone = ids[2]
    services.assessments.delete(gone)  # behind the window's back: its line is still listed
    log = errors.log_file()
    logged_before = log.read_text(encoding="utf-8") if log.exists() else ""
    qtbot.waitUntil(lambda: not window.nav_model.pending_scores(), timeout=5000)
    assert _figures(window, gone) == ("–", "–")
    expected = {s.id: (fmt_percent(s.readiness), fmt_percent(s.progress)) for s in services.assessments.list()}
    assert {i: _figures(window, i) for i in ids if i != gone} == {i: expected[i] for i in ids if i != gone}
    assert (log.read_text(encoding="utf-8") if log.exists() else "") == logged_before  # expected: not logged

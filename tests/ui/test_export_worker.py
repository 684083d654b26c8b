"""Export runs in a worker thread, keeps the window responsive, and offers to open the file."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.ui


def test_export_pdf_in_the_background(window, services, assessment, tmp_path, qtbot, monkeypatch):
    """Export writes a PDF in a QThreadPool worker; the 'open it?' box offers file and folder."""
    from pypdf import PdfReader

    from app.ui import export

    out = tmp_path / "reports" / "报告.pdf"
    monkeypatch.setattr(export.ExportDialog, "ask", classmethod(lambda cls, parent, view: (out, "en")))
    shown = []
    monkeypatch.setattr(
        export.ExportController, "ask_open", staticmethod(lambda box: shown.append([b.text() for b in box.buttons()]))
    )
    window.interview.select_item("T-6.4-01")
    window.session.answer("T-6.4-01", __import__("app.assessment.model", fromlist=["Status"]).Status.NONCONFORM)
    ctl = export.ExportController.run_dialog(window, services, window.session.view)
    with qtbot.waitSignal(ctl.finished, timeout=60000) as blocker:
        pass
    assert blocker.args[0] == out
    assert out.exists() and PdfReader(str(out)).pages
    assert shown and "打开文件" in shown[0] and "打开所在文件夹" in shown[0]


def test_export_failure_is_a_dialog(window, services, assessment, tmp_path, qtbot, monkeypatch, messages):
    """A failing export shows what happened; the window keeps working."""
    from app.ui import export

    monkeypatch.setattr(export.ExportDialog, "ask", classmethod(lambda cls, parent, view: (tmp_path / "x.txt", "zh")))
    ctl = export.ExportController.run_dialog(window, services, window.session.view)
    with qtbot.waitSignal(ctl.failed, timeout=30000):
        pass
    assert messages and ".pdf" in messages[-1][1]


def test_default_file_name_is_safe():
    """The suggested file name drops characters Windows forbids."""
    import datetime as dt
    from types import SimpleNamespace

    from app.ui.export import default_path

    view = SimpleNamespace(summary=SimpleNamespace(lab_name="A/B:C* 实验室", assessed_on=dt.date(2026, 1, 2)))
    assert default_path(view, ".pdf", "zh").name == "A_B_C_实验室-2026-01-02-zh.pdf"


def test_background_progress_reaches_listeners_in_order_while_the_modal_dialog_is_shown(window, qtbot):
    """A shown modal progress dialog re-enters the event loop in setValue(); values still arrive once, in order."""
    import threading

    from app.ui.background import BackgroundTask

    release = threading.Event()

    def work(progress):
        progress(0.001, "start")
        release.wait(10)  # the dialog is on screen before the burst
        for i in range(2, 1001):
            progress(i / 1000, f"step {i}")
        return "ok"

    task = BackgroundTask(window, "测试", work, min_duration_ms=0)
    values: list[int] = []
    task.progressed.connect(lambda v, _m: values.append(v))
    task.start()
    qtbot.waitUntil(lambda: values == [1], timeout=10_000)
    qtbot.waitUntil(lambda: task.progress.isVisible(), timeout=10_000)
    with qtbot.waitSignal(task.finished, timeout=20_000) as sig:
        release.set()
    assert sig.args[0] == "ok"
    assert values == list(range(1, 1001))  # every value, once, in order, the last one included
    assert task.done and not task.progress.isVisible()

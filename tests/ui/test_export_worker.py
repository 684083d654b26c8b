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

"""Evidence: attach by dialog or drag-and-drop, thumbnails, open with the system viewer, remove with undo."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, QPoint, Qt, QUrl
from PySide6.QtGui import QColor, QDropEvent, QImage

pytestmark = pytest.mark.ui


@pytest.fixture
def photo(tmp_path) -> Path:
    img = QImage(64, 48, QImage.Format.Format_RGB32)
    img.fill(QColor("#2e7d32"))
    p = tmp_path / "校准证书.png"
    img.save(str(p))
    return p


def test_attach_by_dialog_and_open_in_the_system_viewer(window, services, assessment, photo, monkeypatch):
    """Files chosen in the dialog are stored; 'open' writes a temp copy and hands it to the desktop."""
    from PySide6.QtWidgets import QFileDialog

    from app.ui import evidence_view

    window.interview.select_item("T-6.4-01")
    monkeypatch.setattr(QFileDialog, "getOpenFileNames", staticmethod(lambda *a, **k: ([str(photo)], "")))
    window.actions["attach"].trigger()
    ev = services.evidence.list(assessment.id, "T-6.4-01")
    assert [e.original_name for e in ev] == ["校准证书.png"]
    panel = window.interview.evidence
    assert panel.model.rowCount() == 1
    assert panel.model.index(0, 0).data(Qt.ItemDataRole.DecorationRole) is not None  # thumbnail
    opened = []
    monkeypatch.setattr(evidence_view, "open_with_system", lambda p: opened.append(p) or True)
    path = panel.open_selected()
    assert opened == [path] and path.read_bytes() == photo.read_bytes()


def test_drag_and_drop_attaches_files(window, services, assessment, photo, qtbot):
    """Dropping a file on the evidence panel attaches it to the current item."""
    window.interview.select_item("T-6.5-01")
    panel = window.interview.evidence
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(photo))])
    event = QDropEvent(
        QPoint(5, 5).toPointF(),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    panel.dropEvent(event)
    assert [e.original_name for e in services.evidence.list(assessment.id, "T-6.5-01")] == ["校准证书.png"]
    assert panel.model.rowCount() == 1


def test_remove_evidence_and_undo(window, services, assessment, photo):
    """Removing a file detaches it; undo restores it."""
    window.interview.select_item("T-6.4-02")
    window.session.add_evidence("T-6.4-02", [photo])
    panel = window.interview.evidence
    panel.list.setCurrentIndex(panel.model.index(0, 0))
    panel.remove_btn.click()
    assert services.evidence.list(assessment.id, "T-6.4-02") == []
    assert panel.model.rowCount() == 0
    window.actions["undo"].trigger()
    assert len(services.evidence.list(assessment.id, "T-6.4-02")) == 1
    assert panel.model.rowCount() == 1


def test_unreadable_file_is_reported_not_crashing(window, services, assessment, tmp_path, messages):
    """Attaching a missing file shows a dialog and stores nothing."""
    window.interview.select_item("T-6.4-02")
    assert window.session.add_evidence("T-6.4-02", [tmp_path / "missing.pdf"]) == 0
    assert messages and "missing.pdf" in messages[-1][1]
    assert services.evidence.list(assessment.id) == []

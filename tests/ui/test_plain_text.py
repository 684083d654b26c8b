"""Text that comes from data (checklists, titles, names, file names) is shown as written, never as HTML.

QLabel and QMessageBox render text that looks like HTML as HTML unless told otherwise; a user
checklist or a lab file can carry any text.
"""

from __future__ import annotations

import html

import pytest
import yaml

pytestmark = pytest.mark.ui

MARKUP = '<b>粗体</b> & <img src="missing.png"> <a href="http://x">链接</a>'


@pytest.fixture
def markup_pack(home):
    """A user pack whose first item has markup in its question, guidance and evidence examples."""
    from tests.conftest import DATA

    data = yaml.safe_load((DATA / "mini-cl01.yaml").read_text(encoding="utf-8"))
    data["id"] = "markup-pack"
    item = data["sections"][0]["items"][0]
    item["text"]["zh"] = "问题 " + MARKUP
    item["guidance"]["zh"] = "要点 " + MARKUP
    item["evidence"]["zh"] = ["证据 " + MARKUP]
    folder = home / "checklists"
    folder.mkdir(exist_ok=True)
    (folder / "markup-pack.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return item["id"]


@pytest.fixture
def markup_window(qtbot, markup_pack, services, lab, ui_settings, messages):
    """The main window with an assessment of the markup pack open on its first item."""
    from app.ui.main_window import MainWindow

    services.assessments.create(lab.id, ["markup-pack"], assessor="tester", title="标题 " + MARKUP)
    w = MainWindow(services, ui_settings, services.db.url)
    qtbot.addWidget(w)
    w.start()
    w.show()
    qtbot.waitExposed(w)
    w.interview.select_item(markup_pack)
    yield w
    w.shutdown()


def _selected(label, n: int | None = None) -> str:
    """What a user gets by selecting the first ``n`` characters (default: all) of a selectable label."""
    if hasattr(label, "set_selectable"):  # our lazily selectable label: a user points at it first
        from PySide6.QtCore import QPointF
        from PySide6.QtGui import QEnterEvent
        from PySide6.QtWidgets import QApplication

        QApplication.sendEvent(label, QEnterEvent(QPointF(2, 2), QPointF(2, 2), QPointF(2, 2)))
    label.setSelection(0, len(label.text()) if n is None else n)
    return label.selectedText()


def test_checklist_markup_in_the_item_panel_is_shown_as_written(markup_window):
    from PySide6.QtCore import Qt

    iv = markup_window.interview
    assert _selected(iv.question) == "问题 " + MARKUP
    assert _selected(iv.guidance) == "要点 " + MARKUP
    assert iv.evidence_examples.text() == "• 证据 " + MARKUP
    for label in (iv.item_header, iv.question, iv.guidance, iv.evidence_examples):
        assert label.textFormat() == Qt.TextFormat.PlainText


def test_a_selectable_label_left_as_autotext_would_have_rendered_the_markup(qapp):
    """The check above can fail: the same text in a default QLabel is rendered as HTML."""
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QLabel

    label = QLabel("问题 " + MARKUP)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    assert _selected(label, 6) == "问题 粗体 "  # the tag was rendered (bold), not shown
    assert _selected(label, 6) != ("问题 " + MARKUP)[:6]


def test_the_rich_badges_escape_the_lab_profile_reason(markup_window, monkeypatch):
    """The badges line mixes our markup with a reason built from the lab's data: the data is escaped."""
    from app.ui import interview

    monkeypatch.setattr(interview, "inapplicable_reason", lambda *_a: "<b>不适用</b>")
    iv = markup_window.interview
    iv.select_item("T-4.1-02")  # the panel is rebuilt for the newly selected item
    assert html.escape("<b>不适用</b>") in iv.badges.text()


def test_message_boxes_show_their_text_as_written(qapp, monkeypatch):
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QLabel, QMessageBox

    from app.ui import errors

    shown: list[QMessageBox] = []
    monkeypatch.setattr(QMessageBox, "exec", lambda box: shown.append(box) or QMessageBox.StandardButton.No)
    errors.show_message(None, "warning", "导入", f"无法读取 {MARKUP}.labx")
    errors.confirm(None, "删除？", f"删除 {MARKUP}？")
    for box in shown:
        assert box.textFormat() == Qt.TextFormat.PlainText
        assert MARKUP in box.findChild(QLabel, "qt_msgbox_label").text()


def test_plain_label_shows_markup_literally(qapp):
    """``plain_label`` lays out the literal characters: wider than the same text rendered as HTML."""
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QLabel

    from app.ui.labels import plain_label

    plain = plain_label("<b>粗体</b>")
    rich = QLabel("<b>粗体</b>")
    assert plain.textFormat() == Qt.TextFormat.PlainText and not plain.wordWrap()
    assert plain.sizeHint().width() > rich.sizeHint().width()
    assert plain_label("x", wrap=True).wordWrap()


def test_the_follow_up_dialog_shows_the_earlier_assessment_title_as_written(markup_window, services):
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QLabel

    from app.ui.followup_ui import FollowupDialog

    previous = next(s for s in services.assessments.list() if s.title.startswith("标题"))
    dlg = FollowupDialog(markup_window, previous)
    showing = [lab for lab in dlg.findChildren(QLabel) if MARKUP in lab.text()]
    assert showing and all(lab.textFormat() == Qt.TextFormat.PlainText for lab in showing)
    dlg.deleteLater()

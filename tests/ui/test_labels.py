"""The wrapped labels of the item panel: heights remembered per width, selection switched on lazily."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.ui

LONG = "实验室是否以文件形式规定了其活动范围，并确保只在该范围内声明符合本准则。" * 4


def _fresh_height(label, width: int) -> int:
    """What a plain QLabel with the same text, font and margins says for ``width``."""
    from PySide6.QtWidgets import QLabel

    ref = QLabel(label.text())
    ref.setTextFormat(label.textFormat())
    ref.setWordWrap(label.wordWrap())
    ref.setFont(label.font())
    ref.setContentsMargins(label.contentsMargins())
    return ref.heightForWidth(width)


def test_remembered_heights_follow_text_font_and_margins(qapp):
    from app.ui.labels import plain_label

    label = plain_label("短", wrap=True)
    short = label.heightForWidth(200)
    assert short == _fresh_height(label, 200)
    label.setText(LONG)
    tall = label.heightForWidth(200)
    assert tall > short and tall == _fresh_height(label, 200)
    assert label.heightForWidth(400) < tall  # wider: fewer lines
    f = label.font()
    f.setPointSizeF(f.pointSizeF() * 2)
    label.setFont(f)
    assert label.heightForWidth(200) > tall and label.heightForWidth(200) == _fresh_height(label, 200)
    before = label.heightForWidth(200)
    label.setContentsMargins(0, 20, 0, 20)
    assert label.heightForWidth(200) == before + 40 == _fresh_height(label, 200)


def test_a_style_sheet_font_changes_the_height(qapp):
    from app.ui.labels import plain_label

    label = plain_label(LONG, wrap=True)
    before = label.heightForWidth(300)
    label.setStyleSheet("font-size: 30px")
    label.ensurePolished()
    assert label.heightForWidth(300) > before


def _point(qtbot, widget, x: int, y: int) -> None:
    """Move the mouse to (x, y) in ``widget`` and let Qt deliver the enter and leave events."""
    from PySide6.QtCore import QPoint
    from PySide6.QtTest import QTest

    QTest.mouseMove(widget, QPoint(x, y))
    qtbot.wait(20)


def test_selection_turns_on_when_the_mouse_enters(qtbot):
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QVBoxLayout, QWidget

    from app.ui.labels import plain_label

    host = QWidget()
    qtbot.addWidget(host)
    lay = QVBoxLayout(host)
    label = plain_label(LONG, wrap=True, selectable=True)
    lay.addWidget(label)
    lay.addWidget(plain_label("别处", wrap=True))
    host.resize(400, 300)
    host.show()
    qtbot.wait(20)
    assert label.is_selectable()
    none = Qt.TextInteractionFlag.NoTextInteraction
    selectable = Qt.TextInteractionFlag.TextSelectableByMouse
    assert label.textInteractionFlags() == none  # nobody points at it: the cheap layout
    _point(qtbot, label, 5, 5)
    assert label.underMouse() and label.textInteractionFlags() & selectable
    label.setSelection(0, 6)  # what a drag does: the text control holds the selection
    assert label.selectedText() == LONG[:6]
    label.setText(LONG + "。")  # a new text while pointed at stays selectable
    assert label.textInteractionFlags() & selectable
    _point(qtbot, host, host.width() - 2, host.height() - 2)  # the mouse leaves the label
    assert not label.underMouse()
    label.setText("下一条")  # the next item, the mouse elsewhere: plain again
    assert label.textInteractionFlags() == none
    assert label.text() == "下一条"
    _point(qtbot, label, 5, 5)  # and selectable again as soon as it is pointed at
    assert label.textInteractionFlags() & selectable


def test_selectable_needs_wrap():
    from app.ui.labels import plain_label

    with pytest.raises(ValueError, match="wrap"):
        plain_label("x", selectable=True)

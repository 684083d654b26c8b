"""Labels for text that comes from data: checklists, lab files, what users type, file names.

QLabel's default text format (``AutoText``) renders any text that looks like HTML as HTML, so a
checklist question, an assessment title or a file name containing ``<b>`` or ``<img src=…>`` would
be shown as markup instead of as written. ``plain_label`` shows its text literally; labels that
mix our own markup with data (the interview's badges, the closure dialogs' heading) escape the
data with ``html.escape``.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel


class WrappedLabel(QLabel):
    """A word-wrapped QLabel that remembers its height for each width until its text or look changes.

    Why: Qt asks a wrapped label for its height-for-width dozens of times in one layout pass (each
    box layout up the chain, the interview's scrolling text column, the splitter), and QLabel answers
    every call by laying its text out again; a selectable label even does it twice, through a
    QTextDocument. On the interview's item panel that was about a third of one keyboard answer.
    The height for a width depends only on the text, its format, the font and the margins, so every
    setter of those below clears the memory, and so does a font that differs from the one the
    heights were measured with (an inherited or style-sheet font arrives without a setter). The font
    is compared on each call instead of watching ``changeEvent``: an event handler in Python would
    make the first window's first event set up PySide's event types (see ``app.ui.first_paint``).
    """

    _REMEMBERED = 8  # widths kept; a window resize drag asks for a new one each step

    def __init__(self, text: str = "", parent=None):
        super().__init__(text, parent)
        self._heights: dict[int, int] = {}
        self._measured_with = None  # the QFont of the heights remembered
        self._selectable = False

    def set_selectable(self, on: bool) -> None:
        """Let the mouse select (and copy) the text, without paying for it while nobody points at it.

        A selectable QLabel lays its text out through a QTextDocument, several times per new text
        (about a tenth of one keyboard answer for the question and the guidance). So the label turns
        selection on when the mouse enters it, before any press can start a drag, and goes back to
        the plain layout when it gets a new text while the mouse is elsewhere.
        """
        self._selectable = on
        self._set_selection(on and self.underMouse())

    def is_selectable(self) -> bool:
        """Whether the text can be selected with the mouse (switched on when the mouse enters)."""
        return self._selectable

    def _set_selection(self, on: bool) -> None:
        flags = Qt.TextInteractionFlag.TextSelectableByMouse if on else Qt.TextInteractionFlag.NoTextInteraction
        if self.textInteractionFlags() != flags:
            self._heights.clear()
            self.setTextInteractionFlags(flags)

    def enterEvent(self, event) -> None:  # noqa: N802 - Qt override
        if self._selectable:
            self._set_selection(True)
        super().enterEvent(event)

    def heightForWidth(self, width: int) -> int:  # noqa: N802 - Qt override
        font = self.font()
        if font != self._measured_with:
            self._heights.clear()
            self._measured_with = font
        h = self._heights.get(width)
        if h is None:
            if len(self._heights) >= self._REMEMBERED:
                self._heights.clear()
            h = self._heights[width] = super().heightForWidth(width)
        return h

    def forget_heights(self) -> None:
        """Drop the remembered heights (done by every setter that changes how the text lays out)."""
        self._heights.clear()

    def setText(self, text: str) -> None:  # noqa: N802 - Qt API
        self._heights.clear()
        if self._selectable and not self.underMouse():
            self._set_selection(False)  # a selection of the old text means nothing for the new one
        super().setText(text)

    def setTextFormat(self, fmt) -> None:  # noqa: N802 - Qt API
        self._heights.clear()
        super().setTextFormat(fmt)

    def setWordWrap(self, on: bool) -> None:  # noqa: N802 - Qt API
        self._heights.clear()
        super().setWordWrap(on)

    def setIndent(self, indent: int) -> None:  # noqa: N802 - Qt API
        self._heights.clear()
        super().setIndent(indent)

    def setMargin(self, margin: int) -> None:  # noqa: N802 - Qt API
        self._heights.clear()
        super().setMargin(margin)

    def setContentsMargins(self, *margins) -> None:  # noqa: N802 - Qt API
        self._heights.clear()
        super().setContentsMargins(*margins)


def plain_label(text: str = "", *, wrap: bool = False, selectable: bool = False) -> QLabel:
    """A QLabel that always shows ``text`` literally (``Qt.PlainText``), word-wrapped if ``wrap``.

    Wrapped labels are ``WrappedLabel`` (they remember their height for a width); ``selectable``
    (wrapped labels only) lets the mouse select the text (see ``WrappedLabel.set_selectable``).
    """
    if selectable and not wrap:
        raise ValueError("selectable needs wrap=True (only WrappedLabel switches selection lazily)")
    label = WrappedLabel(text) if wrap else QLabel(text)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setWordWrap(wrap)
    if selectable:
        label.set_selectable(True)
    return label

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


def plain_label(text: str = "", *, wrap: bool = False) -> QLabel:
    """A QLabel that always shows ``text`` literally (``Qt.PlainText``), word-wrapped if ``wrap``."""
    label = QLabel(text)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setWordWrap(wrap)
    return label

"""Register the bundled Noto Sans SC TrueType fonts with ReportLab (embedded, subset, real bold).

* ``FONT`` / ``FONT_BOLD`` are registered as ``TTFont`` and tied together with
  ``registerFontFamily`` so ``<b>`` in a Paragraph uses the real bold face.
* Characters the font has no glyph for (emoji, some symbols) are never dropped: they are drawn
  with the font's "missing glyph" box but keep their Unicode value in the PDF's ToUnicode map,
  so copying or extracting the text returns exactly what the user typed.
* ReportLab 5.1 writes characters outside the Basic Multilingual Plane (emoji) into ToUnicode as
  odd-length hex, which PDF readers reject; ``_to_unicode_cmap`` writes them as UTF-16 surrogate
  pairs instead (it replaces ``reportlab.pdfbase.ttfonts.makeToUnicodeCMap``).
* Charts: ReportLab's graphics start each Drawing in the default font (Helvetica, which is never
  embedded); the default is switched to the bundled font so that every font in the PDF is embedded.
"""

from __future__ import annotations

import threading

from app.resources import FONT_BOLD as FONT_BOLD_FILE
from app.resources import FONT_REGULAR as FONT_REGULAR_FILE

FONT = "LabAssessSans"
FONT_BOLD = "LabAssessSans-Bold"

_lock = threading.Lock()
_done = False


class _TolerantGlyphs(dict):
    """A char -> glyph map that answers 'present' for every code point; missing ones map to glyph 0."""

    def __contains__(self, code) -> bool:  # noqa: D105
        return True

    def __missing__(self, code) -> int:
        return 0


def _utf16(code: int) -> str:
    if code < 0x10000:
        return f"{code:04X}"
    v = code - 0x10000
    return f"{0xD800 + (v >> 10):04X}{0xDC00 + (v & 0x3FF):04X}"


def _to_unicode_cmap(fontname, subset):
    """ReportLab's ToUnicode CMap, with astral code points as UTF-16 surrogate pairs."""
    cmap = [
        "/CIDInit /ProcSet findresource begin",
        "12 dict begin",
        "begincmap",
        "/CIDSystemInfo",
        f"<< /Registry ({fontname})",
        f"/Ordering ({fontname})",
        "/Supplement 0",
        ">> def",
        f"/CMapName /{fontname} def",
        "/CMapType 2 def",
        "1 begincodespacerange",
        "<00> <%02X>" % (len(subset) - 1),
        "endcodespacerange",
        f"{len(subset)} beginbfchar",
        *[f"<{i:02X}> <{_utf16(v)}>" for i, v in enumerate(subset)],
        "endbfchar",
        "endcmap",
        "CMapName currentdict /CMap defineresource pop",
        "end",
        "end",
    ]
    return "\n".join(cmap)


def register_fonts() -> tuple[str, str]:
    """Register the fonts once per process; returns (regular name, bold name)."""
    global _done
    with _lock:
        if _done:
            return FONT, FONT_BOLD
        from reportlab.pdfbase import pdfmetrics, ttfonts
        from reportlab.pdfbase.ttfonts import TTFont

        ttfonts.makeToUnicodeCMap = _to_unicode_cmap
        for name, path in ((FONT, FONT_REGULAR_FILE), (FONT_BOLD, FONT_BOLD_FILE)):
            font = TTFont(name, str(path))
            font.face.charToGlyph = _TolerantGlyphs(font.face.charToGlyph)
            pdfmetrics.registerFont(font)
        pdfmetrics.registerFontFamily(FONT, normal=FONT, bold=FONT_BOLD, italic=FONT, boldItalic=FONT_BOLD)
        # renderPDF starts every Drawing by selecting STATE_DEFAULTS' font (Helvetica, never embedded)
        from reportlab.graphics import shapes

        shapes.STATE_DEFAULTS["fontName"] = FONT
        _done = True
    return FONT, FONT_BOLD


def has_glyph(ch: str) -> bool:
    """True if the bundled regular font draws ``ch`` (False for emoji and other missing glyphs)."""
    register_fonts()
    from reportlab.pdfbase import pdfmetrics

    face = pdfmetrics.getFont(FONT).face
    return dict.__contains__(face.charToGlyph, ord(ch))

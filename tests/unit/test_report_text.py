"""Report text helpers: escaping for ReportLab, chunking of long text, XML-safe text, emoji ToUnicode."""

from __future__ import annotations

from reportlab.platypus import Paragraph

from app.report.docx import xml_safe
from app.report.fonts import _to_unicode_cmap, has_glyph, register_fonts
from app.report.pdf import chunks, para_text


def test_para_text_prints_markup_literally():
    """Escaped user text parses and its plain text is exactly the input (single line)."""
    register_fonts()
    for s in ['<b>R&D</b> & 1<2 "q"', "AT&T <script>", "x &lt; y", "<b>未闭合", "a  b   c"]:
        plain = Paragraph(para_text(s)).getPlainText()
        assert plain.replace("\xa0", " ") == s
    assert para_text("第一行\r\n第二行") == "第一行<br/>第二行"


def test_chunks_cover_the_whole_text_in_bounded_pieces():
    """Long text splits into pieces ≤ the limit, preferring line and word breaks, losing nothing but the break."""
    text = ("word " * 500) + "x" * 2000 + "\n" + "尾" * 700
    parts = chunks(text, 600)
    assert all(len(p) <= 600 for p in parts)
    assert "".join(parts).replace(" ", "").replace("\n", "") == text.replace(" ", "").replace("\n", "")
    assert chunks("short") == ["short"]


def test_xml_safe_keeps_control_characters_visible():
    """Characters XML cannot hold become visible control pictures; ordinary text is unchanged."""
    assert xml_safe("a\x00b\x0bc\nd\te") == "a\u2400b\u240bc\nd\te"
    assert xml_safe("R&D <b>😀") == "R&D <b>😀"


def test_emoji_is_missing_from_the_font_but_mapped_as_utf16():
    """The bundled font lacks emoji; ToUnicode writes astral code points as surrogate pairs."""
    assert not has_glyph("😀") and has_glyph("中") and has_glyph("≥")
    cmap = _to_unicode_cmap("F", [0x41, 0x1F600])
    assert "<00> <0041>" in cmap and "<01> <D83DDE00>" in cmap

"""Write a one-column A4 story with a footer line and page number (follow-up and portfolio reports).

The file is built under a ``.part`` name and renamed when complete, so a crash never leaves a
half-written report under the final name.
"""

from __future__ import annotations

from pathlib import Path

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.platypus import SimpleDocTemplate

MARGIN = 15 * mm


def write_story(story: list, out: Path, *, title: str, footer: str, font: str, lang: str) -> Path:
    """Build ``story`` into ``out`` with ``footer`` and the page number at the foot of every page."""

    def draw_footer(canvas, doc):
        canvas.saveState()
        canvas.setFont(font, 7)
        canvas.drawString(MARGIN, 8 * mm, footer)
        canvas.drawRightString(A4[0] - MARGIN, 8 * mm, f"{doc.page}")
        canvas.restoreState()

    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".part")
    doc = SimpleDocTemplate(
        str(tmp),
        pagesize=A4,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN,
        bottomMargin=MARGIN,
        title=title,
        author="LabAssess",
        lang="zh-CN" if lang == "zh" else "en",
    )
    try:
        doc.build(story, onFirstPage=draw_footer, onLaterPages=draw_footer)
        tmp.replace(out)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return out

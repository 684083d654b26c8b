"""ReportLab drawings as PNG images, for documents that cannot hold vector charts (Word).

The charts are drawn once, in ``app.report.charts``, as ReportLab drawings; the PDF embeds them as
vectors, and the Word report gets the same drawings rasterised through ReportLab's renderPM with
the rlPyCairo backend (ReportLab 5 has no other), with the bundled CJK font.  If the rasteriser
cannot be loaded (a broken Cairo install), ``to_png`` returns None and the caller leaves the chart
out and says so, rather than failing the whole export.
"""

from __future__ import annotations

import io
import logging

log = logging.getLogger(__name__)

DPI = 150  # sharp enough on a printed page; ~0.1 s and ~50 KB per chart (200 dpi doubles the time)


def to_png(drawing, dpi: int = DPI) -> bytes | None:
    """The drawing as PNG bytes, or None if the rasteriser is unavailable."""
    try:
        from reportlab.graphics import renderPM
        from reportlab.graphics.utils import RenderPMError
    except ImportError as exc:  # pragma: no cover - ReportLab always ships renderPM
        log.warning("chart rasteriser unavailable: %s", exc)
        return None
    try:
        canvas = renderPM.drawToPMCanvas(drawing, dpi=dpi)
        png = _cairo_png(canvas)
        if png is None:  # not the Cairo backend: ReportLab's own encoder, on the same rendering
            buf = io.BytesIO()
            canvas.saveToFile(buf, fmt="PNG")
            png = buf.getvalue()
        return png
    except (RenderPMError, ImportError, OSError) as exc:
        log.warning("chart rasteriser unavailable: %s", exc)
        return None


def _cairo_png(canvas) -> bytes | None:
    """Cairo's own PNG encoder on the canvas's surface, or None when the backend is not Cairo.

    ReportLab's PNG path hands the pixels to PIL through rlPyCairo's ``pixBuf``, which swaps the
    colour channels of every pixel in a Python loop: about 0.25 s per chart at 150 dpi, most of the
    Word report's time.  The Cairo surface already holds the finished image.
    """
    surface = getattr(getattr(canvas, "_gs", None), "surface", None)
    write = getattr(surface, "write_to_png", None)
    if write is None:
        return None
    buf = io.BytesIO()
    write(buf)
    return buf.getvalue()

"""One accessor for files shipped inside the package (fonts, icons).  Qt-free."""

from __future__ import annotations

from pathlib import Path

_ROOT = Path(__file__).resolve().parent

FONT_DIR = _ROOT / "report" / "fonts"
FONT_REGULAR = FONT_DIR / "NotoSansSC-Regular.ttf"
FONT_BOLD = FONT_DIR / "NotoSansSC-Bold.ttf"
FONT_FAMILY = "Noto Sans SC"


def font_files() -> tuple[Path, Path]:
    """The bundled CJK font files (regular, bold) used by both the PDF and the Qt UI."""
    return FONT_REGULAR, FONT_BOLD

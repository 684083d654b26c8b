"""The core never imports Qt; import-linter contracts hold."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).parents[2]
CORE = [
    "app.checklists.loader",
    "app.assessment.scoring",
    "app.assessment.gates",
    "app.storage.database",
    "app.services.assessments",
    "app.bootstrap",
    "app.cli.commands",
]


def test_core_imports_no_qt():
    """Importing every core module in a fresh interpreter loads no PySide6, shiboken6 or pyqtgraph."""
    code = (
        "import importlib, sys, pkgutil, app\n"
        f"for m in {CORE!r}: importlib.import_module(m)\n"
        "for pkg in ('app.report', 'app.services'):\n"
        "    p = importlib.import_module(pkg)\n"
        "    for info in pkgutil.iter_modules(p.__path__, pkg + '.'): importlib.import_module(info.name)\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('PySide6', 'shiboken6', 'pyqtgraph'))\n"
        "print(','.join(bad))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    assert out.stdout.strip() == ""


def test_import_linter_contracts():
    """lint-imports passes: layers and forbidden imports as declared in pyproject.toml."""
    exe = shutil.which("lint-imports")
    assert exe, "import-linter is part of the test extra"
    out = subprocess.run([exe], capture_output=True, text=True, cwd=ROOT)
    assert out.returncode == 0, out.stdout + out.stderr

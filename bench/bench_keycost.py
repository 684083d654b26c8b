"""Issue 5, repeatable: the CPU instructions of one keyboard answer, counted by callgrind.

``bench_ui`` times a keyboard answer (the key, the save, the re-score, the views and the dashboard,
then the paint); on a shared machine its median moves by ±30 % from run to run. This module runs
the same loop (``bench_ui._keyboard``) under valgrind's callgrind with collection switched on only
inside the timed part of each measured keystroke, so the count covers exactly what ``bench_ui``
times, and repeats to well under 1 %. The floor is counted the same way: the bare
``AssessmentService.answer`` of the same kind of change.

Callgrind is switched by its client request (``CALLGRIND_TOGGLE_COLLECT``), which only compiled
code can issue: the module builds a two-function shared library with ``cc`` against valgrind's
``callgrind.h`` the first time it runs. Needs ``valgrind`` (with its headers, as Debian's package
ships them) and a C compiler; on request only (``python -m bench --only keycost``, ~3 min).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from bench import bench_ui
from bench.bench_startcost import _instructions
from bench.common import row

N_KEYS = 20  # measured keystrokes (after bench_ui's 10 unmeasured ones); ~60 s under valgrind
_SWITCH_C = """#include <valgrind/callgrind.h>
void labassess_collect_toggle(void) { CALLGRIND_TOGGLE_COLLECT; }
"""


def _switch_library(folder: Path) -> Path:
    """Compile the collection switch (one function issuing callgrind's toggle request)."""
    cc = shutil.which("cc") or shutil.which("gcc")
    if cc is None:
        raise RuntimeError("no C compiler (cc/gcc) to build callgrind's collection switch")
    src, lib = folder / "switch.c", folder / "libswitch.so"
    src.write_text(_SWITCH_C)
    proc = subprocess.run([cc, "-shared", "-fPIC", "-O1", "-o", str(lib), str(src)], capture_output=True, text=True)
    if proc.returncode != 0:
        raise RuntimeError(f"cannot build callgrind's switch (valgrind headers missing?): {proc.stderr.strip()}")
    return lib


def _child(lib: str, home: str, which: str) -> None:
    """Run ``bench_ui._keyboard`` with collection switched on around the ``which`` steps ("keys"/"floor")."""
    import ctypes

    toggle = ctypes.CDLL(lib).labassess_collect_toggle
    bracket = (toggle, toggle)
    if which == "keys":
        bench_ui._keyboard(Path(home), N_KEYS, keys_bracket=bracket)
    else:
        bench_ui._keyboard(Path(home), N_KEYS, floor_bracket=bracket)
    os._exit(0)  # skip interpreter teardown: nothing after the loop is measured


def _count(lib: Path, home: Path, env: dict, which: str) -> int:
    code = f"from bench.bench_keycost import _child; _child({str(lib)!r}, {str(home)!r}, {which!r})"
    return _instructions(code, env, f"keycost ({which})", "--collect-atstart=no")


def run() -> list[dict]:
    """Two rows: instructions per keyboard answer and per bare save, in millions."""
    if shutil.which("valgrind") is None:
        raise RuntimeError("valgrind is not installed (Debian: apt install valgrind)")
    with tempfile.TemporaryDirectory(prefix="labassess-bench-keycost-") as tmp:
        home = Path(tmp)
        lib = _switch_library(home)
        bench_ui._make_demo(home)
        bench_ui._compile_bytecode()
        env = bench_ui._env(home)
        keys = _count(lib, home, env, "keys") / N_KEYS
        floor = _count(lib, home, env, "floor") / N_KEYS
    return [
        row(
            "keyboard answer CPU work, as timed by bench_ui (callgrind, M instructions)",
            keys / 1e6,
            "M instr",
            floor=floor / 1e6,
            floor_label="AssessmentService.answer alone",
        ),
        row("  floor: AssessmentService.answer alone (callgrind)", floor / 1e6, "M instr"),
    ]


if __name__ == "__main__":
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    for r in run():
        print(r)

"""Shared helpers for the benchmarks: timing, statistics, the machine description, the report table.

A benchmark module ``bench/bench_<area>.py`` exposes ``run() -> list[dict]``; build each row with
:func:`row`.  ``python -m bench`` runs every module in its own fresh interpreter (so one module's
imports and caches never flatter another's figures), prints one table and writes
``bench/results/latest.json``.
"""

from __future__ import annotations

import importlib
import importlib.metadata
import json
import math
import os
import platform
import sqlite3
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent
RESULTS = BENCH_DIR / "results"
KEY_PACKAGES = (
    "SQLAlchemy",
    "alembic",
    "PySide6-Essentials",
    "pyqtgraph",
    "reportlab",
    "openpyxl",
    "PyYAML",
    "psycopg",
)
# Modules that run only when asked for by name (--only): slow, or needing a tool the machine may lack.
ON_REQUEST = ("startcost", "keycost")  # callgrind: valgrind, ~2 and ~3 min
ROW_KEYS = ("figure", "value", "unit", "target", "floor", "floor_label", "lower_is_better")


# -- statistics ---------------------------------------------------------------------------------
def median(values: Sequence[float]) -> float:
    """The median."""
    return float(statistics.median(values))


def percentile(values: Sequence[float], p: float) -> float:
    """The ``p``-th percentile (0-100), nearest-rank method: a value that was actually measured."""
    if not values:
        raise ValueError("no values")
    ordered = sorted(values)
    rank = max(1, math.ceil(p / 100.0 * len(ordered)))
    return float(ordered[rank - 1])


def time_calls(fn: Callable[[], object], n: int, warmup: int = 0) -> list[float]:
    """Call ``fn`` ``warmup`` times untimed, then ``n`` times; return each call's seconds."""
    for _ in range(warmup):
        fn()
    out = []
    for _ in range(n):
        t0 = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t0)
    return out


def time_command(argv: Sequence[str], n: int = 7, env: dict | None = None) -> list[float]:
    """Wall-clock seconds of ``n`` runs of a command (output discarded); fails loudly on a non-zero exit."""
    out = []
    for _ in range(n):
        t0 = time.perf_counter()
        subprocess.run(list(argv), check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env, cwd=ROOT)
        out.append(time.perf_counter() - t0)
    return out


def row(
    figure: str,
    value: float,
    unit: str,
    *,
    target: float | None = None,
    floor: float | None = None,
    floor_label: str = "",
    lower_is_better: bool = True,
) -> dict:
    """One benchmark result in the protocol's shape."""
    return {
        "figure": figure,
        "value": float(value),
        "unit": unit,
        "target": None if target is None else float(target),
        "floor": None if floor is None else float(floor),
        "floor_label": floor_label,
        "lower_is_better": bool(lower_is_better),
    }


def verdict(r: dict) -> str:
    """``pass``, ``miss``, ``error`` or ``-`` (no target)."""
    if r.get("error"):
        return "error"
    if r.get("target") is None or r.get("value") is None:
        return "-"
    ok = r["value"] <= r["target"] if r.get("lower_is_better", True) else r["value"] >= r["target"]
    return "pass" if ok else "miss"


def ratio_to_floor(r: dict) -> float | None:
    """value / floor: how many times the bare baseline's cost our code takes (None without a floor)."""
    if r.get("floor") in (None, 0) or r.get("value") is None:
        return None
    return r["value"] / r["floor"]


# -- machine description ------------------------------------------------------------------------
def machine() -> dict:
    """CPU model, cores, RAM, OS, Python, SQLite and key package versions."""
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.lower().startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    ram_gb = None
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                ram_gb = round(int(line.split()[1]) / 1024 / 1024, 1)
                break
    except OSError:
        pass
    packages = {}
    for name in KEY_PACKAGES:
        try:
            packages[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            packages[name] = None
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "ram_gb": ram_gb,
        "os": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "packages": packages,
    }


# -- discovery and running ----------------------------------------------------------------------
def discover() -> list[str]:
    """Short names (``core`` for ``bench_core.py``) of every benchmark module, sorted."""
    return sorted(p.stem.removeprefix("bench_") for p in BENCH_DIR.glob("bench_*.py"))


def check_rows(rows: object, module: str) -> list[dict]:
    """Validate a module's ``run()`` result against the protocol."""
    if not isinstance(rows, list):
        raise TypeError(f"bench_{module}.run() must return a list of dicts")
    out = []
    for r in rows:
        missing = [k for k in ("figure", "value", "unit") if k not in r]
        if missing:
            raise TypeError(f"bench_{module}: row {r!r} lacks {', '.join(missing)}")
        full = {k: r.get(k) for k in ROW_KEYS}
        full["floor_label"] = full["floor_label"] or ""
        full["lower_is_better"] = True if full["lower_is_better"] is None else bool(full["lower_is_better"])
        full["module"] = module
        out.append(full)
    return out


def run_in_process(module: str) -> list[dict]:
    """Import ``bench.bench_<module>`` here and run it."""
    mod = importlib.import_module(f"bench.bench_{module}")
    return check_rows(mod.run(), module)


def run_isolated(module: str, timeout: float = 1800) -> list[dict]:
    """Run one module in a fresh interpreter; a crash or error becomes one ``error`` row."""
    env = dict(os.environ)
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    try:
        proc = subprocess.run(
            [sys.executable, "-m", "bench", "--child", module],
            capture_output=True,
            text=True,
            timeout=timeout,
            cwd=ROOT,
            env=env,
        )
    except subprocess.TimeoutExpired:
        return [_error_row(module, f"timed out after {timeout:.0f} s")]
    marker = "@@BENCH-JSON@@"
    for line in reversed(proc.stdout.splitlines()):
        if line.startswith(marker):
            return json.loads(line[len(marker) :])
    tail = (proc.stderr.strip().splitlines() or [f"exit code {proc.returncode}"])[-1]
    return [_error_row(module, tail)]


def _error_row(module: str, message: str) -> dict:
    r = row(f"bench_{module}", float("nan"), "", floor_label="")
    r.update(value=None, module=module, error=message)
    return r


# -- report -------------------------------------------------------------------------------------
def _fmt(v: float | None) -> str:
    if v is None:
        return "-"
    if v == 0:
        return "0"
    if abs(v) >= 100:
        return f"{v:.0f}"
    if abs(v) >= 10:
        return f"{v:.1f}"
    if abs(v) >= 0.01:
        return f"{v:.2f}"
    return f"{v:.3g}"


def format_table(rows: Iterable[dict]) -> str:
    """The report as an aligned text table."""
    header = ["module", "figure", "value", "unit", "target", "floor", "x floor", "result", "floor is"]
    lines = []
    for r in rows:
        ratio = ratio_to_floor(r)
        lines.append(
            [
                r.get("module", ""),
                r["figure"],
                _fmt(r.get("value")) if not r.get("error") else "ERROR",
                r.get("unit", ""),
                ("≤ " if r.get("lower_is_better", True) else "≥ ") + _fmt(r["target"])
                if r.get("target") is not None
                else "-",
                _fmt(r.get("floor")),
                "-" if ratio is None else f"{ratio:.2f}" if ratio < 10 else f"{ratio:.1f}",  # 1.96 is not 2.0
                verdict(r),
                r.get("error") or r.get("floor_label") or "",
            ]
        )
    widths = [max(_width(str(x)) for x in col) for col in zip(header, *lines)]
    out = ["  ".join(_pad(str(c), w) for c, w in zip(header, widths)).rstrip()]
    out.append("  ".join("-" * w for w in widths))
    out += ["  ".join(_pad(str(c), w) for c, w in zip(line, widths)).rstrip() for line in lines]
    return "\n".join(out)


def _width(s: str) -> int:
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in s)


def _pad(s: str, w: int) -> str:
    return s + " " * (w - _width(s))


def write_json(path: Path, rows: list[dict], mach: dict) -> None:
    """Write the report (rows with ratio and verdict, plus the machine) as JSON, atomically."""
    data = {
        "generated_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "machine": mach,
        "results": [{**r, "ratio_to_floor": ratio_to_floor(r), "result": verdict(r)} for r in rows],
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    tmp.replace(path)

"""``python -m bench [--only NAME ...]``: run the benchmarks, print one table, write results/latest.json."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from bench import common


def main(argv: list[str] | None = None) -> int:
    """Entry point."""
    p = argparse.ArgumentParser(prog="python -m bench", description="Run the LabAssess benchmarks and print one table.")
    p.add_argument(
        "--only", action="append", metavar="NAME", help="run only bench_NAME.py (repeatable), e.g. --only core"
    )
    p.add_argument("--list", action="store_true", help="list the benchmark modules and exit")
    p.add_argument(
        "--out", type=Path, default=common.RESULTS / "latest.json", help="JSON report (default: %(default)s)"
    )
    p.add_argument("--no-write", action="store_true", help="print the table only")
    p.add_argument("--child", metavar="NAME", help=argparse.SUPPRESS)  # internal: run one module, print JSON
    args = p.parse_args(argv)

    if args.child:
        rows = common.run_in_process(args.child)
        print("@@BENCH-JSON@@" + json.dumps(rows, ensure_ascii=False))
        return 0

    available = common.discover()
    if args.list:
        print("\n".join(n + ("  (only with --only)" if n in common.ON_REQUEST else "") for n in available))
        return 0
    names = [n for n in available if n not in common.ON_REQUEST]
    if args.only:
        wanted = [n.removeprefix("bench_").removesuffix(".py") for n in args.only]
        unknown = [n for n in wanted if n not in available]
        if unknown:
            print(f"unknown benchmark(s): {', '.join(unknown)}; available: {', '.join(available)}", file=sys.stderr)
            return 2
        names = wanted

    rows: list[dict] = []
    for name in names:
        print(f"running bench_{name} ...", file=sys.stderr, flush=True)
        rows.extend(common.run_isolated(name))
    mach = common.machine()
    print(
        f"\nMachine: {mach['cpu']}, {mach['cores']} cores, {mach['ram_gb']} GB RAM, {mach['os']}, "
        f"Python {mach['python']}, SQLite {mach['sqlite']}\n"
    )
    print(common.format_table(rows))

    if not args.no_write:
        merged = rows
        if args.only and args.out.exists():
            # keep the other modules' last figures so latest.json stays one complete report
            try:
                old = json.loads(args.out.read_text(encoding="utf-8")).get("results", [])
            except (OSError, ValueError):
                old = []
            merged = [r for r in old if r.get("module") not in names] + rows
            order = {n: i for i, n in enumerate(available)}
            merged.sort(key=lambda r: order.get(r.get("module"), 999))
            merged = [{k: v for k, v in r.items() if k not in ("ratio_to_floor", "result")} for r in merged]
        common.write_json(args.out, merged, mach)
        print(f"\nwritten: {args.out}")
    return 1 if any(r.get("error") for r in rows) else 0


if __name__ == "__main__":
    sys.exit(main())

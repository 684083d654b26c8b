"""LabAssess benchmarks: ``python -m bench`` runs every ``bench/bench_*.py`` and prints one table.

Protocol: each module exposes ``run() -> list[dict]``; each dict has ``figure``, ``value``, ``unit``,
``target`` (or None), ``floor`` (the same work done by a bare baseline in the same run, or None),
``floor_label`` and ``lower_is_better``.  See ``bench/common.py`` and ``docs/reliability.md``.
"""

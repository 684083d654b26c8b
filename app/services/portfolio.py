"""Common problems across labs: which items and clauses most labs fail, for group training.

Everything is counted by the database.  The selection of assessments (latest per lab by default,
cohort filters) is written into a temporary table of ids; the ranking is then two aggregate
queries that stream a few hundred result rows:

* items:   ``answer × selection GROUP BY item_id, status`` — an index-only scan of
  ``ix_answer_item_status_assessment (item_id, status, assessment_id)`` (migration 0002);
* clauses: labs with at least one gap in the clause, ``count(DISTINCT assessment_id)`` over the
  gap rows only, joined to a temporary item -> clause table.

No answer row ever becomes a Python object, so memory stays flat however many labs there are.
Items and clauses are ranked by the number of labs with a gap (then by the share).
One assessment counts as one lab (a lab's follow-ups are not counted twice).  An item's
percentage is labs with a gap (partial or nonconform) ÷ labs where it applies (answered conform,
partial or nonconform; N/A and unanswered are left out).  A clause's percentage is labs with a
gap in any of its items ÷ labs that answered the clause (the largest number of labs answering
any one of its items).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Date, bindparam, select, text

from app.assessment.model import INDUSTRIES, SIZES
from app.assessment.plan import THEME_TITLES
from app.checklists.schema import CNAS_CLAUSES, Checklist, Text, clause_key
from app.services.errors import ValidationError
from app.services.views import snapshot_checklist
from app.storage.database import Database
from app.storage.orm import Assessment, ChecklistSnapshot, Lab

GAP = ("partial", "nonconform")
APPLICABLE = ("conform", "partial", "nonconform")
_CLAUSE_TITLES = {k: Text(zh, en) for k, zh, en in CNAS_CLAUSES}
_CLAUSE_ORDER = {k: i for i, (k, _, _) in enumerate(CNAS_CLAUSES)}
DEFAULT_RECOMMEND_PCT = 30.0

#: Per item and status, the number of selected assessments (an index-only scan in item order).
ITEM_SQL = (
    "SELECT a.item_id, a.status, count(*) FROM answer a CROSS JOIN pf_sel s "
    "WHERE s.id = a.assessment_id GROUP BY a.item_id, a.status"
)
#: Per CNAS clause, the number of selected assessments with at least one gap there (gap rows only).
CLAUSE_SQL = (
    "SELECT c.clause, count(DISTINCT a.assessment_id) FROM pf_item c CROSS JOIN answer a CROSS JOIN pf_sel s "
    "WHERE a.item_id = c.item_id AND a.status IN ('partial', 'nonconform') AND s.id = a.assessment_id "
    "GROUP BY c.clause"
)


@dataclass(frozen=True)
class Cohort:
    """Which assessments to pool.  ``latest_only``: one (the latest) assessment per lab."""

    industry: str | None = None
    size: str | None = None
    field: str | None = None
    since: dt.date | None = None
    until: dt.date | None = None
    latest_only: bool = True

    def validate(self) -> Cohort:
        """Raise ``ValidationError`` for unknown values; return self."""
        if self.industry and self.industry not in INDUSTRIES:
            raise ValidationError("industry", f"use one of {', '.join(INDUSTRIES)}")
        if self.size and self.size not in SIZES:
            raise ValidationError("size", f"use one of {', '.join(SIZES)}")
        if self.since and self.until and self.since > self.until:
            raise ValidationError("since", "the start date is after the end date")
        return self

    def describe(self, lang: str = "en") -> str:
        """One line naming the filters in use."""
        zh = lang == "zh"
        parts = []
        if self.industry:
            parts.append(("行业 " if zh else "industry ") + self.industry)
        if self.size:
            parts.append(("规模 " if zh else "size ") + self.size)
        if self.field:
            parts.append(("领域 " if zh else "field ") + self.field)
        if self.since or self.until:
            parts.append(f"{self.since or '…'} – {self.until or '…'}")
        parts.append(
            ("每个实验室最新一次评估" if zh else "latest assessment per lab")
            if self.latest_only
            else ("全部评估" if zh else "every assessment")
        )
        return "; ".join(parts)


@dataclass(frozen=True)
class ItemRank:
    """One item: how many labs have a gap there."""

    item_id: str
    clause: str
    text: Text
    theme: str
    knockout: bool
    labs_gap: int
    labs_nonconform: int
    labs_partial: int
    labs_applicable: int
    labs_na: int

    @property
    def percent(self) -> float:
        """Labs with a gap, % of labs where the item applies."""
        return 0.0 if not self.labs_applicable else round(100.0 * self.labs_gap / self.labs_applicable, 1)


@dataclass(frozen=True)
class ClauseRank:
    """One CNAS-CL01 clause: labs with at least one gap in it."""

    clause: str
    title: Text
    labs_gap: int
    labs_applicable: int
    items: int

    @property
    def percent(self) -> float:
        """Labs with a gap in the clause, % of labs that answered it."""
        return 0.0 if not self.labs_applicable else round(100.0 * self.labs_gap / self.labs_applicable, 1)


@dataclass(frozen=True)
class TrainingRecommendation:
    """A group course suggested by a common gap."""

    theme: str
    theme_title: Text
    module_id: str
    title: Text
    hours: float
    percent: float
    labs: int
    item_id: str
    item_text: Text
    clauses: tuple[str, ...]

    def message(self, lang: str) -> str:
        """E.g. "62% of labs have a gap on …: group course on 期间核查"."""
        if lang == "zh":
            return f"{self.percent:.0f}% 的实验室在“{self.item_text.zh}”存在差距：建议组织集中培训“{self.title.zh}”"
        return f'{self.percent:.0f}% of labs have a gap on "{self.item_text.en}": group course on {self.title.en}'


@dataclass(frozen=True)
class PortfolioResult:
    """The ranking over a cohort."""

    cohort: Cohort
    labs: int
    assessments: int
    threshold: float
    items: tuple[ItemRank, ...]
    clauses: tuple[ClauseRank, ...]
    training: tuple[TrainingRecommendation, ...]
    packs: tuple[str, ...] = ()
    elapsed: float = 0.0


@dataclass(frozen=True)
class AffectedLab:
    """A lab behind a percentage (drill-down); ``label`` is a pseudonym unless names are shown."""

    label: str
    assessment_id: int
    assessed_on: dt.date
    industry: str
    size: str
    status: str  # worst status found (nonconform / partial)
    gaps: int = 1


@dataclass(frozen=True)
class HeatMap:
    """Labs × clauses: gap share per cell (0..1, ``None`` where the lab answered nothing in the clause)."""

    labs: tuple[str, ...]
    clauses: tuple[str, ...]
    values: tuple[tuple[float | None, ...], ...]


@dataclass
class _Meta:
    items: dict[str, tuple[str, Text, str, bool, tuple[str, ...], bool]] = field(default_factory=dict)
    packs: list[str] = field(default_factory=list)
    lab_fields: dict[str, int] = field(default_factory=dict)  # test field -> labs of the cohort with it


def pseudonym(lab_uid: str) -> str:
    """A stable, non-reversible short label for a lab in anonymised reports."""
    return "L-" + hashlib.sha256(f"labassess-portfolio:{lab_uid}".encode()).hexdigest()[:6].upper()


class PortfolioService:
    """Rank common gaps over many labs (the database, or a folder of ``.labx`` files)."""

    def __init__(self, db: Database, training=None):
        self.db = db
        self._training = training
        self._scratch: Path | None = None
        self.skipped: list[str] = []
        #: run the item and clause aggregates on two connections at once (2+ cores)
        self.parallel = (os.cpu_count() or 1) > 1
        self._read_engine = None

    # -- construction over lab files -------------------------------------------------------------
    @classmethod
    def from_labx_dir(cls, folder: Path, progress=None) -> PortfolioService:
        """Load every ``*.labx`` in ``folder`` into a scratch database (bad files are skipped and
        listed in ``skipped``); ``close()`` removes the scratch database."""
        from app.services.labfile import LabFileError, LabFileService, scratch_database
        from app.services.merge import MergeConflictError

        folder = Path(folder)
        if not folder.is_dir():
            raise ValidationError("labx-dir", f"{folder} is not a folder")
        files = sorted(p for p in folder.iterdir() if p.suffix.lower() == ".labx" and p.is_file())
        db, scratch = scratch_database()
        svc = cls(db)
        svc._scratch = scratch
        lf = LabFileService(db)
        for i, path in enumerate(files):
            try:
                lf.import_file(path, on_conflict="newest")
            except (LabFileError, MergeConflictError, ValidationError) as exc:
                svc.skipped.append(str(exc))
            if progress:
                progress((i + 1) / max(1, len(files)), path.name)
        return svc

    @staticmethod
    def make_cohort(**filters) -> Cohort:
        """A ``Cohort`` (for callers such as the UI that do not import this module)."""
        return Cohort(**filters)

    def close(self) -> None:
        """Remove the scratch database of ``from_labx_dir`` (no-op otherwise)."""
        if self._read_engine is not None:
            self._read_engine.dispose()
            self._read_engine = None
        if self._scratch is not None:
            self.db.dispose()
            shutil.rmtree(self._scratch, ignore_errors=True)
            self._scratch = None

    @property
    def engine(self):
        """The engine for the read-only aggregates.

        On SQLite the app's engine starts every transaction with BEGIN IMMEDIATE (the write lock);
        a ranking only reads, so it gets its own engine with deferred transactions: it never
        blocks someone saving an answer, and its two connections can read side by side (WAL).
        """
        if self.db.engine.dialect.name != "sqlite":
            return self.db.engine
        if self._read_engine is None:
            from sqlalchemy import create_engine, event
            from sqlalchemy.pool import NullPool

            engine = create_engine(self.db.engine.url, poolclass=NullPool, connect_args={"timeout": 30})

            def on_connect(dbapi_conn, _record):
                dbapi_conn.isolation_level = None  # we issue BEGIN ourselves
                dbapi_conn.execute("PRAGMA busy_timeout=30000")
                dbapi_conn.execute("PRAGMA temp_store=MEMORY")

            def on_begin(conn):
                conn.exec_driver_sql("BEGIN")  # deferred: a shared (read) lock only

            event.listen(engine, "connect", on_connect)
            event.listen(engine, "begin", on_begin)
            self._read_engine = engine
        return self._read_engine

    def training_catalogue(self):
        """The training catalogue used for recommendations (None: fall back to the five themes)."""
        if self._training is None:
            from app.checklists.training import shipped_training

            try:
                self._training = shipped_training() or False
            except Exception:  # noqa: BLE001 - a broken catalogue must not break the ranking
                self._training = False
        return self._training or None

    # -- selection -------------------------------------------------------------------------------
    def _fill_selection(self, conn, cohort: Cohort) -> None:
        """Create temp table pf_sel holding the cohort's assessment ids (chosen by SQL)."""
        pg = self.engine.dialect.name == "postgresql"
        suffix = " ON COMMIT DROP" if pg else ""
        for t in ("pf_sel", "pf_item", "pf_lab"):
            conn.execute(text(f"DROP TABLE IF EXISTS {t}"))
        conn.execute(text(f"CREATE TEMP TABLE pf_sel (id INTEGER PRIMARY KEY){suffix}"))
        conn.execute(text(f"CREATE TEMP TABLE pf_item (item_id VARCHAR(64) PRIMARY KEY, clause VARCHAR(16)){suffix}"))
        conds, binds = ["1 = 1"], []
        params: dict = {}
        if cohort.industry:
            conds.append("l.industry = :industry")
            params["industry"] = cohort.industry
        if cohort.size:
            conds.append("l.size = :size")
            params["size"] = cohort.size
        if cohort.since:
            conds.append("a.assessed_on >= :since")
            params["since"] = cohort.since
            binds.append(bindparam("since", type_=Date))
        if cohort.until:
            conds.append("a.assessed_on <= :until")
            params["until"] = cohort.until
            binds.append(bindparam("until", type_=Date))
        if cohort.field:
            # test fields are a JSON list (read whole, never queried across labs): filter the labs in Python
            conn.execute(text(f"CREATE TEMP TABLE pf_lab (id INTEGER PRIMARY KEY){suffix}"))
            lab = Lab.__table__
            ids = [
                {"id": i}
                for i, fields in conn.execute(select(lab.c.id, lab.c.test_fields))
                if cohort.field in (json.loads(fields) if isinstance(fields, str) else (fields or ()))
            ]
            if ids:
                conn.execute(text("INSERT INTO pf_lab (id) VALUES (:id)"), ids)
            conds.append("l.id IN (SELECT id FROM pf_lab)")
        where = " AND ".join(conds)
        if cohort.latest_only:
            sql = (
                "INSERT INTO pf_sel (id) SELECT id FROM (SELECT a.id AS id, row_number() OVER "
                "(PARTITION BY a.lab_id ORDER BY a.assessed_on DESC, a.id DESC) AS rn "
                f"FROM assessment a JOIN lab l ON l.id = a.lab_id WHERE {where}) t WHERE rn = 1"
            )
        else:
            sql = f"INSERT INTO pf_sel (id) SELECT a.id FROM assessment a JOIN lab l ON l.id = a.lab_id WHERE {where}"
        conn.execute(text(sql).bindparams(*binds), params)
        if pg:
            conn.execute(text("ANALYZE pf_sel"))

    def _load_meta(self, conn) -> _Meta:
        snap = ChecklistSnapshot.__table__
        used = [
            r[0]
            for r in conn.execute(
                text("SELECT DISTINCT ap.snapshot_id FROM assessment_pack ap JOIN pf_sel s ON s.id = ap.assessment_id")
            )
        ]
        meta = _Meta()
        rows = conn.execute(select(snap).where(snap.c.id.in_(sorted(used))).order_by(snap.c.id)) if used else ()
        for row in rows:
            checklist: Checklist = snapshot_checklist(_SnapRow(row.checklist_id, row.version, row.sha256, row.content))
            meta.packs.append(f"{checklist.id} {checklist.version}")
            cnas = checklist.kind == "requirements"
            for it in checklist.items:
                if it.id in meta.items:
                    continue
                theme = it.actions[0].training_theme if it.actions else ""
                key = clause_key(it.clause)
                meta.items[it.id] = (
                    key,
                    it.text,
                    theme,
                    it.knockout,
                    tuple(a.key for a in it.actions),
                    cnas and key in _CLAUSE_ORDER,
                )
        return meta

    @staticmethod
    def _fill_items(conn, meta: _Meta) -> None:
        rows = [{"i": k, "c": v[0]} for k, v in meta.items.items() if v[5]]
        if rows:
            conn.execute(text("INSERT INTO pf_item (item_id, clause) VALUES (:i, :c)"), rows)

    @contextlib.contextmanager
    def _conn(self, cohort: Cohort, meta: _Meta | None = None) -> Iterator:
        """A connection in a transaction with pf_sel filled (and pf_item, when ``meta`` is given)."""
        with self.engine.connect() as conn, conn.begin():
            self._fill_selection(conn, cohort)
            if meta is not None:
                self._fill_items(conn, meta)
            try:
                yield conn
            finally:
                if self.engine.dialect.name != "postgresql":
                    for t in ("pf_sel", "pf_item", "pf_lab"):
                        conn.execute(text(f"DROP TABLE IF EXISTS {t}"))

    @contextlib.contextmanager
    def _prepared(self, cohort: Cohort) -> Iterator[tuple]:
        """(connection, meta) with pf_sel and pf_item filled."""
        cohort.validate()
        with self._conn(cohort) as conn:
            meta = self._load_meta(conn)
            meta.lab_fields = self._cohort_fields(conn)
            self._fill_items(conn, meta)
            yield conn, meta

    @staticmethod
    def _cohort_fields(conn) -> dict[str, int]:
        """{test field: number of the cohort's labs with it} (one row per lab, read after pf_sel)."""
        counts: dict[str, int] = {}
        for (fields,) in conn.execute(
            text(
                "SELECT l.test_fields FROM lab l WHERE l.id IN (SELECT a.lab_id FROM assessment a JOIN pf_sel s ON s.id = a.id)"
            )
        ):
            for f in set(json.loads(fields) if isinstance(fields, str) else (fields or ())):
                counts[f] = counts.get(f, 0) + 1
        return counts

    def _query(self, cohort: Cohort, meta: _Meta, sql: str) -> list[tuple]:
        with self._conn(cohort, meta) as conn:
            return [tuple(r) for r in conn.execute(text(sql))]

    @staticmethod
    def _labels(conn, ids) -> dict[int, tuple]:
        """{assessment id: (lab uid, lab name, industry, size, assessed_on)} for the given ids."""
        a, lab = Assessment.__table__, Lab.__table__
        out: dict[int, tuple] = {}
        ids = list(ids)
        for i in range(0, len(ids), 500):
            q = (
                select(a.c.id, lab.c.uid, lab.c.name, lab.c.industry, lab.c.size, a.c.assessed_on)
                .join(lab, lab.c.id == a.c.lab_id)
                .where(a.c.id.in_(ids[i : i + 500]))
            )
            for aid, *rest in conn.execute(q):
                out[aid] = tuple(rest)
        return out

    # -- ranking ---------------------------------------------------------------------------------
    def rank(
        self, cohort: Cohort | None = None, threshold: float = 0.0, recommend_pct: float | None = None
    ) -> PortfolioResult:
        """Items and clauses ranked by the share of labs with a gap; training recommendations.

        ``threshold`` (percent) drops items and clauses below it; ``recommend_pct`` (default:
        ``max(threshold, 30)``) is the share of labs from which a group course is suggested.
        """
        import time

        t0 = time.perf_counter()
        cohort = (cohort or Cohort()).validate()
        with self._prepared(cohort) as (conn, meta):
            n_asm, n_labs = conn.execute(
                text("SELECT count(*), count(DISTINCT a.lab_id) FROM pf_sel s JOIN assessment a ON a.id = s.id")
            ).one()
            if self.parallel:
                # the two aggregates are independent: the clause one runs on a second connection while
                # this one counts items (the database does the work and releases the GIL meanwhile)
                from concurrent.futures import ThreadPoolExecutor

                with ThreadPoolExecutor(max_workers=1) as pool:
                    f_clauses = pool.submit(self._query, cohort, meta, CLAUSE_SQL)
                    item_rows = conn.execute(text(ITEM_SQL)).all()
                    clause_rows = f_clauses.result()
            else:
                item_rows = conn.execute(text(ITEM_SQL)).all()
                clause_rows = conn.execute(text(CLAUSE_SQL)).all()
        per_item: dict[str, list[int]] = {}
        order = ("conform", "partial", "nonconform", "na")
        for item_id, status, n in item_rows:
            c = per_item.setdefault(item_id, [0, 0, 0, 0])  # conform, partial, nonconform, na
            if status in order:
                c[order.index(status)] += n
        clause_gap = dict(clause_rows)
        items = []
        clause_app: dict[str, int] = {}
        clause_items: dict[str, int] = {}
        for item_id, (conform, partial, nonconform, na) in per_item.items():
            m = meta.items.get(item_id)
            if m is None:
                continue
            applicable = conform + partial + nonconform
            items.append(
                ItemRank(item_id, m[0], m[1], m[2], m[3], partial + nonconform, nonconform, partial, applicable, na)
            )
            if m[5]:
                clause_app[m[0]] = max(clause_app.get(m[0], 0), applicable)
                clause_items[m[0]] = clause_items.get(m[0], 0) + 1
        items.sort(key=lambda r: (-r.labs_gap, -r.percent, r.item_id))
        clauses = [
            ClauseRank(k, _CLAUSE_TITLES[k], int(clause_gap.get(k, 0)), clause_app[k], clause_items[k])
            for k in clause_app
        ]
        clauses.sort(key=lambda r: (-r.labs_gap, -r.percent, _CLAUSE_ORDER[r.clause]))
        recommend = max(threshold, DEFAULT_RECOMMEND_PCT) if recommend_pct is None else recommend_pct
        training = self._recommend(items, meta, recommend, cohort)
        return PortfolioResult(
            cohort=cohort,
            labs=int(n_labs or 0),
            assessments=int(n_asm or 0),
            threshold=threshold,
            items=tuple(r for r in items if r.percent >= threshold and r.labs_applicable),
            clauses=tuple(r for r in clauses if r.percent >= threshold),
            training=training,
            packs=tuple(meta.packs),
            elapsed=time.perf_counter() - t0,
        )

    def _recommend(
        self, items: list[ItemRank], meta: _Meta, pct: float, cohort: Cohort | None = None
    ) -> tuple[TrainingRecommendation, ...]:
        """Group courses for the items most labs fail.

        A module written for certain test fields (e.g. EMC measurement uncertainty) is offered only if
        the cohort has labs with one of those fields, and only for the cohort's field when it is
        filtered by one; general modules always qualify.  The same rule decides a single lab's plan
        (``app.assessment.plan._select_training``).
        """
        catalogue = self.training_catalogue()
        present = set(meta.lab_fields)
        if cohort is not None and cohort.field:
            present &= {cohort.field}
        modules = [m for m in (catalogue.modules if catalogue else ()) if not m.fields or set(m.fields) & present]
        by_key: dict[str, list] = {}
        for mod in modules:
            for k in mod.action_keys:
                by_key.setdefault(k, []).append(mod)
        out: dict[str, TrainingRecommendation] = {}
        for r in sorted(items, key=lambda r: (-r.percent, -r.labs_gap)):  # highest share first
            if r.percent < pct or not r.labs_applicable:
                break
            keys = meta.items[r.item_id][4]
            candidates = next((by_key[k] for k in keys if k in by_key), [])
            # one general course, plus each course written for a test field the cohort has
            hits = [m for m in candidates if not m.fields][:1] + [m for m in candidates if m.fields]
            if not hits:
                hits = [m for m in modules if r.clause in m.clauses and (not r.theme or m.theme == r.theme)][:1]
            if not hits:
                hits = [m for m in modules if r.clause in m.clauses][:1]
            choices = [(m.id, m.title, m.hours, m.theme, tuple(m.clauses)) for m in hits]
            if not choices:
                theme = r.theme or "management_system"
                choices = [(f"theme:{theme}", THEME_TITLES.get(theme, Text(theme, theme)), 0.0, theme, (r.clause,))]
            for mid, title, hours, theme, clauses in choices:
                if mid in out:
                    continue
                out[mid] = TrainingRecommendation(
                    theme,
                    THEME_TITLES.get(theme, Text(theme, theme)),
                    mid,
                    title,
                    hours,
                    r.percent,
                    r.labs_gap,
                    r.item_id,
                    r.text,
                    clauses,
                )
        return tuple(out.values())

    # -- drill-down ------------------------------------------------------------------------------
    def affected(
        self,
        cohort: Cohort | None = None,
        *,
        item_id: str | None = None,
        clause: str | None = None,
        show_labs: bool = False,
    ) -> list[AffectedLab]:
        """The labs behind an item's or a clause's percentage (pseudonyms unless ``show_labs``)."""
        if (item_id is None) == (clause is None):
            raise ValidationError("drill-down", "give an item or a clause")
        cohort = cohort or Cohort()
        with self._prepared(cohort.validate()) as (conn, _meta):
            if item_id is not None:
                rows = conn.execute(
                    text(
                        "SELECT a.assessment_id, a.status, 1 FROM answer a CROSS JOIN pf_sel s "
                        "WHERE a.item_id = :i AND a.status IN ('partial', 'nonconform') AND s.id = a.assessment_id"
                    ),
                    {"i": item_id},
                ).all()
            else:
                rows = conn.execute(
                    text(
                        "SELECT a.assessment_id, max(a.status), count(*) FROM pf_item c CROSS JOIN answer a "
                        "CROSS JOIN pf_sel s WHERE c.clause = :c AND a.item_id = c.item_id "
                        "AND a.status IN ('partial', 'nonconform') AND s.id = a.assessment_id GROUP BY a.assessment_id"
                    ),
                    {"c": clause},
                ).all()
            chosen = self._labels(conn, [r[0] for r in rows])
        out = []
        for aid, status, n in rows:
            uid, name, industry, size, on = chosen[aid]
            out.append(
                AffectedLab(
                    name if show_labs else pseudonym(uid),
                    aid,
                    on,
                    industry,
                    size,
                    "nonconform" if status == "nonconform" else status,
                    int(n),
                )
            )
        out.sort(key=lambda x: (x.status != "nonconform", -x.gaps, x.label))
        return out

    def heatmap(self, cohort: Cohort | None = None, *, max_labs: int = 30, show_labs: bool = False) -> HeatMap:
        """Labs × clauses gap shares for the ``max_labs`` labs with the most gaps."""
        cohort = cohort or Cohort()
        with self._prepared(cohort.validate()) as (conn, _meta):
            worst = conn.execute(
                text(
                    "SELECT a.assessment_id, count(*) AS n FROM answer a CROSS JOIN pf_sel s "
                    "WHERE a.status IN ('partial', 'nonconform') AND s.id = a.assessment_id "
                    "GROUP BY a.assessment_id ORDER BY n DESC, a.assessment_id LIMIT :k"
                ),
                {"k": int(max_labs)},
            ).all()
            ids = [r[0] for r in worst]
            cells: dict[tuple[int, str], list[int]] = {}
            if ids:
                binds = ", ".join(f":a{i}" for i in range(len(ids)))
                for aid, cl, gaps, app in conn.execute(
                    text(
                        "SELECT a.assessment_id, c.clause, "
                        "sum(CASE WHEN a.status IN ('partial', 'nonconform') THEN 1 ELSE 0 END), "
                        "sum(CASE WHEN a.status IN ('conform', 'partial', 'nonconform') THEN 1 ELSE 0 END) "
                        f"FROM answer a JOIN pf_item c ON c.item_id = a.item_id WHERE a.assessment_id IN ({binds}) "
                        "GROUP BY a.assessment_id, c.clause"
                    ),
                    {f"a{i}": v for i, v in enumerate(ids)},
                ):
                    cells[(aid, cl)] = [int(gaps or 0), int(app or 0)]
            chosen = self._labels(conn, ids)
        clauses = tuple(k for k, _, _ in CNAS_CLAUSES if any((a, k) in cells for a in ids))
        labels, values = [], []
        for aid in ids:
            uid, name, *_ = chosen[aid]
            labels.append(name if show_labs else pseudonym(uid))
            values.append(
                tuple(
                    (cells[(aid, k)][0] / cells[(aid, k)][1]) if cells.get((aid, k)) and cells[(aid, k)][1] else None
                    for k in clauses
                )
            )
        return HeatMap(tuple(labels), clauses, tuple(values))


@dataclass(frozen=True)
class _SnapRow:
    """A snapshot row read through Core (the read-only ranking engine), shaped like the ORM row."""

    checklist_id: str
    version: str
    sha256: str
    content: dict | str

    def __post_init__(self):
        if isinstance(self.content, str):
            object.__setattr__(self, "content", json.loads(self.content))

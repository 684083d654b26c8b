"""Services for the desktop's first paint: read at once, open the full storage in the background.

``StartupServices`` stands in for ``app.bootstrap.Services`` while the full services (SQLAlchemy,
migrations check, every use case) open on a worker thread.  Until they are ready:

- the reads the first screen needs (``labs.list``, ``assessments.list`` / ``view`` / ``packs``,
  ``evidence.list`` / ``read`` and ``db``'s URL) come from ``app.storage.quickread`` through the same pure builders the full
  services use (``app.services.views``), so they return equal DTOs;
- every other call (above all every write) waits for the full services and then runs on them, so
  an answer typed in the first moments is saved exactly as later ones are: committed before the
  call returns.  Nothing is queued in memory.

Once ready, every attribute is the full service's own.  If opening fails (a locked, damaged or
unreachable database), the error is kept and raised by every call that needs the full services;
``on_done`` callbacks let the desktop show it at once.

``start_services`` decides: a fast start when the light reader accepts the database (a current
SQLite file), else ``None`` and the caller opens the full services first, as before.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from app.services.views import (
    answer_dto,
    build_view,
    evidence_dto,
    lab_dto,
    scored_summaries,
    snapshot_checklist,
    summary_from,
)
from app.storage.quickread import QuickReader

SERVICE_NAMES = (
    "db",
    "catalog",
    "labs",
    "assessments",
    "evidence",
    "plans",
    "reports",
    "labfiles",
    "portfolio",
    "followups",
)


class _QuickDb:
    """The few ``Database`` attributes the first screen shows."""

    def __init__(self, url: str, reader: QuickReader):
        self.url = url
        self.path = reader.path
        self.display_url = str(reader.path)
        self.is_sqlite = True


class _QuickLabs:
    def __init__(self, reader: QuickReader):
        self._reader = reader

    def list(self):
        return [lab_dto(r) for r in self._reader.labs()]


class _QuickAssessments:
    # Rows are kept for the few moments until the full services take over: nothing in this process
    # writes before then (every write waits for them).
    def __init__(self, reader: QuickReader):
        self._reader = reader
        self._packs: dict[int, tuple] = {}
        self._summaries: dict[int | None, list] = {}
        self._profiles: dict | None = None

    def packs(self, assessment_id: int) -> tuple:
        cached = self._packs.get(assessment_id)
        if cached is None:
            cached = tuple(snapshot_checklist(s) for s in self._reader.snapshots(assessment_id))
            self._packs[assessment_id] = cached
        return cached

    def _unscored(self, lab_id: int | None) -> list:
        cached = self._summaries.get(lab_id)
        if cached is None:
            names = self._reader.lab_names()
            snapshots = self._reader.snapshots_by_assessment()
            cached = [
                summary_from(r, names[r.lab_id], snapshots.get(r.id, ())) for r in self._reader.assessments(lab_id)
            ]
            self._summaries[lab_id] = cached
        return cached

    def list(self, lab_id: int | None = None, *, with_scores: bool = True) -> list:
        summaries = list(self._unscored(lab_id))
        return self.scored(summaries) if with_scores else summaries

    def scored(self, summaries) -> list:
        if not summaries:
            return []
        if self._profiles is None:
            self._profiles = {lab.id: lab_dto(lab).profile for lab in self._reader.labs()}
        return scored_summaries(summaries, self.packs, self._reader.statuses(s.id for s in summaries), self._profiles)

    def view(self, assessment_id: int, as_of=None):
        row = self._reader.assessment(assessment_id)
        if row is None:
            raise LookupError(assessment_id)  # the full service raises its NotFound
        lab = lab_dto(self._reader.lab(row.lab_id))
        summary = summary_from(row, lab.profile.name, self._reader.snapshots(assessment_id))
        answers = {a.item_id: answer_dto(a) for a in self._reader.answers(assessment_id)}
        return build_view(summary, lab, self.packs(assessment_id), answers, as_of)


class _QuickEvidence:
    def __init__(self, reader: QuickReader):
        self._reader = reader

    def list(self, assessment_id: int, item_id: str | None = None, include_removed: bool = False) -> list:
        if include_removed:
            raise LookupError("removed evidence")  # not needed by the first screen: the full service answers
        return [evidence_dto(r) for r in self._reader.evidence(assessment_id, item_id)]

    def read(self, evidence_id: int) -> bytes:
        data = self._reader.evidence_bytes(evidence_id)
        if data is None:
            raise LookupError(evidence_id)
        return data


class _Hybrid:
    """One service: its quick methods until the full services are ready, then the real one."""

    def __init__(self, owner: StartupServices, name: str, quick: Any = None):
        self._owner = owner
        self._name = name
        self._quick = quick

    def __getattr__(self, attr: str):
        owner = self._owner
        if not owner.ready and self._quick is not None and hasattr(self._quick, attr):
            quick = getattr(self._quick, attr)
            if not callable(quick):
                return quick

            def call(*args, **kwargs):
                if owner.ready:
                    return getattr(owner.full()[self._name], attr)(*args, **kwargs)
                try:
                    return quick(*args, **kwargs)
                except Exception:  # noqa: BLE001 - a read only: the full service answers or names the problem
                    # anything the light reader cannot answer exactly (a missing row, a damaged value,
                    # a SQLite error): the full service decides, with its own typed error if any
                    return getattr(owner.full()[self._name], attr)(*args, **kwargs)

            return call
        return getattr(owner.full()[self._name], attr)


class StartupServices:
    """Stands in for ``Services`` while they open on a worker thread (see the module docstring)."""

    def __init__(self, url: str, reader: QuickReader, opener: Callable[[], Any]):
        self.url = url
        self._reader = reader
        self._opener = opener
        self._done = threading.Event()
        self._services: Any = None
        self._error: BaseException | None = None
        self._callbacks: list[Callable[[BaseException | None], None]] = []
        self._finished = False  # guarded by _lock; _done is set after the callbacks ran
        self._reader_closed = False
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._views = {
            "db": _Hybrid(self, "db", _QuickDb(url, reader)),
            "labs": _Hybrid(self, "labs", _QuickLabs(reader)),
            "assessments": _Hybrid(self, "assessments", _QuickAssessments(reader)),
            "evidence": _Hybrid(self, "evidence", _QuickEvidence(reader)),
        }

    # -- loading -------------------------------------------------------------------------------
    def start(self) -> None:
        """Open the full services on a worker thread (once)."""
        with self._lock:
            if self._thread is None:
                self._thread = threading.Thread(target=self._load, name="open-services", daemon=True)
                self._thread.start()

    def _load(self) -> None:
        try:
            self._services = self._opener()
        except BaseException as exc:  # noqa: BLE001 - kept and raised to every caller
            self._error = exc
        with self._lock:
            self._finished = True
            callbacks, self._callbacks = self._callbacks, []
        try:
            for cb in callbacks:
                cb(self._error)
        finally:
            # set last: a caller released by full() sees every callback already called
            self._done.set()

    def on_done(self, callback: Callable[[BaseException | None], None]) -> None:
        """Call ``callback(error or None)`` once the full services are open or have failed.

        Called on the worker thread (or at once if already done); a GUI must hop to its own thread.
        """
        with self._lock:
            if not self._finished:
                self._callbacks.append(callback)
                return
        callback(self._error)

    @property
    def ready(self) -> bool:
        """True once the full services are open."""
        return self._done.is_set() and self._error is None

    @property
    def error(self) -> BaseException | None:
        """Why the full services could not be opened (None while loading or after success)."""
        return self._error if self._done.is_set() else None

    def full(self) -> dict[str, Any]:
        """Wait for the full services (starting them if needed) and return them by name.

        Raises:
            The error that stopped them from opening (e.g. ``DatabaseError``).
        """
        if not self._done.is_set():
            self.start()
            self._done.wait()
        if self._error is not None:
            raise self._error
        return {name: getattr(self._services, name) for name in SERVICE_NAMES}

    def services(self) -> Any:
        """The full ``Services`` (waits for them)."""
        self.full()
        return self._services

    # -- the Services interface ----------------------------------------------------------------
    def __getattr__(self, name: str):
        if name not in SERVICE_NAMES:
            raise AttributeError(name)
        if self.ready:
            self._release_reader()
            return getattr(self._services, name)
        view = self._views.get(name)
        return view if view is not None else _Hybrid(self, name)

    def _release_reader(self) -> None:
        # called on the caller's thread once the full services answer everything: the light
        # reader's file handle is not kept for the rest of the session
        if not self._reader_closed:
            self._reader_closed = True
            self._reader.close()

    def close(self) -> None:
        """Wait for the worker, close the full services and the light reader."""
        if self._thread is not None:
            self._done.wait()
        if self._services is not None:
            self._services.close()
        self._release_reader()


def start_services(url: str, opener: Callable[[], Any]) -> StartupServices | None:
    """A ``StartupServices`` for ``url`` if its first screen can be read at once, else None.

    ``opener`` opens the full services (``app.bootstrap.open_services``); it runs on the worker
    thread started by ``StartupServices.start``.
    """
    reader = QuickReader.open(url)
    if reader is None:
        return None
    return StartupServices(url, reader, opener)

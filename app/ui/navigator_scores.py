"""The navigator's readiness and progress, filled in after the rows are shown.

Scoring every assessment is most of what listing a consultant's database costs. On a slow host,
with the demo plus 150 assessments of 105 labs, the window was interactive after 868 ms when they
were scored first. It now takes 424 ms, which includes the navigator's fixed-width figure columns
(``MainWindow._size_figure_columns``). The navigator therefore lists the lines unscored (shown as
``…``). This helper then scores them on the GUI thread, a few per event-loop turn and within a
time budget, so the window stays responsive while they arrive. A new listing restarts it.

A line that cannot be scored shows ``–``. An assessment deleted from a shared database meanwhile
is expected and is not logged, and the other lines still get their figures. Any other failure is
logged. If no line of a call can be scored, the database itself is the problem, and the remaining
lines show ``–``.

Scoring starts only once the navigator has been painted (``app.ui.first_paint``), so the first
paint never waits for a round of scoring. A hidden navigator needs no figures until it is shown.

It runs on the GUI thread because the services it calls are the GUI's own: the light start-up
reader's SQLite connection and the full services' sessions are not shared with other threads.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import QWidget

from app.ui import backend, errors
from app.ui.first_paint import after_first_paint
from app.ui.models import NavigatorModel

#: Lines scored per service call (one query for their statuses).
CHUNK = 4
#: Scoring budget per event-loop turn, checked between calls: a turn ends after the call that
#: crosses it (measured ~16 ms on a slow host), short enough that typing and painting stay smooth.
BUDGET_S = 0.012


class NavigatorScorer(QObject):
    """Scores ``model.pending_scores()`` in the background of the event loop (see the module docstring)."""

    def __init__(
        self,
        model: NavigatorModel,
        services_of: Callable[[], Any],
        view: QWidget,
        parent: QObject | None = None,
    ):
        super().__init__(parent)
        self._model = model
        self._services_of = services_of
        self._painted = False
        self._queue: list = []
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(0)
        self._timer.timeout.connect(self._step)
        after_first_paint(view, self._on_first_paint)

    def start(self) -> None:
        """Score what the model is waiting for, from the next event-loop turn after the navigator's first paint."""
        self._queue = self._model.pending_scores()
        if self._queue and self._painted:
            self._timer.start()

    def _on_first_paint(self) -> None:
        self._painted = True
        if self._queue:
            self._timer.start()

    def stop(self) -> None:
        """Forget the rest (the rows are being replaced)."""
        self._queue = []
        self._timer.stop()

    @property
    def busy(self) -> bool:
        """True while lines are waiting to be scored."""
        return bool(self._queue)

    def _step(self) -> None:
        deadline = time.perf_counter() + BUDGET_S
        while self._queue and time.perf_counter() < deadline:
            chunk, self._queue = self._queue[:CHUNK], self._queue[CHUNK:]
            if not self._score(chunk):
                self._queue = []
                self._model.scores_unavailable()
                break
        if self._queue:
            self._timer.start()

    def _score(self, chunk: list) -> bool:
        """Score ``chunk`` into the model; False if the database cannot score anything."""
        assessments = self._services_of().assessments
        try:
            scored = assessments.scored(chunk)
        except Exception:  # noqa: BLE001 - a navigator figure must not stop the app
            # one line at a time: a line that vanished must not cost the others their figures
            scored, unexpected = [], None
            for line in chunk:
                try:
                    scored.extend(assessments.scored([line]))
                except Exception as exc:  # noqa: BLE001
                    self._model.score_unavailable(line.id)
                    if not backend.is_not_found(exc):  # a deleted line is expected, anything else is not
                        unexpected = exc
            if unexpected is not None:
                errors.log_unexpected(unexpected)
                if not scored:
                    return False
        for summary in scored:
            self._model.update_summary(summary)
        return True

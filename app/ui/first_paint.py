"""Run work once a widget has been painted for the first time.

``QTimer.singleShot(0, fn)`` right after ``show()`` does not wait for the first paint. The timer
fires before the window's first expose and paint are processed. Seen offscreen: a round of
navigator scoring armed that way ran first and delayed the first paint by its whole length. Work
that must not delay the first picture (opening the full services on a worker thread, scoring the
navigator) waits for the widget's first Paint event instead and runs at the next event-loop turn
after that paint.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QWidget


class _FirstPaint(QObject):
    def __init__(self, widget: QWidget, fn: Callable[[], None], at_latest_ms: int | None):
        super().__init__(widget)  # owned by the widget: goes with it if it is never painted
        self._widget = widget
        self._fn = fn
        widget.installEventFilter(self)
        if at_latest_ms is not None:
            QTimer.singleShot(at_latest_ms, self, self._run)

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt API
        if obj is self._widget and event.type() == QEvent.Type.Paint:
            self._widget.removeEventFilter(self)
            QTimer.singleShot(0, self, self._run)  # after this paint, not inside it
        return False

    def _run(self) -> None:
        fn, self._fn = self._fn, None
        if fn is None:
            return
        self._widget.removeEventFilter(self)
        self.deleteLater()
        fn()


def after_first_paint(widget: QWidget, fn: Callable[[], None], *, at_latest_ms: int | None = None) -> None:
    """Call ``fn()`` once, at the event-loop turn after ``widget`` is first painted.

    ``at_latest_ms``: call it after that long even if no paint came (a minimised window, say),
    for work that must happen anyway. Without it the call never happens for a widget that is
    destroyed before it is painted.
    """
    _FirstPaint(widget, fn, at_latest_ms)

"""Run work once a widget has been painted for the first time.

``QTimer.singleShot(0, fn)`` right after ``show()`` does not wait for the first paint. The timer
fires before the window's first expose and paint are processed. Seen offscreen: a round of
navigator scoring armed that way ran first and delayed the first paint by its whole length. Work
that must not delay the first picture (opening the full services on a worker thread, scoring the
navigator) waits until the widget has been painted and runs at the next event-loop turn after that.

"Painted" is read without looking at a single event: the widget is visible, its window is exposed
(Qt paints the visible widgets of a window as soon as it is exposed) and the event loop is about to
wait for more input (``QAbstractEventDispatcher.aboutToBlock``), so nothing queued, the first
paint included, is still pending. An event filter would say the same, but the first event any
Python code receives makes PySide set up the Python types of ``QEvent`` and its ~50 subclasses:
48 M instructions, a fifth of everything LabAssess adds to a bare window's cold start, spent in
the middle of the first paint. Nothing on the start path receives an event in Python for this
reason (``WrappedLabel`` and the interview's text column watch sizes and fonts without events).

An event loop that never waits (``processEvents()`` in a busy loop, as a script might drive it)
never says it is about to block: such a caller passes ``WaitForMoreEvents``, as ``exec()`` does.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QAbstractEventDispatcher, QObject, QTimer
from PySide6.QtWidgets import QWidget


class _FirstPaint(QObject):
    def __init__(self, widget: QWidget, fn: Callable[[], None], at_latest_ms: int | None):
        super().__init__(widget)  # owned by the widget: goes with it if it is never painted
        self._widget = widget
        self._fn = fn
        self._dispatcher = QAbstractEventDispatcher.instance()
        self._dispatcher.aboutToBlock.connect(self._idle)
        if at_latest_ms is not None:
            QTimer.singleShot(at_latest_ms, self, self._run)

    def _idle(self) -> None:
        if self._fn is None:
            return
        widget = self._widget
        handle = widget.window().windowHandle() if widget.isVisible() else None
        if handle is not None and handle.isExposed():
            self._disconnect()
            QTimer.singleShot(0, self, self._run)  # the loop was about to wait: run at its next turn

    def _disconnect(self) -> None:
        if self._dispatcher is not None:
            self._dispatcher.aboutToBlock.disconnect(self._idle)
            self._dispatcher = None

    def _run(self) -> None:
        fn, self._fn = self._fn, None
        if fn is None:
            return
        self._disconnect()
        self.deleteLater()
        fn()


def after_first_paint(widget: QWidget, fn: Callable[[], None], *, at_latest_ms: int | None = None) -> None:
    """Call ``fn()`` once, at the event-loop turn after ``widget`` is first painted.

    ``at_latest_ms``: call it after that long even if no paint came (a minimised window, say),
    for work that must happen anyway. Without it the call never happens for a widget that is
    destroyed before it is painted.
    """
    _FirstPaint(widget, fn, at_latest_ms)

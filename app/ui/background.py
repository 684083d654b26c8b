"""Run one slow service call in a ``QThreadPool`` worker with a progress dialog (the export.py pattern).

``BackgroundTask(parent, label, fn)`` calls ``fn(progress)`` on a pool thread, where
``progress(fraction, message)`` may be called from that thread at any rate; the dialog follows it
through a queued signal.  The worker never touches widgets.  The dialog appears only if the call
takes longer than ``min_duration_ms`` (small files finish without a flicker).

Signals:
    finished(object): the value ``fn`` returned.
    failed(object): the exception ``fn`` raised.
    progressed(int, str): per-mille done and the service's message (main thread).
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, Signal
from PySide6.QtWidgets import QProgressDialog, QWidget


class _Signals(QObject):
    finished = Signal(object)
    failed = Signal(object)
    progressed = Signal(int, str)


class _Worker(QRunnable):
    def __init__(self, fn: Callable):
        super().__init__()
        self.fn = fn
        self.signals = _Signals()
        self.setAutoDelete(False)

    def run(self) -> None:
        last = [-1]

        def progress(fraction: float, message: str = "") -> None:
            value = max(0, min(1000, int(fraction * 1000)))
            if value != last[0]:  # never flood the event loop with equal values
                last[0] = value
                self.signals.progressed.emit(value, str(message))

        try:
            result = self.fn(progress)
        except Exception as exc:  # noqa: BLE001 - handed to the main thread for the dialog
            self.signals.failed.emit(exc)
            return
        self.signals.finished.emit(result)


class BackgroundTask(QObject):
    """See the module docstring."""

    finished = Signal(object)
    failed = Signal(object)
    progressed = Signal(int, str)
    _running: set = set()

    def __init__(self, parent: QWidget, label: str, fn: Callable, *, title: str = "", min_duration_ms: int = 300):
        super().__init__(parent)
        self.label = label
        self.worker = _Worker(fn)
        self.worker.signals.finished.connect(self._on_finished, Qt.ConnectionType.QueuedConnection)
        self.worker.signals.failed.connect(self._on_failed, Qt.ConnectionType.QueuedConnection)
        self.worker.signals.progressed.connect(self._on_progress, Qt.ConnectionType.QueuedConnection)
        self.progress = QProgressDialog(label, "", 0, 1000, parent)
        if title:
            self.progress.setWindowTitle(title)
        self.progress.setCancelButton(None)
        self.progress.setAutoClose(False)
        self.progress.setAutoReset(False)
        self.progress.setWindowModality(Qt.WindowModality.WindowModal)
        self.progress.setMinimumDuration(min_duration_ms)
        self.done = False
        self._updating = False
        self._pending: tuple[int, str] | None = None

    def start(self) -> BackgroundTask:
        """Start the worker (returns at once)."""
        BackgroundTask._running.add(self)
        self.progress.setValue(0)
        QThreadPool.globalInstance().start(self.worker)
        return self

    def _on_progress(self, value: int, message: str) -> None:
        if self.done:
            return
        # listeners first: every value once, in the order the worker sent them
        self.progressed.emit(value, message)
        self._pending = (value, message)
        if self._updating:
            # a nested call: a modal QProgressDialog.setValue() runs processEvents(), which delivers
            # the next queued values (even ``finished``) inside it; the outer loop below shows them
            return
        self._updating = True
        try:
            while self._pending is not None and not self.done:
                shown, text = self._pending
                self._pending = None
                if text:
                    self.progress.setLabelText(f"{self.label}\n{text}")
                self.progress.setValue(shown)
        finally:
            self._updating = False

    def _close(self) -> None:
        self.done = True
        self.progress.reset()
        self.progress.hide()
        self.progress.deleteLater()
        BackgroundTask._running.discard(self)

    def _on_finished(self, result) -> None:
        self._close()
        self.finished.emit(result)

    def _on_failed(self, exc) -> None:
        self._close()
        self.failed.emit(exc)

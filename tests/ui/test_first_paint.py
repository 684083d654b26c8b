"""Work that must not delay the first picture runs after the first paint, not at the first timer."""

from __future__ import annotations

import sys

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QLabel

from app.ui.first_paint import after_first_paint


class _Paints(QObject):
    """Records "paint" in ``log`` for every Paint event of the widgets it watches."""

    def __init__(self, log: list):
        super().__init__()
        self.log = log

    def eventFilter(self, obj, event):  # noqa: N802 - Qt API
        if event.type() == QEvent.Type.Paint:
            self.log.append("paint")
        return False


def test_the_call_comes_after_the_first_paint_and_only_once(qtbot):
    log: list[str] = []
    label = QLabel("实验室能力自评估")
    qtbot.addWidget(label)
    paints = _Paints(log)
    label.installEventFilter(paints)
    after_first_paint(label, lambda: log.append("call"))
    qtbot.wait(30)
    assert log == []  # the event loop ran, but nothing was painted yet
    label.show()
    QTimer.singleShot(0, lambda: log.append("zero timer"))  # what the old code used
    qtbot.waitUntil(lambda: "call" in log, timeout=3000)
    assert log.index("zero timer") < log.index("paint") < log.index("call")
    label.update()
    qtbot.wait(50)
    assert log.count("call") == 1


def test_at_latest_the_call_happens_without_a_paint(qtbot):
    calls: list[int] = []
    label = QLabel("never shown")
    qtbot.addWidget(label)
    after_first_paint(label, lambda: calls.append(1), at_latest_ms=50)
    qtbot.waitUntil(lambda: calls == [1], timeout=3000)
    label.show()
    qtbot.waitExposed(label)
    qtbot.wait(30)
    assert calls == [1]  # the later paint does not call it again


def test_no_call_for_a_widget_destroyed_before_its_paint(qtbot):
    calls: list[int] = []
    label = QLabel("gone")
    after_first_paint(label, lambda: calls.append(1))
    label.deleteLater()
    qtbot.wait(50)
    assert calls == []


def test_run_gui_opens_the_full_services_only_after_the_first_paint(services, assessment, monkeypatch, qapp):
    """The worker that opens SQLAlchemy and Alembic must not compete with the first paint."""
    from app.ui import main

    url = services.db.url
    services.close()
    log: list[str] = []
    paints = _Paints(log)
    real_build, real_watch = main.Application.build_window, main.watch_startup

    def build_window(self):
        win = real_build(self)
        win.installEventFilter(paints)
        return win

    def watch(services_, window_of):
        log.append("open full services")
        watch_ = real_watch(services_, window_of)
        watch_.finished.connect(lambda _exc: window_of().close())  # then the event loop ends
        return watch_

    monkeypatch.setattr(sys, "excepthook", sys.excepthook)  # run_gui installs its own
    monkeypatch.setattr(main.Application, "build_window", build_window)
    monkeypatch.setattr(main, "watch_startup", watch)
    assert main.run_gui(url) == 0
    assert "paint" in log and log.index("paint") < log.index("open full services")


def test_run_gui_holds_the_garbage_collector_off_until_the_first_paint(services, assessment, monkeypatch, qapp):
    """``labassess`` pauses the collector before PySide6 loads; run_gui resumes it after the first paint."""
    import gc

    from app.ui import main, start_gc

    url = services.db.url
    services.close()
    log: list[str] = []
    real_build, real_watch = main.Application.build_window, main.watch_startup

    def build_window(self):
        log.append(f"build, collector on: {gc.isenabled()}")
        return real_build(self)

    def watch(services_, window_of):
        log.append(f"after the first paint, collector on: {gc.isenabled()}")
        watch_ = real_watch(services_, window_of)
        watch_.finished.connect(lambda _exc: window_of().close())
        return watch_

    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    monkeypatch.setattr(main.Application, "build_window", build_window)
    monkeypatch.setattr(main, "watch_startup", watch)
    start_gc.pause()
    try:
        assert main.run_gui(url) == 0
    finally:
        start_gc.resume()
    assert log == ["build, collector on: False", "after the first paint, collector on: True"]
    assert gc.isenabled()

"""The desktop start's garbage-collector pause (``app.ui.start_gc`` is Qt-free)."""

from __future__ import annotations

import gc

import pytest

from app.ui import start_gc


@pytest.fixture(autouse=True)
def _collector_back_on():
    yield
    start_gc.resume()
    gc.enable()


def test_pause_then_resume_restores_collection():
    start_gc.pause()
    assert not gc.isenabled() and start_gc.paused()
    start_gc.resume()
    assert gc.isenabled() and not start_gc.paused()
    start_gc.resume()  # a second resume changes nothing
    assert gc.isenabled()


def test_a_collector_someone_else_disabled_stays_disabled():
    gc.disable()
    start_gc.pause()
    assert not start_gc.paused()
    start_gc.resume()
    assert not gc.isenabled()


def test_the_cli_pauses_before_the_desktop_app_is_imported(monkeypatch):
    """``labassess`` with no command pauses before ``app.ui.main`` (which loads PySide6) is imported."""
    import builtins

    from app.cli import main as cli

    seen: dict[str, bool] = {}
    real_import = builtins.__import__

    def spy(name, globals=None, locals=None, fromlist=(), level=0):
        if name == "app.ui.main" and "paused" not in seen:
            seen["paused"] = start_gc.paused()
            raise ImportError("no display here")  # _open_gui reports it and gives up
        return real_import(name, globals, locals, fromlist, level)

    monkeypatch.setattr(builtins, "__import__", spy)
    assert cli.main([]) == cli.EXIT_ERROR
    assert seen == {"paused": True}
    assert gc.isenabled()  # the failed start resumed it

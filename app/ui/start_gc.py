"""Hold Python's cyclic garbage collector off while the window starts.

Start-up allocates tens of thousands of long-lived objects (modules, classes, PySide's enums, the
parsed checklists, the window's widgets), and the collector would walk them again and again while
they are being created: ~55 collections and ~7.5 ms of a ~300 ms start on a slow host, for about
360 unreachable objects found at the end. ``pause()`` is the first thing the desktop start does
(before PySide6 is imported); ``resume()`` runs after the window's first paint. The few cycles made
meanwhile are collected by the first collection after that, as usual.

Qt-free on purpose: ``app.cli`` calls ``pause()`` before anything imports PySide6.
"""

from __future__ import annotations

import gc

_state = {"paused": False}


def pause() -> None:
    """Disable automatic collection, unless someone else already did (then ``resume`` leaves it off)."""
    if gc.isenabled():
        gc.disable()
        _state["paused"] = True


def resume() -> None:
    """Re-enable automatic collection if ``pause`` disabled it; safe to call more than once."""
    if _state["paused"]:
        _state["paused"] = False
        gc.enable()


def paused() -> bool:
    """True between a ``pause`` that disabled collection and the ``resume`` after it."""
    return _state["paused"]

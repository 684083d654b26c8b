"""Tab pages that are built the first time they are shown or asked for.

The first paint of the main window needs only the interview.  The dashboard, plan and portfolio
pages, and the modules they import, wait until the user opens their tab or code asks for the page.
Until then the tab holds an empty placeholder with the right title.  When the page is built it
takes the placeholder's place at the same index, and the current tab stays what it was.

A page is built either from ``get(key)`` or when its tab becomes current (mouse, Ctrl+Tab, a
restored last tab).  In the second case the page is in place before any later ``currentChanged``
slot runs, because this helper connects first.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable

from PySide6.QtWidgets import QTabWidget, QWidget


class LazyTabs:
    """Placeholders in ``tabs`` that turn into real pages on first use (see the module docstring).

    Connect other ``tabs.currentChanged`` slots after creating this, so they see the real page.
    """

    def __init__(self, tabs: QTabWidget):
        self._tabs = tabs
        self._pending: dict[str, tuple[QWidget, Callable[[], QWidget | None]]] = {}
        self._built: dict[str, QWidget] = {}
        tabs.currentChanged.connect(self._on_current_changed)

    def add(self, key: str, title: str, build: Callable[[], QWidget | None]) -> None:
        """Add a tab titled ``title`` whose page ``build()`` makes on first use.

        ``build`` returns the page, or None when the page cannot be made. The tab is then removed.
        A bound method is held weakly, so that a window that owns this helper and passes its own
        methods makes no reference cycle: a closed window's wrapper goes at once.
        """
        placeholder = QWidget()
        placeholder.setObjectName(f"{key}_pending")
        if hasattr(build, "__self__"):
            method = weakref.WeakMethod(build)

            def build(method=method):
                bound = method()
                return bound() if bound is not None else None

        self._pending[key] = (placeholder, build)
        self._tabs.addTab(placeholder, title)

    def has(self, key: str) -> bool:
        """True if the tab exists, built or not."""
        return key in self._pending or key in self._built

    def built(self, key: str) -> QWidget | None:
        """The page if it has been built, else None. This never builds it."""
        return self._built.get(key)

    def get(self, key: str) -> QWidget | None:
        """The page, built now if need be. None if there is no such tab or it could not be built."""
        page = self._built.get(key)
        if page is None and key in self._pending:
            page = self._build(key)
        return page

    def key_at(self, index: int) -> str | None:
        """The key of the tab at ``index`` (built or not), or None for a tab added elsewhere."""
        widget = self._tabs.widget(index)
        for key, (placeholder, _build) in self._pending.items():
            if placeholder is widget:
                return key
        for key, page in self._built.items():
            if page is widget:
                return key
        return None

    def _on_current_changed(self, index: int) -> None:
        key = self.key_at(index)
        if key is not None and key in self._pending:
            self._build(key)

    def _build(self, key: str) -> QWidget | None:
        placeholder, build = self._pending.pop(key)
        page = build()
        tabs = self._tabs
        index = tabs.indexOf(placeholder)
        title = tabs.tabText(index)
        current = tabs.currentIndex()
        # The swap (remove, insert, restore the current index) is one change to the user. Listeners
        # must not see its intermediate current tabs.
        was_blocked = tabs.blockSignals(True)
        try:
            tabs.removeTab(index)
            if page is not None:
                tabs.insertTab(index, page, title)
                self._built[key] = page
                tabs.setCurrentIndex(current)
        finally:
            tabs.blockSignals(was_blocked)
        placeholder.deleteLater()
        if page is None and current == index and tabs.count():
            tabs.setCurrentIndex(0)  # the tab the user asked for is gone: show the first one
        return page

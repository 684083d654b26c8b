"""Every failure becomes a dialog saying what happened and what to do; unexpected ones are logged.

``report(parent, exc)`` is the one entry point.  ``install_excepthook()`` routes uncaught
exceptions (e.g. in slots) to the log file in ``app.paths.log_dir()`` and a dialog naming it.
Tests replace ``show_message`` to capture dialogs instead of blocking on them.
"""

from __future__ import annotations

import logging
import sys
import traceback
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from app.paths import log_dir
from app.services.errors import NotFound, ServiceError, ValidationError
from app.ui import backend
from app.ui.i18n import tr

if TYPE_CHECKING:
    from PySide6.QtWidgets import QWidget

# QMessageBox is imported where a box is shown: loading the class (and its enums) costs ~1 ms of
# every start, and most sessions never show one.
Icon = Literal["information", "warning", "critical"]

LOG_NAME = "labassess-ui.log"
log = logging.getLogger("labassess.ui")


def log_file() -> Path:
    """The UI log file (created on first use)."""
    return log_dir() / LOG_NAME


def _ensure_file_logging() -> Path:
    path = log_file()
    root = logging.getLogger("labassess")
    ours = [h for h in root.handlers if getattr(h, "_labassess_ui", False)]
    for h in list(ours):
        if Path(h.baseFilename) != path.absolute():  # the data folder changed (LABASSESS_HOME): follow it
            root.removeHandler(h)
            h.close()
            ours.remove(h)
    if not ours:
        path.parent.mkdir(parents=True, exist_ok=True)
        handler = logging.FileHandler(path, encoding="utf-8")
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        handler._labassess_ui = True  # type: ignore[attr-defined]
        root.addHandler(handler)
        root.setLevel(logging.INFO)
    return path


def show_message(parent: QWidget | None, icon: Icon, title: str, text: str) -> None:
    """Show a modal message box with an 'information', 'warning' or 'critical' icon (monkeypatched in tests)."""
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QMessageBox

    icons = {
        "information": QMessageBox.Icon.Information,
        "warning": QMessageBox.Icon.Warning,
        "critical": QMessageBox.Icon.Critical,
    }
    box = QMessageBox(icons[icon], title, text, QMessageBox.StandardButton.Ok, parent)
    box.setTextFormat(Qt.TextFormat.PlainText)  # messages quote file names and data: never markup
    box.exec()


def confirm(parent: QWidget | None, title: str, text: str) -> bool:
    """Ask a yes/no question (No is the default); True for yes (monkeypatched in tests)."""
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QMessageBox

    box = QMessageBox(
        QMessageBox.Icon.Question,
        title,
        text,
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
        parent,
    )
    box.setDefaultButton(QMessageBox.StandardButton.No)
    box.setTextFormat(Qt.TextFormat.PlainText)
    return box.exec() == QMessageBox.StandardButton.Yes


def describe(exc: BaseException) -> tuple[str, str, str]:
    """(title, text, kind) for an exception; kind is 'database', 'stale', 'input' or 'unexpected'."""
    if backend.is_database_error(exc):
        text = tr("err.what", message=exc.message)  # type: ignore[attr-defined]
        if getattr(exc, "hint", ""):
            text += "\n\n" + tr("err.todo", hint=exc.hint)  # type: ignore[attr-defined]
        return tr("err.db_title"), text, "database"
    if backend.is_stale_write(exc):
        return tr("err.stale_title"), tr("err.stale", item=str(getattr(exc, "what", "")).split(" ")[-1]), "stale"
    if isinstance(exc, ValidationError):
        return (
            tr("err.input_title"),
            tr("err.what", message=str(exc)) + "\n\n" + tr("err.todo", hint=tr("err.validation_hint")),
            "input",
        )
    if isinstance(exc, (NotFound, ServiceError)):
        return (
            tr("err.input_title"),
            tr("err.what", message=str(exc)) + "\n\n" + tr("err.todo", hint=tr("err.generic_hint")),
            "input",
        )
    if isinstance(exc, OSError):
        return (
            tr("err.title"),
            tr("err.what", message=str(exc)) + "\n\n" + tr("err.todo", hint=tr("err.generic_hint")),
            "input",
        )
    return tr("err.title"), "", "unexpected"


def log_unexpected(exc: BaseException) -> Path:
    """Write the traceback to the log file; returns the file's path."""
    path = _ensure_file_logging()
    log.error("unexpected error\n%s", "".join(traceback.format_exception(type(exc), exc, exc.__traceback__)))
    for h in logging.getLogger("labassess").handlers:
        h.flush()
    return path


def report(parent: QWidget | None, exc: BaseException) -> str:
    """Show ``exc`` to the user as a dialog; log it if unexpected.  Returns the kind (see ``describe``)."""
    title, text, kind = describe(exc)
    if kind == "unexpected":
        path = log_unexpected(exc)
        text = tr("err.unexpected", error=f"{type(exc).__name__}: {exc}", log=str(path))
        show_message(parent, "critical", title, text)
    else:
        log.warning("%s: %s", kind, exc)
        show_message(parent, "warning", title, text)
    return kind


def install_excepthook(parent_getter=lambda: None) -> None:
    """Route uncaught exceptions to ``report`` (logged with traceback, dialog shows the log file)."""

    def hook(etype, value, tb):
        if issubclass(etype, KeyboardInterrupt):
            sys.__excepthook__(etype, value, tb)
            return
        if value.__traceback__ is None:
            value = value.with_traceback(tb)
        try:
            report(parent_getter(), value)
        except Exception:  # noqa: BLE001 - never let the hook itself crash the app
            sys.__excepthook__(etype, value, tb)

    sys.excepthook = hook

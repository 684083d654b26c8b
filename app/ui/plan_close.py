"""Closing a plan action (CNAS-CL01 8.7: evidence of closure, effectiveness check, who verified it).

* ``CloseActionDialog`` is a data-in/data-out dialog: evidence of closure (the action's expected
  closure evidence is shown as a hint), how effectiveness was checked and its result, verified by
  (prefilled with the lab's quality manager), verification date (calendar, default today, never
  before the action's start).  Every field is required; OK with a field missing keeps the dialog
  open with an inline message.  ``ask(...)`` returns the keyword arguments of
  ``FollowupService.close_action`` (the same service path as ``labassess close-action``) or None.
* ``ClosureDialog`` shows the closure record of a verified action, read-only, with the earlier
  closures and reopenings of the action (``PlanActionDTO.closure_history``) when it was reopened.
"""

from __future__ import annotations

import datetime as dt
import html

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QPlainTextEdit,
    QWidget,
)

from app.services.plan_dto import ClosureEvent, PlanActionDTO
from app.ui.i18n import language, tr
from app.ui.labels import plain_label

#: Statuses from which an action can be closed (``verified`` is already closed).
CLOSABLE = ("open", "in_progress", "done")


def is_closable(action: PlanActionDTO | None) -> bool:
    """True for an action that is not yet verified."""
    return action is not None and action.status in CLOSABLE


def is_closed(action: PlanActionDTO | None) -> bool:
    """True for a verified (closed) action."""
    return action is not None and action.status == "verified"


def verified_text(action: PlanActionDTO) -> str:
    """'who · YYYY-MM-DD' for a verified action, '' otherwise."""
    if not is_closed(action):
        return ""
    parts = [action.verified_by, action.verified_on.isoformat() if action.verified_on else ""]
    return " · ".join(p for p in parts if p)


def closure_tooltip(action: PlanActionDTO) -> str:
    """The closure record in a few lines (for table tooltips)."""
    if not is_closed(action):
        return ""
    return "\n".join(
        (
            tr("close.verified_line", who=action.verified_by or "—", on=action.verified_on or "—"),
            tr("close.evidence_line", text=_short(action.closure_note)),
            tr("close.effectiveness_line", text=_short(action.effectiveness)),
        )
    )


def _short(text: str, n: int = 160) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= n else text[: n - 1] + "…"


def _qdate(d: dt.date) -> QDate:
    return QDate(d.year, d.month, d.day)


def _heading(action: PlanActionDTO) -> QLabel:
    lab = QLabel(f"<b>{action.priority}</b> · {html.escape(action.text(language()), quote=False)}")
    lab.setWordWrap(True)
    return lab


class CloseActionDialog(QDialog):
    """See the module docstring."""

    def __init__(
        self,
        parent: QWidget | None,
        action: PlanActionDTO,
        verifiers: list[str] | None = None,
        default_verifier: str = "",
        today: dt.date | None = None,
    ):
        super().__init__(parent)
        self.action = action
        self.setWindowTitle(tr("close.title"))
        form = QFormLayout(self)
        form.addRow(_heading(action))
        expected = action.closure_evidence(language()).strip()
        if expected:
            hint = plain_label(tr("close.expected", text=expected), wrap=True)
            hint.setStyleSheet("color: #666")
            form.addRow(hint)
        self.reopened_hint = None
        if action.times_reopened:
            # closing again after a reopening: the last closure did not hold, show what it was
            last = next((e for e in reversed(action.closure_history) if e.event == "closed"), None)
            self.reopened_hint = plain_label(
                tr("close.reopened_before", n=action.times_reopened, last=history_lines([last])[0] if last else "—"),
                wrap=True,
            )
            self.reopened_hint.setStyleSheet("color: #b26a00")
            form.addRow(self.reopened_hint)
        self.evidence = QPlainTextEdit(action.closure_note)
        self.evidence.setTabChangesFocus(True)
        self.evidence.setPlaceholderText(expected or tr("close.evidence_placeholder"))
        self.evidence.setMinimumHeight(80)
        form.addRow(tr("close.evidence"), self.evidence)
        self.effectiveness = QPlainTextEdit(action.effectiveness)
        self.effectiveness.setTabChangesFocus(True)
        self.effectiveness.setPlaceholderText(tr("close.effectiveness_placeholder"))
        self.effectiveness.setMinimumHeight(80)
        form.addRow(tr("close.effectiveness"), self.effectiveness)
        self.verified_by = QComboBox()
        self.verified_by.setEditable(True)
        names = [n for n in dict.fromkeys([default_verifier, *(verifiers or ())]) if n]
        self.verified_by.addItems(names)
        self.verified_by.setEditText(action.verified_by or default_verifier)
        form.addRow(tr("close.verified_by"), self.verified_by)
        self.verified_on = QDateEdit()
        self.verified_on.setCalendarPopup(True)
        self.verified_on.setDisplayFormat("yyyy-MM-dd")
        start = action.start_date
        if start is not None:
            self.verified_on.setMinimumDate(_qdate(start))
        day = today or dt.date.today()
        self.verified_on.setDate(_qdate(max(day, start) if start else day))
        form.addRow(tr("close.verified_on"), self.verified_on)
        self.error = plain_label(wrap=True)
        self.error.setObjectName("close_error")
        self.error.setStyleSheet("color: #c62828")
        form.addRow(self.error)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(tr("close.ok"))
        self.buttons.accepted.connect(self._accept)
        self.buttons.rejected.connect(self.reject)
        form.addRow(self.buttons)
        self.evidence.setFocus()
        self.resize(600, 520)

    def missing(self) -> list[str]:
        """Labels of the required fields left empty."""
        out = []
        if not self.evidence.toPlainText().strip():
            out.append(tr("close.evidence"))
        if not self.effectiveness.toPlainText().strip():
            out.append(tr("close.effectiveness"))
        if not self.verified_by.currentText().strip():
            out.append(tr("close.verified_by"))
        return out

    def _accept(self) -> None:
        missing = self.missing()
        if missing:
            self.error.setText(
                tr("close.required", fields="、".join(missing) if language() == "zh" else ", ".join(missing))
            )
            first = {
                tr("close.evidence"): self.evidence,
                tr("close.effectiveness"): self.effectiveness,
                tr("close.verified_by"): self.verified_by,
            }[missing[0]]
            first.setFocus()
            return
        self.error.setText("")
        self.accept()

    def values(self) -> dict:
        """Keyword arguments for ``FollowupService.close_action``."""
        d = self.verified_on.date()
        return {
            "closure_note": self.evidence.toPlainText().strip(),
            "effectiveness": self.effectiveness.toPlainText().strip(),
            "verified_by": self.verified_by.currentText().strip(),
            "verified_on": dt.date(d.year(), d.month(), d.day()),
        }

    @classmethod
    def ask(
        cls,
        parent: QWidget | None,
        action: PlanActionDTO,
        verifiers: list[str] | None = None,
        default_verifier: str = "",
    ) -> dict | None:
        """The closure values, or None if cancelled."""
        dlg = cls(parent, action, verifiers, default_verifier)
        try:
            if dlg.exec() != QDialog.DialogCode.Accepted:
                return None
            return dlg.values()
        finally:
            dlg.deleteLater()


def history_lines(events: tuple[ClosureEvent, ...] | list[ClosureEvent]) -> list[str]:
    """One line per closure event, oldest first, in the UI language."""
    out = []
    for e in events:
        on = e.on.isoformat() if e.on else "—"
        if e.event == "reopened":
            line = tr("close.history_reopened", on=on)
            out.append(f"{line} ({e.by})" if e.by else line)
        else:
            out.append(
                tr(
                    "close.history_closed",
                    on=on,
                    who=e.verified_by or "—",
                    eff=e.effectiveness or "—",
                    text=e.closure_note or "—",
                )
            )
    return out


def earlier_events(action: PlanActionDTO) -> tuple[ClosureEvent, ...]:
    """The events before the current closure (all of them if the action is not verified now)."""
    events = action.closure_history
    if action.status == "verified" and events and events[-1].event == "closed":
        return events[:-1]
    return events


class ClosureDialog(QDialog):
    """The closure record of a verified action (read-only)."""

    def __init__(self, parent: QWidget | None, action: PlanActionDTO):
        super().__init__(parent)
        self.setWindowTitle(tr("close.show_title"))
        form = QFormLayout(self)
        form.addRow(_heading(action))
        self.who = plain_label(action.verified_by or "—")
        form.addRow(tr("close.verified_by"), self.who)
        self.when = QLabel(action.verified_on.isoformat() if action.verified_on else "—")
        form.addRow(tr("close.verified_on"), self.when)
        self.evidence = QPlainTextEdit(action.closure_note)
        self.evidence.setReadOnly(True)
        form.addRow(tr("close.evidence"), self.evidence)
        self.effectiveness = QPlainTextEdit(action.effectiveness)
        self.effectiveness.setReadOnly(True)
        form.addRow(tr("close.effectiveness"), self.effectiveness)
        self.history = None
        earlier = earlier_events(action)
        if earlier:
            self.history = QPlainTextEdit("\n".join(history_lines(earlier)))
            self.history.setObjectName("closure_history")
            self.history.setReadOnly(True)
            form.addRow(tr("close.history"), self.history)
        bb = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        bb.rejected.connect(self.reject)
        form.addRow(bb)
        self.resize(600, 460)

    @classmethod
    def show_for(cls, parent: QWidget | None, action: PlanActionDTO) -> None:
        """Show the record modally (replaced in tests)."""
        dlg = cls(parent, action)
        try:
            dlg.exec()
        finally:
            dlg.deleteLater()

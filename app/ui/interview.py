"""The on-site interview: clause tree, filtered item list and the item panel.

Keyboard first: 1–5 answer the current item and move to the next one, N / Shift+N (or
Ctrl+Down / Ctrl+Up) jump to the next / previous unanswered item, J / K step through the list,
M marks for review, E edits the note.  In a follow-up re-check, carried-over answers are marked
"to re-verify" (↻ in the list, a banner in the item panel): C confirms the answer as it stands,
R jumps to the next one, and answering the item again also clears the mark; the panel shows the
item's outcome against the earlier assessment (closed / still open / regressed / new gap).  The shortcuts come from ``app.ui.actions``; the same keys
are handled in ``keyPressEvent`` as a fallback when the window is not active (tests, tools).

Signals:
    current_item_changed(str): the selected item changed ("" for none).
    message(str): a short status-bar message.
    position_changed(str): "item 3 of 58" for the status bar (a label in the filter bar would
        re-layout the whole interview on every keystroke).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QItemSelectionModel, QSignalBlocker, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTableView,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from app.assessment.applicability import inapplicable_reason, item_applies
from app.assessment.model import Status
from app.checklists.schema import Item
from app.ui import errors
from app.ui.evidence_view import EvidencePanel
from app.ui.i18n import language, tr
from app.ui.labels import plain_label
from app.ui.models import ID_ROLE, STATUS_COLORS, ClauseTreeModel, ItemTableModel

if TYPE_CHECKING:  # the type only: importing it sets up PySide's event types (app.ui.first_paint)
    from PySide6.QtGui import QKeyEvent

NOTE_DELAY_MS = 700
FILTERS = ("all", "unanswered", "gaps", "critical", "marked", "reverify")
OUTCOME_COLORS = {
    "closed": "#2e7d32",
    "still_open": "#b26a00",
    "regressed": "#c62828",
    "new_gap": "#c62828",
    "unchanged": "#607d8b",
}
REVERIFY_COLOR = "#1565c0"
KEY_STATUS = {
    Qt.Key.Key_1: Status.CONFORM,
    Qt.Key.Key_2: Status.PARTIAL,
    Qt.Key.Key_3: Status.NONCONFORM,
    Qt.Key.Key_4: Status.NA,
    Qt.Key.Key_5: Status.UNASSESSED,
}
STATUS_ORDER = (Status.CONFORM, Status.PARTIAL, Status.NONCONFORM, Status.NA, Status.UNASSESSED)
_PASS_KEYS = set(KEY_STATUS) | {
    Qt.Key.Key_N,
    Qt.Key.Key_M,
    Qt.Key.Key_E,
    Qt.Key.Key_J,
    Qt.Key.Key_K,
    Qt.Key.Key_C,
    Qt.Key.Key_R,
}


class _KeyPassMixin:
    """Item views do a keyboard search on letters/digits; let the interview keys through instead."""

    def keyPressEvent(self, event: QKeyEvent) -> None:  # type: ignore[override]
        mods = event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
        if event.key() in _PASS_KEYS and mods in (Qt.KeyboardModifier.NoModifier, Qt.KeyboardModifier.ShiftModifier):
            event.ignore()
            return
        super().keyPressEvent(event)  # type: ignore[misc]


class ItemList(_KeyPassMixin, QTableView):
    """The item table (keys 1–5/N pass through to the interview)."""


class ClauseTree(_KeyPassMixin, QTreeView):
    """The clause tree (keys 1–5/N pass through to the interview)."""


class NoteEdit(QPlainTextEdit):
    """The note editor: saves on focus-out as well as after a pause in typing.

    Signals:
        focus_lost(): the editor lost keyboard focus.
    """

    focus_lost = Signal()

    def focusOutEvent(self, event) -> None:
        super().focusOutEvent(event)
        self.focus_lost.emit()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Escape:  # leave the editor, back to answering with keys
            self.focus_lost.emit()
            w = self.parentWidget()
            while w is not None and not isinstance(w, InterviewWidget):
                w = w.parentWidget()
            if w is not None:
                w.items.setFocus()
            return
        super().keyPressEvent(event)


class _WrappedColumn(QWidget):
    """A column of word-wrapped labels inside a QScrollArea.

    QScrollArea ignores height-for-width, so with long wrapped text the layout squeezes the labels and
    clips the question; this keeps the column at least as tall as its text needs at the current width,
    and the scroll area scrolls instead. Its layout (``_RefitLayout``) tells it when the width changed:
    a ``resizeEvent`` override would be the first event handled in Python (see ``app.ui.first_paint``).
    """

    def refit(self) -> None:
        """Recompute the height the text needs (call after changing the labels' text)."""
        layout = self.layout()
        if layout is not None and layout.hasHeightForWidth():
            need = layout.heightForWidth(self.width())
            if need != self.minimumHeight():
                self.setMinimumHeight(need)


class _RefitLayout(QVBoxLayout):
    """The text column's layout: after each new geometry the column refits its height to the width."""

    def setGeometry(self, rect) -> None:  # noqa: N802 - Qt override
        super().setGeometry(rect)
        column = self.parentWidget()
        if isinstance(column, _WrappedColumn):
            column.refit()


class InterviewWidget(QWidget):
    """See the module docstring."""

    current_item_changed = Signal(str)
    message = Signal(str)
    position_changed = Signal(str)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.session = None
        self._item: Item | None = None
        self._note_item: str | None = None
        self._note_dirty = False
        self._position_text = ""
        self._items_by_id: dict[str, Item] = {}
        self._build()

    # -- layout --------------------------------------------------------------------------------
    def _build(self) -> None:
        outer = QVBoxLayout(self)
        outer.setContentsMargins(4, 4, 4, 4)
        bar = QHBoxLayout()
        self.filter_label = QLabel(tr("iv.filter"))
        bar.addWidget(self.filter_label)
        self.filter_combo = QComboBox()
        for f in FILTERS:
            self.filter_combo.addItem(tr(f"iv.filter.{f}"), f)
        bar.addWidget(self.filter_combo)
        self.search = QLineEdit()
        self.search.setPlaceholderText(tr("iv.search"))
        self.search.setClearButtonEnabled(True)
        bar.addWidget(self.search, 1)
        outer.addLayout(bar)

        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.tree_model = ClauseTreeModel(self)
        self.tree = ClauseTree()
        self.tree.setModel(self.tree_model)
        self.tree.setUniformRowHeights(True)
        self.tree.setAlternatingRowColors(True)
        self.tree.header().setStretchLastSection(False)
        self.tree.header().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        # fixed widths: ResizeToContents would re-measure every row on each answer
        fm = self.tree.fontMetrics()
        self.tree.header().setSectionResizeMode(1, QHeaderView.ResizeMode.Fixed)
        self.tree.header().setSectionResizeMode(2, QHeaderView.ResizeMode.Fixed)
        self.tree.header().resizeSection(1, fm.horizontalAdvance("000/000") + 16)
        self.tree.header().resizeSection(2, fm.horizontalAdvance("● 00") + 16)
        self.splitter.addWidget(self.tree)

        right = QSplitter(Qt.Orientation.Vertical)
        self.item_model = ItemTableModel(self)
        self.items = ItemList()
        self.items.setModel(self.item_model)
        self.items.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.items.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.items.verticalHeader().setVisible(False)
        self.items.verticalHeader().setDefaultSectionSize(24)
        self.items.setWordWrap(False)
        hh = self.items.horizontalHeader()
        fm = self.items.fontMetrics()
        # fixed, measured widths: ResizeToContents would re-measure every row on each answer
        widths = {
            ItemTableModel.COL_ID: "CL01-7.11-05WW",
            ItemTableModel.COL_CLAUSE: "7.11.3.2",
            ItemTableModel.COL_ANSWER: "◐ Partially conformW",
            ItemTableModel.COL_FLAGS: "★ ↻ ⚑ ✎ W",
        }
        for col, sample in widths.items():
            hh.setSectionResizeMode(col, QHeaderView.ResizeMode.Interactive)
            hh.resizeSection(col, fm.horizontalAdvance(sample) + 12)
        hh.setSectionResizeMode(ItemTableModel.COL_QUESTION, QHeaderView.ResizeMode.Stretch)
        right.addWidget(self.items)
        right.addWidget(self._build_panel())
        right.setStretchFactor(0, 1)
        right.setStretchFactor(1, 1)
        right.setSizes([330, 420])
        self.splitter.addWidget(right)
        self.splitter.setStretchFactor(0, 1)
        self.splitter.setStretchFactor(1, 3)
        self.splitter.setSizes([330, 870])
        outer.addWidget(self.splitter, 1)

        self.tree.selectionModel().currentChanged.connect(self._on_tree_current_changed)
        self.items.selectionModel().currentChanged.connect(self._on_items_current_changed)
        self.filter_combo.currentIndexChanged.connect(lambda _i: self._refill())
        self.search.textChanged.connect(lambda _t: self._refill())
        self.setFocusProxy(self.items)

    def _build_panel(self) -> QWidget:
        panel = QWidget()
        outer = QVBoxLayout(panel)
        outer.setContentsMargins(0, 4, 0, 0)
        outer.setSpacing(4)
        grid = QHBoxLayout()
        grid.setContentsMargins(0, 0, 0, 0)
        # left column: the question
        left_scroll = QScrollArea()
        left_scroll.setWidgetResizable(True)
        left_scroll.setFrameShape(QFrame.Shape.NoFrame)
        left_scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)  # text wraps instead
        left = self._text_column = _WrappedColumn()
        lv = _RefitLayout(left)
        self.reverify_banner = QFrame()
        self.reverify_banner.setObjectName("reverify_banner")
        self.reverify_banner.setStyleSheet(
            f"QFrame#reverify_banner {{ background: #e3f2fd; border: 1px solid {REVERIFY_COLOR}; border-radius: 4px; }}"
        )
        bl = QHBoxLayout(self.reverify_banner)
        bl.setContentsMargins(8, 6, 8, 6)
        self.reverify_text = QLabel(tr("iv.reverify_banner"))
        self.reverify_text.setWordWrap(True)
        self.reverify_text.setStyleSheet(f"color: {REVERIFY_COLOR}; background: transparent; border: none")
        bl.addWidget(self.reverify_text, 1)
        self.confirm_button = QPushButton(tr("iv.confirm_button"))
        self.confirm_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.confirm_button.clicked.connect(lambda: self.confirm_current(advance=False))
        bl.addWidget(self.confirm_button)
        self.reverify_banner.setVisible(False)
        outer.addWidget(self.reverify_banner)
        outer.addLayout(grid, 1)
        self.item_header = plain_label(wrap=True)
        self.item_header.setStyleSheet("color: #555")
        lv.addWidget(self.item_header)
        self.outcome_label = QLabel("")
        self.outcome_label.setWordWrap(True)
        self.outcome_label.setVisible(False)
        lv.addWidget(self.outcome_label)
        self.question = plain_label(tr("iv.no_item"), wrap=True, selectable=True)
        f = self.question.font()
        f.setPointSizeF(f.pointSizeF() * 1.25)
        f.setBold(True)
        self.question.setFont(f)
        lv.addWidget(self.question)
        self.badges = QLabel("")
        self.badges.setWordWrap(True)
        lv.addWidget(self.badges)
        self.guidance_title = QLabel(tr("iv.guidance"))
        self.guidance_title.setStyleSheet("font-weight: bold; margin-top: 6px")
        lv.addWidget(self.guidance_title)
        self.guidance = plain_label(wrap=True, selectable=True)
        lv.addWidget(self.guidance)
        self.evidence_title = QLabel(tr("iv.evidence_examples"))
        self.evidence_title.setStyleSheet("font-weight: bold; margin-top: 6px")
        lv.addWidget(self.evidence_title)
        self.evidence_examples = plain_label(wrap=True)
        lv.addWidget(self.evidence_examples)
        lv.addStretch(1)
        left_scroll.setWidget(left)
        grid.addWidget(left_scroll, 3)

        # right column: the answer
        right = QWidget()
        rv = QVBoxLayout(right)
        rv.setContentsMargins(0, 0, 0, 0)
        btns = QGridLayout()
        self.answer_group = QButtonGroup(self)
        self.answer_group.setExclusive(True)
        self.answer_buttons: dict[Status, QPushButton] = {}
        for i, st in enumerate(STATUS_ORDER):
            b = QPushButton(f"{i + 1}  {st.label(language())}")
            b.setCheckable(True)
            b.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            b.setToolTip(tr("act." + ("conform", "partial", "nonconform", "na", "unassessed")[i]))
            color = STATUS_COLORS[st].name()
            b.setStyleSheet(f"QPushButton:checked {{ background: {color}; color: white; font-weight: bold; }}")
            self.answer_group.addButton(b, i)
            self.answer_buttons[st] = b
            btns.addWidget(b, i // 3, i % 3)
        self.answer_group.idClicked.connect(self._on_answer_button)
        rv.addLayout(btns)
        self.flag = QCheckBox(tr("iv.flag"))
        self.flag.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.flag.toggled.connect(self._on_flag_toggled)
        rv.addWidget(self.flag)
        self.na_label = QLabel(tr("iv.na_reason"))
        rv.addWidget(self.na_label)
        self.na_reason = QLineEdit()
        self.na_reason.editingFinished.connect(self._on_na_reason_edited)
        rv.addWidget(self.na_reason)
        rv.addWidget(QLabel(tr("iv.note")))
        self.note = NoteEdit()
        self.note.setPlaceholderText(tr("iv.note_placeholder"))
        self.note.setTabChangesFocus(True)
        self.note.setMinimumHeight(60)
        self.note.textChanged.connect(self._on_note_changed)
        self.note.focus_lost.connect(self.flush_note)
        rv.addWidget(self.note, 1)
        self.note_timer = QTimer(self)
        self.note_timer.setSingleShot(True)
        self.note_timer.setInterval(NOTE_DELAY_MS)
        self.note_timer.timeout.connect(self.flush_note)
        self.evidence = EvidencePanel()
        rv.addWidget(self.evidence)
        grid.addWidget(right, 2)
        self._set_panel_enabled(False)
        return panel

    # -- session -------------------------------------------------------------------------------
    def set_session(self, session) -> None:
        """Show an assessment (or nothing)."""
        self.flush_note()
        self.session = session
        self._item = None
        self._note_item = None
        self._note_dirty = False
        view = session.view if session else None
        self._items_by_id = {it.id: it for p in view.packs for it in p.items} if view else {}
        self.tree_model.set_view(view)
        self.tree.expandAll()
        self._refill()
        if session is not None:
            if getattr(self, "_connected", None) is not session:
                session.answer_saved.connect(self._on_answer_saved)
                session.view_changed.connect(self._on_view_changed)
                session.evidence_changed.connect(self._on_evidence_changed)
                self._connected = session
            self.first_unanswered()

    def current_item_id(self) -> str | None:
        """The selected item's id."""
        return self._item.id if self._item else None

    def current_item(self) -> Item | None:
        """The selected item."""
        return self._item

    # -- list filling --------------------------------------------------------------------------
    def _scope(self) -> tuple[str | None, str | None]:
        idx = self.tree.currentIndex()
        if not idx.isValid():
            return None, None
        return idx.sibling(idx.row(), 0).data(ID_ROLE)

    def _matches(self, it: Item, flt: str, needle: str) -> bool:
        a = self.session.answer_of(it.id)
        st = a.status if a else Status.UNASSESSED
        if flt == "unanswered" and st is not Status.UNASSESSED:
            return False
        if flt == "gaps" and not st.is_gap:
            return False
        if flt == "critical" and not (it.knockout or it.criticality >= 3):
            return False
        if flt == "marked" and not (a and a.flagged):
            return False
        if flt == "reverify" and not (a and a.reverify):
            return False
        if needle:
            hay = " ".join(
                (it.id, it.clause, it.text.zh, it.text.en, it.guidance.zh, it.guidance.en, a.note if a else "")
            ).lower()
            return needle in hay
        return True

    def visible_items(self) -> list[Item]:
        """Items in scope (tree selection) passing the filter and the search, in document order."""
        if self.session is None:
            return []
        view = self.session.view
        profile = view.lab.profile
        pack_id, clause = self._scope()
        flt = self.filter_combo.currentData() or "all"
        needle = self.search.text().strip().lower()
        out = []
        for pack in view.packs:
            if pack_id is not None and pack.id != pack_id:
                continue
            for sec in pack.sections:
                if clause is not None and sec.clause != clause:
                    continue
                for it in sec.items:
                    if item_applies(it, profile) and self._matches(it, flt, needle):
                        out.append(it)
        return out

    def _refill(self, keep: str | None = None) -> None:
        keep = keep or self.current_item_id()
        items = self.visible_items()
        self.item_model.set_rows(items, self.session.view.answers if self.session else {})
        row = self.item_model.row_of(keep) if keep else -1
        if row < 0 and items:
            row = 0
        if row >= 0:
            self._select_row(row)
        else:
            self._show_item(None)
        self._update_position()

    def _select_row(self, row: int) -> None:
        idx = self.item_model.index(row, 0)
        self.items.selectionModel().setCurrentIndex(
            idx, QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows
        )
        self.items.scrollTo(idx)
        if self._item is None or self._item.id != idx.data(ID_ROLE):
            self._show_item(self.item_model.item_at(row))

    def _update_position(self) -> None:
        n = self.item_model.rowCount()
        if n == 0:
            text = tr("iv.no_items") if self.session else ""
        else:
            row = self.items.currentIndex().row()
            text = tr("iv.item_of", pos=row + 1, n=n) if row >= 0 else ""
        if text != self._position_text:
            self._position_text = text
            self.position_changed.emit(text)

    # -- navigation ----------------------------------------------------------------------------
    def select_item(self, item_id: str) -> bool:
        """Show an item, widening the scope/filter if it is hidden.  Returns False if unknown."""
        if item_id not in self._items_by_id:
            return False
        if self.item_model.row_of(item_id) < 0:
            with QSignalBlocker(self.filter_combo), QSignalBlocker(self.search):
                self.filter_combo.setCurrentIndex(0)
                self.search.clear()
            self.tree.selectionModel().clearCurrentIndex()
            self.tree.clearSelection()
            self._refill(keep=item_id)
        row = self.item_model.row_of(item_id)
        if row < 0:
            return False
        self._select_row(row)
        return True

    def set_filter(self, name: str) -> None:
        """Show one of ``FILTERS`` (e.g. "reverify")."""
        i = self.filter_combo.findData(name)
        if i >= 0:
            self.filter_combo.setCurrentIndex(i)

    def select_clause(self, clause_key: str) -> bool:
        """Show the items of a clause (e.g. '6.4')."""
        idx = self.tree_model.index_of_clause(clause_key)
        if not idx.isValid():
            return False
        self.filter_combo.setCurrentIndex(0)
        self.tree.setCurrentIndex(idx)
        return True

    def step(self, delta: int) -> None:
        """Move to the next/previous item of the list."""
        n = self.item_model.rowCount()
        if not n:
            return
        row = self.items.currentIndex().row()
        self._select_row(min(max(row + delta, 0), n - 1))

    def first_unanswered(self) -> None:
        """Select the first unanswered item (or the first item)."""
        ids = self.item_model.item_ids()
        for i, iid in enumerate(ids):
            if self.session.status_of(iid) is Status.UNASSESSED:
                self._select_row(i)
                return

    def jump_unanswered(self, forward: bool = True) -> bool:
        """Go to the next (or previous) unanswered item: in the list first, then anywhere."""
        if self.session is None:
            return False
        return self._jump(lambda iid: self.session.status_of(iid) is Status.UNASSESSED, forward, "iv.all_answered")

    def jump_reverify(self, forward: bool = True) -> bool:
        """Go to the next (or previous) item still marked "to re-verify"."""
        if self.session is None:
            return False
        return self._jump(self.session.needs_reverify, forward, "iv.all_reverified")

    def _jump(self, wanted, forward: bool, done_key: str) -> bool:
        ids = self.item_model.item_ids()
        row = self.items.currentIndex().row()
        n = len(ids)
        order = [(row + k) % n for k in range(1, n + 1)] if forward else [(row - k) % n for k in range(1, n + 1)]
        for r in order if n else []:
            if wanted(ids[r]):
                self._select_row(r)
                return True
        # nothing left in this list: look at every applicable item
        profile = self.session.view.lab.profile
        all_ids = [it.id for p in self.session.view.packs for it in p.items if item_applies(it, profile)]
        if self._item is not None and self._item.id in all_ids:
            pos = all_ids.index(self._item.id)
            all_ids = (
                all_ids[pos + 1 :] + all_ids[: pos + 1] if forward else list(reversed(all_ids[:pos] + all_ids[pos:]))
            )
        for iid in all_ids:
            if wanted(iid):
                return self.select_item(iid)
        self.message.emit(tr(done_key))
        return False

    # -- answering -----------------------------------------------------------------------------
    def answer_current(self, status: Status, advance: bool = True) -> bool:
        """Answer the current item; N/A asks for the reason.  Moves on to the next item if asked."""
        it = self._item
        if it is None or self.session is None:
            return False
        self.flush_note()
        na_reason = None
        if status is Status.NA:
            if not it.na_allowed:
                errors.show_message(self, "information", tr("iv.na_title"), tr("iv.na_not_allowed"))
                self._show_answer(it.id)
                return False
            current = self.session.answer_of(it.id)
            prefill = (
                current.na_reason
                if current and current.na_reason
                else (it.na_justification.get(language()) if it.na_justification else "")
            )
            from app.ui.dialogs import NaReasonDialog  # only when answering N/A: not on the start-up path

            na_reason = NaReasonDialog.ask(self, it.id, prefill)
            if not na_reason:
                self._show_answer(it.id)
                return False
        ok = self.session.answer(it.id, status, na_reason=na_reason)
        if ok:
            self.message.emit(tr("iv.saved", item=it.id, status=status.label(language())))
            if advance and self.items.currentIndex().row() < self.item_model.rowCount() - 1:
                self.step(1)
        else:
            self._show_answer(it.id)
        return ok

    def current_needs_reverify(self) -> bool:
        """True if the selected item's answer is carried over and not re-verified yet."""
        return self.session is not None and self._item is not None and self.session.needs_reverify(self._item.id)

    def confirm_current(self, advance: bool = True) -> bool:
        """Confirm the current carried-over answer as it stands; moves on like answering."""
        it = self._item
        if it is None or self.session is None or not self.session.needs_reverify(it.id):
            return False
        self.flush_note()
        if not self.session.confirm(it.id):
            return False
        self.message.emit(tr("iv.confirmed", item=it.id))
        if advance and self.items.currentIndex().row() < self.item_model.rowCount() - 1:
            self.step(1)
        return True

    def toggle_flag(self) -> None:
        """Mark/unmark the current item for review."""
        if self._item is None or self.session is None:
            return
        a = self.session.answer_of(self._item.id)
        self.session.set_flag(self._item.id, not (a and a.flagged))

    def edit_note(self) -> None:
        """Put the cursor in the note."""
        self.note.setFocus()
        self.note.moveCursor(self.note.textCursor().MoveOperation.End)

    def flush_note(self) -> None:
        """Save the note now if it changed (after a pause, on focus-out, before moving on)."""
        self.note_timer.stop()
        if self.session is None or self._note_item is None or not self._note_dirty:
            return
        self._note_dirty = False
        text = self.note.toPlainText()
        a = self.session.answer_of(self._note_item)
        if (a.note if a else "") != text and self.session.set_note(self._note_item, text):
            self.message.emit(tr("iv.note_saved", item=self._note_item))

    # -- keyboard fallback ---------------------------------------------------------------------
    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        mods = event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
        shift = mods == Qt.KeyboardModifier.ShiftModifier
        ctrl = mods == Qt.KeyboardModifier.ControlModifier
        if mods == Qt.KeyboardModifier.NoModifier and key in KEY_STATUS:
            self.answer_current(KEY_STATUS[key])
        elif key == Qt.Key.Key_N and (shift or mods == Qt.KeyboardModifier.NoModifier):
            self.jump_unanswered(forward=not shift)
        elif ctrl and key in (Qt.Key.Key_Down, Qt.Key.Key_Up):
            self.jump_unanswered(forward=key == Qt.Key.Key_Down)
        elif mods == Qt.KeyboardModifier.NoModifier and key in (Qt.Key.Key_J, Qt.Key.Key_K):
            self.step(1 if key == Qt.Key.Key_J else -1)
        elif mods == Qt.KeyboardModifier.NoModifier and key == Qt.Key.Key_M:
            self.toggle_flag()
        elif mods == Qt.KeyboardModifier.NoModifier and key == Qt.Key.Key_E:
            self.edit_note()
        elif mods == Qt.KeyboardModifier.NoModifier and key == Qt.Key.Key_C:
            self.confirm_current()
        elif key == Qt.Key.Key_R and (shift or mods == Qt.KeyboardModifier.NoModifier):
            self.jump_reverify(forward=not shift)
        else:
            super().keyPressEvent(event)
            return
        event.accept()

    # -- showing an item -----------------------------------------------------------------------
    def _set_panel_enabled(self, on: bool) -> None:
        for b in self.answer_buttons.values():
            b.setEnabled(on)
        self.flag.setEnabled(on)
        self.note.setEnabled(on)
        self.na_reason.setEnabled(False)

    def _show_item(self, it: Item | None) -> None:
        if self._note_item is not None and (it is None or it.id != self._note_item):
            self.flush_note()
        self._item = it
        lang = language()
        if it is None:
            self.item_header.setText("")
            self.question.setText(tr("iv.no_item") if self.session else "")
            self.badges.setText("")
            self.guidance.setText("")
            self.evidence_examples.setText("")
            with QSignalBlocker(self.note):
                self.note.setPlainText("")
            self._note_item = None
            self._note_dirty = False
            self._set_panel_enabled(False)
            self.reverify_banner.setVisible(False)
            self.outcome_label.setVisible(False)
            self.evidence.set_item(self.session, None)
            self.current_item_changed.emit("")
            return
        self._set_panel_enabled(True)
        self.item_header.setText(f"{it.id} · {tr('iv.col.clause')} {it.clause}")
        self.question.setText(it.text.get(lang))
        badges = [tr("iv.criticality", level=tr(f"iv.crit.{it.criticality}"))]
        if it.knockout:
            badges.append(f"<span style='color:#c62828; font-weight:bold'>★ {tr('iv.knockout')}</span>")
        if not it.na_allowed:
            badges.append(f"<span style='color:#777'>{tr('iv.na_not_allowed')}</span>")
        reason = inapplicable_reason(it, self.session.view.lab.profile, lang)
        if reason:
            # rich label: escape the data. html is imported here, not at the top: html.entities (2,000
            # entries, whose source PySide6 also reads) cost ~1 % of every cold start
            import html

            badges.append(html.escape(tr("iv.not_applicable_profile", reason=reason)))
        self.badges.setText(" · ".join(badges))
        self.guidance.setText(it.guidance.get(lang))
        ex = it.evidence.get(lang)
        self.evidence_examples.setText("\n".join(f"• {e}" for e in ex))
        self._text_column.refit()
        self.evidence_title.setVisible(bool(ex))
        self._show_answer(it.id)
        self.evidence.set_item(self.session, it.id)
        self._update_position()
        self.current_item_changed.emit(it.id)

    def _show_answer(self, item_id: str) -> None:
        if self._item is None or self._item.id != item_id:
            return
        a = self.session.answer_of(item_id)
        st = a.status if a else Status.UNASSESSED
        with QSignalBlocker(self.answer_group):
            self.answer_buttons[st].setChecked(True)
        with QSignalBlocker(self.flag):
            self.flag.setChecked(bool(a and a.flagged))
        with QSignalBlocker(self.na_reason):
            self.na_reason.setText(a.na_reason if a else "")
        self.na_reason.setEnabled(st is Status.NA)
        self.na_label.setEnabled(st is Status.NA)
        self.reverify_banner.setVisible(bool(a and a.reverify))
        self._show_outcome(item_id)
        note = a.note if a else ""
        if self._note_item != item_id or (not self._note_dirty and self.note.toPlainText() != note):
            with QSignalBlocker(self.note):
                self.note.setPlainText(note)
            self._note_dirty = False
        self._note_item = item_id

    def _show_outcome(self, item_id: str) -> None:
        out = self.session.outcome_of(item_id) if self.session is not None else None
        if out is None:
            self.outcome_label.setVisible(False)
            return
        from app.services.followup import OUTCOME_LABELS

        outcome, before, after = out
        lang = language()

        def label(status: str | None) -> str:
            return Status(status).label(lang) if status else tr("iv.no_answer")

        color = OUTCOME_COLORS.get(outcome, "#555")
        self.outcome_label.setText(
            tr(
                "iv.outcome",
                outcome=f"<b style='color:{color}'>{OUTCOME_LABELS[outcome].get(lang)}</b>",
                before=label(before),
                after=label(after),
            )
        )
        self.outcome_label.setVisible(True)

    # -- slots ---------------------------------------------------------------------------------
    def _on_tree_current_changed(self, current, _previous) -> None:
        self._refill()

    def _on_items_current_changed(self, current, _previous) -> None:
        it = self.item_model.item_at(current.row()) if current.isValid() else None
        if it is not None and (self._item is None or it.id != self._item.id):
            self._show_item(it)
        self._update_position()

    def _on_answer_button(self, button_id: int) -> None:
        self.answer_current(STATUS_ORDER[button_id], advance=False)

    def _on_flag_toggled(self, on: bool) -> None:
        if self._item is not None and self.session is not None:
            self.session.set_flag(self._item.id, on)

    def _on_na_reason_edited(self) -> None:
        if self._item is None or self.session is None:
            return
        text = self.na_reason.text().strip()
        a = self.session.answer_of(self._item.id)
        if a is None or a.status is not Status.NA or text == a.na_reason:
            return
        if not text:
            self.na_reason.setText(a.na_reason)
            return
        self.session.set_na_reason(self._item.id, text)

    def _on_note_changed(self) -> None:
        if self._note_item is not None:
            self._note_dirty = True  # only text the user typed is ever saved
            self.note_timer.start()

    def _on_answer_saved(self, item_id: str) -> None:
        self.item_model.update_answer(self.session.answer_of(item_id), item_id)
        if self._item is not None and item_id != self._item.id and self.session.is_replaying:
            self.select_item(item_id)  # undo/redo of another item: show it
        self._show_answer(item_id)

    def _on_view_changed(self, view) -> None:
        self.tree_model.update_stats(view)
        if view.answers != self.item_model._answers:  # a reload (or an undo elsewhere): repaint all
            self.item_model.set_answers(view.answers)

    def _on_evidence_changed(self, item_id: str) -> None:
        if self._item is not None and item_id == self._item.id or item_id and self.select_item(item_id):
            self.evidence.refresh()

"""The improvement plan: an editable table (owner, due date with a calendar, status, priority, text),
filters, regenerate with a summary of what changed, and a timeline by phase.  The user can add
actions of their own (never touched by regeneration), delete an action (after a confirmation; a
deleted generated action stays deleted on regeneration and can be restored).  "Close action…" asks
for the evidence of closure, the effectiveness check, who verified it and when (``plan_close``) and
closes the action through ``FollowupService.close_action`` (as ``labassess close-action`` does);
choosing "verified" in the status cell opens the same dialog.  A verified action shows who verified
it and when in the "Verified" column; "Show closure…" (Plan menu, the table's context menu, or a
double-click on a cell that is not edited in place) shows the record read-only, and "Reopen" puts
it back in progress (the record is kept and prefills the next closure).

Every edit goes to ``PlanService.update`` with the row's version (a stale row is reloaded and the
user told).  The plan is loaded when the tab is first shown, not at start-up.

Signals:
    failed(object): an exception for the error dialog.
    message(str): a status-bar message.
    plan_loaded(int): the table now shows this many actions.
    selection_changed(): the selected action changed (the window re-applies enable rules).
"""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import (
    QAbstractTableModel,
    QDate,
    QModelIndex,
    QPersistentModelIndex,
    QRectF,
    QSortFilterProxyModel,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QBrush, QColor, QPainter, QPen
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMenu,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QStyledItemDelegate,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.services.plan_dto import PlanActionDTO
from app.ui import backend, errors
from app.ui.i18n import language, tr
from app.ui.labels import plain_label
from app.ui.models import ID_ROLE, OBJECT_ROLE, SORT_ROLE
from app.ui.plan_close import CloseActionDialog, ClosureDialog, closure_tooltip, is_closable, is_closed, verified_text

_Index = QModelIndex | QPersistentModelIndex
STATUSES = ("open", "in_progress", "done", "verified")
STATUS_LABELS = {
    "open": ("待办", "open"),
    "in_progress": ("进行中", "in progress"),
    "done": ("已完成", "done"),
    "verified": ("已验证", "verified"),
}
PRIORITIES = ("P1", "P2", "P3")
PRIORITY_COLORS = {"P1": QColor("#c62828"), "P2": QColor("#ef6c00"), "P3": QColor("#558b2f")}
PHASE_COLORS = [QColor("#e53935"), QColor("#fb8c00"), QColor("#1e88e5"), QColor("#43a047")]
HEADERS = {
    "no": ("序号", "No."),
    "priority": ("优先级", "Priority"),
    "phase": ("阶段", "Phase"),
    "text": ("行动", "Action"),
    "owner": ("责任人", "Owner"),
    "due": ("完成期限", "Due"),
    "status": ("状态", "Status"),
    "verified": ("验证", "Verified"),
    "items": ("关闭的条目", "Closes items"),
}


def status_label(status: str) -> str:
    """The action status in the UI language."""
    zh, en = STATUS_LABELS.get(status, (status, status))
    return zh if language() == "zh" else en


class PlanTableModel(QAbstractTableModel):
    """Plan actions; priority, text, owner, due date and status are editable.

    ``setData`` does not write: it emits ``edit_requested(action_id, field, value, version)`` and
    the widget saves through the service, then calls ``replace_action``.

    Signals:
        edit_requested(int, str, object, int): a cell was edited.
    """

    edit_requested = Signal(int, str, object, int)
    COL_NO, COL_PRIORITY, COL_PHASE, COL_TEXT, COL_OWNER, COL_DUE, COL_STATUS, COL_VERIFIED, COL_ITEMS = range(9)
    KEYS = ("no", "priority", "phase", "text", "owner", "due", "status", "verified", "items")
    EDITABLE = {
        COL_PRIORITY: "priority",
        COL_TEXT: "text",
        COL_OWNER: "owner_name",
        COL_DUE: "due_date",
        COL_STATUS: "status",
    }

    def __init__(self, parent=None):
        super().__init__(parent)
        self._rows: list[PlanActionDTO] = []

    def set_rows(self, rows: list[PlanActionDTO]) -> None:
        """Replace the actions."""
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def replace_action(self, dto: PlanActionDTO) -> None:
        """One action changed (after a save)."""
        for r, a in enumerate(self._rows):
            if a.id == dto.id:
                self._rows[r] = dto
                self.dataChanged.emit(self.index(r, 0), self.index(r, self.COL_ITEMS))
                return

    def actions(self) -> list[PlanActionDTO]:
        """The actions shown."""
        return list(self._rows)

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.KEYS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):
        if (
            orientation == Qt.Orientation.Horizontal
            and role == Qt.ItemDataRole.DisplayRole
            and 0 <= section < len(self.KEYS)
        ):
            zh, en = HEADERS[self.KEYS[section]]
            return zh if language() == "zh" else en
        return None

    def flags(self, index: _Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        f = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if index.column() in self.EDITABLE:
            f |= Qt.ItemFlag.ItemIsEditable
        return f

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        a = self._rows[index.row()]
        col = index.column()
        lang = language()
        if role == Qt.ItemDataRole.DisplayRole:
            return (
                str(index.row() + 1) + (f" · {tr('plan.mine')}" if a.origin == "user" else ""),
                a.priority,
                str(a.phase),
                a.text(lang),
                a.owner_name or a.owner_role,
                a.due_date.isoformat() if a.due_date else "",
                status_label(a.status),
                verified_text(a),
                ", ".join(a.item_ids),
            )[col]
        if role == Qt.ItemDataRole.EditRole:
            if col == self.COL_DUE:
                d = a.due_date or dt.date.today()
                return QDate(d.year, d.month, d.day)
            if col == self.COL_STATUS:
                return a.status
            if col == self.COL_TEXT:
                return a.text(lang)
            if col == self.COL_OWNER:
                return a.owner_name
            if col == self.COL_PRIORITY:
                return a.priority
        if role == Qt.ItemDataRole.ForegroundRole and col == self.COL_PRIORITY:
            return QBrush(PRIORITY_COLORS.get(a.priority, QColor("#333")))
        if role == Qt.ItemDataRole.ForegroundRole and col in (self.COL_STATUS, self.COL_VERIFIED) and is_closed(a):
            return QBrush(QColor("#2e7d32"))
        if role == Qt.ItemDataRole.ToolTipRole:
            closure = closure_tooltip(a)
            if closure and col in (self.COL_STATUS, self.COL_VERIFIED):
                return closure
            return f"{a.text(lang)}\n{a.closure_evidence(lang)}" + (f"\n\n{closure}" if closure else "")
        if role == ID_ROLE:
            return a.id
        if role == OBJECT_ROLE:
            return a
        if role == SORT_ROLE:
            return (
                index.row(),
                a.priority,
                a.phase,
                a.text(lang),
                a.owner_name,
                (a.due_date or dt.date.max).isoformat(),
                STATUSES.index(a.status) if a.status in STATUSES else 9,
                (a.verified_on or dt.date.max).isoformat() if is_closed(a) else "9999",
                ",".join(a.item_ids),
            )[col]
        return None

    def setData(self, index: _Index, value, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.EditRole or not index.isValid() or index.column() not in self.EDITABLE:
            return False
        a = self._rows[index.row()]
        field = self.EDITABLE[index.column()]
        if field == "due_date":
            if isinstance(value, QDate):
                value = dt.date(value.year(), value.month(), value.day())
            elif isinstance(value, str):
                try:
                    value = dt.date.fromisoformat(value)
                except ValueError:
                    return False
            if value == a.due_date:
                return False
        elif field == "text":
            value = str(value).strip()
            field = "text_zh" if language() == "zh" else "text_en"
            if not value or value == a.text(language()):
                return False
        elif field in ("status", "priority", "owner_name"):
            value = str(value)
            if value == getattr(a, field):
                return False
        self.edit_requested.emit(a.id, field, value, a.version)
        return True


class PlanDelegate(QStyledItemDelegate):
    """Calendar for the due date, combo boxes for status and priority."""

    def createEditor(self, parent, option, index):
        col = index.column()
        if col == PlanTableModel.COL_DUE:
            ed = QDateEdit(parent)
            ed.setCalendarPopup(True)
            ed.setDisplayFormat("yyyy-MM-dd")
            return ed
        if col == PlanTableModel.COL_STATUS:
            cb = QComboBox(parent)
            for s in STATUSES:
                cb.addItem(status_label(s), s)
            return cb
        if col == PlanTableModel.COL_PRIORITY:
            cb = QComboBox(parent)
            for p in PRIORITIES:
                cb.addItem(p, p)
            return cb
        return super().createEditor(parent, option, index)

    def setEditorData(self, editor, index):
        value = index.data(Qt.ItemDataRole.EditRole)
        if isinstance(editor, QDateEdit):
            editor.setDate(value)
        elif isinstance(editor, QComboBox):
            i = editor.findData(value)
            editor.setCurrentIndex(max(i, 0))
        else:
            super().setEditorData(editor, index)

    def setModelData(self, editor, model, index):
        if isinstance(editor, QDateEdit):
            model.setData(index, editor.date(), Qt.ItemDataRole.EditRole)
        elif isinstance(editor, QComboBox):
            model.setData(index, editor.currentData(), Qt.ItemDataRole.EditRole)
        else:
            super().setModelData(editor, model, index)


class PlanFilter(QSortFilterProxyModel):
    """Filter by status and by a search text."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.status = ""
        self.needle = ""
        self.setSortRole(SORT_ROLE)

    def set_filter(self, status: str, needle: str) -> None:
        """Show only ``status`` ('' = all) rows containing ``needle``."""
        self.beginFilterChange()  # Qt >= 6.9 (invalidateFilter is deprecated)
        self.status = status
        self.needle = needle.strip().lower()
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def filterAcceptsRow(self, source_row: int, source_parent) -> bool:
        a = self.sourceModel().index(source_row, 0, source_parent).data(OBJECT_ROLE)
        if a is None:
            return False
        if self.status and a.status != self.status:
            return False
        if self.needle:
            hay = " ".join((a.text_zh, a.text_en, a.owner_name, " ".join(a.item_ids), " ".join(a.clauses))).lower()
            return self.needle in hay
        return True


class PlanTimeline(QWidget):
    """Actions as bars from start to due date, grouped by phase."""

    ROW_H = 20
    LABEL_W = 260

    def __init__(self, parent=None):
        super().__init__(parent)
        self.actions: list[PlanActionDTO] = []
        self.phases: list = []
        self.setMinimumHeight(200)

    def set_data(self, actions: list[PlanActionDTO], phases) -> None:
        """Show ``actions`` within the phase windows."""
        self.actions = sorted(actions, key=lambda a: (a.phase, a.start_date or a.due_date or dt.date.max))
        self.phases = list(phases or ())
        rows = len(self.actions) + 2 * len({a.phase for a in self.actions}) + 2
        self.setMinimumHeight(rows * self.ROW_H + 40)
        self.update()

    def _range(self) -> tuple[dt.date, dt.date]:
        dates = [d for a in self.actions for d in (a.start_date, a.due_date) if d]
        dates += [d for p in self.phases for d in (p.start, p.end)]
        if not dates:
            today = dt.date.today()
            return today, today + dt.timedelta(days=30)
        lo, hi = min(dates), max(dates)
        return lo, max(hi, lo + dt.timedelta(days=7))

    def paintEvent(self, _event) -> None:
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        p.fillRect(self.rect(), QColor("white"))
        lo, hi = self._range()
        span = max((hi - lo).days, 1)
        x0 = self.LABEL_W
        width = max(self.width() - x0 - 16, 50)

        def xpos(d: dt.date) -> float:
            return x0 + width * (d - lo).days / span

        # month ticks
        p.setPen(QPen(QColor("#e0e0e0")))
        d = dt.date(lo.year, lo.month, 1)
        label_end = -1.0
        while d <= hi:
            if d >= lo:
                x = xpos(d)
                p.drawLine(int(x), 18, int(x), self.height())
                label = d.strftime("%Y-%m")
                if x + 3 > label_end:  # skip a month label that would overlap the previous one
                    p.setPen(QPen(QColor("#777")))
                    p.drawText(int(x) + 3, 14, label)
                    label_end = x + 3 + p.fontMetrics().horizontalAdvance(label) + 6
                p.setPen(QPen(QColor("#e0e0e0")))
            d = dt.date(d.year + (d.month // 12), d.month % 12 + 1, 1)
        y = 24
        lang = language()
        fm = p.fontMetrics()
        for phase in sorted({a.phase for a in self.actions}):
            color = PHASE_COLORS[phase % len(PHASE_COLORS)]
            p.setPen(QPen(color.darker(130)))
            f = p.font()
            f.setBold(True)
            p.setFont(f)
            title = tr(f"plan.phase.{phase}") if phase in (0, 1, 2, 3) else tr("plan.phase", phase=phase)
            p.drawText(6, y + 14, title)
            f.setBold(False)
            p.setFont(f)
            win = next((w for w in self.phases if w.phase == phase), None)
            if win is not None:
                p.fillRect(
                    QRectF(xpos(win.start), y + 2, max(xpos(win.end) - xpos(win.start), 2), self.ROW_H - 4),
                    QColor(color.red(), color.green(), color.blue(), 40),
                )
            y += self.ROW_H
            for a in (a for a in self.actions if a.phase == phase):
                p.setPen(QPen(QColor("#333")))
                label = fm.elidedText(f"{a.priority} {a.text(lang)}", Qt.TextElideMode.ElideRight, self.LABEL_W - 20)
                p.drawText(16, y + 14, label)
                start = a.start_date or a.due_date
                end = a.due_date or a.start_date
                if start and end:
                    xa, xb = xpos(start), xpos(end)
                    bar = color if a.status not in ("done", "verified") else QColor("#9e9e9e")
                    p.fillRect(QRectF(xa, y + 4, max(xb - xa, 4), self.ROW_H - 8), bar)
                y += self.ROW_H
            y += 6
        today = dt.date.today()
        if lo <= today <= hi:
            p.setPen(QPen(QColor("#c62828"), 1, Qt.PenStyle.DashLine))
            p.drawLine(int(xpos(today)), 18, int(xpos(today)), self.height())
        p.end()


class AddActionDialog(QDialog):
    """The user's own action: text (Chinese and/or English), owner, due date, priority, phase."""

    def __init__(self, parent: QWidget | None, owners: list[str] | None = None):
        super().__init__(parent)
        self.setWindowTitle(tr("plan.add_title"))
        form = QFormLayout(self)
        hint = QLabel(tr("plan.text_hint"))
        hint.setWordWrap(True)
        hint.setStyleSheet("color: #666")
        form.addRow(hint)
        self.text_zh = QPlainTextEdit()
        self.text_zh.setTabChangesFocus(True)
        self.text_zh.setFixedHeight(64)
        self.text_en = QPlainTextEdit()
        self.text_en.setTabChangesFocus(True)
        self.text_en.setFixedHeight(64)
        first, second = (self.text_zh, self.text_en) if language() == "zh" else (self.text_en, self.text_zh)
        form.addRow(tr("plan.text_zh" if first is self.text_zh else "plan.text_en"), first)
        form.addRow(tr("plan.text_en" if second is self.text_en else "plan.text_zh"), second)
        self.owner = QComboBox()
        self.owner.setEditable(True)
        self.owner.addItem("")
        for name in owners or ():
            self.owner.addItem(name)
        form.addRow(tr("plan.owner"), self.owner)
        self.due = QDateEdit()
        self.due.setCalendarPopup(True)
        self.due.setDisplayFormat("yyyy-MM-dd")
        d = dt.date.today() + dt.timedelta(days=30)
        self.due.setDate(QDate(d.year, d.month, d.day))
        form.addRow(tr("plan.due"), self.due)
        self.priority = QComboBox()
        for pr in PRIORITIES:
            self.priority.addItem(pr, pr)
        self.priority.setCurrentIndex(1)
        form.addRow(tr("plan.priority"), self.priority)
        self.phase = QComboBox()
        for ph in range(4):
            self.phase.addItem(tr(f"plan.phase.{ph}"), ph)
        self.phase.setCurrentIndex(1)
        form.addRow(tr("plan.phase_field"), self.phase)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        form.addRow(self.buttons)
        self.text_zh.textChanged.connect(self._update_ok)
        self.text_en.textChanged.connect(self._update_ok)
        self._update_ok()
        first.setFocus()
        self.resize(560, 380)

    def _update_ok(self) -> None:
        ok = bool(self.text_zh.toPlainText().strip() or self.text_en.toPlainText().strip())
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(ok)

    def values(self) -> dict:
        """Keyword arguments for ``PlanService.add``."""
        d = self.due.date()
        return {
            "text_zh": self.text_zh.toPlainText().strip(),
            "text_en": self.text_en.toPlainText().strip(),
            "owner_name": self.owner.currentText().strip(),
            "due_date": dt.date(d.year(), d.month(), d.day()),
            "priority": self.priority.currentData(),
            "phase": self.phase.currentData(),
        }

    @classmethod
    def ask(cls, parent: QWidget | None, owners: list[str] | None = None) -> dict | None:
        """The values, or None if cancelled."""
        dlg = cls(parent, owners)
        try:
            if dlg.exec() != QDialog.DialogCode.Accepted:
                return None
            return dlg.values()
        finally:
            dlg.deleteLater()


class RestoreActionsDialog(QDialog):
    """Tick the deleted generated actions to bring back."""

    def __init__(self, parent: QWidget | None, actions: list[PlanActionDTO]):
        super().__init__(parent)
        self.setWindowTitle(tr("act.plan_restore").rstrip("…."))
        lay = QVBoxLayout(self)
        self.list = QListWidget()
        lang = language()
        for a in actions:
            it = QListWidgetItem(f"{a.priority} · {a.text(lang)}")
            it.setFlags(it.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            it.setCheckState(Qt.CheckState.Unchecked)
            it.setData(ID_ROLE, a.id)
            it.setToolTip(a.text(lang))
            self.list.addItem(it)
        lay.addWidget(self.list, 1)
        bb = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        bb.accepted.connect(self.accept)
        bb.rejected.connect(self.reject)
        lay.addWidget(bb)
        self.resize(620, 320)

    def set_checked(self, action_ids) -> None:
        """Tick these actions."""
        for i in range(self.list.count()):
            it = self.list.item(i)
            if it.data(ID_ROLE) in set(action_ids):
                it.setCheckState(Qt.CheckState.Checked)

    def chosen(self) -> list[int]:
        """Ids of the ticked actions."""
        return [
            self.list.item(i).data(ID_ROLE)
            for i in range(self.list.count())
            if self.list.item(i).checkState() == Qt.CheckState.Checked
        ]


class PlanWidget(QWidget):
    """See the module docstring."""

    failed = Signal(object)
    message = Signal(str)
    plan_loaded = Signal(int)
    selection_changed = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.session = None
        self._stale = True
        self._phases: list = []
        lay = QVBoxLayout(self)
        bar = QHBoxLayout()
        self.regen_btn = QPushButton(tr("plan.regenerate"))
        self.regen_btn.clicked.connect(self.regenerate)
        bar.addWidget(self.regen_btn)
        self.add_btn = QPushButton(tr("act.plan_add"))
        self.add_btn.clicked.connect(self.add_action)
        bar.addWidget(self.add_btn)
        self.delete_btn = QPushButton(tr("act.plan_delete"))
        self.delete_btn.clicked.connect(self.delete_selected)
        self.delete_btn.setEnabled(False)
        bar.addWidget(self.delete_btn)
        self.restore_btn = QPushButton(tr("act.plan_restore"))
        self.restore_btn.clicked.connect(self.restore_deleted)
        bar.addWidget(self.restore_btn)
        self.close_btn = QPushButton(tr("act.plan_close"))
        self.close_btn.clicked.connect(self.close_selected)
        self.close_btn.setEnabled(False)
        bar.addWidget(self.close_btn)
        self.status_filter = QComboBox()
        self.status_filter.addItem(tr("plan.filter.all"), "")
        for s in STATUSES:
            self.status_filter.addItem(status_label(s), s)
        bar.addWidget(self.status_filter)
        self.search = QLineEdit()
        self.search.setPlaceholderText(tr("plan.search"))
        self.search.setClearButtonEnabled(True)
        bar.addWidget(self.search, 1)
        self.summary = plain_label()
        bar.addWidget(self.summary)
        lay.addLayout(bar)
        self.empty = QLabel(tr("plan.empty"))
        self.empty.setVisible(False)
        lay.addWidget(self.empty)

        self.model = PlanTableModel(self)
        self.model.edit_requested.connect(self._on_edit_requested)
        self.proxy = PlanFilter(self)
        self.proxy.setSourceModel(self.model)
        self.table = QTableView()
        self.table.setModel(self.proxy)
        self.table.setItemDelegate(PlanDelegate(self.table))
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.AnyKeyPressed
        )
        self.table.verticalHeader().setVisible(False)
        self.table.setWordWrap(False)
        self.table.doubleClicked.connect(self._on_double_click)
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.table.customContextMenuRequested.connect(self._on_context_menu)
        hh = self.table.horizontalHeader()
        for c in range(PlanTableModel.COL_ITEMS + 1):
            hh.setSectionResizeMode(c, QHeaderView.ResizeMode.ResizeToContents)
        hh.setSectionResizeMode(PlanTableModel.COL_TEXT, QHeaderView.ResizeMode.Stretch)
        hh.setSectionResizeMode(PlanTableModel.COL_ITEMS, QHeaderView.ResizeMode.Interactive)
        self.timeline = PlanTimeline()
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.timeline)
        self.views = QTabWidget()
        self.views.addTab(self.table, tr("plan.table"))
        self.views.addTab(scroll, tr("plan.timeline"))
        lay.addWidget(self.views, 1)
        self.status_filter.currentIndexChanged.connect(self._apply_filter)
        self.search.textChanged.connect(self._apply_filter)
        self.table.selectionModel().currentRowChanged.connect(lambda *_a: self._on_selection())
        self.proxy.modelReset.connect(self._on_selection)
        self.proxy.layoutChanged.connect(self._on_selection)

    def _on_selection(self) -> None:
        a = self.selected_action()
        self.delete_btn.setEnabled(a is not None)
        self.close_btn.setEnabled(is_closable(a))
        self.selection_changed.emit()

    def row_menu(self) -> QMenu:
        """The commands for the selected row (the table's context menu); the caller deletes it."""
        a = self.selected_action()
        menu = QMenu(self)
        for key, slot, enabled in (
            ("act.plan_close", self.close_selected, is_closable(a)),
            ("act.plan_closure", self.show_closure, is_closed(a)),
            ("act.plan_reopen", self.reopen_selected, is_closed(a)),
            ("act.plan_delete", self.delete_selected, a is not None),
        ):
            act = menu.addAction(tr(key))
            act.setEnabled(enabled)
            act.triggered.connect(lambda _checked=False, f=slot: f())
        return menu

    def _on_context_menu(self, pos) -> None:
        idx = self.table.indexAt(pos)
        if idx.isValid():
            self.table.setCurrentIndex(idx)
        menu = self.row_menu()
        try:
            menu.exec(self.table.viewport().mapToGlobal(pos))
        finally:
            menu.deleteLater()

    def _on_double_click(self, index) -> None:
        """A double-click on a cell that is not edited in place shows a closed action's record."""
        if (
            index.isValid()
            and index.column() not in PlanTableModel.EDITABLE
            and is_closed(index.siblingAtColumn(0).data(OBJECT_ROLE))
        ):
            self.show_closure()

    def selected_action(self) -> PlanActionDTO | None:
        """The action of the current row (None if no row is current)."""
        idx = self.table.currentIndex()
        if not idx.isValid():
            return None
        return idx.siblingAtColumn(0).data(OBJECT_ROLE)

    def select_action(self, action_id: int) -> bool:
        """Make an action's row current (clearing the filters if they hide it)."""
        for attempt in range(2):
            for r in range(self.proxy.rowCount()):
                idx = self.proxy.index(r, 0)
                if idx.data(ID_ROLE) == action_id:
                    self.table.setCurrentIndex(idx)
                    self.table.scrollTo(idx)
                    return True
            if attempt == 0:
                self.status_filter.setCurrentIndex(0)
                self.search.clear()
        return False

    # -- state ---------------------------------------------------------------------------------
    def set_session(self, session) -> None:
        """Follow another assessment (loaded when the tab is shown)."""
        self.session = session
        self._stale = True
        self.model.set_rows([])
        self.timeline.set_data([], [])
        if self.isVisible():
            self.refresh_if_stale()

    def mark_stale(self) -> None:
        """Answers changed: reload when next shown (regeneration stays the user's choice)."""
        self._stale = True

    def refresh_if_stale(self) -> None:
        """Load the stored plan if needed (generated the first time).

        Right after a fast start the plan service is still opening in the background: the tab
        says so and the main window calls this again when it is ready, instead of freezing the
        first paint until then.
        """
        if self._stale and self.session is not None:
            if not backend.services_ready(self.session.services):
                self.summary.setText(tr("plan.opening"))
                return
            self.reload()

    def showEvent(self, event) -> None:
        super().showEvent(event)
        self.refresh_if_stale()

    def reload(self) -> None:
        """Read the stored plan (generating it if the assessment has none)."""
        if self.session is None:
            return
        try:
            plan = self.session.services.plans.plan(self.session.assessment_id)
        except Exception as exc:  # noqa: BLE001
            self.failed.emit(exc)
            return
        self._stale = False
        self._phases = list(getattr(plan.schedule, "phases", ()) or ())
        self.model.set_rows(list(plan.actions))
        self.timeline.set_data(list(plan.actions), self._phases)
        self.empty.setVisible(not plan.actions)
        total = sum(a.effort_days for a in plan.actions)
        self.summary.setText(f"{len(plan.actions)} · {total:.1f} d")
        self.plan_loaded.emit(len(plan.actions))

    def _apply_filter(self) -> None:
        self.proxy.set_filter(self.status_filter.currentData() or "", self.search.text())

    # -- commands ------------------------------------------------------------------------------
    def regenerate(self):
        """Bring the plan up to date with the answers (user edits kept) and say what changed."""
        if self.session is None:
            return None
        try:
            summary = self.session.services.plans.regenerate(self.session.assessment_id, by=self.session.by)
        except Exception as exc:  # noqa: BLE001
            self.failed.emit(exc)
            return None
        self.reload()
        text = (
            tr("plan.regenerated", added=len(summary.added), kept=len(summary.kept_edits), closed=len(summary.dropped))
            + "\n\n"
            + summary.describe(language())
        )
        self.message.emit(text.splitlines()[0])
        errors.show_message(self, "information", tr("plan.summary_title"), text)
        return summary

    def add_action(self) -> PlanActionDTO | None:
        """Ask for the user's own action and store it (``PlanService.add``)."""
        if self.session is None:
            return None
        self.refresh_if_stale()
        staff = dict(getattr(self.session.view.lab.profile, "staff", {}) or {})
        owners = sorted({n for n in staff.values() if n})
        values = AddActionDialog.ask(self, owners)
        if values is None:
            return None
        try:
            dto = self.session.services.plans.add(self.session.assessment_id, **values)
        except Exception as exc:  # noqa: BLE001
            self.failed.emit(exc)
            return None
        self.reload()
        self.select_action(dto.id)
        self.message.emit(tr("plan.added"))
        return dto

    def delete_selected(self) -> bool:
        """Delete the selected action after a confirmation (``PlanService.delete``)."""
        a = self.selected_action()
        if a is None or self.session is None:
            return False
        text = a.text(language())
        short = text if len(text) <= 80 else text[:77] + "…"
        question = tr("plan.delete_user" if a.origin == "user" else "plan.delete_generated", text=short)
        if not errors.confirm(self, tr("plan.delete_title"), question):
            return False
        row = self.table.currentIndex().row()
        try:
            self.session.services.plans.delete(a.id, expected_version=a.version)
        except Exception as exc:  # noqa: BLE001
            self.failed.emit(exc)
            if backend.is_stale_write(exc):
                self.reload()
            return False
        self.reload()
        if self.proxy.rowCount():
            self.table.setCurrentIndex(self.proxy.index(min(row, self.proxy.rowCount() - 1), 0))
        self.message.emit(tr("plan.deleted"))
        return True

    def deleted_actions(self) -> list[PlanActionDTO]:
        """Generated actions the user deleted (restorable)."""
        if self.session is None:
            return []
        try:
            rows = self.session.services.plans.actions(self.session.assessment_id, include_dropped=True)
        except Exception as exc:  # noqa: BLE001
            self.failed.emit(exc)
            return []
        return [a for a in rows if a.user_deleted]

    def restore_deleted(self) -> int:
        """Choose deleted generated actions and bring them back (``PlanService.restore``)."""
        if self.session is None:
            return 0
        deleted = self.deleted_actions()
        if not deleted:
            errors.show_message(self, "information", tr("plan.delete_title"), tr("plan.restore_none"))
            return 0
        dlg = RestoreActionsDialog(self, deleted)
        try:
            if self.run_restore_dialog(dlg) != QDialog.DialogCode.Accepted:
                return 0
            chosen = dlg.chosen()
        finally:
            dlg.deleteLater()
        n = 0
        for action_id in chosen:
            try:
                self.session.services.plans.restore(action_id)
            except Exception as exc:  # noqa: BLE001
                self.failed.emit(exc)
                break
            n += 1
        self.reload()
        if chosen:
            self.select_action(chosen[0])
        self.message.emit(tr("plan.restored", n=n))
        return n

    @staticmethod
    def run_restore_dialog(dlg: RestoreActionsDialog):
        """Run the restore dialog (replaced in tests)."""
        return dlg.exec()

    # -- closing -------------------------------------------------------------------------------
    def close_selected(self) -> PlanActionDTO | None:
        """Ask for the closure record of the selected action and close it
        (``FollowupService.close_action``, the path of ``labassess close-action``)."""
        a = self.selected_action()
        if self.session is None or not is_closable(a):
            return None
        staff = dict(getattr(self.session.view.lab.profile, "staff", {}) or {})
        verifier = (staff.get("quality_manager") or "").strip()
        names = sorted({n.strip() for n in staff.values() if n and n.strip()})
        values = CloseActionDialog.ask(self, a, names, verifier)
        if values is None:
            return None
        try:
            self.session.services.followups.close_action(a.id, expected_version=a.version, **values)
        except Exception as exc:  # noqa: BLE001
            self.failed.emit(exc)
            if backend.is_stale_write(exc):
                self.reload()
                self.select_action(a.id)
            return None
        self.reload()
        self.select_action(a.id)
        self.message.emit(tr("close.done", who=values["verified_by"]))
        return self.selected_action()

    def show_closure(self) -> bool:
        """Show the closure record of the selected verified action (read-only)."""
        a = self.selected_action()
        if not is_closed(a):
            return False
        ClosureDialog.show_for(self, a)
        return True

    def reopen_selected(self) -> PlanActionDTO | None:
        """Put a verified action back in progress after a confirmation (``PlanService.update``;
        the closure record is kept and prefills the next closure)."""
        a = self.selected_action()
        if self.session is None or not is_closed(a):
            return None
        text = a.text(language())
        short = text if len(text) <= 80 else text[:77] + "…"
        if not errors.confirm(self, tr("close.reopen_title"), tr("close.reopen_question", text=short)):
            return None
        try:
            dto = self.session.services.plans.update(
                a.id, expected_version=a.version, by=self.session.by, status="in_progress"
            )
        except Exception as exc:  # noqa: BLE001
            self.failed.emit(exc)
            if backend.is_stale_write(exc):
                self.reload()
                self.select_action(a.id)
            return None
        self.model.replace_action(dto)
        self.timeline.set_data(self.model.actions(), self._phases)
        self._on_selection()
        self.message.emit(tr("close.reopened"))
        return dto

    def _on_edit_requested(self, action_id: int, field: str, value, version: int) -> None:
        if field == "status" and value == "verified":
            # verifying needs the closure record: the status cell opens the close dialog (after the
            # cell editor has closed, so that its focus-out does not commit a second time)
            QTimer.singleShot(0, self, lambda: self.select_action(action_id) and self.close_selected())
            return
        try:
            dto = self.session.services.plans.update(
                action_id, expected_version=version, by=self.session.by, **{field: value}
            )
        except Exception as exc:  # noqa: BLE001
            self.failed.emit(exc)
            if backend.is_stale_write(exc):
                self.reload()
            return
        self.model.replace_action(dto)
        self.timeline.set_data(self.model.actions(), self._phases)
        self.message.emit(tr("plan.saved"))

"""Qt item models over service DTOs: the lab/assessment navigator, the clause tree, the item list,
gates and gaps.  Formatting lives in ``data()``; scoring never does (it comes in the view DTO).

Every model here is checked with ``qtmodeltester`` (tests/ui/test_models.py).
"""

from __future__ import annotations

from PySide6.QtCore import QAbstractItemModel, QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor, QFont

from app.assessment.model import Status
from app.checklists.schema import Checklist, Item
from app.services.dto import AnswerDTO, AssessmentSummary, AssessmentView, LabDTO
from app.ui.i18n import language, tr

ID_ROLE = Qt.ItemDataRole.UserRole + 1  # database id / item id
KIND_ROLE = Qt.ItemDataRole.UserRole + 2  # "lab" | "assessment" | "pack" | "section"
SORT_ROLE = Qt.ItemDataRole.UserRole + 3  # value to sort by
OBJECT_ROLE = Qt.ItemDataRole.UserRole + 4  # the DTO itself

_Index = QModelIndex | QPersistentModelIndex

_R = Qt.ItemDataRole
# The roles each model answers. A view asks for seven roles per cell on every paint (display,
# decoration, font, alignment, background, foreground, check state); a role not listed returns
# None before any per-row work (about a third of data()'s time in the first paint).
_CLAUSE_ROLES = frozenset(
    {_R.DisplayRole, _R.ForegroundRole, _R.FontRole, _R.ToolTipRole, ID_ROLE, KIND_ROLE, SORT_ROLE}
)
_ITEM_ROLES = frozenset(
    {
        _R.DisplayRole,
        _R.ForegroundRole,
        _R.FontRole,
        _R.BackgroundRole,
        _R.ToolTipRole,
        ID_ROLE,
        OBJECT_ROLE,
        SORT_ROLE,
    }
)

# Foreground and background roles return these QColors as they are: the default delegate converts a
# colour to a solid brush itself, and the first QBrush built from Python makes PySide set up the
# QBrush and QGradient types (~5 ms of the first paint, most of it QGradient.Preset's 170 members).
STATUS_COLORS = {
    Status.CONFORM: QColor("#2e7d32"),
    Status.PARTIAL: QColor("#b26a00"),
    Status.NONCONFORM: QColor("#c62828"),
    Status.NA: QColor("#607d8b"),
    Status.UNASSESSED: QColor("#9e9e9e"),
}
STATUS_BACKGROUNDS = {
    Status.PARTIAL: QColor("#fff3e0"),
    Status.NONCONFORM: QColor("#ffebee"),
}
REVERIFY_MARK = "↻"  # carried over from the earlier assessment, not re-verified yet
REVERIFY_COLOR = QColor("#1565c0")
REVERIFY_BACKGROUND = QColor("#e3f2fd")
STATUS_MARKS = {
    Status.CONFORM: "✓",
    Status.PARTIAL: "◐",
    Status.NONCONFORM: "✗",
    Status.NA: "—",
    Status.UNASSESSED: "·",
}


def fmt_percent(value: float | None) -> str:
    """``73.5%`` or an en dash for 'not scored'."""
    return "–" if value is None else f"{value:.0f}%"


# ---------------------------------------------------------------------------------------------
def _translated_header(model, section: int, orientation: Qt.Orientation, role: int):
    """Horizontal header text of ``model.HEADERS`` (i18n keys) in the current language."""
    horizontal = orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole
    return tr(model.HEADERS[section]) if horizontal and 0 <= section < len(model.HEADERS) else None


class _TwoLevelModel(QAbstractItemModel):
    """A tree of parents (top level) and their children, selectable, read-only.

    The internal id of an index is 0 for a parent row and ``parent row + 1`` for a child, which is
    all ``parent()`` needs.  Subclasses provide ``HEADERS``, ``rowCount`` and ``data``.
    """

    HEADERS: tuple[str, ...] = ()

    def index(self, row: int, column: int, parent: _Index = QModelIndex()) -> QModelIndex:  # noqa: B008
        if not self.hasIndex(row, column, parent):
            return QModelIndex()
        if not parent.isValid():
            return self.createIndex(row, column, 0)
        return self.createIndex(row, column, parent.row() + 1)

    def parent(self, index: _Index = QModelIndex()):  # noqa: B008
        if not index.isValid():
            return QModelIndex()
        prow = index.internalId() - 1
        return QModelIndex() if prow < 0 else self.createIndex(prow, 0, 0)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return len(self.HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):
        return _translated_header(self, section, orientation, role)

    def flags(self, index: _Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable


# ---------------------------------------------------------------------------------------------
class NavigatorModel(_TwoLevelModel):
    """Labs (top level) and their assessments (children).

    Columns: name, date, status, readiness, progress.  ``ID_ROLE`` gives the lab or assessment
    id, ``KIND_ROLE`` says which.  The navigator shows name, readiness and progress only: an
    assessment's name cell carries its title, date and (unless in progress) status, so the title is
    readable at the dock's default width in both languages.

    Rows may arrive unscored (``set_rows(..., scores_pending=True)``): their readiness and progress
    show ``…`` until ``update_summary`` brings the scored line, or ``scores_unavailable()`` gives
    up on them (shown as ``–``).
    """

    COL_NAME, COL_DATE, COL_STATUS, COL_READINESS, COL_PROGRESS = range(5)
    HEADERS = ("nav.col.name", "nav.col.date", "nav.col.status", "nav.col.readiness", "nav.col.progress")

    def __init__(self, parent=None):
        super().__init__(parent)
        self._labs: list[LabDTO] = []
        self._children: list[list[AssessmentSummary]] = []
        self._where: dict[int, tuple[int, int]] = {}  # assessment id -> (lab row, row)
        self._pending: set[int] = set()  # assessment ids whose scores have not arrived yet
        self._unavailable: set[int] = set()

    # -- content -----------------------------------------------------------------------------
    def set_rows(
        self, labs: list[LabDTO], assessments: list[AssessmentSummary], *, scores_pending: bool = False
    ) -> None:
        """Replace everything: labs by name, each lab's assessments newest first.

        ``scores_pending``: the lines are not scored yet (see the class docstring).
        """
        self.beginResetModel()
        self._labs = list(labs)
        by_lab: dict[int, list[AssessmentSummary]] = {lab.id: [] for lab in self._labs}
        for a in assessments:
            by_lab.setdefault(a.lab_id, []).append(a)
        self._children = [by_lab[lab.id] for lab in self._labs]
        self._where = {a.id: (lab_row, row) for lab_row, ch in enumerate(self._children) for row, a in enumerate(ch)}
        self._pending = set(self._where) if scores_pending else set()
        self._unavailable = set()
        self.endResetModel()

    def update_summary(self, summary: AssessmentSummary) -> None:
        """Refresh one assessment's row with a scored line (scores change as answers come in)."""
        where = self._where.get(summary.id)
        if where is None:
            return
        lab_row, row = where
        self._children[lab_row][row] = summary
        self._pending.discard(summary.id)
        self._unavailable.discard(summary.id)
        parent = self.index(lab_row, 0)
        self.dataChanged.emit(self.index(row, 0, parent), self.index(row, self.COL_PROGRESS, parent))

    def pending_scores(self) -> list[AssessmentSummary]:
        """The lines still waiting for their scores, in navigator order."""
        return [a for ch in self._children for a in ch if a.id in self._pending]

    def score_unavailable(self, assessment_id: int) -> None:
        """Stop waiting for one line: it shows ``–`` (it could not be scored)."""
        where = self._where.get(assessment_id)
        if where is None or assessment_id not in self._pending:
            return
        self._pending.discard(assessment_id)
        self._unavailable.add(assessment_id)
        lab_row, row = where
        parent = self.index(lab_row, 0)
        self.dataChanged.emit(self.index(row, self.COL_READINESS, parent), self.index(row, self.COL_PROGRESS, parent))

    def scores_unavailable(self) -> None:
        """Stop waiting: the pending lines show ``–`` (scoring failed; the error is logged)."""
        self._unavailable |= self._pending
        self._pending = set()
        for lab_row, children in enumerate(self._children):
            if children:
                parent = self.index(lab_row, 0)
                self.dataChanged.emit(
                    self.index(0, self.COL_READINESS, parent), self.index(len(children) - 1, self.COL_PROGRESS, parent)
                )

    def index_of_assessment(self, assessment_id: int) -> QModelIndex:
        """The index of an assessment (invalid if unknown)."""
        where = self._where.get(assessment_id)
        if where is None:
            return QModelIndex()
        lab_row, row = where
        return self.index(row, 0, self.index(lab_row, 0))

    def index_of_lab(self, lab_id: int) -> QModelIndex:
        """The index of a lab (invalid if unknown)."""
        for row, lab in enumerate(self._labs):
            if lab.id == lab_id:
                return self.index(row, 0)
        return QModelIndex()

    def labs(self) -> list[LabDTO]:
        """The labs shown."""
        return list(self._labs)

    @staticmethod
    def _assessment_label(a: AssessmentSummary) -> str:
        """Title and date in one cell (the dock is narrow), plus the status unless in progress."""
        date = a.assessed_on.isoformat()
        label = f"{a.title} · {date}" if a.title else date
        if a.status != "in_progress":
            key = f"status.{a.status}"
            label += f" · {tr(key) if key in _STATUS_KEYS else a.status}"
        return label

    # -- QAbstractItemModel --------------------------------------------------------------------

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        if not parent.isValid():
            return len(self._labs)
        if parent.column() != 0 or parent.internalId() != 0:
            return 0
        return len(self._children[parent.row()])

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        col = index.column()
        if index.internalId() == 0:
            lab = self._labs[index.row()]
            if role == Qt.ItemDataRole.DisplayRole:
                if col == self.COL_NAME:
                    return lab.name
                if col == self.COL_DATE:
                    return tr("nav.assessments", n=len(self._children[index.row()]))
                return None
            if role == Qt.ItemDataRole.FontRole and col == self.COL_NAME:
                f = QFont()
                f.setBold(True)
                return f
            if role == Qt.ItemDataRole.ToolTipRole:
                return lab.name
            if role == ID_ROLE:
                return lab.id
            if role == KIND_ROLE:
                return "lab"
            if role == SORT_ROLE:
                return lab.name
            if role == OBJECT_ROLE:
                return lab
            return None
        a = self._children[index.internalId() - 1][index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            if col == self.COL_NAME:
                return self._assessment_label(a)
            if col == self.COL_DATE:
                return a.assessed_on.isoformat()
            if col == self.COL_STATUS:
                key = f"status.{a.status}"
                return tr(key) if key in _STATUS_KEYS else a.status
            if col in (self.COL_READINESS, self.COL_PROGRESS) and a.id in self._pending:
                return "…"
            if col in (self.COL_READINESS, self.COL_PROGRESS) and a.id in self._unavailable:
                return "–"
            if col == self.COL_READINESS:
                return fmt_percent(a.readiness)
            if col == self.COL_PROGRESS:
                return fmt_percent(a.progress)
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"{a.title}\n{a.assessed_on.isoformat()} · {a.assessor}"
        if role == Qt.ItemDataRole.TextAlignmentRole and col in (self.COL_READINESS, self.COL_PROGRESS):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == ID_ROLE:
            return a.id
        if role == KIND_ROLE:
            return "assessment"
        if role == SORT_ROLE:
            return (a.assessed_on.isoformat(), a.readiness or 0.0, a.progress)[min(max(col - 1, 0), 2)]
        if role == OBJECT_ROLE:
            return a
        return None


_STATUS_KEYS = {"status.in_progress", "status.completed", "status.archived"}


# ---------------------------------------------------------------------------------------------
class ClauseTreeModel(_TwoLevelModel):
    """Packs (top level) and their sections/clauses, with per-clause progress and gap markers.

    Columns: title, progress (answered/applicable), gaps.  ``ID_ROLE`` on a section gives
    ``(pack_id, clause)``; on a pack ``(pack_id, None)``.
    """

    COL_TITLE, COL_PROGRESS, COL_GAPS = range(3)
    HEADERS = ("iv.clauses", "iv.col.progress", "iv.col.gaps")

    def __init__(self, parent=None):
        super().__init__(parent)
        self._packs: list[Checklist] = []
        self._stats: dict[tuple[str, str | None], tuple[int, int, int, int]] = {}

    def set_view(self, view: AssessmentView | None) -> None:
        """Show the packs of ``view`` (resets the model)."""
        self.beginResetModel()
        self._packs = list(view.packs) if view else []
        self._stats = self._compute(view) if view else {}
        self.endResetModel()

    def update_stats(self, view: AssessmentView) -> None:
        """Recount progress and gaps after an answer (same packs: no reset; only changed rows repaint)."""
        new = self._compute(view)
        if new == self._stats:
            return
        old, self._stats = self._stats, new
        for prow, pack in enumerate(self._packs):
            top = self.index(prow, 0)
            if old.get((pack.id, None)) != new.get((pack.id, None)):
                self.dataChanged.emit(top, self.index(prow, self.COL_GAPS))
            for srow, sec in enumerate(pack.sections):
                if old.get((pack.id, sec.clause)) != new.get((pack.id, sec.clause)):
                    self.dataChanged.emit(self.index(srow, 0, top), self.index(srow, self.COL_GAPS, top))

    @staticmethod
    def _compute(view: AssessmentView) -> dict:
        """(applicable, answered, gaps, critical) per (pack, clause) and per pack, from the scoring result."""
        stats: dict[tuple[str, str | None], tuple[int, int, int, int]] = {}
        for ps in view.score.packs:
            for cell in ps.sections:
                stats[(ps.pack_id, cell.key)] = (cell.applicable, cell.assessed, cell.gaps, cell.critical_gaps)
            o = ps.overall
            stats[(ps.pack_id, None)] = (o.applicable, o.assessed, o.gaps, o.critical_gaps)
        return stats

    def pack_row(self, pack_id: str) -> int:
        """Row of a pack (-1 if absent)."""
        return next((i for i, p in enumerate(self._packs) if p.id == pack_id), -1)

    def index_of_clause(self, clause_key: str) -> QModelIndex:
        """The first section whose clause rolls up to ``clause_key`` (e.g. '6.4')."""
        for prow, pack in enumerate(self._packs):
            for srow, sec in enumerate(pack.sections):
                if (
                    sec.clause == clause_key
                    or sec.clause.startswith(clause_key + ".")
                    or (clause_key == "5" and sec.clause.split(".")[0] == "5")
                ):
                    return self.index(srow, 0, self.index(prow, 0))
        return QModelIndex()

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        if not parent.isValid():
            return len(self._packs)
        if parent.column() != 0 or parent.internalId() != 0:
            return 0
        return len(self._packs[parent.row()].sections)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole):
        if role not in _CLAUSE_ROLES or not index.isValid():
            return None
        lang = language()
        if index.internalId() == 0:
            pack = self._packs[index.row()]
            key: tuple[str, str | None] = (pack.id, None)
            title = pack.title.get(lang)
            kind = "pack"
        else:
            pack = self._packs[index.internalId() - 1]
            sec = pack.sections[index.row()]
            key = (pack.id, sec.clause)
            title = f"{sec.clause} {sec.title.get(lang)}"
            kind = "section"
        applicable, answered, gaps, critical = self._stats.get(key, (0, 0, 0, 0))
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if col == self.COL_TITLE:
                return title
            if col == self.COL_PROGRESS:
                return tr("iv.clause_progress", done=answered, total=applicable)
            if col == self.COL_GAPS:
                if critical:
                    return f"● {gaps}"
                return str(gaps) if gaps else ""
        if role == Qt.ItemDataRole.ForegroundRole:
            if col == self.COL_GAPS and critical:
                return STATUS_COLORS[Status.NONCONFORM]
            if col == self.COL_GAPS and gaps:
                return STATUS_COLORS[Status.PARTIAL]
            if col == self.COL_PROGRESS and applicable and answered == applicable:
                return STATUS_COLORS[Status.CONFORM]
            if applicable == 0:
                return STATUS_COLORS[Status.UNASSESSED]
        if role == Qt.ItemDataRole.FontRole and kind == "pack" and col == self.COL_TITLE:
            f = QFont()
            f.setBold(True)
            return f
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"{title}\n{answered}/{applicable} · {gaps} gap(s), {critical} critical"
        if role == ID_ROLE:
            return key
        if role == KIND_ROLE:
            return kind
        if role == SORT_ROLE:
            return (applicable, answered, gaps)[col]
        return None


# ---------------------------------------------------------------------------------------------
class ItemTableModel(QAbstractTableModel):
    """The items shown in the interview list, with their current answers.

    Columns: id, clause, answer, flags, question.  ``ID_ROLE`` gives the item id.
    """

    COL_ID, COL_CLAUSE, COL_ANSWER, COL_FLAGS, COL_QUESTION = range(5)
    HEADERS = ("iv.col.id", "iv.col.clause", "iv.col.answer", "iv.col.flags", "iv.col.question")

    def __init__(self, parent=None):
        super().__init__(parent)
        self._items: list[Item] = []
        self._answers: dict[str, AnswerDTO] = {}
        self._row_of: dict[str, int] = {}

    def set_rows(self, items: list[Item], answers: dict[str, AnswerDTO]) -> None:
        """Replace the rows."""
        self.beginResetModel()
        self._items = list(items)
        self._answers = dict(answers)
        self._row_of = {it.id: i for i, it in enumerate(self._items)}
        self.endResetModel()

    def update_answer(self, answer: AnswerDTO | None, item_id: str) -> None:
        """One item's answer changed: repaint its row only."""
        if answer is None:
            self._answers.pop(item_id, None)
        else:
            self._answers[item_id] = answer
        row = self._row_of.get(item_id)
        if row is not None:
            self.dataChanged.emit(self.index(row, 0), self.index(row, self.COL_QUESTION))

    def set_answers(self, answers: dict[str, AnswerDTO]) -> None:
        """All answers changed (e.g. after a reload): repaint every row."""
        self._answers = dict(answers)
        if self._items:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self._items) - 1, self.COL_QUESTION))

    def item_at(self, row: int) -> Item | None:
        """The item in ``row`` (None if out of range)."""
        return self._items[row] if 0 <= row < len(self._items) else None

    def row_of(self, item_id: str) -> int:
        """Row of an item (-1 if not shown)."""
        return self._row_of.get(item_id, -1)

    def item_ids(self) -> list[str]:
        """The ids shown, in order."""
        return [it.id for it in self._items]

    def status_of(self, item_id: str) -> Status:
        """The current status of an item shown."""
        a = self._answers.get(item_id)
        return a.status if a else Status.UNASSESSED

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):
        return _translated_header(self, section, orientation, role)

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._items)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.HEADERS)

    def flags(self, index: _Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole):
        if role not in _ITEM_ROLES or not index.isValid() or not 0 <= index.row() < len(self._items):
            return None
        it = self._items[index.row()]
        a = self._answers.get(it.id)
        status = a.status if a else Status.UNASSESSED
        col = index.column()
        lang = language()
        if role == Qt.ItemDataRole.DisplayRole:
            if col == self.COL_ID:
                return it.id
            if col == self.COL_CLAUSE:
                return it.clause
            if col == self.COL_ANSWER:
                return f"{STATUS_MARKS[status]} {status.label(lang)}"
            if col == self.COL_FLAGS:
                marks = []
                if it.knockout:
                    marks.append("★")
                if a and a.reverify:
                    marks.append(REVERIFY_MARK)
                if a and a.flagged:
                    marks.append("⚑")
                if a and a.note:
                    marks.append("✎")
                return " ".join(marks)
            if col == self.COL_QUESTION:
                return it.text.get(lang)
        reverify = bool(a and a.reverify)
        if role == Qt.ItemDataRole.ForegroundRole:
            if reverify and col in (self.COL_ID, self.COL_FLAGS):
                return REVERIFY_COLOR
            if col == self.COL_ANSWER:
                return STATUS_COLORS[status]
            return None
        if role == Qt.ItemDataRole.FontRole and reverify and col == self.COL_ANSWER:
            f = QFont()
            f.setItalic(True)  # a carried-over answer is provisional until re-verified
            return f
        if role == Qt.ItemDataRole.BackgroundRole:
            if status in STATUS_BACKGROUNDS:
                return STATUS_BACKGROUNDS[status]
            if reverify:
                return REVERIFY_BACKGROUND
            return None
        if role == Qt.ItemDataRole.ToolTipRole:
            return it.text.get(lang) + (f"\n{REVERIFY_MARK} {tr('iv.filter.reverify')}" if reverify else "")
        if role == ID_ROLE:
            return it.id
        if role == OBJECT_ROLE:
            return it
        if role == SORT_ROLE:
            return (it.id, it.clause, status.value, int(bool(a and a.flagged)), it.text.get(lang))[col]
        return None


# ---------------------------------------------------------------------------------------------
class _RowsTableModel(QAbstractTableModel):
    """A read-only table over a list of frozen rows, with translated headers (``HEADERS`` are i18n keys)."""

    HEADERS: tuple[str, ...] = ()

    def __init__(self, parent=None):
        super().__init__(parent)
        self._rows: list = []

    def set_rows(self, rows) -> None:
        """Replace the rows (no reset when nothing changed, so selections survive live updates)."""
        if list(rows) == self._rows:
            return
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def row_at(self, index: _Index):
        """The row object behind ``index`` (None if out of range)."""
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        return self._rows[index.row()]

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):
        return _translated_header(self, section, orientation, role)

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.HEADERS)


class GatesModel(_RowsTableModel):
    """Readiness gates G1–G10: id, state, title, reason."""

    COL_ID, COL_STATE, COL_TITLE, COL_REASON = range(4)
    HEADERS = ("db.gate.col.id", "db.gate.col.state", "db.gate.col.title", "db.gate.col.reason")
    COLORS = {"pass": QColor("#2e7d32"), "fail": QColor("#c62828"), "unknown": QColor("#757575")}
    MARKS = {"pass": "✔", "fail": "✘", "unknown": "?"}

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole):
        from app.assessment.gates import STATE_LABELS

        g = self.row_at(index)
        if g is None:
            return None
        lang = language()
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if col == self.COL_ID:
                return g.id
            if col == self.COL_STATE:
                return f"{self.MARKS.get(g.state, '?')} {STATE_LABELS[g.state].get(lang)}"
            if col == self.COL_TITLE:
                return g.title.get(lang)
            if col == self.COL_REASON:
                return g.reason.get(lang)
        if role == Qt.ItemDataRole.ForegroundRole and col == self.COL_STATE:
            return self.COLORS.get(g.state, QColor("#757575"))
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"{g.title.get(lang)}\n{g.reason.get(lang)}"
        if role == ID_ROLE:
            return g.id
        if role == SORT_ROLE:
            return (g.id, g.state, g.title.get(lang), g.reason.get(lang))[col]
        return None


class GapsModel(_RowsTableModel):
    """Gaps (critical first, then by criticality): item, clause, answer, question."""

    COL_ITEM, COL_CLAUSE, COL_STATUS, COL_TEXT = range(4)
    HEADERS = ("db.gap.col.item", "db.gap.col.clause", "db.gap.col.status", "db.gap.col.text")

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole):
        g = self.row_at(index)
        if g is None:
            return None
        lang = language()
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if col == self.COL_ITEM:
                return ("● " if g.critical else "") + g.item_id
            if col == self.COL_CLAUSE:
                return g.clause
            if col == self.COL_STATUS:
                return g.status.label(lang)
            if col == self.COL_TEXT:
                return g.text.get(lang)
        if role == Qt.ItemDataRole.ForegroundRole and col in (self.COL_ITEM, self.COL_STATUS):
            return (
                STATUS_COLORS[Status.NONCONFORM]
                if g.critical or g.status is Status.NONCONFORM
                else STATUS_COLORS[Status.PARTIAL]
            )
        if role == Qt.ItemDataRole.ToolTipRole:
            return g.text.get(lang) + (f"\n{g.note}" if g.note else "")
        if role == ID_ROLE:
            return g.item_id
        if role == SORT_ROLE:
            return (g.item_id, g.clause, g.status.value, g.text.get(lang))[col]
        return None

"""Compare two assessments of a lab: readiness and clause-score deltas, gaps closed / remaining /
new, overdue plan actions, and the follow-up PDF report.

Opened from *Re-check → Compare with previous…*; by default "after" is the open assessment and
"before" the one it follows (else the one before it).  Any two assessments of the lab can be chosen;
the earlier is always treated as "before" (``FollowupService.compare``).  The PDF is written by
``FollowupService.write_report`` in a pool thread (``app.ui.background``), in Chinese or English.

Signals:
    compared(object): a new ``Comparison`` is shown.
    report_written(object): the PDF's ``Path``.
"""

from __future__ import annotations

import re
from pathlib import Path

from PySide6.QtCore import QRectF, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont, QPainter, QPen
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.assessment.model import Status
from app.paths import reports_dir
from app.ui import errors
from app.ui.background import BackgroundTask
from app.ui.i18n import language, tr
from app.ui.labels import plain_label
from app.ui.models import REVERIFY_COLOR, REVERIFY_MARK, fmt_percent

UP, DOWN = QColor("#2e7d32"), QColor("#c62828")
UP_BG, DOWN_BG = QColor("#e8f5e9"), QColor("#ffebee")
OUTCOME_COLORS = {
    "closed": QColor("#2e7d32"),
    "still_open": QColor("#b26a00"),
    "regressed": QColor("#c62828"),
    "new_gap": QColor("#c62828"),
    "unchanged": QColor("#607d8b"),
}
BEFORE_BAR, AFTER_BAR = QColor("#b0b8c4"), QColor("#2a9d8f")
CHANGE_OUTCOMES = ("closed", "still_open", "regressed", "new_gap")


def fmt_delta(delta: float | None) -> str:
    """'▲ +5.0' / '▼ −3.0' / '0.0' / an en dash."""
    if delta is None:
        return "–"
    if delta > 0:
        return f"▲ +{delta:.1f}"
    if delta < 0:
        return f"▼ {delta:.1f}"
    return "0.0"


def _cell(text: str, fg: QColor | None = None, bg: QColor | None = None, tip: str = "") -> QTableWidgetItem:
    it = QTableWidgetItem(text)
    it.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
    if fg is not None:
        it.setForeground(QBrush(fg))
    if bg is not None:
        it.setBackground(QBrush(bg))
    if tip:
        it.setToolTip(tip)
    return it


def _table(headers: list[str]) -> QTableWidget:
    t = QTableWidget(0, len(headers))
    t.setHorizontalHeaderLabels(headers)
    t.verticalHeader().setVisible(False)
    t.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    t.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    t.setWordWrap(False)
    t.setAlternatingRowColors(True)
    hh = t.horizontalHeader()
    for c in range(len(headers)):
        hh.setSectionResizeMode(c, QHeaderView.ResizeMode.ResizeToContents)
    return t


def default_report_path(comparison, lang: str) -> Path:
    """``<reports dir>/<lab>-followup-<before>-<after>-<lang>.pdf``."""
    name = re.sub(r'[\\/:*?"<>|\s]+', "_", comparison.lab_name)[:60].strip("_") or "lab"
    b, a = comparison.before.assessed_on.isoformat(), comparison.after.assessed_on.isoformat()
    return reports_dir() / f"{name}-followup-{b}-{a}-{lang}.pdf"


class ClauseBars(QWidget):
    """Paired bars per clause: before (grey) and after (teal), with the coloured change."""

    ROW_H = 22
    LABEL_W = 44
    DELTA_W = 64

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.clauses: list = []
        self.setMinimumWidth(260)

    def set_clauses(self, clauses) -> None:
        """Show ``ClauseDelta`` rows."""
        self.clauses = list(clauses)
        self.setMinimumHeight(self.ROW_H * len(self.clauses) + 34)
        self.update()

    def paintEvent(self, _event) -> None:  # noqa: N802 - Qt API
        p = QPainter(self)
        p.fillRect(self.rect(), QColor("white"))
        x0 = self.LABEL_W
        span = max(self.width() - x0 - self.DELTA_W - 8, 40)
        fm = p.fontMetrics()
        # legend
        y = 6
        for color, key in ((BEFORE_BAR, "cmp.before"), (AFTER_BAR, "cmp.after")):
            p.fillRect(QRectF(x0, y + 3, 12, 8), color)
            p.setPen(QPen(QColor("#333")))
            p.drawText(int(x0 + 16), y + 11, tr(key))
            x0 += 24 + fm.horizontalAdvance(tr(key))
        x0 = self.LABEL_W
        y = 26
        p.setPen(QPen(QColor("#e0e0e0")))
        for pct in (50, 100):
            x = x0 + span * pct / 100
            p.drawLine(int(x), y - 4, int(x), y + self.ROW_H * len(self.clauses))
        for c in self.clauses:
            p.setPen(QPen(QColor("#333")))
            p.drawText(4, y + 14, c.clause)
            if c.before is not None:
                p.fillRect(QRectF(x0, y + 3, span * c.before / 100, 7), BEFORE_BAR)
            if c.after is not None:
                p.fillRect(QRectF(x0, y + 11, span * c.after / 100, 7), AFTER_BAR)
            d = c.delta
            if d:
                p.setPen(QPen(UP if d > 0 else DOWN))
                p.drawText(int(x0 + span + 8), y + 15, fmt_delta(d))
            y += self.ROW_H
        p.end()


class CompareDialog(QDialog):
    """See the module docstring."""

    compared = Signal(object)
    report_written = Signal(object)

    def __init__(self, parent: QWidget | None, services, current, assessments):
        super().__init__(parent)
        self.services = services
        self.comparison = None
        self.task: BackgroundTask | None = None
        self.setObjectName("compare_dialog")
        self.setWindowTitle(tr("cmp.title", lab=current.lab_name))
        lang = language()
        ordered = sorted(assessments, key=lambda s: (s.assessed_on, s.id), reverse=True)
        lay = QVBoxLayout(self)
        pick = QHBoxLayout()
        self.before_box, self.after_box = QComboBox(), QComboBox()
        for box in (self.before_box, self.after_box):
            for s in ordered:
                box.addItem(f"#{s.id} · {s.assessed_on.isoformat()} · {s.title or ''}".rstrip(" ·"), s.id)
        pick.addWidget(QLabel(tr("cmp.before")))
        pick.addWidget(self.before_box, 1)
        pick.addWidget(QLabel("→"))
        pick.addWidget(QLabel(tr("cmp.after")))
        pick.addWidget(self.after_box, 1)
        lay.addLayout(pick)

        self.headline = plain_label()
        f = self.headline.font()
        f.setPointSizeF(f.pointSizeF() * 1.35)
        f.setBold(True)
        self.headline.setFont(f)
        lay.addWidget(self.headline)
        self.counts = plain_label(wrap=True)
        lay.addWidget(self.counts)
        self.problem = plain_label()
        self.problem.setStyleSheet("color: #c62828")
        self.problem.setVisible(False)
        lay.addWidget(self.problem)

        self.tabs = QTabWidget()
        self.clause_table = _table(
            [tr(k) for k in ("cmp.col.clause", "cmp.col.title", "cmp.col.before", "cmp.col.after", "cmp.col.delta")]
        )
        self.clause_table.verticalHeader().setDefaultSectionSize(24)
        self.clause_bars = ClauseBars()
        bars_scroll = QScrollArea()
        bars_scroll.setWidgetResizable(True)
        bars_scroll.setWidget(self.clause_bars)
        clause_split = QSplitter(Qt.Orientation.Horizontal)
        clause_split.addWidget(self.clause_table)
        clause_split.addWidget(bars_scroll)
        self.clause_table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        clause_split.setSizes([620, 480])
        self.tabs.addTab(clause_split, tr("cmp.tab.clauses"))
        items_page = QWidget()
        iv = QVBoxLayout(items_page)
        iv.setContentsMargins(0, 4, 0, 0)
        self.outcome_filter = QComboBox()
        self.outcome_filter.addItem(tr("cmp.filter.changes"), "changes")
        from app.services.followup import OUTCOME_LABELS, OUTCOMES

        self._outcome_labels = OUTCOME_LABELS
        for o in OUTCOMES:
            if o != "unchanged":
                self.outcome_filter.addItem(OUTCOME_LABELS[o].get(lang), o)
        self.outcome_filter.addItem(tr("cmp.filter.all"), "all")
        fl = QHBoxLayout()
        fl.addWidget(QLabel(tr("iv.filter")))
        fl.addWidget(self.outcome_filter)
        fl.addStretch(1)
        iv.addLayout(fl)
        self.item_table = _table(
            [
                tr(k)
                for k in (
                    "cmp.col.outcome",
                    "cmp.col.item",
                    "cmp.col.clause",
                    "cmp.col.before",
                    "cmp.col.after",
                    "cmp.col.text",
                )
            ]
        )
        self.item_table.horizontalHeader().setSectionResizeMode(5, QHeaderView.ResizeMode.Stretch)
        self.item_table.verticalHeader().setDefaultSectionSize(24)
        iv.addWidget(self.item_table, 1)
        self.tabs.addTab(items_page, tr("cmp.tab.items"))
        self.overdue_table = _table(
            [tr(k) for k in ("cmp.col.action", "cmp.col.owner", "cmp.col.due", "cmp.col.days", "cmp.col.status")]
        )
        self.overdue_table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.overdue_table.verticalHeader().setDefaultSectionSize(24)
        self.tabs.addTab(self.overdue_table, tr("cmp.tab.overdue"))
        lay.addWidget(self.tabs, 1)

        bottom = QHBoxLayout()
        bottom.addWidget(QLabel(tr("exp.language")))
        self.report_lang = QComboBox()
        self.report_lang.addItem(tr("exp.lang.zh"), "zh")
        self.report_lang.addItem(tr("exp.lang.en"), "en")
        self.report_lang.setCurrentIndex(0 if lang == "zh" else 1)
        bottom.addWidget(self.report_lang)
        self.pdf_button = QPushButton(tr("cmp.pdf"))
        self.pdf_button.clicked.connect(lambda: self.write_pdf())
        bottom.addWidget(self.pdf_button)
        bottom.addStretch(1)
        box = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)  # Qt's own, translated text
        box.rejected.connect(self.close)
        self.close_button = box.button(QDialogButtonBox.StandardButton.Close)
        bottom.addWidget(box)
        lay.addLayout(bottom)

        before_id, after_id = self.default_pair(current, ordered)
        self.before_box.setCurrentIndex(self.before_box.findData(before_id))
        self.after_box.setCurrentIndex(self.after_box.findData(after_id))
        self.before_box.currentIndexChanged.connect(lambda _i: self.refresh())
        self.after_box.currentIndexChanged.connect(lambda _i: self.refresh())
        self.outcome_filter.currentIndexChanged.connect(lambda _i: self._fill_items())
        self.resize(1100, 700)
        self.refresh()

    # -- choosing ------------------------------------------------------------------------------
    @staticmethod
    def default_pair(current, ordered) -> tuple[int, int]:
        """(before, after): the open one and the one it follows, else the one just before it
        (or just after it, for the first assessment of the lab)."""
        ids = [s.id for s in ordered]
        if current.follows_id in ids:
            return current.follows_id, current.id
        chron = list(reversed(ordered))
        pos = next(i for i, s in enumerate(chron) if s.id == current.id)
        if pos > 0:
            return chron[pos - 1].id, current.id
        return current.id, chron[min(1, len(chron) - 1)].id

    def selected_ids(self) -> tuple[int, int]:
        """(before, after) as chosen in the boxes."""
        return self.before_box.currentData(), self.after_box.currentData()

    # -- showing -------------------------------------------------------------------------------
    def refresh(self):
        """Compare the chosen assessments and fill every table."""
        a, b = self.selected_ids()
        if a == b:
            self._show_problem(tr("cmp.same"))
            return None
        try:
            c = self.services.followups.compare(a, b)
        except Exception as exc:  # noqa: BLE001
            self._show_problem(str(exc))
            errors.report(self, exc)
            return None
        self.problem.setVisible(False)
        self.pdf_button.setEnabled(True)
        self.comparison = c
        self.headline.setText(
            tr(
                "cmp.readiness",
                before=fmt_percent(c.readiness_before),
                after=fmt_percent(c.readiness_after),
                delta=fmt_delta(c.readiness_delta),
            )
        )
        d = c.readiness_delta
        self.headline.setStyleSheet(f"color: {(UP if d and d > 0 else DOWN if d and d < 0 else QColor('#333')).name()}")
        self.counts.setText(
            tr(
                "cmp.counts",
                closed=len(c.of("closed")),
                open=len(c.of("still_open")),
                regressed=len(c.of("regressed")),
                new=len(c.of("new_gap")),
                pending=c.pending,
                overdue=len(c.overdue),
            )
        )
        self._fill_clauses()
        self._fill_items()
        self._fill_overdue()
        self.compared.emit(c)
        return c

    def _show_problem(self, text: str) -> None:
        self.comparison = None
        self.problem.setText(text)
        self.problem.setVisible(True)
        self.pdf_button.setEnabled(False)
        self.headline.setText("")
        self.counts.setText("")
        for t in (self.clause_table, self.item_table, self.overdue_table):
            t.setRowCount(0)

    def _fill_clauses(self) -> None:
        lang = language()
        rows = self.comparison.clauses
        self.clause_bars.set_clauses(rows)
        t = self.clause_table
        t.setRowCount(len(rows))
        for r, cd in enumerate(rows):
            delta = cd.delta
            fg = UP if delta and delta > 0 else DOWN if delta and delta < 0 else None
            bg = UP_BG if delta and delta > 0 else DOWN_BG if delta and delta < 0 else None
            values = (cd.clause, cd.title.get(lang), fmt_percent(cd.before), fmt_percent(cd.after))
            for col, v in enumerate(values):
                t.setItem(r, col, _cell(v))
            t.setItem(r, 4, _cell(fmt_delta(delta), fg, bg))
            for col in (2, 3, 4):
                t.item(r, col).setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)

    def visible_outcomes(self) -> list:
        """The item outcomes passing the outcome filter."""
        if self.comparison is None:
            return []
        flt = self.outcome_filter.currentData()
        rows = self.comparison.outcomes
        if flt == "changes":
            return [o for o in rows if o.outcome in CHANGE_OUTCOMES]
        if flt == "all":
            return list(rows)
        return [o for o in rows if o.outcome == flt]

    def _fill_items(self) -> None:
        lang = language()
        rows = self.visible_outcomes()
        t = self.item_table
        t.setRowCount(len(rows))

        def label(status):
            return Status(status).label(lang) if status else tr("iv.no_answer")

        for r, o in enumerate(rows):
            color = OUTCOME_COLORS.get(o.outcome)
            t.setItem(r, 0, _cell(self._outcome_labels[o.outcome].get(lang), color))
            if o.outcome in ("regressed", "new_gap"):
                f = QFont(t.font())
                f.setBold(True)
                t.item(r, 0).setFont(f)
            item = _cell(
                o.item_id + (f" {REVERIFY_MARK}" if o.pending else ""),
                REVERIFY_COLOR if o.pending else None,
                tip=tr("cmp.pending") if o.pending else "",
            )
            item.setData(Qt.ItemDataRole.UserRole, o.item_id)
            t.setItem(r, 1, item)
            t.setItem(r, 2, _cell(o.clause))
            t.setItem(r, 3, _cell(label(o.before)))
            t.setItem(r, 4, _cell(label(o.after)))
            t.setItem(
                r, 5, _cell(o.text.get(lang), tip=o.text.get(lang) + (f"\n{o.note_after}" if o.note_after else ""))
            )

    def _fill_overdue(self) -> None:
        from app.ui.plan_view import status_label

        lang = language()
        rows = self.comparison.overdue
        t = self.overdue_table
        t.setRowCount(len(rows))
        for r, a in enumerate(rows):
            t.setItem(r, 0, _cell(a.text.get(lang), tip=a.text.get(lang)))
            t.setItem(r, 1, _cell(a.owner))
            t.setItem(r, 2, _cell(a.due_date.isoformat()))
            t.setItem(r, 3, _cell(str(a.days_overdue), DOWN))
            t.setItem(r, 4, _cell(status_label(a.status)))

    # -- the PDF -------------------------------------------------------------------------------
    def write_pdf(self, out: Path | None = None) -> BackgroundTask | None:
        """Write the follow-up report (PDF) in the background; asks for the file unless given."""
        if self.comparison is None:
            return None
        lang = self.report_lang.currentData()
        if out is None:
            path, _f = QFileDialog.getSaveFileName(
                self, tr("cmp.pdf_title"), str(default_report_path(self.comparison, lang)), "PDF (*.pdf)"
            )
            if not path:
                return None
            out = Path(path)
        if out.suffix.lower() != ".pdf":
            out = out.with_name(out.name + ".pdf")
        before, after = self.comparison.before.id, self.comparison.after.id
        services = self.services
        self.task = BackgroundTask(
            self,
            tr("exp.running", name=out.name),
            lambda _progress: services.followups.write_report(before, after, out, lang),
            title=tr("cmp.pdf_title"),
        )
        self.task.finished.connect(self._on_pdf_written)
        self.task.failed.connect(lambda exc: errors.report(self, exc))
        return self.task.start()

    def _on_pdf_written(self, path) -> None:
        self.report_written.emit(Path(path))
        from app.ui.export import ExportController

        box = QMessageBox(
            QMessageBox.Icon.Information,
            tr("exp.done_title"),
            tr("exp.done", path=str(path)),
            QMessageBox.StandardButton.Close,
            self,
        )
        open_file = box.addButton(tr("exp.open_file"), QMessageBox.ButtonRole.AcceptRole)
        open_folder = box.addButton(tr("exp.open_folder"), QMessageBox.ButtonRole.ActionRole)
        ExportController.ask_open(box)
        from app.ui.evidence_view import open_with_system

        if box.clickedButton() is open_file:
            open_with_system(Path(path))
        elif box.clickedButton() is open_folder:
            open_with_system(Path(path).parent)
        box.deleteLater()

    # -- opening -------------------------------------------------------------------------------
    @classmethod
    def open_for(cls, parent: QWidget, services, current) -> CompareDialog | None:
        """Show the comparison for the lab of ``current`` (non-modal); None if there is nothing to compare."""
        try:
            labs = services.assessments.list(current.lab_id, with_scores=False)
        except Exception as exc:  # noqa: BLE001
            errors.report(parent, exc)
            return None
        if len(labs) < 2:
            errors.show_message(parent, "information", tr("act.compare"), tr("cmp.only_one"))
            return None
        dlg = cls(parent, services, current, labs)
        dlg.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dlg.show()
        return dlg

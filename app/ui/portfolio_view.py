"""Common problems across labs: a self-contained widget over a Services object.

Cohort filters (industry, size, threshold, latest per lab), a table of items ranked by the number of
labs with a gap, a clause table, the recommended group training, and a labs × clauses heat map.
The ranking runs on a worker thread (``QThreadPool``) so the window never freezes; results come back
through the ``loaded`` signal.  Labs are pseudonyms unless "show lab names" is ticked.

Signals:
    loaded(int): the ranking finished; the number of labs pooled.
    failed(object): an exception for the error dialog.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, QRectF, QRunnable, QSize, Qt, QThreadPool, Signal
from PySide6.QtGui import QColor, QPainter, QPen
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.ui.i18n import language
from app.ui.labels import plain_label

_T = {
    "industry": ("行业", "Industry"),
    "size": ("规模", "Size"),
    "all": ("全部", "All"),
    "threshold": ("阈值 %", "Threshold %"),
    "latest": ("每个实验室只取最新评估", "Latest assessment per lab"),
    "names": ("显示实验室名称", "Show lab names"),
    "refresh": ("统计", "Rank"),
    "busy": ("正在统计…", "Ranking…"),
    "summary": ("{labs} 个实验室，{n} 个条目达到阈值", "{labs} labs, {n} items at or above the threshold"),
    "none": ("没有符合条件的评估", "No assessment matches the filters"),
    "training": ("建议的集中培训", "Recommended group training"),
    "col_item": ("条目", "Item"),
    "col_clause": ("条款", "Clause"),
    "col_pct": ("比例 %", "Share %"),
    "col_gap": ("差距实验室", "Labs with gap"),
    "col_labs": ("适用实验室", "Labs"),
    "col_text": ("内容", "Text"),
    "col_title": ("名称", "Title"),
}
INDUSTRIES = ("appliance", "lighting", "other")
SIZES = ("micro", "small", "medium")


def t(key: str, **values) -> str:
    """This widget's strings in the current UI language."""
    zh, en = _T[key]
    text = zh if language() == "zh" else en
    return text.format(**values) if values else text


def heat_color(v: float | None) -> QColor:
    """White (no gap) -> amber -> red; light grey when the lab did not assess the clause."""
    if v is None:
        return QColor("#EEEEEE")
    v = max(0.0, min(1.0, v))
    if v < 0.5:
        f = v / 0.5
        return QColor.fromRgbF(1.0, 1.0 - 0.25 * f, 1.0 - 0.8 * f)
    f = (v - 0.5) / 0.5
    return QColor.fromRgbF(1.0 - 0.15 * f, 0.75 - 0.55 * f, 0.2 - 0.1 * f)


class HeatMapWidget(QWidget):
    """Paints a ``HeatMap`` DTO: labs down, clauses across."""

    LABEL_W = 110
    HEADER_H = 22
    CELL_H = 16

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.heat = None
        self.setMinimumHeight(80)

    def set_heatmap(self, heat) -> None:
        """Show ``heat`` (None clears)."""
        self.heat = heat
        self.updateGeometry()
        self.update()

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt API
        rows = len(self.heat.labs) if self.heat else 3
        return QSize(600, self.HEADER_H + rows * self.CELL_H + 4)

    def cell_at(self, x: float, y: float) -> tuple[str, str] | None:
        """(lab, clause) under a point, or None."""
        if not self.heat or not self.heat.clauses:
            return None
        cw = (self.width() - self.LABEL_W) / len(self.heat.clauses)
        col = int((x - self.LABEL_W) // cw) if x >= self.LABEL_W else -1
        row = int((y - self.HEADER_H) // self.CELL_H) if y >= self.HEADER_H else -1
        if 0 <= row < len(self.heat.labs) and 0 <= col < len(self.heat.clauses):
            return self.heat.labs[row], self.heat.clauses[col]
        return None

    def paintEvent(self, _event) -> None:  # noqa: N802 - Qt API
        p = QPainter(self)
        try:
            p.fillRect(self.rect(), QColor("white"))
            if not self.heat or not self.heat.clauses:
                return
            cw = (self.width() - self.LABEL_W) / len(self.heat.clauses)
            font = p.font()
            font.setPointSizeF(7.0)
            p.setFont(font)
            p.setPen(QPen(QColor("#333333")))
            for j, cl in enumerate(self.heat.clauses):
                p.drawText(QRectF(self.LABEL_W + j * cw, 0, cw, self.HEADER_H), Qt.AlignmentFlag.AlignCenter, cl)
            for i, lab in enumerate(self.heat.labs):
                y = self.HEADER_H + i * self.CELL_H
                p.setPen(QPen(QColor("#333333")))
                p.drawText(
                    QRectF(0, y, self.LABEL_W - 4, self.CELL_H),
                    Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                    lab[:18],
                )
                for j, v in enumerate(self.heat.values[i]):
                    p.fillRect(QRectF(self.LABEL_W + j * cw + 0.5, y + 0.5, cw - 1, self.CELL_H - 1), heat_color(v))
        finally:
            p.end()


class _Signals(QObject):
    done = Signal(object)
    error = Signal(object)


class _RankJob(QRunnable):
    def __init__(self, services, cohort, threshold: float, show_labs: bool):
        super().__init__()
        self.services, self.cohort, self.threshold, self.show_labs = services, cohort, threshold, show_labs
        self.signals = _Signals()

    def run(self) -> None:
        try:
            pf = self.services.portfolio
            result = pf.rank(self.cohort, threshold=self.threshold)
            heat = pf.heatmap(self.cohort, show_labs=self.show_labs)
            self.signals.done.emit((result, heat))
        except Exception as exc:  # noqa: BLE001 - shown by the error dialog
            self.signals.error.emit(exc)


class PortfolioView(QWidget):
    """Ranked common gaps across labs, with filters and a heat map."""

    loaded = Signal(int)
    failed = Signal(object)

    def __init__(self, services, parent: QWidget | None = None):
        super().__init__(parent)
        self.services = services
        self.result = None
        self.heat = None
        self._jobs: list[_RankJob] = []
        self.industry = QComboBox()
        self.size = QComboBox()
        for box, values in ((self.industry, INDUSTRIES), (self.size, SIZES)):
            box.addItem(t("all"), None)
            for v in values:
                box.addItem(v, v)
        self.threshold = QDoubleSpinBox()
        self.threshold.setRange(0, 100)
        self.threshold.setDecimals(0)
        self.latest = QCheckBox(t("latest"))
        self.latest.setChecked(True)
        self.show_names = QCheckBox(t("names"))
        self.refresh_button = QPushButton(t("refresh"))
        self.refresh_button.clicked.connect(self.refresh)
        self.status = plain_label()
        # two short rows, so the view never forces the main window wider than it is
        bar = QHBoxLayout()
        for w in (
            QLabel(t("industry")),
            self.industry,
            QLabel(t("size")),
            self.size,
            QLabel(t("threshold")),
            self.threshold,
            self.refresh_button,
        ):
            bar.addWidget(w)
        bar.addStretch(1)
        bar2 = QHBoxLayout()
        bar2.addWidget(self.latest)
        bar2.addWidget(self.show_names)
        bar2.addStretch(1)
        self.items = self._table(
            [t("col_item"), t("col_clause"), t("col_pct"), t("col_gap"), t("col_labs"), t("col_text")]
        )
        self.clauses = self._table([t("col_clause"), t("col_title"), t("col_pct"), t("col_gap"), t("col_labs")])
        self.training = plain_label(wrap=True)
        self.training.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.heatmap = HeatMapWidget()
        self.items.setMinimumWidth(120)
        self.clauses.setMinimumWidth(120)
        split = QSplitter(Qt.Orientation.Vertical)
        top = QSplitter(Qt.Orientation.Horizontal)
        top.addWidget(self.items)
        top.addWidget(self.clauses)
        split.addWidget(top)
        split.addWidget(self.heatmap)
        lay = QVBoxLayout(self)
        lay.addLayout(bar)
        lay.addLayout(bar2)
        lay.addWidget(self.status)
        # the recommendations can be long: scroll them, so the tables and the heat map keep their room
        self.training_scroll = QScrollArea()
        self.training_scroll.setWidgetResizable(True)
        self.training_scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.training_scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.training_scroll.setMaximumHeight(130)
        self.training_scroll.setWidget(self.training)
        lay.addWidget(self.training_scroll)
        lay.addWidget(split, 1)

    @staticmethod
    def _table(headers: list[str]) -> QTableWidget:
        tb = QTableWidget(0, len(headers))
        tb.setHorizontalHeaderLabels(headers)
        tb.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        tb.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        tb.horizontalHeader().setSectionResizeMode(len(headers) - 1, QHeaderView.ResizeMode.Stretch)
        tb.verticalHeader().setVisible(False)
        return tb

    def cohort(self):
        """The cohort chosen in the filter bar."""
        return self.services.portfolio.make_cohort(
            industry=self.industry.currentData(), size=self.size.currentData(), latest_only=self.latest.isChecked()
        )

    def refresh(self) -> None:
        """Rank on a worker thread; ``loaded`` (or ``failed``) fires when done."""
        self.refresh_button.setEnabled(False)
        self.status.setText(t("busy"))
        job = _RankJob(self.services, self.cohort(), float(self.threshold.value()), self.show_names.isChecked())
        job.signals.done.connect(self._show)
        job.signals.error.connect(self._error)
        self._jobs.append(job)  # keep the signals object alive until it reports
        QThreadPool.globalInstance().start(job)

    def _error(self, exc) -> None:
        self._jobs.clear()
        self.refresh_button.setEnabled(True)
        self.status.setText("")
        self.failed.emit(exc)

    def _show(self, payload) -> None:
        self._jobs.clear()
        self.result, self.heat = payload
        r = self.result
        lang = language()
        self.refresh_button.setEnabled(True)
        self.status.setText(t("summary", labs=r.labs, n=len(r.items)) if r.assessments else t("none"))
        self.items.setRowCount(len(r.items))
        for i, x in enumerate(r.items):
            for j, v in enumerate(
                (x.item_id, x.clause, f"{x.percent:.1f}", x.labs_gap, x.labs_applicable, x.text.get(lang))
            ):
                cell = QTableWidgetItem(str(v))
                if j == 2:
                    cell.setBackground(heat_color(x.percent / 100.0))
                self.items.setItem(i, j, cell)
        self.clauses.setRowCount(len(r.clauses))
        for i, c in enumerate(r.clauses):
            for j, v in enumerate((c.clause, c.title.get(lang), f"{c.percent:.1f}", c.labs_gap, c.labs_applicable)):
                self.clauses.setItem(i, j, QTableWidgetItem(str(v)))
        lines = [f"• {tr.message(lang)}" for tr in r.training]
        self.training.setText(t("training") + "：\n" + "\n".join(lines) if lines else "")
        self.heatmap.set_heatmap(self.heat)
        self.loaded.emit(r.labs)

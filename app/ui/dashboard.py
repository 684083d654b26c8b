"""The dashboard: readiness band and %, gates G1–G10, clause radar and per-clause bars, gaps.

pyqtgraph is imported the first time the charts are shown, so start-up does not pay for it.  The
dashboard follows the session live; while hidden it only marks itself stale and catches up when
shown.

Signals:
    item_requested(str): the user clicked a gap (go to that item).
    clause_requested(str): the user clicked a clause bar (go to its items).
"""

from __future__ import annotations

import math

from PySide6.QtCore import QPointF, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QPen, QPolygonF
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QGraphicsPolygonItem,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.ui.i18n import language, tr
from app.ui.models import ID_ROLE, GapsModel, GatesModel, fmt_percent

BAND_COLORS = {"ready": "#2e7d32", "nearly_ready": "#558b2f", "building": "#ef6c00", "starting": "#c62828"}


def score_color(score: float | None) -> QColor:
    """Bar colour for a clause score 0..1 (grey when not scored)."""
    if score is None:
        return QColor("#bdbdbd")
    if score >= 0.9:
        return QColor("#2e7d32")
    if score >= 0.75:
        return QColor("#7cb342")
    if score >= 0.55:
        return QColor("#f9a825")
    return QColor("#e53935")


class DashboardWidget(QWidget):
    """See the module docstring."""

    item_requested = Signal(str)
    clause_requested = Signal(str)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.view = None
        self._stale = False
        self._charts_built = False
        self._clause_keys: list[str] = []
        self._band_color = ""  # the colour the readiness labels were last styled with
        self.refresh_count = 0
        # set by the main window when it restores this tab at start-up: the first showing paints the
        # figures at once and draws the charts (pyqtgraph's import, ~0.3 s) right after the first paint
        self.defer_charts_once = False
        self._build()

    def _build(self) -> None:
        outer = QVBoxLayout(self)
        top = QHBoxLayout()
        card = QFrame()
        card.setFrameShape(QFrame.Shape.StyledPanel)
        cv = QVBoxLayout(card)
        self.readiness_title = QLabel(tr("db.readiness"))
        cv.addWidget(self.readiness_title)
        self.percent = QLabel("–")
        f = self.percent.font()
        f.setPointSizeF(f.pointSizeF() * 3.0)
        f.setBold(True)
        self.percent.setFont(f)
        cv.addWidget(self.percent)
        self.band = QLabel("")
        fb = self.band.font()
        fb.setPointSizeF(fb.pointSizeF() * 1.4)
        fb.setBold(True)
        self.band.setFont(fb)
        cv.addWidget(self.band)
        self.progress = QLabel("")
        self.progress.setWordWrap(True)
        cv.addWidget(self.progress)
        self.earliest = QLabel("")
        self.earliest.setWordWrap(True)
        cv.addWidget(self.earliest)
        cv.addStretch(1)
        card.setMinimumWidth(230)
        card.setMaximumWidth(300)
        top.addWidget(card)

        gates_box = QGroupBox(tr("db.gates"))
        gl = QVBoxLayout(gates_box)
        self.gates_model = GatesModel(self)
        self.gates = QTableView()
        self.gates.setModel(self.gates_model)
        self.gates.verticalHeader().setVisible(False)
        self.gates.verticalHeader().setDefaultSectionSize(22)
        self.gates.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.gates.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.gates.setWordWrap(False)
        gh = self.gates.horizontalHeader()
        gh.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        gh.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        gh.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        gh.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        gl.addWidget(self.gates)
        self.no_gates = QLabel(tr("db.no_gates"))
        self.no_gates.setVisible(False)
        gl.addWidget(self.no_gates)
        top.addWidget(gates_box, 1)

        splitter = QSplitter(Qt.Orientation.Vertical)
        topw = QWidget()
        topw.setLayout(top)
        top.setContentsMargins(0, 0, 0, 0)
        splitter.addWidget(topw)

        charts = QWidget()
        self.charts_layout = QGridLayout(charts)
        self.charts_layout.setContentsMargins(0, 0, 0, 0)
        self.radar_box = QGroupBox(tr("db.radar"))
        QVBoxLayout(self.radar_box)
        self.bars_box = QGroupBox(tr("db.bars"))
        QVBoxLayout(self.bars_box)
        self.charts_layout.addWidget(self.radar_box, 0, 0)
        self.charts_layout.addWidget(self.bars_box, 0, 1)
        self.charts_layout.setColumnStretch(0, 2)
        self.charts_layout.setColumnStretch(1, 3)
        splitter.addWidget(charts)

        gaps_box = QGroupBox(tr("db.critical"))
        gv = QVBoxLayout(gaps_box)
        self.gaps_model = GapsModel(self)
        self.gaps = QTableView()
        self.gaps.setModel(self.gaps_model)
        self.gaps.verticalHeader().setVisible(False)
        self.gaps.verticalHeader().setDefaultSectionSize(22)
        self.gaps.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.gaps.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.gaps.setWordWrap(False)
        hh = self.gaps.horizontalHeader()
        for c in range(3):
            hh.setSectionResizeMode(c, QHeaderView.ResizeMode.ResizeToContents)
        hh.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.gaps.activated.connect(self._on_gap_activated)
        self.gaps.doubleClicked.connect(self._on_gap_activated)
        gv.addWidget(self.gaps)
        splitter.addWidget(gaps_box)
        splitter.setStretchFactor(0, 2)
        splitter.setStretchFactor(1, 4)
        splitter.setStretchFactor(2, 2)
        outer.addWidget(splitter)

    # -- charts (lazy) -------------------------------------------------------------------------
    def _ensure_charts(self) -> None:
        if self._charts_built:
            return
        import pyqtgraph as pg

        pg.setConfigOptions(antialias=True, background="w", foreground="#333")
        self._pg = pg
        # radar
        self.radar = pg.PlotWidget()
        self.radar.setMenuEnabled(False)
        self.radar.hideButtons()
        pi = self.radar.getPlotItem()
        pi.hideAxis("left")
        pi.hideAxis("bottom")
        pi.setMouseEnabled(False, False)
        pi.setAspectLocked(True)
        self.radar.setMinimumSize(260, 240)
        self.radar_box.layout().addWidget(self.radar)
        self._radar_n = 0
        self._radar_curve = None
        # bars
        self.bars = pg.PlotWidget()
        self.bars.setMenuEnabled(False)
        self.bars.hideButtons()
        bp = self.bars.getPlotItem()
        bp.setMouseEnabled(False, False)
        bp.setYRange(0, 104, padding=0)
        bp.getAxis("left").setLabel("%")
        bp.showGrid(x=False, y=True, alpha=0.25)
        self.bar_item = pg.BarGraphItem(x=[], height=[], width=0.7, brushes=[])
        bp.addItem(self.bar_item)
        self.bars.setMinimumSize(320, 240)
        self.bars.scene().sigMouseClicked.connect(self._on_bars_clicked)
        self.bars_box.layout().addWidget(self.bars)
        self._charts_built = True

    def _draw_radar_frame(self, keys: list[str]) -> None:
        pg = self._pg
        pi = self.radar.getPlotItem()
        pi.clear()
        n = len(keys)
        self._radar_n = n
        angles = [math.pi / 2 - 2 * math.pi * i / n for i in range(n)]
        self._angles = angles
        grid_pen = pg.mkPen("#cfcfcf", width=1)
        for r in (0.25, 0.5, 0.75, 1.0):
            xs = [r * math.cos(a) for a in angles] + [r * math.cos(angles[0])]
            ys = [r * math.sin(a) for a in angles] + [r * math.sin(angles[0])]
            pi.plot(xs, ys, pen=grid_pen)
        for a in angles:
            pi.plot([0, math.cos(a)], [0, math.sin(a)], pen=grid_pen)
        for key, a in zip(keys, angles):
            t = pg.TextItem(key, color="#444", anchor=(0.5, 0.5))
            t.setPos(1.13 * math.cos(a), 1.13 * math.sin(a))
            pi.addItem(t)
        self._radar_curve = pi.plot(
            [], [], pen=pg.mkPen("#1565c0", width=2), symbol="o", symbolSize=4, symbolBrush="#1565c0"
        )
        self._radar_fill = QGraphicsPolygonItem()
        self._radar_fill.setBrush(QColor(21, 101, 192, 60))
        self._radar_fill.setPen(QPen(Qt.PenStyle.NoPen))
        pi.addItem(self._radar_fill)
        pi.setXRange(-1.3, 1.3, padding=0)
        pi.setYRange(-1.25, 1.25, padding=0)

    def _update_charts(self, view) -> None:
        self._ensure_charts()
        clauses = [c for c in view.score.clauses if c.applicable]
        keys = [c.key for c in clauses]
        if keys != self._clause_keys or self._radar_n != len(keys):
            self._clause_keys = keys
            if keys:
                self._draw_radar_frame(keys)
            ax = self.bars.getPlotItem().getAxis("bottom")
            # every other clause labelled (29 labels do not fit); the tooltip lists all of them
            ax.setTicks([[(i, k) for i, k in enumerate(keys) if i % 2 == 0], [(i, "") for i in range(len(keys))]])
            self.bars.getPlotItem().setXRange(-0.6, max(len(keys) - 0.4, 0.6), padding=0)
        if keys:
            vals = [c.score or 0.0 for c in clauses]
            xs = [v * math.cos(a) for v, a in zip(vals, self._angles)]
            ys = [v * math.sin(a) for v, a in zip(vals, self._angles)]
            self._radar_curve.setData(xs + xs[:1], ys + ys[:1])
            self._radar_fill.setPolygon(QPolygonF([QPointF(x, y) for x, y in zip(xs, ys)]))
        heights = [(c.score or 0.0) * 100 for c in clauses]
        self.bar_item.setOpts(
            x=list(range(len(clauses))),
            height=heights,
            width=0.7,
            brushes=[score_color(c.score) for c in clauses],
            pens=[None] * len(clauses),
        )
        self.bars.setToolTip("\n".join(f"{c.key} {c.title.get(language())}: {fmt_percent(c.percent)}" for c in clauses))

    # -- data ----------------------------------------------------------------------------------
    def set_view(self, view, force: bool = False) -> None:
        """Show a scored assessment; while hidden only remember it (unless ``force``)."""
        self.view = view
        if view is None:
            self._clear()
            return
        if not force and not self.isVisible():
            self._stale = True
            return
        self._render(view)

    def _clear(self) -> None:
        self.percent.setText("–")
        self.band.setText("")
        self.progress.setText("")
        self.earliest.setText("")
        self.gates_model.set_rows([])
        self.gaps_model.set_rows([])

    def _render(self, view, charts: bool = True) -> None:
        self._stale = False
        self.refresh_count += 1
        lang = language()
        self.percent.setText(fmt_percent(view.score.readiness) if view.score.readiness is not None else "–")
        color = BAND_COLORS.get(view.band, "#333")
        if color != self._band_color:  # a style sheet re-polishes the label: only when the band changes
            self._band_color = color
            self.percent.setStyleSheet(f"color: {color}")
            self.band.setStyleSheet(f"color: {color}")
        self.band.setText(view.band_label.get(lang) if view.score.readiness is not None else tr("db.not_scored"))
        p = view.score.progress
        self.progress.setText(
            tr("db.progress", answered=p.answered, applicable=p.applicable, percent=f"{p.percent:.0f}")
        )
        self.earliest.setText(
            tr("db.earliest", date=view.earliest_application.isoformat()) if view.earliest_application else ""
        )
        self.gates_model.set_rows(view.gates)
        self.no_gates.setVisible(not view.gates)
        self.gates.setVisible(bool(view.gates))
        self.gaps_model.set_rows([g for g in view.score.gaps if g.critical or g.criticality >= 2])
        if charts:
            self._update_charts(view)

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if self.view is None or not (self._stale or not self._charts_built):
            return
        if self.defer_charts_once and not self._charts_built:
            self.defer_charts_once = False
            self._render(self.view, charts=False)
            QTimer.singleShot(0, self, self._draw_deferred_charts)
            return
        self._render(self.view)

    def _draw_deferred_charts(self) -> None:
        if self.view is not None and not self._charts_built:
            self._update_charts(self.view)

    # -- slots ---------------------------------------------------------------------------------
    def _on_gap_activated(self, index) -> None:
        item_id = index.sibling(index.row(), 0).data(ID_ROLE)
        if item_id:
            self.item_requested.emit(item_id)

    def _on_bars_clicked(self, event) -> None:
        vb = self.bars.getPlotItem().getViewBox()
        pos = vb.mapSceneToView(event.scenePos())
        self.click_bar_at(pos.x())

    def click_bar_at(self, x: float) -> None:
        """Go to the clause whose bar is at view x-coordinate ``x``."""
        i = round(x)
        if 0 <= i < len(self._clause_keys) and abs(x - i) <= 0.45:
            self.clause_requested.emit(self._clause_keys[i])

"""The lab profile form: everything scoring, gates and the plan need to know about the lab.

``LabProfileDialog.ask(parent, profile_or_None)`` returns a new ``LabProfile`` or None.  The
form only collects values; ``LabService`` validates and stores them.
"""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.assessment.model import ACTIVITIES, INDUSTRIES, SIZES, LabProfile, PTRecord, ScopeMethod
from app.checklists.schema import OWNER_ROLES, TEST_FIELDS
from app.ui.i18n import tr
from app.ui.labels import plain_label

PT_RESULTS = ("satisfactory", "questionable", "unsatisfactory")
DECLARATIONS = (
    ("declaration_voluntary", "lab.decl.voluntary"),
    ("legal_status_confirmed", "lab.decl.legal"),
    ("declaration_truthful", "lab.decl.truthful"),
    ("declaration_rules", "lab.decl.rules"),
)


class OptionalDate(QWidget):
    """A date that may be 'not recorded': a check box plus a calendar date edit."""

    def __init__(self, value: dt.date | None, parent: QWidget | None = None):
        super().__init__(parent)
        lay = QHBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        self.enabled = QCheckBox()
        self.edit = QDateEdit()
        self.edit.setCalendarPopup(True)
        self.edit.setDisplayFormat("yyyy-MM-dd")
        self.unset = QLabel(tr("lab.date_unset"))
        self.unset.setStyleSheet("color: #777")
        lay.addWidget(self.enabled)
        lay.addWidget(self.edit)
        lay.addWidget(self.unset)
        lay.addStretch(1)
        self.enabled.toggled.connect(self._sync)
        self.set_value(value)

    def _sync(self, on: bool) -> None:
        self.edit.setEnabled(on)
        self.unset.setVisible(not on)

    def set_value(self, value: dt.date | None) -> None:
        """Show ``value`` (None = not recorded)."""
        d = value or dt.date.today()
        self.edit.setDate(QDate(d.year, d.month, d.day))
        self.enabled.setChecked(value is not None)
        self._sync(value is not None)

    def value(self) -> dt.date | None:
        """The date, or None when not recorded."""
        if not self.enabled.isChecked():
            return None
        q = self.edit.date()
        return dt.date(q.year(), q.month(), q.day())


class LabProfileDialog(QDialog):
    """See the module docstring."""

    def __init__(self, parent: QWidget | None, profile: LabProfile | None):
        super().__init__(parent)
        p = profile or LabProfile(name="")
        self.setWindowTitle(tr("lab.title_edit", name=p.name) if profile else tr("lab.title_new"))
        lay = QVBoxLayout(self)
        self.tabs = QTabWidget()
        lay.addWidget(self.tabs)
        self._general(p)
        self._system(p)
        self._scope(p)
        self._staff(p)
        self.error = plain_label(wrap=True)
        self.error.setStyleSheet("color: #c62828")
        lay.addWidget(self.error)
        bb = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        bb.accepted.connect(self._accept)
        bb.rejected.connect(self.reject)
        lay.addWidget(bb)
        self.resize(760, 600)
        self.result_profile: LabProfile | None = None

    # -- tabs ----------------------------------------------------------------------------------
    def _general(self, p: LabProfile) -> None:
        w = QWidget()
        form = QFormLayout(w)
        self.name = QLineEdit(p.name)
        self.name.setMaxLength(200)
        form.addRow(tr("lab.name"), self.name)
        self.industry = QComboBox()
        for key in INDUSTRIES:
            self.industry.addItem(tr(f"industry.{key}"), key)
        self.industry.setCurrentIndex(max(self.industry.findData(p.industry), 0))
        form.addRow(tr("lab.industry"), self.industry)
        self.size = QComboBox()
        for key in SIZES:
            self.size.addItem(tr(f"size.{key}"), key)
        self.size.setCurrentIndex(max(self.size.findData(p.size), 0))
        form.addRow(tr("lab.size"), self.size)
        self.staff_count = QSpinBox()
        self.staff_count.setRange(0, 100000)
        self.staff_count.setSpecialValueText("–")
        self.staff_count.setValue(p.staff_count or 0)
        form.addRow(tr("lab.staff_count"), self.staff_count)
        self.activities = self._checks(ACTIVITIES, "activity", p.activities)
        form.addRow(tr("lab.activities"), self.activities[0])
        self.fields = self._checks(TEST_FIELDS, "field", p.test_fields)
        form.addRow(tr("lab.test_fields"), self.fields[0])
        self.tabs.addTab(w, tr("lab.tab.general"))

    def _checks(self, keys, prefix: str, selected) -> tuple[QWidget, dict[str, QCheckBox]]:
        box = QWidget()
        grid = QGridLayout(box)
        grid.setContentsMargins(0, 0, 0, 0)
        boxes = {}
        for i, key in enumerate(keys):
            cb = QCheckBox(tr(f"{prefix}.{key}"))
            cb.setChecked(key in selected)
            grid.addWidget(cb, i // 3, i % 3)
            boxes[key] = cb
        return box, boxes

    def _system(self, p: LabProfile) -> None:
        w = QWidget()
        form = QFormLayout(w)
        self.option = QComboBox()
        self.option.addItem(tr("lab.option.A"), "A")
        self.option.addItem(tr("lab.option.B"), "B")
        self.option.setCurrentIndex(0 if p.ms_option != "B" else 1)
        form.addRow(tr("lab.option"), self.option)
        self.ms_start = OptionalDate(p.ms_start_date)
        form.addRow(tr("lab.ms_start"), self.ms_start)
        self.audit = OptionalDate(p.last_internal_audit)
        form.addRow(tr("lab.internal_audit"), self.audit)
        self.review = OptionalDate(p.last_management_review)
        form.addRow(tr("lab.management_review"), self.review)
        decl = QGroupBox(tr("lab.declarations"))
        dform = QFormLayout(decl)
        self.decl: dict[str, QComboBox] = {}
        for field, key in DECLARATIONS:
            cb = QComboBox()
            cb.addItem(tr("lab.tri.unknown"), None)
            cb.addItem(tr("lab.tri.yes"), True)
            cb.addItem(tr("lab.tri.no"), False)
            value = getattr(p, field)
            cb.setCurrentIndex(0 if value is None else (1 if value else 2))
            dform.addRow(tr(key), cb)
            self.decl[field] = cb
        form.addRow(decl)
        self.tabs.addTab(w, tr("lab.tab.system"))

    def _table(self, headers: list[str], rows: list[list[str]]) -> tuple[QWidget, QTableWidget]:
        box = QWidget()
        v = QVBoxLayout(box)
        v.setContentsMargins(0, 0, 0, 0)
        t = QTableWidget(len(rows), len(headers))
        t.setHorizontalHeaderLabels(headers)
        t.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        t.verticalHeader().setVisible(False)
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                t.setItem(r, c, QTableWidgetItem(value))
        v.addWidget(t)
        h = QHBoxLayout()
        add = QPushButton(tr("lab.add_row"))
        rem = QPushButton(tr("lab.remove_row"))
        add.clicked.connect(lambda: t.insertRow(t.rowCount()))
        rem.clicked.connect(lambda: t.removeRow(t.currentRow()) if t.currentRow() >= 0 else None)
        h.addWidget(add)
        h.addWidget(rem)
        h.addStretch(1)
        v.addLayout(h)
        return box, t

    def _scope(self, p: LabProfile) -> None:
        w = QWidget()
        v = QVBoxLayout(w)
        v.addWidget(QLabel(tr("lab.sub_fields")))
        self.sub_fields = QPlainTextEdit("\n".join(p.sub_fields))
        self.sub_fields.setMaximumHeight(80)
        v.addWidget(self.sub_fields)
        v.addWidget(QLabel(tr("lab.pt") + " (" + " / ".join(PT_RESULTS) + ")"))
        box, self.pt = self._table(
            [tr("lab.pt.col.sub_field"), tr("lab.pt.col.date"), tr("lab.pt.col.result"), tr("lab.pt.col.provider")],
            [[r.sub_field, r.date.isoformat(), r.result, r.provider] for r in p.pt_records],
        )
        v.addWidget(box)
        v.addWidget(QLabel(tr("lab.methods")))
        box, self.methods = self._table(
            [tr("lab.m.col.standard"), tr("lab.m.col.parameter"), tr("lab.m.col.experience")],
            [
                [m.standard, m.parameter, "" if m.has_experience is None else ("yes" if m.has_experience else "no")]
                for m in p.scope_methods
            ],
        )
        v.addWidget(box)
        self.tabs.addTab(w, tr("lab.tab.scope"))

    def _staff(self, p: LabProfile) -> None:
        w = QWidget()
        form = QFormLayout(w)
        hint = QLabel(tr("lab.staff_hint"))
        hint.setWordWrap(True)
        form.addRow(hint)
        self.staff: dict[str, QLineEdit] = {}
        for role in OWNER_ROLES:
            e = QLineEdit(p.staff.get(role, ""))
            e.setMaxLength(120)
            form.addRow(tr(f"role.{role}"), e)
            self.staff[role] = e
        self.tabs.addTab(w, tr("lab.tab.staff"))

    # -- result --------------------------------------------------------------------------------
    @staticmethod
    def _cell(t: QTableWidget, r: int, c: int) -> str:
        it = t.item(r, c)
        return it.text().strip() if it else ""

    def profile(self) -> LabProfile:
        """The profile entered (raises ``ValueError`` with a message for bad rows)."""
        name = self.name.text().strip()
        if not name:
            raise ValueError(tr("lab.name_required"))
        pt = []
        for r in range(self.pt.rowCount()):
            cells = [self._cell(self.pt, r, c) for c in range(4)]
            if not any(cells):
                continue
            try:
                date = dt.date.fromisoformat(cells[1])
            except ValueError:
                raise ValueError(tr("lab.bad_row", row=r + 1, problem=tr("lab.bad_date"))) from None
            result = cells[2] or "satisfactory"
            if result not in PT_RESULTS:
                raise ValueError(tr("lab.bad_row", row=r + 1, problem=" / ".join(PT_RESULTS)))
            pt.append(PTRecord(cells[0], date, result, cells[3]))
        methods = []
        for r in range(self.methods.rowCount()):
            cells = [self._cell(self.methods, r, c) for c in range(3)]
            if not any(cells):
                continue
            exp = cells[2].lower()
            has = (
                True
                if exp in ("yes", "y", "是", "有", "true", "1")
                else False
                if exp in ("no", "n", "否", "无", "false", "0")
                else None
            )
            methods.append(ScopeMethod(cells[0], cells[1], has))
        return LabProfile(
            name=name,
            industry=self.industry.currentData(),
            size=self.size.currentData(),
            staff_count=self.staff_count.value() or None,
            activities=tuple(k for k, cb in self.activities[1].items() if cb.isChecked()),
            test_fields=tuple(k for k, cb in self.fields[1].items() if cb.isChecked()),
            ms_option=self.option.currentData(),
            ms_start_date=self.ms_start.value(),
            last_internal_audit=self.audit.value(),
            last_management_review=self.review.value(),
            sub_fields=tuple(s.strip() for s in self.sub_fields.toPlainText().splitlines() if s.strip()),
            pt_records=tuple(pt),
            scope_methods=tuple(methods),
            staff={role: e.text().strip() for role, e in self.staff.items() if e.text().strip()},
            **{field: cb.currentData() for field, cb in self.decl.items()},
        )

    def _accept(self) -> None:
        try:
            self.result_profile = self.profile()
        except ValueError as exc:
            self.error.setText(str(exc))
            return
        self.accept()

    @classmethod
    def ask(cls, parent: QWidget | None, profile: LabProfile | None) -> LabProfile | None:
        """The edited profile, or None if cancelled."""
        dlg = cls(parent, profile)
        dlg.setWindowModality(Qt.WindowModality.WindowModal)
        return dlg.result_profile if dlg.exec() == QDialog.DialogCode.Accepted else None

"""Conflict resolution for importing a lab file: one row per conflict, choose mine or theirs.

Usage (the caller owns the import)::

    try:
        services.labfiles.import_file(path)
    except MergeConflictError as exc:
        dlg = MergeDialog(exc.conflicts, parent)
        if dlg.exec() == QDialog.Accepted:
            services.labfiles.import_file(path, resolutions=dlg.resolutions())

``import_with_dialog`` does exactly that.  Nothing is imported until every conflict has a choice.
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.ui.i18n import language

_T = {
    "title": ("合并冲突", "Merge conflicts"),
    "intro": (
        "以下内容在本数据库和导入文件中都被修改过。请逐项选择保留哪一方（未选择前不会导入任何内容）。",
        "These were changed both in this database and in the file. Choose which side to keep for each "
        "(nothing is imported until every conflict has a choice).",
    ),
    "what": ("类型", "What"),
    "item": ("条目", "Item"),
    "mine": ("本数据库", "Mine (this database)"),
    "theirs": ("导入文件", "Theirs (the file)"),
    "mine_at": ("本方修改时间", "Mine changed"),
    "theirs_at": ("对方修改时间", "Theirs changed"),
    "keep": ("保留", "Keep"),
    "all_mine": ("全部保留本方", "Keep all mine"),
    "all_theirs": ("全部采用对方", "Take all theirs"),
    "newest": ("都取最新", "Keep the newest"),
}
KINDS = {
    "answer": ("答案", "Answer"),
    "lab": ("实验室概况", "Lab profile"),
    "assessment": ("评估信息", "Assessment"),
    "plan_action": ("整改措施", "Plan action"),
    "evidence": ("证据", "Evidence"),
}


def t(key: str) -> str:
    """This dialog's strings in the current UI language."""
    zh, en = _T[key]
    return zh if language() == "zh" else en


def _at(v) -> str:
    return v.strftime("%Y-%m-%d %H:%M") if v else "—"


class MergeDialog(QDialog):
    """Lists ``conflicts`` (``app.services.merge.Conflict``) with a mine/theirs choice per row."""

    def __init__(self, conflicts, parent: QWidget | None = None):
        super().__init__(parent)
        self.conflicts = list(conflicts)
        self.setWindowTitle(t("title"))
        intro = QLabel(t("intro"))
        intro.setWordWrap(True)
        headers = [t("what"), t("item"), t("mine"), t("theirs"), t("mine_at"), t("theirs_at"), t("keep")]
        self.table = QTableWidget(len(self.conflicts), len(headers))
        self.table.setHorizontalHeaderLabels(headers)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.choices: list[QComboBox] = []
        lang = 0 if language() == "zh" else 1
        for i, c in enumerate(self.conflicts):
            values = (
                KINDS.get(c.kind, (c.kind, c.kind))[lang],
                c.label or c.key,
                c.mine,
                c.theirs,
                _at(c.mine_at),
                _at(c.theirs_at),
            )
            for j, v in enumerate(values):
                self.table.setItem(i, j, QTableWidgetItem(str(v)))
            box = QComboBox()
            box.addItem("", None)
            box.addItem(t("mine"), "mine")
            box.addItem(t("theirs"), "theirs")
            box.currentIndexChanged.connect(self._update_ok)
            self.table.setCellWidget(i, len(headers) - 1, box)
            self.choices.append(box)
        buttons = QHBoxLayout()
        for key, fn in (
            ("all_mine", lambda: self.choose_all("mine")),
            ("all_theirs", lambda: self.choose_all("theirs")),
            ("newest", self.choose_newest),
        ):
            b = QPushButton(t(key))
            b.clicked.connect(fn)
            buttons.addWidget(b)
        buttons.addStretch(1)
        self.box = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.box.accepted.connect(self.accept)
        self.box.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addWidget(intro)
        lay.addWidget(self.table, 1)
        lay.addLayout(buttons)
        lay.addWidget(self.box)
        self.resize(900, 420)
        self._update_ok()

    def choose_all(self, side: str) -> None:
        """Choose ``mine`` or ``theirs`` for every conflict."""
        for box in self.choices:
            box.setCurrentIndex(box.findData(side))

    def choose_newest(self) -> None:
        """Choose the side edited last, per conflict."""
        for c, box in zip(self.conflicts, self.choices):
            theirs = c.theirs_at is not None and (c.mine_at is None or c.theirs_at > c.mine_at)
            box.setCurrentIndex(box.findData("theirs" if theirs else "mine"))

    def _update_ok(self, *_args) -> None:
        self.box.button(QDialogButtonBox.StandardButton.Ok).setEnabled(
            all(b.currentData() is not None for b in self.choices)
        )

    def resolutions(self) -> dict[str, str]:
        """``{"answer:ITEM": "mine"|"theirs", ...}`` for ``LabFileService.import_file(resolutions=...)``."""
        return {c.ref: box.currentData() for c, box in zip(self.conflicts, self.choices) if box.currentData()}


def resolve_conflicts(conflicts, parent: QWidget | None = None) -> dict[str, str] | None:
    """Show the dialog for ``conflicts``; the user's choices, or None if cancelled."""
    dlg = MergeDialog(conflicts, parent)
    try:
        if dlg.exec() != QDialog.DialogCode.Accepted:
            return None
        return dlg.resolutions()
    finally:
        dlg.deleteLater()


def import_with_dialog(services, path, parent: QWidget | None = None, *, by: str = "", progress=None):
    """Import ``path``; on conflicts show the dialog and import with the user's choices.

    ``progress(fraction, message)`` is passed to the service.  Returns the ``ImportResult``, or
    None if the user cancelled (nothing imported).
    """
    from app.services.merge import MergeConflictError

    try:
        return services.labfiles.import_file(path, by=by, progress=progress)
    except MergeConflictError as exc:
        resolutions = resolve_conflicts(exc.conflicts, parent)
        if resolutions is None:
            return None
        return services.labfiles.import_file(path, resolutions=resolutions, by=by, progress=progress)

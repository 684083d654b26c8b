"""Reference for the cold-start figure: LabAssess's first screen built from plain PySide6 widgets.

The same kinds of widgets as the main window with the demo open (menu bar with ~40 actions, tool
bar, navigator dock, tabs, clause tree, item table, item panel with wrapped labels, answer
buttons, note editor, evidence list, status bar), the same bundled CJK font and Qt's zh_CN
translations, Chinese text, and no LabAssess code at all: no domain model, no database, no
checklist. What this costs above a bare ``QMainWindow`` is what Qt itself costs for such a
screen; the rest of the app's start is ours. Run as a child process by ``bench.bench_ui``; prints
``{"interactive_at": <wall clock>}`` once its first paint is done.
"""

from __future__ import annotations

import gc

gc.disable()  # as the app's start does (app.ui.start_gc)

import json  # noqa: E402
import os  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402

from PySide6.QtCore import QLibraryInfo, QLocale, Qt, QTranslator  # noqa: E402
from PySide6.QtGui import QAction, QFont, QFontDatabase, QKeySequence, QStandardItem, QStandardItemModel  # noqa: E402
from PySide6.QtWidgets import (  # noqa: E402
    QApplication,
    QCheckBox,
    QComboBox,
    QDockWidget,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QMainWindow,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTableView,
    QTabWidget,
    QToolBar,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from app.resources import FONT_BOLD, FONT_REGULAR  # noqa: E402  (paths only; Qt-free, no domain code)

MENUS = ("文件(&F)", "编辑(&E)", "评估(&A)", "视图(&V)", "工具(&T)", "帮助(&H)")
TOOLS = ("新建实验室", "新建评估", "打开", "导出 PDF", "撤销", "重做", "设置")
PANEL_TEXT = (
    "CL01-6.4.1 · 6.4 设备 · 关键",
    "实验室是否对影响结果的设备在投入使用前进行了校准或核查，并在使用中保持其状态标识？",
    "指导",
    "检查设备台账、校准证书和期间核查记录，确认校准结果已被评审并用于修正。",
    "证据示例",
    "• 设备台账\n• 校准证书及确认记录\n• 期间核查计划和记录",
)


def _tree(rows: int, children: int) -> QTreeView:
    model = QStandardItemModel()
    model.setHorizontalHeaderLabels(["名称", "进度", "问题"])
    for r in range(rows):
        parent = QStandardItem(f"6.{r} 资源要求 第{r}条 设施和环境条件")
        for k in range(children):
            parent.appendRow([QStandardItem(f"6.{r}.{k} 人员能力与培训"), QStandardItem("4/10"), QStandardItem("2")])
        model.appendRow([parent, QStandardItem(f"{r}/12"), QStandardItem("")])
    view = QTreeView()
    view.setModel(model)
    view.setUniformRowHeights(True)
    view.expandAll()
    view.header().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
    return view


def _items() -> QTableView:
    model = QStandardItemModel()
    model.setHorizontalHeaderLabels(["编号", "条款", "回答", "标记", "问题"])
    for i in range(30):
        model.appendRow(
            [
                QStandardItem(f"CL01-6.4-{i:02d}"),
                QStandardItem(f"6.4.{i}"),
                QStandardItem("◐ 部分符合"),
                QStandardItem("★"),
                QStandardItem("是否对设备进行了检定或校准，并保存记录？"),
            ]
        )
    view = QTableView()
    view.setModel(model)
    view.verticalHeader().setVisible(False)
    view.horizontalHeader().setSectionResizeMode(4, QHeaderView.ResizeMode.Stretch)
    return view


def _panel() -> QWidget:
    panel = QWidget()
    lay = QVBoxLayout(panel)
    for text in PANEL_TEXT:
        label = QLabel(text)
        label.setWordWrap(True)
        lay.addWidget(label)
    buttons = QHBoxLayout()
    for b in ("1 符合", "2 部分符合", "3 不符合", "4 不适用", "5 未评估"):
        buttons.addWidget(QPushButton(b))
    lay.addLayout(buttons)
    lay.addWidget(QCheckBox("标记复查"))
    lay.addWidget(QPlainTextEdit("备注"))
    lay.addWidget(QLabel("证据"))
    lay.addWidget(QListWidget())
    return panel


def main() -> None:
    app = QApplication(sys.argv[:1])
    family = ""
    for path in (FONT_REGULAR, FONT_BOLD):
        fid = QFontDatabase.addApplicationFont(str(path))
        family = family or QFontDatabase.applicationFontFamilies(fid)[0]
    font = QFont(family)
    font.setPointSizeF(10)
    font.setHintingPreference(QFont.HintingPreference.PreferNoHinting)
    app.setFont(font)
    QLocale.setDefault(QLocale("zh_CN"))
    translator = QTranslator(app)
    translator.load("qtbase_zh_CN", QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath))
    app.installTranslator(translator)

    win = QMainWindow()
    win.resize(1360, 860)
    win.setWindowTitle("实验室能力自评估")
    for i, title in enumerate(MENUS):
        menu = win.menuBar().addMenu(title)
        for k in range(7):
            action = QAction(f"{title[:2]}操作{k}", win)
            action.setShortcut(QKeySequence(f"Ctrl+Shift+{(i * 7 + k) % 10}"))
            menu.addAction(action)
    bar = QToolBar("工具栏")
    win.addToolBar(bar)
    for text in TOOLS:
        bar.addAction(QAction(text, win))
    dock = QDockWidget("实验室与评估", win)
    dock.setWidget(_tree(1, 2))
    win.addDockWidget(Qt.DockWidgetArea.LeftDockWidgetArea, dock)

    page = QWidget()
    top = QHBoxLayout()
    top.addWidget(QLabel("筛选"))
    combo = QComboBox()
    combo.addItems(["全部", "未回答", "差距", "关键", "已标记"])
    top.addWidget(combo)
    search = QLineEdit()
    search.setPlaceholderText("搜索条款、编号或问题")
    top.addWidget(search, 1)
    split = QSplitter(Qt.Orientation.Horizontal)
    split.addWidget(_tree(12, 2))
    right = QSplitter(Qt.Orientation.Vertical)
    right.addWidget(_items())
    right.addWidget(_panel())
    split.addWidget(right)
    outer = QVBoxLayout(page)
    outer.addLayout(top)
    outer.addWidget(split, 1)
    tabs = QTabWidget()
    tabs.addTab(page, "访谈")
    for title in ("仪表板", "改进计划", "多实验室分析"):
        tabs.addTab(QWidget(), title)
    win.setCentralWidget(tabs)
    for text in ("已回答 120/227", "就绪度 63%", "已保存"):
        win.statusBar().addPermanentWidget(QLabel(text))

    win.show()
    app.processEvents()
    print(json.dumps({"interactive_at": time.time()}), flush=True)
    os._exit(0)


if __name__ == "__main__":
    main()

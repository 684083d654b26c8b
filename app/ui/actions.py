"""Every user command in ONE declarative table; menus, toolbar and shortcuts are built from it.

Each ``ActionSpec`` names its text (an i18n key), shortcut(s), the handler method on the main
window, an enable rule (a key of ``RULES``), the menu it goes in and whether it is on the toolbar.
Actions with ``scope="interview"`` (single keys such as 1–5, N and C) only fire while the focus is
in the interview, so typing a note never answers an item; ``scope="plan"`` ones (Delete) only while
the focus is in the plan tab.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QActionGroup, QKeySequence

from app.records import Record
from app.ui.i18n import tr

SK = QKeySequence.StandardKey


class ActionSpec(Record):
    """One command: see the module docstring."""

    id: str
    text: str
    shortcuts: tuple = ()
    handler: str = ""
    enable: str = "always"
    menu: str = ""
    toolbar: bool = False
    scope: str = "window"  # "window" | "interview" | "plan"
    checkable: bool = False
    group: str = ""  # exclusive group name (language)


ACTIONS: tuple[ActionSpec, ...] = (
    # File
    ActionSpec("new_lab", "act.new_lab", ("Ctrl+Shift+N",), "on_new_lab", "always", "menu.file", True),
    ActionSpec("new_assessment", "act.new_assessment", (SK.New,), "on_new_assessment", "lab", "menu.file", True),
    ActionSpec("edit_lab", "act.edit_lab", ("Ctrl+L",), "on_edit_lab", "lab", "menu.file"),
    ActionSpec("open_db", "act.open_db", (SK.Open,), "on_open_db", "always", "menu.file"),
    ActionSpec("demo", "act.demo", (), "on_demo", "always", "menu.file"),
    ActionSpec("export", "act.export", ("Ctrl+E",), "on_export", "assessment", "menu.file", True),
    ActionSpec(
        "export_labfile", "act.export_labfile", ("Ctrl+Shift+E",), "on_export_labfile", "assessment", "menu.file"
    ),
    ActionSpec("import_labfile", "act.import_labfile", ("Ctrl+Shift+I",), "on_import_labfile", "always", "menu.file"),
    ActionSpec("quit", "act.quit", (SK.Quit,), "close", "always", "menu.file"),
    # Edit
    ActionSpec("undo", "act.undo", (SK.Undo,), "on_undo", "can_undo", "menu.edit", True),
    ActionSpec("redo", "act.redo", (SK.Redo,), "on_redo", "can_redo", "menu.edit", True),
    ActionSpec("find", "act.find", (SK.Find,), "on_find", "assessment", "menu.edit"),
    # Answer (single keys: interview scope)
    ActionSpec("answer_conform", "act.conform", ("1",), "on_answer_conform", "item", "menu.answer", scope="interview"),
    ActionSpec("answer_partial", "act.partial", ("2",), "on_answer_partial", "item", "menu.answer", scope="interview"),
    ActionSpec(
        "answer_nonconform", "act.nonconform", ("3",), "on_answer_nonconform", "item", "menu.answer", scope="interview"
    ),
    ActionSpec("answer_na", "act.na", ("4",), "on_answer_na", "item", "menu.answer", scope="interview"),
    ActionSpec(
        "answer_unassessed", "act.unassessed", ("5",), "on_answer_unassessed", "item", "menu.answer", scope="interview"
    ),
    ActionSpec("flag", "act.flag", ("M",), "on_flag", "item", "menu.answer", scope="interview"),
    ActionSpec("note", "act.note", ("E",), "on_note", "item", "menu.answer", scope="interview"),
    ActionSpec("confirm", "act.confirm", ("C",), "on_confirm", "reverify_item", "menu.answer", scope="interview"),
    ActionSpec("attach", "act.attach", ("Ctrl+Shift+A",), "on_attach", "item", "menu.answer"),
    # Go
    ActionSpec(
        "next_unanswered",
        "act.next_unanswered",
        ("N", "Ctrl+Down"),
        "on_next_unanswered",
        "assessment",
        "menu.go",
        True,
        scope="interview",
    ),
    ActionSpec(
        "prev_unanswered",
        "act.prev_unanswered",
        ("Shift+N", "Ctrl+Up"),
        "on_prev_unanswered",
        "assessment",
        "menu.go",
        True,
        scope="interview",
    ),
    ActionSpec(
        "next_reverify", "act.next_reverify", ("R",), "on_next_reverify", "followup", "menu.go", scope="interview"
    ),
    ActionSpec("next_item", "act.next_item", ("J",), "on_next_item", "assessment", "menu.go", scope="interview"),
    ActionSpec("prev_item", "act.prev_item", ("K",), "on_prev_item", "assessment", "menu.go", scope="interview"),
    # View
    ActionSpec("tab_interview", "act.tab_interview", ("Ctrl+1",), "on_tab_interview", "assessment", "menu.view"),
    ActionSpec("tab_dashboard", "act.tab_dashboard", ("Ctrl+2",), "on_tab_dashboard", "assessment", "menu.view"),
    ActionSpec("tab_plan", "act.tab_plan", ("Ctrl+3",), "on_tab_plan", "plan", "menu.view"),
    ActionSpec("tab_portfolio", "act.tab_portfolio", ("Ctrl+4",), "on_tab_portfolio", "portfolio", "menu.view"),
    ActionSpec("toggle_navigator", "act.toggle_navigator", ("F9",), "on_toggle_navigator", "always", "menu.view"),
    # Plan
    ActionSpec("plan_add", "act.plan_add", ("Ctrl+Shift+P",), "on_plan_add", "plan", "menu.plan"),
    ActionSpec("plan_delete", "act.plan_delete", (SK.Delete,), "on_plan_delete", "plan_row", "menu.plan", scope="plan"),
    ActionSpec("plan_restore", "act.plan_restore", (), "on_plan_restore", "plan", "menu.plan"),
    ActionSpec("plan_close", "act.plan_close", ("Ctrl+Shift+K",), "on_plan_close", "plan_closable", "menu.plan"),
    ActionSpec("plan_closure", "act.plan_closure", (), "on_plan_closure", "plan_closed", "menu.plan"),
    ActionSpec("plan_reopen", "act.plan_reopen", (), "on_plan_reopen", "plan_closed", "menu.plan"),
    # Follow-up re-check
    ActionSpec("followup", "act.followup", ("Ctrl+Shift+F",), "on_followup", "assessment", "menu.followup"),
    ActionSpec("compare", "act.compare", ("Ctrl+Shift+C",), "on_compare", "assessment", "menu.followup"),
    # Settings
    ActionSpec("lang_zh", "act.lang_zh", (), "on_lang_zh", "always", "menu.settings", checkable=True, group="lang"),
    ActionSpec("lang_en", "act.lang_en", (), "on_lang_en", "always", "menu.settings", checkable=True, group="lang"),
    # Help
    ActionSpec("shortcuts", "act.shortcuts", (SK.HelpContents,), "on_shortcuts", "always", "menu.help"),
    ActionSpec("open_logs", "act.open_logs", (), "on_open_logs", "always", "menu.help"),
    ActionSpec("about", "act.about", (), "on_about", "always", "menu.help"),
)

SPECS = {a.id: a for a in ACTIONS}
MENUS = (
    "menu.file",
    "menu.edit",
    "menu.answer",
    "menu.go",
    "menu.view",
    "menu.plan",
    "menu.followup",
    "menu.settings",
    "menu.help",
)


# The plan rules read the plan page only if it is built (``lazy_tabs.built``): an enable rule must
# not build a page nobody opened, and a page not built yet has no selected row.
def _plan_selected(w):
    plan = w.lazy_tabs.built("plan")
    return plan.selected_action() if plan is not None else None


def _plan_status(w) -> str:
    a = _plan_selected(w)
    return a.status if a is not None else ""


#: Enable rules: name -> predicate over the main window.
RULES: dict[str, Callable] = {
    "always": lambda w: True,
    "lab": lambda w: w.current_lab_id() is not None,
    "assessment": lambda w: w.session is not None,
    "item": lambda w: w.session is not None and w.interview.current_item_id() is not None,
    "can_undo": lambda w: w.session is not None and w.session.undo_stack.canUndo(),
    "can_redo": lambda w: w.session is not None and w.session.undo_stack.canRedo(),
    "plan": lambda w: w.session is not None and w.lazy_tabs.has("plan"),
    "portfolio": lambda w: w.lazy_tabs.has("portfolio"),
    "plan_row": lambda w: w.session is not None and _plan_selected(w) is not None,
    "plan_closable": lambda w: w.session is not None and _plan_status(w) in ("open", "in_progress", "done"),
    "plan_closed": lambda w: w.session is not None and _plan_status(w) == "verified",
    "reverify_item": lambda w: w.session is not None and w.interview.current_needs_reverify(),
    "followup": lambda w: w.session is not None and w.session.view.summary.follows_id is not None,
}


def key_sequences(spec: ActionSpec) -> list[QKeySequence]:
    """The shortcuts of an action as key sequences (standard keys expanded for this platform)."""
    out: list[QKeySequence] = []
    for s in spec.shortcuts:
        if isinstance(s, QKeySequence.StandardKey):
            out.extend(QKeySequence.keyBindings(s))
        else:
            out.append(QKeySequence(s))
    return out


def shortcut_text(spec: ActionSpec) -> str:
    """Human-readable shortcuts, e.g. 'N, Ctrl+Down'."""
    return ", ".join(k.toString(QKeySequence.SequenceFormat.NativeText) for k in key_sequences(spec))


def build_actions(window, interview_widget) -> dict[str, QAction]:
    """Create one QAction per spec, wired to ``window.<handler>``.

    Interview-scope actions are attached to ``interview_widget`` with a widget-with-children
    shortcut context.  Plan-scope ones get that context too, and ``attach_scope`` adds them to the
    plan page when that page is built (it is built on first use)."""
    actions: dict[str, QAction] = {}
    groups: dict[str, QActionGroup] = {}
    for spec in ACTIONS:
        act = QAction(window)  # not QAction(text, window): matching that overload sets up QIcon (11 M instr.)
        act.setText(tr(spec.text))
        act.setObjectName(f"action_{spec.id}")
        seqs = key_sequences(spec)
        if seqs:
            act.setShortcuts(seqs)
        act.setCheckable(spec.checkable)
        if spec.group:
            groups.setdefault(spec.group, QActionGroup(window)).addAction(act)
        if spec.scope == "window":
            window.addAction(act)
        else:
            act.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            if spec.scope == "interview":
                interview_widget.addAction(act)
        handler = getattr(window, spec.handler)
        act.triggered.connect(lambda _checked=False, h=handler: h())
        actions[spec.id] = act
    return actions


def attach_scope(actions: dict[str, QAction], scope: str, widget) -> None:
    """Add the actions of ``scope`` to ``widget``, so their shortcuts work while it has focus."""
    for spec in ACTIONS:
        if spec.scope == scope:
            widget.addAction(actions[spec.id])


def update_enabled(window, actions: dict[str, QAction]) -> None:
    """Apply every action's enable rule."""
    for spec in ACTIONS:
        actions[spec.id].setEnabled(bool(RULES[spec.enable](window)))


def retranslate(actions: dict[str, QAction]) -> None:
    """Reset the texts after a language switch."""
    for spec in ACTIONS:
        actions[spec.id].setText(tr(spec.text))

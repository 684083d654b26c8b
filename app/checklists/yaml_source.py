"""Read YAML into plain Python data while remembering the line of every value.

We compose the YAML node graph with PyYAML's *safe* composer and build the Python values ourselves,
so that (a) no tag can construct arbitrary objects, (b) every mapping key and sequence element
keeps its line number for error messages, (c) duplicate keys are reported instead of silently
overwritten, and (d) aliases are refused (they are the billion-laughs vector and checklists
never need them).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import yaml

from app.checklists.errors import ChecklistError, Problem

Path = tuple  # path of keys / indexes from the document root

_SCALAR_TAGS = {
    "tag:yaml.org,2002:str",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null",
    "tag:yaml.org,2002:timestamp",
}

_COLLECTION_TAGS = {"tag:yaml.org,2002:map", "tag:yaml.org,2002:seq"}

#: Upper bound on a checklist file; a real pack is well under 1 MB.
MAX_BYTES = 8 * 1024 * 1024


def load_located(text: str, source: str) -> tuple[object, Callable[[Path], str]]:
    """Parse ``text`` and return ``(data, locate)``.

    ``locate(path)`` returns ``"line N"`` for the value at ``path`` (or its nearest parent).

    Raises:
        ChecklistError: on a YAML syntax error, a non-standard tag, an alias or a duplicate key.
    """
    if len(text) > MAX_BYTES:
        raise ChecklistError([Problem(source, "", "", f"file is larger than {MAX_BYTES} bytes")])
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}" if mark is not None else ""
        msg = getattr(exc, "problem", None) or str(exc)
        raise ChecklistError([Problem(source, where, "", f"YAML syntax error: {msg}")]) from None
    lines: dict[Path, int] = {}
    problems: list[Problem] = []
    seen: set[int] = set()
    constructor = yaml.constructor.SafeConstructor()

    def build(n: yaml.Node, path: Path) -> object:
        lines[path] = n.start_mark.line + 1
        if id(n) in seen:
            problems.append(Problem(source, f"line {lines[path]}", _dotted(path), "YAML aliases are not allowed"))
            return None
        seen.add(id(n))
        if isinstance(n, (yaml.MappingNode, yaml.SequenceNode)) and n.tag not in _COLLECTION_TAGS:
            problems.append(Problem(source, f"line {lines[path]}", _dotted(path), f"unsupported YAML tag {n.tag!r}"))
            return None
        if isinstance(n, yaml.MappingNode):
            out: dict = {}
            for key_node, value_node in n.value:
                if not isinstance(key_node, yaml.ScalarNode):
                    problems.append(
                        Problem(
                            source, f"line {key_node.start_mark.line + 1}", _dotted(path), "keys must be plain text"
                        )
                    )
                    continue
                key = key_node.value
                if key == "<<":
                    problems.append(
                        Problem(
                            source,
                            f"line {key_node.start_mark.line + 1}",
                            _dotted(path),
                            "YAML merge keys are not allowed",
                        )
                    )
                    continue
                if key in out:
                    problems.append(
                        Problem(source, f"line {key_node.start_mark.line + 1}", _dotted(path + (key,)), "duplicate key")
                    )
                    continue
                out[key] = build(value_node, path + (key,))
            return out
        if isinstance(n, yaml.SequenceNode):
            return [build(v, path + (i,)) for i, v in enumerate(n.value)]
        if n.tag not in _SCALAR_TAGS:
            problems.append(Problem(source, f"line {lines[path]}", _dotted(path), f"unsupported YAML tag {n.tag!r}"))
            return None
        try:
            value = constructor.construct_object(n, deep=True)
        except (yaml.YAMLError, ValueError) as exc:
            problems.append(Problem(source, f"line {lines[path]}", _dotted(path), f"bad value: {exc}"))
            return None
        if isinstance(value, dt.datetime):
            value = value.date()
        return value

    data = build(node, ()) if node is not None else None
    if problems:
        raise ChecklistError(problems)

    def locate(path: Path) -> str:
        p = tuple(path)
        while p and p not in lines:
            p = p[:-1]
        return f"line {lines[p]}" if p in lines else ""

    return data, locate


def _dotted(path: Path) -> str:
    return ".".join(f"[{p}]" if isinstance(p, int) else str(p) for p in path)

"""Write checklist data as readable YAML (block style, Chinese kept as text)."""

from __future__ import annotations

import yaml


class _Dumper(yaml.SafeDumper):
    """Safe dumper that never emits aliases (our loader refuses them)."""

    def ignore_aliases(self, data: object) -> bool:
        return True


def _str(dumper: yaml.SafeDumper, value: str) -> yaml.Node:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _str)


def dump_yaml(data: dict) -> str:
    """YAML text of ``data`` that ``yaml_source.load_located`` reads back to the same values."""
    return yaml.dump(data, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=100)

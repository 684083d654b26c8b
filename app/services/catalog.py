"""The checklist catalogue: shipped packs plus the ones a user imported."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

from app.checklists.errors import ChecklistError, Problem
from app.checklists.loader import load_file, shipped_checklists
from app.checklists.schema import Checklist
from app.checklists.serialize import to_data


def canonical_json(data: dict) -> str:
    """Stable JSON text of checklist data (sorted keys) for hashing and snapshots."""
    return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def content_hash(checklist: Checklist) -> str:
    """SHA-256 of a checklist's canonical content."""
    return hashlib.sha256(canonical_json(to_data(checklist)).encode("utf-8")).hexdigest()


class Catalog:
    """Find checklist packs by id.  Imported packs override shipped ones of the same id and version."""

    def __init__(self, user_dir: Path | None = None):
        self.user_dir = user_dir
        self._packs: dict[str, Checklist] | None = None
        self.load_problems: list[str] = []

    def _load(self) -> dict[str, Checklist]:
        if self._packs is None:
            packs = {c.id: c for c in shipped_checklists()}
            if self.user_dir and self.user_dir.is_dir():
                for path in sorted(self.user_dir.glob("*.yaml")):
                    try:
                        c = load_file(path)
                    except ChecklistError as exc:
                        # one broken user file must not hide every other pack
                        self.load_problems.append(str(exc))
                        continue
                    packs[c.id] = c
            self._packs = packs
        return self._packs

    def all(self) -> tuple[Checklist, ...]:
        """Every pack, requirements first, then gates, safety, supplements; by id."""
        order = {"requirements": 0, "gates": 1, "safety": 2, "supplement": 3}
        return tuple(sorted(self._load().values(), key=lambda c: (order.get(c.kind, 9), c.id)))

    def get(self, checklist_id: str) -> Checklist:
        """The current pack with ``checklist_id``.

        Raises:
            KeyError: with a message listing the known ids.
        """
        packs = self._load()
        if checklist_id not in packs:
            known = ", ".join(sorted(packs))
            raise KeyError(f"no checklist {checklist_id!r}; known: {known}")
        return packs[checklist_id]

    def gates_pack(self) -> Checklist | None:
        """The readiness-gates pack, if installed."""
        return next((c for c in self._load().values() if c.kind == "gates"), None)

    def install(self, source: Path) -> Checklist:
        """Validate a YAML or XLSX checklist and install it for this user.

        XLSX files are converted to YAML so that the installed copy is the reviewed text format.
        Raises ``ChecklistError`` (nothing installed) if the file is invalid.
        """
        checklist = load_file(source)
        if self.user_dir is None:
            raise ChecklistError([Problem(source.name, "", "", "no user checklist folder configured")])
        self.user_dir.mkdir(parents=True, exist_ok=True)
        dest = self.user_dir / f"{checklist.id}.yaml"
        tmp = dest.with_suffix(".yaml.part")
        if source.suffix.lower() in {".yaml", ".yml"}:
            shutil.copyfile(source, tmp)
        else:
            from app.checklists.yaml_dump import dump_yaml

            tmp.write_text(dump_yaml(to_data(checklist)), encoding="utf-8")
        tmp.replace(dest)
        self._packs = None
        return checklist

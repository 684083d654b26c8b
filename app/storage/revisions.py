"""The schema revisions this version of LabAssess knows, read from the migration files.

No SQLAlchemy and no Alembic here: the desktop's start-up reader (``app.storage.quickread``) checks
the schema revision before it reads anything, and importing either library costs more than the
whole first paint.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path

MIGRATIONS = Path(__file__).with_name("migrations")

_REV_RE = re.compile(r"^(revision|down_revision)\s*=\s*(?:'([^']*)'|\"([^\"]*)\"|None)", re.MULTILINE)


@functools.cache
def known_revisions() -> list[str]:
    """Every schema revision this version of the app knows, oldest first.

    Read from the migration files' ``revision``/``down_revision`` lines instead of through Alembic,
    because importing Alembic costs ~0.1 s of start-up and is only needed when a migration runs.
    ``tests/integration/test_schema_revisions.py`` checks this agrees with Alembic's own walk.
    """
    parent: dict[str | None, str] = {}
    for path in sorted((MIGRATIONS / "versions").glob("*.py")):
        found = {m.group(1): (m.group(2) or m.group(3)) for m in _REV_RE.finditer(path.read_text(encoding="utf-8"))}
        if "revision" in found:
            parent[found.get("down_revision")] = found["revision"]
    chain, rev = [], parent.get(None)
    while rev is not None:
        chain.append(rev)
        rev = parent.get(rev)
    return chain


#: The newest revision, written out: the desktop's start checks it before anything else, and reading
#: and parsing every migration file for it cost 3.5 M instructions of that start. Raise it with each
#: new migration; ``tests/integration/test_schema_revisions.py`` fails until it matches the files.
HEAD_REVISION = "0003"


def head_revision() -> str:
    """The newest schema revision this version of the app writes."""
    return HEAD_REVISION

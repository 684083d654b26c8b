"""A disk cache of validated checklist snapshots: a start reads them back instead of re-validating.

Every start parsed and validated the pack snapshots of the assessment it opens: for the demo's three
packs (540 KB of JSON) that is ~49 M instructions, 4 % of the desktop's cold start. A snapshot row
never changes, so its validated result can be kept, as Python keeps compiled bytecode:

- only checklists that passed ``checklist_from_data`` are written;
- they are written with pickle and read back by an unpickler that resolves nothing but the record
  classes of ``app.checklists.schema`` and ``datetime.date``: a file that names any other class or
  function (the way a hostile pickle runs code) is refused, and the result must be a ``Checklist``
  of the snapshot's id and version;
- a file is named by the snapshot's content hash (only a well-formed hex SHA-256 is used, so no
  database value reaches a file name) and a fingerprint of this code (the app version, the cache
  format and the field names of every schema record): a new release or a changed schema never
  reads an older entry;
- anything that goes wrong (a damaged or foreign file, a full or read-only disk) counts as a miss:
  the snapshot is validated as before and the entry is written again; the cache never fails a read.

The cache lives in ``app.paths.cache_dir()``; ``set_directory(None)`` turns it off.
"""

from __future__ import annotations

import binascii
import datetime as dt
import io
import os
import re
from pathlib import Path

from app import __version__
from app.checklists import schema
from app.records import field_names

try:  # the C unpickler itself: pickle.py also builds its pure-Python classes (4 M instructions)
    from _pickle import Unpickler, UnpicklingError, dumps
except ImportError:  # not CPython
    from pickle import Unpickler, UnpicklingError, dumps

#: Bump when the validator starts to reject what it accepted before (the fingerprint then changes).
CACHE_FORMAT = 1

_HEX64 = re.compile(r"^[0-9a-f]{64}$")
_RECORDS = (
    schema.Text,
    schema.TextList,
    schema.BasisDocument,
    schema.Action,
    schema.Item,
    schema.Section,
    schema.GateRule,
    schema.Gate,
    schema.Checklist,
)
_SHAPE = [__version__, str(CACHE_FORMAT), schema.FORMAT_TAG] + [
    f"{r.__name__}:{','.join(field_names(r))}" for r in _RECORDS
]
_FINGERPRINT = f"{binascii.crc32(chr(10).join(_SHAPE).encode()):08x}"

_ALLOWED = {("app.checklists.schema", r.__name__): r for r in _RECORDS} | {("datetime", "date"): dt.date}

_state: dict = {"dir": None, "configured": False}


class _RecordsOnly(Unpickler):
    """Unpickles checklist records and dates; any other global (``os.system``, say) is an error."""

    def find_class(self, module: str, name: str):
        found = _ALLOWED.get((module, name))
        if found is None:
            raise UnpicklingError(f"{module}.{name} is not a checklist record")
        return found


def set_directory(path: Path | None) -> None:
    """Keep entries in ``path`` (created on the first write); ``None`` turns the cache off."""
    _state["dir"] = path
    _state["configured"] = True


def use_default_directory() -> None:
    """Go back to ``app.paths.cache_dir()`` / ``checklists`` (undoes ``set_directory``)."""
    _state["dir"] = None
    _state["configured"] = False


def directory() -> Path | None:
    """Where entries are kept: the directory set, else ``app.paths.cache_dir()`` / ``checklists``."""
    if not _state["configured"]:
        from app.paths import cache_dir

        return cache_dir() / "checklists"
    return _state["dir"]


def _path(sha256: str) -> Path | None:
    folder = directory()
    if folder is None or not isinstance(sha256, str) or not _HEX64.match(sha256):
        return None
    return folder / f"{sha256}.{_FINGERPRINT}.pickle"


def load(checklist_id: str, version: str, sha256: str) -> schema.Checklist | None:
    """The validated checklist kept for this snapshot, or None (not kept, unreadable, not the same pack)."""
    path = _path(sha256)
    if path is None:
        return None
    try:
        data = path.read_bytes()
    except OSError:
        return None
    try:
        checklist = _RecordsOnly(io.BytesIO(data)).load()
    except Exception:  # noqa: BLE001 - damaged, truncated or foreign: validated again and rewritten
        return None
    if not isinstance(checklist, schema.Checklist):
        return None
    if checklist.id != checklist_id or checklist.version != version:
        return None
    return checklist


def store(sha256: str, checklist: schema.Checklist) -> bool:
    """Keep a validated checklist for its snapshot hash; False (and nothing changed) if it cannot be written."""
    path = _path(sha256)
    if path is None:
        return False
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp.write_bytes(dumps(checklist, protocol=5))
        os.replace(tmp, path)  # whole or not at all: a reader never sees half a file
    except OSError:
        try:
            tmp.unlink(missing_ok=True)
        except OSError:
            pass
        return False
    return True

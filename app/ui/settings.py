"""UI preferences and window state in an INI file (QSettings).  Nothing here affects scores or reports.

``AppSettings`` declares its ``FIELDS`` (default, cast); tests point it at ``tmp_path``.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QByteArray, QSettings

from app.paths import data_dir

try:  # CPython's own SHA-1 gives hashlib's digest without loading OpenSSL, which costs ~1.5 ms of start-up
    from _sha1 import sha1 as _sha1
except ImportError:  # another Python: the same digest from hashlib
    from hashlib import sha1 as _sha1

MAX_RECENT = 8


def default_settings_path() -> Path:
    """The INI file beside the user's data (``LABASSESS_HOME`` isolates it in tests)."""
    return data_dir() / "labassess-ui.ini"


def _as_list(value) -> list[str]:
    if value is None or value == "":
        return []
    if isinstance(value, str):
        return [value]
    return [str(v) for v in value]


def _as_bool(value) -> bool:
    return value in (True, "true", "1", 1)


class AppSettings:
    """Typed access to the UI settings file.

    Fields: ``language`` ("" = system), ``recent_files``, ``geometry``, ``window_state``,
    ``splitter_state``, ``welcome_done``, ``last_tab``; ``last_assessment(db_url)`` per database.
    """

    FIELDS: dict[str, tuple[object, object]] = {
        "language": ("", str),
        "recent_files": ([], _as_list),
        "geometry": (QByteArray(), QByteArray),
        "window_state": (QByteArray(), QByteArray),
        "splitter_state": (QByteArray(), QByteArray),
        "welcome_done": (False, _as_bool),
        "last_tab": (0, int),
    }

    def __init__(self, path: Path | None = None):
        self.path = Path(path) if path else default_settings_path()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.qs = QSettings(str(self.path), QSettings.Format.IniFormat)

    def get(self, name: str):
        """The value of a declared field (its default when unset or unreadable)."""
        default, cast = self.FIELDS[name]
        raw = self.qs.value(name, None)
        if raw is None:
            return default
        try:
            return cast(raw)  # type: ignore[operator]
        except (TypeError, ValueError):
            return default

    def set(self, name: str, value) -> None:
        """Store a declared field."""
        if name not in self.FIELDS:
            raise KeyError(name)
        self.qs.setValue(name, value)

    def sync(self) -> None:
        """Write to disk now."""
        self.qs.sync()

    # -- per database ------------------------------------------------------------------------------
    @staticmethod
    def _db_key(db_url: str) -> str:
        return "db_" + _sha1(db_url.encode("utf-8")).hexdigest()[:12]

    def last_assessment(self, db_url: str) -> int | None:
        """The assessment last open on this database."""
        raw = self.qs.value(f"{self._db_key(db_url)}/last_assessment", None)
        try:
            return int(raw) if raw not in (None, "") else None
        except (TypeError, ValueError):
            return None

    def set_last_assessment(self, db_url: str, assessment_id: int | None) -> None:
        """Remember the assessment open on this database."""
        self.qs.setValue(f"{self._db_key(db_url)}/last_assessment", assessment_id or "")

    def add_recent(self, path: str) -> list[str]:
        """Put a database file at the top of the recent list; returns the list."""
        items = [p for p in self.get("recent_files") if p != path]
        items.insert(0, path)
        items = items[:MAX_RECENT]
        self.set("recent_files", items)
        return items

"""Target of the interrupted-migration harness: open (and so migrate) a database, slowly, to be killed midway."""

from __future__ import annotations

import time
from pathlib import Path


def migrate(url: str, backup_dir: str, counter, delay: float) -> None:
    """``open_database(url)`` with every SQL statement counted in ``counter`` and slowed by ``delay`` seconds."""
    from sqlalchemy import event

    import app.storage.database as database

    original = database.make_engine

    def counted(u, **kw):
        engine = original(u, **kw)

        def before(conn, cursor, statement, params, context, executemany):
            with counter.get_lock():
                counter.value += 1
            time.sleep(delay)

        event.listen(engine, "before_cursor_execute", before)
        return engine

    database.make_engine = counted
    db = database.open_database(url, backup_dir=Path(backup_dir))
    db.dispose()

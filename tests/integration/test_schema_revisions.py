"""The fast revision list used at start-up agrees with Alembic's own migration graph."""

from __future__ import annotations

from alembic.script import ScriptDirectory

from app.storage.database import _alembic_config, head_revision, known_revisions


def test_known_revisions_match_alembic():
    """Parsing the migration files gives the same ordered chain as Alembic's walk."""
    script = ScriptDirectory.from_config(_alembic_config())
    assert known_revisions() == [r.revision for r in reversed(list(script.walk_revisions()))]
    assert head_revision() == script.get_current_head() == known_revisions()[-1]  # HEAD_REVISION kept up


def test_models_match_the_migrations(tmp_path):
    """A database built by the migrations has exactly the tables, columns and indexes of the ORM models."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from app.storage.database import open_database
    from app.storage.orm import Base

    db = open_database(f"sqlite:///{tmp_path / 'schema.sqlite'}")
    try:
        with db.engine.connect() as conn:
            assert compare_metadata(MigrationContext.configure(conn), Base.metadata) == []
    finally:
        db.dispose()

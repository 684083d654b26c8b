"""Alembic environment: always run with a connection handed in by ``app.storage.database``."""

from alembic import context

from app.storage.orm import Base

target_metadata = Base.metadata


def run_migrations_online() -> None:
    """Run migrations on the connection passed in ``config.attributes['connection']``."""
    connection = context.config.attributes["connection"]
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=True,  # SQLite cannot ALTER most things; batch mode copies the table
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


run_migrations_online()

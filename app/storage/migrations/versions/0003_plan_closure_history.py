"""closure history of plan actions

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25 07:00:00

An action that was closed (verified) and later reopened kept only its latest closure record: the
earlier evidence, effectiveness check and verifier were overwritten by the next closure.  Each
action now keeps a JSON list of its closure events (closed with the record, reopened), oldest
first.  Existing actions start with an empty list; an action closed today is not back-filled,
because when it was closed is not known.
"""

import sqlalchemy as sa
from alembic import op


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('plan_action') as batch:
        batch.add_column(sa.Column('closure_history', sa.JSON(), nullable=False, server_default='[]'))


def downgrade() -> None:
    with op.batch_alter_table('plan_action') as batch:
        batch.drop_column('closure_history')

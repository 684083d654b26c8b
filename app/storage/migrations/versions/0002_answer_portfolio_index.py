"""covering index for cross-lab (portfolio) aggregates

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25 04:00:00

``labassess portfolio`` counts, per item and status, the answers of a *selection* of assessments
(latest per lab, cohort filters).  ix_answer_item_status (item_id, status) cannot answer that
without reading every answer row for its assessment_id (0.65-0.85 s at 10k x 200 on SQLite); with
assessment_id in the index the aggregate is an index-only scan (about 0.2 s).
"""

from alembic import op


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index('ix_answer_item_status_assessment', 'answer', ['item_id', 'status', 'assessment_id'])


def downgrade() -> None:
    op.drop_index('ix_answer_item_status_assessment', table_name='answer')

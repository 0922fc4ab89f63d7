"""api_writes: a client may act for a spotter organisation (no operator) instead of an operator

Revision ID: 3100_api_writes
Revises: 3000_steering
Create Date: 2026-12-01 00:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "3100_api_writes"
down_revision = "3000_steering"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("api_clients") as batch_op:
        batch_op.alter_column("operator_id", existing_type=sa.Integer(), nullable=True)


def downgrade() -> None:
    # A spotter organisation's client has no operator: it cannot survive the older schema.
    op.execute("DELETE FROM api_clients WHERE operator_id IS NULL")
    with op.batch_alter_table("api_clients") as batch_op:
        batch_op.alter_column("operator_id", existing_type=sa.Integer(), nullable=False)

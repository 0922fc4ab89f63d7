"""updated_since_indexes: the API's incremental reads (``updated_since``) of employers and needs
start from an index on (updated_at, id) instead of reading the whole table.

Revision ID: 3500_updated_since_indexes
Revises: 3400_job_queue
Create Date: 2026-12-01 00:00:00
"""

from alembic import op

revision = "3500_updated_since_indexes"
down_revision = "3400_job_queue"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_employers_updated_at_id", "employers", ["updated_at", "id"])
    op.create_index("ix_recruitment_needs_updated_at_id", "recruitment_needs", ["updated_at", "id"])


def downgrade() -> None:
    op.drop_index("ix_recruitment_needs_updated_at_id", table_name="recruitment_needs")
    op.drop_index("ix_employers_updated_at_id", table_name="employers")

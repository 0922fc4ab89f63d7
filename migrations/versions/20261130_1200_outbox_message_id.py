"""one Message-ID per outbox row

Revision ID: 1200_outbox_message_id
Revises: 1100_import_runs
Create Date: 2026-11-30 12:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "1200_outbox_message_id"
down_revision = "1100_import_runs"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass

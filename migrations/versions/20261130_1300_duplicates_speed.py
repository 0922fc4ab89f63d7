"""employers without SIRET found fast among their commune's

Revision ID: 1300_duplicates_speed
Revises: 1200_outbox_message_id
Create Date: 2026-11-30 13:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "1300_duplicates_speed"
down_revision = "1200_outbox_message_id"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass

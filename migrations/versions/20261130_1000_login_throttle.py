"""login throttling by account and address

Revision ID: 1000_login_throttle
Revises: 0900_name_byte_order
Create Date: 2026-11-30 10:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "1000_login_throttle"
down_revision = "0900_name_byte_order"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass

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
    # The known device a failure came from (app/auth/devices.py): it is locked by its own failures.
    with op.batch_alter_table("login_attempts", schema=None) as batch_op:
        batch_op.add_column(sa.Column("device_id", sa.String(length=32), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("login_attempts", schema=None) as batch_op:
        batch_op.drop_column("device_id")

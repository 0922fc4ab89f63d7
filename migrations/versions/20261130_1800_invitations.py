"""invitations and password resets

Revision ID: 1800_invitations
Revises: 1700_shortage_lists
Create Date: 2026-11-30 18:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "1800_invitations"
down_revision = "1700_shortage_lists"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("password_token_hash", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("password_token_expires_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.create_index(batch_op.f("ix_users_password_token_hash"), ["password_token_hash"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_users_password_token_hash"))
        batch_op.drop_column("password_token_expires_at")
        batch_op.drop_column("password_token_hash")

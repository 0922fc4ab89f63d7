"""invitations followed and resent

Revision ID: 2200_invitation_status
Revises: 2100_tags_admin
Create Date: 2026-11-30 22:00:00
"""

import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

revision = "2200_invitation_status"
down_revision = "2100_tags_admin"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass

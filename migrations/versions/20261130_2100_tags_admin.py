"""tags administered and set in bulk

Revision ID: 2100_tags_admin
Revises: 2000_network_admin
Create Date: 2026-11-30 21:00:00
"""

import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

revision = "2100_tags_admin"
down_revision = "2000_network_admin"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass

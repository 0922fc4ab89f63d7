"""public-form needs outside every basin

Revision ID: 2300_leads_outside_basins
Revises: 2200_invitation_status
Create Date: 2026-11-30 23:00:00
"""

import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

revision = "2300_leads_outside_basins"
down_revision = "2200_invitation_status"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass

"""one search box: what it reads

Revision ID: 2500_global_search
Revises: 2300_leads_outside_basins
Create Date: 2026-11-30 21:00:00
"""

import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

revision = "2500_global_search"
down_revision = "2300_leads_outside_basins"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass

"""recruitment needs life cycle, services, satisfaction, dashboard

Revision ID: 0500_needs
Revises: 0400_assignments
Create Date: 2026-11-22 07:00:00
"""

from alembic import op
import sqlalchemy as sa


revision = "0500_needs"
down_revision = "0400_assignments"
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass

"""prospection plans and events

Revision ID: 0600_plans_events
Revises: 0500_needs
Create Date: 2026-11-22 07:00:00
"""

from alembic import op
import sqlalchemy as sa


revision = "0600_plans_events"
down_revision = "0500_needs"
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass

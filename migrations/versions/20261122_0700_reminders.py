"""scheduled reminders, outbox and job runs

Revision ID: 0700_reminders
Revises: 0600_plans_events
Create Date: 2026-11-22 07:00:00
"""

from alembic import op
import sqlalchemy as sa


revision = "0700_reminders"
down_revision = "0600_plans_events"
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass

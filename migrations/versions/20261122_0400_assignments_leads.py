"""task forces, privileged contacts, spotters and leads

Revision ID: 0400_assignments
Revises: 0300_employers
Create Date: 2026-11-22 07:00:00
"""

from alembic import op
import sqlalchemy as sa


revision = "0400_assignments"
down_revision = "0300_employers"
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass

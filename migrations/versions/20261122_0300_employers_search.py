"""employers: search, tags, edit conflicts, imports

Revision ID: 0300_employers
Revises: 21c592395f26
Create Date: 2026-11-22 07:00:00
"""

from alembic import op
import sqlalchemy as sa


revision = "0300_employers"
down_revision = "21c592395f26"
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass

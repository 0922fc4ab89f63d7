"""imports that run outside the request

Revision ID: 1100_import_runs
Revises: 1000_login_throttle
Create Date: 2026-11-30 11:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "1100_import_runs"
down_revision = "1000_login_throttle"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass

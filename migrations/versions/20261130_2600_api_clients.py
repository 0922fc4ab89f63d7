"""API clients and their tokens

Revision ID: 2600_api_clients
Revises: 2500_global_search
Create Date: 2026-11-30 21:30:00
"""

import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

revision = "2600_api_clients"
down_revision = "2500_global_search"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass

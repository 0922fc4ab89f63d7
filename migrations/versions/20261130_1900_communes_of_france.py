"""communes of France, régions, départements, EPCI; basins may close

Revision ID: 1900_communes_of_france
Revises: 1800_invitations
Create Date: 2026-11-30 19:00:00
"""

import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

revision = "1900_communes_of_france"
down_revision = "1800_invitations"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass

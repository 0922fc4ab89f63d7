"""operators, task forces and spotter organisations administered

Revision ID: 2000_network_admin
Revises: 1900_communes_of_france
Create Date: 2026-11-30 20:00:00
"""

import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

revision = "2000_network_admin"
down_revision = "1900_communes_of_france"
branch_labels = None
depends_on = None


# Nothing to change in the schema: operators and spotter organisations already had their
# is_active column and unique names, task forces their name. The revision stays in the chain.


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass

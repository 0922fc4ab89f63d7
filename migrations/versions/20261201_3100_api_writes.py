"""api_writes

Revision ID: 3100_api_writes
Revises: 3000_steering
Create Date: 2026-12-01 00:00:00
"""

revision = "3100_api_writes"
down_revision = "3000_steering"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass

"""steering

Revision ID: 3000_steering
Revises: 2900_retention_surveys
Create Date: 2026-12-01 00:00:00
"""

revision = "3000_steering"
down_revision = "2900_retention_surveys"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass

"""retention_surveys

Revision ID: 2900_retention_surveys
Revises: 2800_sourcing_inclusion
Create Date: 2026-12-01 00:00:00
"""

revision = "2900_retention_surveys"
down_revision = "2800_sourcing_inclusion"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass

"""sourcing_inclusion

Revision ID: 2800_sourcing_inclusion
Revises: 2700_services_catalogue
Create Date: 2026-12-01 00:00:00
"""

revision = "2800_sourcing_inclusion"
down_revision = "2700_services_catalogue"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass

"""services_catalogue

Revision ID: 2700_services_catalogue
Revises: 2600_api_clients
Create Date: 2026-12-01 00:00:00
"""

revision = "2700_services_catalogue"
down_revision = "2600_api_clients"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass

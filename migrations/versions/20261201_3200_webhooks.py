"""webhooks

Revision ID: 3200_webhooks
Revises: 3100_api_writes
Create Date: 2026-12-01 00:00:00
"""

revision = "3200_webhooks"
down_revision = "3100_api_writes"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass

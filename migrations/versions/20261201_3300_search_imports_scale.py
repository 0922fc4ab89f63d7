"""search_imports_scale

Revision ID: 3300_search_imports_scale
Revises: 3200_webhooks
Create Date: 2026-12-01 00:00:00
"""

revision = "3300_search_imports_scale"
down_revision = "3200_webhooks"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass

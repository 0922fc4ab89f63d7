"""job_queue

Revision ID: 3400_job_queue
Revises: 3300_search_imports_scale
Create Date: 2026-12-01 00:00:00
"""

revision = "3400_job_queue"
down_revision = "3300_search_imports_scale"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass

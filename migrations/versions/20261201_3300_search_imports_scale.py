"""search_imports_scale

Revision ID: 3300_search_imports_scale
Revises: 3200_webhooks
Create Date: 2026-12-01 00:00:00
"""

from alembic import op

revision = "3300_search_imports_scale"
down_revision = "3200_webhooks"
branch_labels = None
depends_on = None

# PostgreSQL only (listed in app/schema.py): a GiST trigram index on search_name, whose
# `<->>` distance orders names nearest first with a LIMIT by walking the index; GIN (migration
# 0300, kept for substrings) can only find the near names, all of them, to be sorted after.
# A signature of 64 bytes instead of 12: a name and its commune hold some forty trigrams,
# which saturate 96 bits and make every name look near.
GIST_INDEX = "ix_employers_search_name_gist"


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"CREATE INDEX {GIST_INDEX} ON employers USING gist (search_name gist_trgm_ops(siglen=64))")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"DROP INDEX {GIST_INDEX}")

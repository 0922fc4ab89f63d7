"""one Message-ID per outbox row

Revision ID: 1200_outbox_message_id
Revises: 1100_import_runs
Create Date: 2026-11-30 12:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "1200_outbox_message_id"
down_revision = "1100_import_runs"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("outbox_emails", schema=None) as batch_op:
        batch_op.add_column(sa.Column("message_id", sa.String(length=250), nullable=True))
    # Rows written before this revision get one too, derived from their id: unique, and the
    # same for every later attempt.
    op.execute("UPDATE outbox_emails SET message_id = '<outbox-' || id || '@relais-entreprises.fr>'")
    with op.batch_alter_table("outbox_emails", schema=None) as batch_op:
        batch_op.alter_column("message_id", existing_type=sa.String(length=250), nullable=False)
        batch_op.create_unique_constraint("uq_outbox_emails_message_id", ["message_id"])


def downgrade() -> None:
    with op.batch_alter_table("outbox_emails", schema=None) as batch_op:
        batch_op.drop_constraint("uq_outbox_emails_message_id", type_="unique")
        batch_op.drop_column("message_id")

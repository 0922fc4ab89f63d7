"""tags administered and set in bulk

Revision ID: 2100_tags_admin
Revises: 1900_communes_of_france
Create Date: 2026-11-30 21:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "2100_tags_admin"
down_revision = "1900_communes_of_france"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("tags", schema=None) as batch_op:
        batch_op.add_column(sa.Column("is_active", sa.Boolean(), server_default=sa.true(), nullable=False))
    with op.batch_alter_table("import_runs", schema=None) as batch_op:
        batch_op.add_column(sa.Column("tag_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_import_runs_tag_id_tags"), "tags", ["tag_id"], ["id"], ondelete="SET NULL"
        )


def downgrade() -> None:
    with op.batch_alter_table("import_runs", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_import_runs_tag_id_tags"), type_="foreignkey")
        batch_op.drop_column("tag_id")
    with op.batch_alter_table("tags", schema=None) as batch_op:
        batch_op.drop_column("is_active")

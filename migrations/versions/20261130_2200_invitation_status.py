"""invitations followed and resent

Revision ID: 2200_invitation_status
Revises: 2100_tags_admin
Create Date: 2026-11-30 22:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "2200_invitation_status"
down_revision = "2100_tags_admin"
branch_labels = None
depends_on = None

# The marker of an account whose owner has not chosen a password yet (app/auth/services.py).
UNUSABLE_PASSWORD_HASH = "!"  # noqa: S105  (a marker, not a secret)


def upgrade() -> None:
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("invited_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("invited_by_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("activated_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.create_index(batch_op.f("ix_users_invited_by_id"), ["invited_by_id"], unique=False)
        batch_op.create_index(
            "ix_users_not_activated",
            ["full_name", "id"],
            unique=False,
            sqlite_where=sa.text("activated_at IS NULL"),
            postgresql_where=sa.text("activated_at IS NULL"),
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_users_invited_by_id_users"), "users", ["invited_by_id"], ["id"], ondelete="SET NULL"
        )

    users = sa.table(
        "users",
        sa.column("password_hash", sa.String),
        sa.column("created_at", sa.DateTime(timezone=True)),
        sa.column("last_login_at", sa.DateTime(timezone=True)),
        sa.column("invited_at", sa.DateTime(timezone=True)),
        sa.column("activated_at", sa.DateTime(timezone=True)),
    )
    # An account with a real password is its owner's already: activated at its first known
    # login, else when it was created. The others are invitations sent when they were created.
    op.execute(
        users.update()
        .where(users.c.password_hash != UNUSABLE_PASSWORD_HASH)
        .values(activated_at=sa.func.coalesce(users.c.last_login_at, users.c.created_at))
    )
    op.execute(
        users.update().where(users.c.password_hash == UNUSABLE_PASSWORD_HASH).values(invited_at=users.c.created_at)
    )


def downgrade() -> None:
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_users_invited_by_id_users"), type_="foreignkey")
        batch_op.drop_index(
            "ix_users_not_activated",
            sqlite_where=sa.text("activated_at IS NULL"),
            postgresql_where=sa.text("activated_at IS NULL"),
        )
        batch_op.drop_index(batch_op.f("ix_users_invited_by_id"))
        batch_op.drop_column("activated_at")
        batch_op.drop_column("invited_by_id")
        batch_op.drop_column("invited_at")

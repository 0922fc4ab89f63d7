"""one search box: the employers each user opened last, and SQLite's word list of employer names

``recent_employers`` keeps, per user, the employers opened last (app/search/services.py).
On SQLite, ``employers_fts_vocab`` lists the words of the FTS5 index of migration 0300, so that a
typed word with a typo can be matched to the words close to it (app/search/queries.py); it reads
that index, so it needs no trigger of its own. PostgreSQL has pg_trgm instead.

Revision ID: 2500_global_search
Revises: 2300_leads_outside_basins
Create Date: 2026-11-30 21:00:00
"""

import sqlalchemy as sa
from alembic import op


revision = "2500_global_search"
down_revision = "2300_leads_outside_basins"
branch_labels = None
depends_on = None

CONTACTS_INDEX = "ix_employer_contacts_search_trgm"


def upgrade() -> None:
    op.create_table(
        "recent_employers",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("employer_id", sa.Integer(), nullable=False),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["employer_id"],
            ["employers.id"],
            name=op.f("fk_recent_employers_employer_id_employers"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_recent_employers_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("user_id", "employer_id", name=op.f("pk_recent_employers")),
    )
    with op.batch_alter_table("recent_employers", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_recent_employers_employer_id"), ["employer_id"], unique=False)
        batch_op.create_index("ix_recent_employers_user_id_opened_at", ["user_id", "opened_at"], unique=False)
    if op.get_bind().dialect.name == "sqlite":
        op.execute("CREATE VIRTUAL TABLE employers_fts_vocab USING fts5vocab(employers_fts, row)")
    else:
        # The expression app/search/queries.py searches (app.dialects.folded of the joined text):
        # substrings and typos (LIKE, <%) of 100,000s of contact persons without reading them all.
        op.execute(
            f"CREATE INDEX {CONTACTS_INDEX} ON employer_contacts USING gin (translate(lower("
            "coalesce(first_name, '') || ' ' || coalesce(last_name, '') || ' ' || coalesce(email, '')), "
            "'àáâãäåçèéêëìíîïñòóôõöùúûüýÿ', 'aaaaaaceeeeiiiinooooouuuuyy') gin_trgm_ops)"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TABLE employers_fts_vocab")
    else:
        op.execute(f"DROP INDEX {CONTACTS_INDEX}")
    with op.batch_alter_table("recent_employers", schema=None) as batch_op:
        batch_op.drop_index("ix_recent_employers_user_id_opened_at")
        batch_op.drop_index(batch_op.f("ix_recent_employers_employer_id"))
    op.drop_table("recent_employers")

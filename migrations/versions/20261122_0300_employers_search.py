"""employers: search, tags, edit conflicts, imports

Revision ID: 0300_employers
Revises: 21c592395f26
Create Date: 2026-11-22 07:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0300_employers"
down_revision = "21c592395f26"
branch_labels = None
depends_on = None

# Search indexes that exist in one database only, left out of the model comparison
# by app/schema.py (include_object):
# - PostgreSQL: a GIN trigram index on search_name (substring and typo-tolerant search);
# - SQLite: an FTS5 word index on search_name kept by triggers, so that every writer
#   (ORM, imports' Core statements, merges) keeps it current without thinking of it.
TRIGRAM_INDEX = "ix_employers_search_name_trgm"
SQLITE_WORD_INDEX = [
    "CREATE VIRTUAL TABLE employers_fts USING fts5("
    "search_name, content='employers', content_rowid='id', prefix='2 3', tokenize='ascii')",
    "CREATE TRIGGER employers_fts_insert AFTER INSERT ON employers BEGIN "
    "INSERT INTO employers_fts(rowid, search_name) VALUES (new.id, new.search_name); END",
    "CREATE TRIGGER employers_fts_delete AFTER DELETE ON employers BEGIN "
    "INSERT INTO employers_fts(employers_fts, rowid, search_name) VALUES ('delete', old.id, old.search_name); END",
    "CREATE TRIGGER employers_fts_update AFTER UPDATE OF search_name ON employers BEGIN "
    "INSERT INTO employers_fts(employers_fts, rowid, search_name) VALUES ('delete', old.id, old.search_name); "
    "INSERT INTO employers_fts(rowid, search_name) VALUES (new.id, new.search_name); END",
    "INSERT INTO employers_fts(employers_fts) VALUES ('rebuild')",
]


def _is_postgresql() -> bool:
    return op.get_bind().dialect.name == "postgresql"


def upgrade():
    with op.batch_alter_table("employers", schema=None) as batch_op:
        batch_op.add_column(sa.Column("edited_by_hand_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.create_index("ix_employers_commune_name_search_name", ["commune_name", "search_name"], unique=False)
        batch_op.create_index(batch_op.f("ix_employers_headcount_band"), ["headcount_band"], unique=False)
    if _is_postgresql():
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        op.create_index(
            TRIGRAM_INDEX,
            "employers",
            ["search_name"],
            postgresql_using="gin",
            postgresql_ops={"search_name": "gin_trgm_ops"},
        )
    elif op.get_bind().dialect.name == "sqlite":
        for statement in SQLITE_WORD_INDEX:
            op.execute(statement)


def downgrade():
    if _is_postgresql():
        # The extension stays: other databases objects may use it, and it costs nothing.
        op.drop_index(TRIGRAM_INDEX, table_name="employers")
    elif op.get_bind().dialect.name == "sqlite":
        for trigger in ("employers_fts_insert", "employers_fts_delete", "employers_fts_update"):
            op.execute(f"DROP TRIGGER {trigger}")
        op.execute("DROP TABLE employers_fts")
    with op.batch_alter_table("employers", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_employers_headcount_band"))
        batch_op.drop_index("ix_employers_commune_name_search_name")
        batch_op.drop_column("edited_by_hand_at")

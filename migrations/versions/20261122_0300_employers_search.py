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
# - PostgreSQL: a GIN trigram index on search_name (substring and typo-tolerant search), and
#   two on parts of it, for a name search to find its first page without sorting every match
#   (app/employers/queries.py, _first_ids_by_name): the first word after its first letter,
#   and the other words without the repeats of the first one (a repeat left behind, as in
#   "x garage garage", only adds a candidate: never a missed match);
# - SQLite: an FTS5 word index on search_name kept by triggers, so that every writer
#   (ORM, imports' Core statements, merges) keeps it current without thinking of it.
TRIGRAM_INDEX = "ix_employers_search_name_trgm"
# Both parts of search_name ("garage martin garage du port" -> "arage" and "martin du port").
NAME_PART_FUNCTIONS = [
    "CREATE FUNCTION employer_first_word_tail(search_name text) RETURNS text "
    "LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$ SELECT substr(split_part(search_name, ' ', 1), 2) $$",
    # Plain SQL on immutable built-ins: PostgreSQL inlines it, so rechecking rows costs little.
    "CREATE FUNCTION employer_other_words(search_name text) RETURNS text "
    "LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$ SELECT replace("
    "substr(search_name, length(split_part(search_name, ' ', 1)) + 1) || ' ', "
    "' ' || split_part(search_name, ' ', 1) || ' ', ' ') $$",
]
NAME_PART_INDEXES = {
    "ix_employers_first_word_tail_trgm": "employer_first_word_tail",
    "ix_employers_other_words_trgm": "employer_other_words",
}
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
        # Name order with its tie-breaker, so that a search reads names in order from the index alone.
        batch_op.drop_index("ix_employers_search_name")
        batch_op.create_index("ix_employers_search_name_id", ["search_name", "id"], unique=False)
    if _is_postgresql():
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        op.create_index(
            TRIGRAM_INDEX,
            "employers",
            ["search_name"],
            postgresql_using="gin",
            postgresql_ops={"search_name": "gin_trgm_ops"},
        )
        for statement in NAME_PART_FUNCTIONS:
            op.execute(statement)
        for index, function in NAME_PART_INDEXES.items():
            op.execute(f"CREATE INDEX {index} ON employers USING gin ({function}(search_name) gin_trgm_ops)")
    elif op.get_bind().dialect.name == "sqlite":
        for statement in SQLITE_WORD_INDEX:
            op.execute(statement)


def downgrade():
    if _is_postgresql():
        # The extension stays: other databases objects may use it, and it costs nothing.
        for index, function in NAME_PART_INDEXES.items():
            op.drop_index(index, table_name="employers")
            op.execute(f"DROP FUNCTION {function}(text)")
        op.drop_index(TRIGRAM_INDEX, table_name="employers")
    elif op.get_bind().dialect.name == "sqlite":
        for trigger in ("employers_fts_insert", "employers_fts_delete", "employers_fts_update"):
            op.execute(f"DROP TRIGGER {trigger}")
        op.execute("DROP TABLE employers_fts")
    with op.batch_alter_table("employers", schema=None) as batch_op:
        batch_op.drop_index("ix_employers_search_name_id")
        batch_op.create_index(batch_op.f("ix_employers_search_name"), ["search_name"], unique=False)
        batch_op.drop_index(batch_op.f("ix_employers_headcount_band"))
        batch_op.drop_index("ix_employers_commune_name_search_name")
        batch_op.drop_column("edited_by_hand_at")

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

# PostgreSQL only (listed in app/schema.py): the words of employer names, each once, with a
# GiST trigram index. A typo ("boulangrie") is first matched to the nearest words of the
# register ("boulangerie"), a few among some thousands, read nearest first from the index; the
# search then runs with them as typed. Ordering the names themselves by distance read and sorted
# every near name (a twentieth of 2.5 million), and a GiST index on the names, which can order
# by distance, walked most of its 434 MB for one query. Kept by statement-level triggers (one
# INSERT … SELECT per statement, COPY included); a word no name holds any more only offers a
# correction that finds nothing, so words are never deleted.
WORDS_TABLE = "employer_name_words"
UPGRADE = [
    f"CREATE TABLE {WORDS_TABLE} (word text CONSTRAINT pk_{WORDS_TABLE} PRIMARY KEY)",
    "INSERT INTO employer_name_words (word) SELECT DISTINCT w FROM employers, "
    "regexp_split_to_table(search_name, ' ') AS w WHERE w <> ''",
    f"CREATE INDEX ix_{WORDS_TABLE}_trgm ON {WORDS_TABLE} USING gist (word gist_trgm_ops)",
    "CREATE FUNCTION employer_name_words_add() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
    "INSERT INTO employer_name_words (word) SELECT DISTINCT w FROM new_rows, "
    "regexp_split_to_table(new_rows.search_name, ' ') AS w WHERE w <> '' ON CONFLICT DO NOTHING; "
    "RETURN NULL; END $$",
    "CREATE TRIGGER employer_name_words_insert AFTER INSERT ON employers REFERENCING NEW TABLE AS new_rows "
    "FOR EACH STATEMENT EXECUTE FUNCTION employer_name_words_add()",
    "CREATE TRIGGER employer_name_words_update AFTER UPDATE ON employers REFERENCING NEW TABLE AS new_rows "
    "FOR EACH STATEMENT EXECUTE FUNCTION employer_name_words_add()",
]
DOWNGRADE = [
    "DROP TRIGGER employer_name_words_update ON employers",
    "DROP TRIGGER employer_name_words_insert ON employers",
    "DROP FUNCTION employer_name_words_add()",
    f"DROP TABLE {WORDS_TABLE}",
]


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for statement in UPGRADE:
            op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for statement in DOWNGRADE:
            op.execute(statement)

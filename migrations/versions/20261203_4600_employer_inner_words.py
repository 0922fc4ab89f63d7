"""employer_inner_words: each employer's words behind its name's first word, in name order.

A word found behind other first words (« salon de coiffure … », « cabinet comptable … ») matches
125,000 of 2.5 M names, clustered far from the register's first names. Neither the name index
(ordered by the first word) nor a trigram index (no order) gives them in name order: the search
read and sorted all 125,000 to show 25 (400 ms). Here every word of three letters or more after
the first one is a row with the employer's name and id, so a word's employers are one range of the
primary key, in name order (app/employers/queries.py, ``_first_ids_by_name``).

PostgreSQL only (SQLite's FTS5 index reads them in 20 ms at 200,000). A derived index kept by
triggers, as ``employer_name_words`` is: every writer (ORM, imports' Core statements, merges)
keeps it current. A first load turns the triggers off and queues the table's rebuild
(app/employers/inner_words.py): the search reads it only while the insert trigger is on.

Revision ID: 4600_employer_inner_words
Revises: 4500_activity_names_sqlite
Create Date: 2026-12-03 00:00:00
"""

from alembic import op

revision = "4600_employer_inner_words"
down_revision = "4500_activity_names_sqlite"
branch_labels = None
depends_on = None

# Its search_name sorts byte-wise, as the employers' name indexes do (migration 0900).
UPGRADE = [
    'CREATE TABLE employer_inner_words (word text NOT NULL, search_name text COLLATE "C" NOT NULL, '
    "employer_id integer NOT NULL)",
    # One definition of the words kept, for the triggers, the rebuild and the search's length rule.
    "CREATE FUNCTION employer_inner_words(search_name text) RETURNS SETOF text "
    "LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$ SELECT DISTINCT word "
    "FROM string_to_table(search_name, ' ') WITH ORDINALITY AS words(word, position) "
    "WHERE position > 1 AND length(word) >= 3 $$",
    "CREATE FUNCTION employer_inner_words_add() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
    "INSERT INTO employer_inner_words (word, search_name, employer_id) "
    "SELECT employer_inner_words(new_rows.search_name), new_rows.search_name, new_rows.id FROM new_rows "
    "ON CONFLICT DO NOTHING; RETURN NULL; END $$",
    "CREATE FUNCTION employer_inner_words_remove() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
    "DELETE FROM employer_inner_words kept USING old_rows "
    "WHERE kept.word IN (SELECT employer_inner_words(old_rows.search_name)) "
    "AND kept.search_name = old_rows.search_name AND kept.employer_id = old_rows.id; RETURN NULL; END $$",
    # A renamed employer: its old words' rows go, its new ones come (row by row: few rows are renamed).
    "CREATE FUNCTION employer_inner_words_rename() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
    "DELETE FROM employer_inner_words WHERE word IN (SELECT employer_inner_words(OLD.search_name)) "
    "AND search_name = OLD.search_name AND employer_id = OLD.id; "
    "INSERT INTO employer_inner_words (word, search_name, employer_id) "
    "SELECT employer_inner_words(NEW.search_name), NEW.search_name, NEW.id ON CONFLICT DO NOTHING; "
    "RETURN NULL; END $$",
    "CREATE TRIGGER employer_inner_words_insert AFTER INSERT ON employers REFERENCING NEW TABLE AS new_rows "
    "FOR EACH STATEMENT EXECUTE FUNCTION employer_inner_words_add()",
    "CREATE TRIGGER employer_inner_words_delete AFTER DELETE ON employers REFERENCING OLD TABLE AS old_rows "
    "FOR EACH STATEMENT EXECUTE FUNCTION employer_inner_words_remove()",
    "CREATE TRIGGER employer_inner_words_update AFTER UPDATE OF search_name ON employers FOR EACH ROW "
    "WHEN (OLD.search_name IS DISTINCT FROM NEW.search_name) EXECUTE FUNCTION employer_inner_words_rename()",
    # Filled before its key is built: at 2.5 M employers (10 M rows), 20 s instead of 2 min.
    "INSERT INTO employer_inner_words (word, search_name, employer_id) "
    "SELECT employer_inner_words(search_name), search_name, id FROM employers",
    "ALTER TABLE employer_inner_words ADD CONSTRAINT pk_employer_inner_words "
    "PRIMARY KEY (word, search_name, employer_id)",
]
DOWNGRADE = [
    "DROP TRIGGER employer_inner_words_update ON employers",
    "DROP TRIGGER employer_inner_words_delete ON employers",
    "DROP TRIGGER employer_inner_words_insert ON employers",
    "DROP FUNCTION employer_inner_words_rename()",
    "DROP FUNCTION employer_inner_words_remove()",
    "DROP FUNCTION employer_inner_words_add()",
    "DROP FUNCTION employer_inner_words(text)",
    "DROP TABLE employer_inner_words",
]


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for statement in UPGRADE:
            op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for statement in DOWNGRADE:
            op.execute(statement)

"""contacts_trigram_sqlite: SQLite's trigram index of the contact persons' folded names, for the header's search.

On SQLite, a name typed in the header's search was looked for in every contact person's first
name, last name and e-mail, joined and folded row by row (60–125 ms a pass at 100,000 contact
persons, two passes for the rows and their count), and a phone number in every phone stripped of
its separators. ``employer_contacts_fts`` holds the same texts computed once, the names folded
(``search_fold``, app/text.py's normalize_for_search, which the application registers on each
SQLite connection) and the phone's digits, in an FTS5 table of trigrams: any substring of three
characters or more is found from its index. Triggers keep it in step with every writer,
anonymisation included (the names it blanks leave the index with them). PostgreSQL indexes the
same expressions by trigrams since migrations 2500 and 4000.

Revision ID: 4100_contacts_trigram_sqlite
Revises: 4000_contact_phone_trigram
Create Date: 2026-12-02 15:00:00
"""

from alembic import op

revision = "4100_contacts_trigram_sqlite"
down_revision = "4000_contact_phone_trigram"
branch_labels = None
depends_on = None


# The names as app/search/queries.py joins them, folded; the phone as contact_phone_digits strips it.
SQLITE_TRIGRAM_INDEX = [
    "CREATE VIRTUAL TABLE employer_contacts_fts USING fts5(search_text, phone_digits, tokenize='trigram')",
    """CREATE TRIGGER employer_contacts_fts_insert AFTER INSERT ON employer_contacts BEGIN
    INSERT INTO employer_contacts_fts(rowid, search_text, phone_digits) VALUES (
        new.id,
        search_fold(coalesce(new.first_name, '') || ' ' || coalesce(new.last_name, '') || ' ' || coalesce(new.email, '')),
        replace(replace(replace(coalesce(new.phone, ''), ' ', ''), '.', ''), '-', '')
    );
END""",
    """CREATE TRIGGER employer_contacts_fts_delete AFTER DELETE ON employer_contacts BEGIN
    DELETE FROM employer_contacts_fts WHERE rowid = old.id;
END""",
    """CREATE TRIGGER employer_contacts_fts_update AFTER UPDATE OF first_name, last_name, email, phone
ON employer_contacts BEGIN
    UPDATE employer_contacts_fts SET
        search_text = search_fold(coalesce(new.first_name, '') || ' ' || coalesce(new.last_name, '') || ' ' || coalesce(new.email, '')),
        phone_digits = replace(replace(replace(coalesce(new.phone, ''), ' ', ''), '.', ''), '-', '')
    WHERE rowid = new.id;
END""",
    """INSERT INTO employer_contacts_fts(rowid, search_text, phone_digits) SELECT
    id,
    search_fold(coalesce(employer_contacts.first_name, '') || ' ' || coalesce(employer_contacts.last_name, '') || ' ' || coalesce(employer_contacts.email, '')),
    replace(replace(replace(coalesce(employer_contacts.phone, ''), ' ', ''), '.', ''), '-', '')
FROM employer_contacts""",
]


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for statement in SQLITE_TRIGRAM_INDEX:
            op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for trigger in ("employer_contacts_fts_insert", "employer_contacts_fts_delete", "employer_contacts_fts_update"):
            op.execute(f"DROP TRIGGER {trigger}")
        op.execute("DROP TABLE employer_contacts_fts")

"""needs_title_trigram: the needs' folded titles indexed by trigrams, for the header's search.

The header's needs group folded the title and job title of every need its user may see, on each
search (39 ms of PostgreSQL at 10,000 needs); it now reads the needs holding the longest typed
word from this index and the job titles' (app/search/queries.py). The expression is
app.dialects.folded's, constants written as in the SQL it emits. PostgreSQL only.

Revision ID: 3800_needs_title_trigram
Revises: 3700_name_words_split
Create Date: 2026-12-02 00:00:00
"""

from alembic import op

revision = "3800_needs_title_trigram"
down_revision = "3700_name_words_split"
branch_labels = None
depends_on = None

INDEX = "ix_recruitment_needs_title_folded_trgm"


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            f"CREATE INDEX {INDEX} ON recruitment_needs USING gin (translate(lower(title), "
            "'àáâãäåçèéêëìíîïñòóôõöùúûüýÿ', 'aaaaaaceeeeiiiinooooouuuuyy') gin_trgm_ops)"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"DROP INDEX {INDEX}")

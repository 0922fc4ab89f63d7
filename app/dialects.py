"""Where SQLite and PostgreSQL differ: every dialect branch of the application lives here.

Callers ask for what they need (a number of days, an insert that skips duplicates, whether the
server has trigram indexes) and never test the dialect's name themselves.
"""

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from app.extensions import db


def dialect_name(bind=None) -> str:
    return (bind or db.session.get_bind()).dialect.name


def is_postgresql(bind=None) -> bool:
    return dialect_name(bind) == "postgresql"


def is_sqlite(bind=None) -> bool:
    return dialect_name(bind) == "sqlite"


def insert(table: sa.Table):
    """An INSERT that knows ON CONFLICT DO NOTHING (both dialects have it under their own class)."""
    return (postgresql.insert if is_postgresql() else sqlite.insert)(table)


def days_between(later, earlier) -> sa.ColumnElement[int]:
    """Whole days between two DATE columns."""
    if is_sqlite():
        return sa.cast(sa.func.julianday(later) - sa.func.julianday(earlier), sa.Integer)
    return sa.type_coerce(later - earlier, sa.Integer)


def elapsed_days(later, earlier) -> sa.ColumnElement[float]:
    """Fractional days between two instants."""
    if is_sqlite():
        return sa.func.julianday(later) - sa.func.julianday(earlier)
    return sa.extract("epoch", later - earlier) / 86400.0


def week_start(column) -> sa.ColumnElement:
    """The Monday of a date's week."""
    if is_sqlite():
        return sa.func.date(column, "weekday 0", "-6 days")
    return sa.cast(sa.func.date_trunc("week", column), sa.Date)


def has_trigram_search() -> bool:
    """PostgreSQL's pg_trgm indexes (substrings, typo tolerance); SQLite has an FTS5 word index instead."""
    return is_postgresql()


def seldom_narrows(condition: sa.ColumnElement[bool]) -> sa.ColumnElement[bool]:
    """SQLite: ``condition`` marked as keeping most rows (``likelihood``), so that its planner walks
    the index of the order asked for, or starts from a narrower condition, rather than from this
    one's index.

    SQLite plans without statistics (nothing runs ANALYZE) and takes an indexed IN list for a
    handful of rows. For the employers of a user's 3 basins (200,000), it read them all from the
    basin index and sorted them to show a page (466 ms), or looked each up in a name search's
    matches or a portfolio (27–130 ms). PostgreSQL's statistics see the sizes on their own."""
    if is_postgresql():
        return condition
    return sa.func.likelihood(condition, sa.literal_column("0.9"))


# PostgreSQL's SQLSTATE for a unique violation.
UNIQUE_VIOLATION = "23505"
SQLITE_UNIQUE_FAILED = "UNIQUE constraint failed: "


def violated_unique_rule(error: sa.exc.IntegrityError) -> str | None:
    """The name of the unique constraint or index that refused a write; None for any other refusal.

    PostgreSQL names the constraint; SQLite names the columns ("UNIQUE constraint failed: t.a, t.b"),
    which are matched against the schema's unique constraints and indexes.
    """
    if is_postgresql():
        return error.orig.diag.constraint_name if error.orig.sqlstate == UNIQUE_VIOLATION else None
    message = str(error.orig)
    if not message.startswith(SQLITE_UNIQUE_FAILED):
        return None
    detail = message.removeprefix(SQLITE_UNIQUE_FAILED)
    if detail.startswith("index '"):  # an index on expressions is named instead
        return detail.removeprefix("index '").rstrip("'")
    qualified = [part.strip().split(".", 1) for part in detail.split(",")]
    table = db.metadata.tables.get(qualified[0][0])
    if table is None:
        return None
    columns = {column for _, column in qualified}
    rules = [c for c in table.constraints if isinstance(c, sa.UniqueConstraint)]
    rules += [index for index in table.indexes if index.unique]
    return next((rule.name for rule in rules if {column.name for column in rule.columns} == columns), None)


def byte_order(expression: sa.ColumnElement[str]) -> sa.ColumnElement[str]:
    """Strings sorted and compared byte-wise, as SQLite's BINARY does, whatever PostgreSQL's collation.

    Migration 0900 builds the employers' name indexes of PostgreSQL with the same collation, so that
    they serve these sorts.
    """
    if is_postgresql():
        return expression.self_group().collate("C")
    return expression


# Accented letters and their plain forms, for PostgreSQL's translate() (one character each).
_ACCENTED = "àáâãäåçèéêëìíîïñòóôõöùúûüýÿ"
_PLAIN = "aaaaaaceeeeiiiinooooouuuuyy"


def folded(expression: sa.ColumnElement[str]) -> sa.ColumnElement[str]:
    """A text lower-cased and without accents, to compare with app.text.normalize_for_search's words.

    SQLite calls normalize_for_search itself (registered by app.extensions.configure_sqlite)."""
    if is_postgresql():
        # Constants written in the SQL, not parameters: an index on this expression then matches it.
        return sa.func.translate(
            sa.func.lower(expression), sa.literal_column(f"'{_ACCENTED}'"), sa.literal_column(f"'{_PLAIN}'")
        )
    return sa.func.search_fold(expression)


# The letters a French accent may hide ("é" for "e"): in a SQLite LIKE pattern they become "_".
_MAYBE_ACCENTED = str.maketrans(dict.fromkeys("aeiouc", "_"))


def _accent_blind(word: str) -> str:
    return f"%{word.translate(_MAYBE_ACCENTED)}%"


def contains_words(words: list[str], *expressions: sa.ColumnElement[str]) -> sa.ColumnElement[bool]:
    """Every word (of app.text.normalize_for_search) inside one of the expressions, accents and case aside.

    SQLite first runs its own LIKE (case-blind in ASCII) with the accentable letters left open,
    for every word, so that normalize_for_search, a Python call per row, runs only on the few
    rows that pass them all (SQLite checks an AND's terms in their order)."""

    def each_word(holds) -> sa.ColumnElement[bool]:
        return sa.and_(*[sa.or_(*[holds(expression, word) for expression in expressions]) for word in words])

    if is_postgresql():
        return each_word(lambda expression, word: folded(expression).like(f"%{word}%"))
    return sa.and_(
        each_word(lambda expression, word: expression.like(_accent_blind(word))),
        each_word(lambda expression, word: sa.func.search_fold(expression).like(f"%{word}%")),
    )


def may_be_near(words: list[str], expression: sa.ColumnElement[str]) -> sa.ColumnElement[bool] | None:
    """SQLite: rows that may hold every word with a typo, for ``near_words`` to check (None on PostgreSQL).

    A word with one typo keeps one of its halves intact: the rows holding neither half cannot match."""
    if is_postgresql():
        return None
    halves = []
    for word in words:
        middle = len(word) // 2
        halves.append(
            sa.or_(expression.like(_accent_blind(word[:middle])), expression.like(_accent_blind(word[middle:])))
        )
    return sa.and_(*halves)


def near_words(words: list[str], expression: sa.ColumnElement[str]) -> sa.ColumnElement[bool]:
    """Every word a typo away at most from a word of the text: pg_trgm's ``<%`` on PostgreSQL,
    RapidFuzz on SQLite (app.text.near_words). Unindexed: for the small tables, or few rows."""
    if is_postgresql():
        return sa.and_(*[sa.literal(word).op("<%")(folded(expression)) for word in words])
    return sa.func.search_near(" ".join(words), expression) == 1


def tolerate_typos(word_similarity: float) -> None:
    """PostgreSQL: how close a word must be for ``<%`` (pg_trgm's word similarity), for this transaction."""
    if is_postgresql():
        db.session.execute(
            sa.select(sa.func.set_config("pg_trgm.word_similarity_threshold", str(word_similarity), True))
        )

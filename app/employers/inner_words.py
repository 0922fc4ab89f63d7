"""PostgreSQL's ``employer_inner_words`` (migration 4600): each name's words behind its first one.

Triggers keep it, row by row, for every writer. A first load (app/employers/staging.py) would
multiply its insert's cost by adding five rows an employer under a primary key: it turns the
triggers off (the legal units' names then renaming its employers too) and queues the table's
rebuild, done once from the whole register, as indexes are built. Until then the name search
leaves the table aside (``queries._inner_words_containing``).
"""

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

import sqlalchemy as sa

from app.extensions import db
from app.jobs.queue import enqueue, handler
from app.transactions import transaction

REBUILD_INNER_WORDS_JOB = "employers.rebuild_inner_words"
# The table's triggers (migration 4600), off from a first load until the rebuild; the search checks
# the first.
INNER_WORDS_TRIGGER = "employer_inner_words_insert"
_TRIGGERS = (INNER_WORDS_TRIGGER, "employer_inner_words_update", "employer_inner_words_delete")
REBUILD_MEMORY = "256MB"


@contextmanager
def inner_words_rebuilt_after(connection: sa.Connection) -> Iterator[None]:
    """A first load's insert, in its transaction, leaves the table aside, then queues its rebuild,
    which a worker runs once the load is committed."""
    pause_inner_words(connection)
    yield
    enqueue(REBUILD_INNER_WORDS_JOB, max_attempts=5)


def pause_inner_words(connection: sa.Connection) -> None:
    """Turn the table's triggers off until ``rebuild_inner_words``: the search leaves it aside."""
    connection.exec_driver_sql(_triggers_turned("DISABLE"))


def rebuild_inner_words(connection: sa.Connection) -> None:
    """Fill the table from the whole register, then turn its triggers on again.

    Writers to employers wait meanwhile (readers do not): a row written during the rebuild would be
    in neither its snapshot nor the trigger's work. At 2.5 M employers (10 M rows) about 20 s."""
    connection.exec_driver_sql("LOCK TABLE employers IN SHARE ROW EXCLUSIVE MODE")
    connection.exec_driver_sql("TRUNCATE employer_inner_words")
    # Its key built after the rows, in memory: a sort instead of 10 M insertions.
    connection.exec_driver_sql("ALTER TABLE employer_inner_words DROP CONSTRAINT pk_employer_inner_words")
    connection.exec_driver_sql(
        "INSERT INTO employer_inner_words (word, search_name, employer_id) "
        "SELECT employer_inner_words(search_name), search_name, id FROM employers"
    )
    connection.exec_driver_sql(f"SET LOCAL maintenance_work_mem = '{REBUILD_MEMORY}'")
    connection.exec_driver_sql(
        "ALTER TABLE employer_inner_words ADD CONSTRAINT pk_employer_inner_words "
        "PRIMARY KEY (word, search_name, employer_id)"
    )
    connection.exec_driver_sql(_triggers_turned("ENABLE"))


def _triggers_turned(way: str) -> str:
    return "ALTER TABLE employers " + ", ".join(f"{way} TRIGGER {trigger}" for trigger in _TRIGGERS)


@handler(REBUILD_INNER_WORDS_JOB, lease=timedelta(hours=2))
def run_rebuild_inner_words() -> None:
    with transaction():
        rebuild_inner_words(db.session.connection())

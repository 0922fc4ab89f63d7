"""A large import's establishments loaded into a temporary table, then upserted by a few set-based statements.

The SIRENE import keeps tens of thousands of establishments of a basin out of millions of
lines: written row by row, the database was the bottleneck. Here they are streamed into a
temporary table (PostgreSQL: COPY; SQLite: executemany), then four statements do what
``establishments.upsert_establishments`` does batch by batch, with the same rule: an import
never overwrites a field of an employer that an adviser created or edited by hand, it only
fills the fields left empty there (``_merged``). Inside the caller's transaction, like it.
"""

from collections.abc import Iterable
from contextlib import contextmanager
from datetime import datetime

import sqlalchemy as sa

from app.dialects import insert, is_postgresql
from app.employers.enums import EmployerSource
from app.employers.establishments import COMPARED_FIELDS, Establishment, ImportReport, search_text
from app.employers.inner_words import inner_words_rebuilt_after
from app.employers.models import Employer
from app.extensions import db

STAGING_BATCH = 10_000
# PostgreSQL: from this many new employers, and at least as many as the register holds, the
# indexes are built after the insert (_indexes_built_after); below, keeping them costs little.
REBUILD_FROM_ROWS = 20_000
REBUILD_MEMORY = "256MB"
_EMPLOYERS = Employer.__table__
# Its own metadata: a temporary table is no part of the schema the migrations compare.
_staged = sa.Table(
    "staged_establishments",
    sa.MetaData(),
    sa.Column("line", sa.Integer, nullable=False),
    sa.Column("siret", sa.String(14), primary_key=True),
    sa.Column("name", sa.Text),
    sa.Column("enseigne", sa.Text),
    sa.Column("search_name", sa.Text),
    sa.Column("naf_code", sa.Text),
    sa.Column("naf25_code", sa.Text),
    sa.Column("headcount_band", sa.Text),
    sa.Column("street", sa.Text),
    sa.Column("postcode", sa.Text),
    sa.Column("commune_insee", sa.Text),
    sa.Column("commune_name", sa.Text),
    sa.Column("basin_id", sa.Integer),
    sa.Column("created_on", sa.Date),
    prefixes=["TEMPORARY"],
)
_COLUMNS = [column.name for column in _staged.columns]


def _values(establishment: Establishment) -> tuple:
    band = establishment.headcount_band
    return (
        establishment.line,
        establishment.siret,
        establishment.name,
        establishment.enseigne,
        search_text(establishment.name, establishment.enseigne, establishment.commune_name),
        establishment.naf_code,
        establishment.naf25_code,
        band.value if band is not None else None,
        establishment.street,
        establishment.postcode,
        establishment.commune_insee,
        establishment.commune_name,
        establishment.basin_id,
        establishment.created_on,
    )


class Staging:
    """The temporary table of one import, on the session's connection (so inside its transaction)."""

    def __init__(self):
        self.connection = db.session.connection()
        self.connection.exec_driver_sql(f"DROP TABLE IF EXISTS {_staged.name}")
        _staged.create(self.connection)
        self.count = 0

    def add(self, establishments: Iterable[Establishment]) -> None:
        """Stream the establishments in, ``STAGING_BATCH`` at a time: memory stays flat."""
        batch = []
        for establishment in establishments:
            batch.append(_values(establishment))
            if len(batch) == STAGING_BATCH:
                self._write(batch)
                batch = []
        if batch:
            self._write(batch)

    def _write(self, rows: list[tuple]) -> None:
        raw = self.connection.connection.driver_connection
        if is_postgresql(self.connection):
            with raw.cursor() as cursor, cursor.copy(f"COPY {_staged.name} ({', '.join(_COLUMNS)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            placeholders = ", ".join("?" for _ in _COLUMNS)
            raw.cursor().executemany(
                f"INSERT INTO {_staged.name} ({', '.join(_COLUMNS)}) VALUES ({placeholders})",  # noqa: S608
                rows,
            )
        self.count += len(rows)

    def rename(self, names: dict[str, str]) -> None:
        """The legal units' names (by SIREN) as the establishments' names, their search text with them."""
        rows = [
            {"b_siret": siret, "b_name": names[siret[:9]], "b_search_name": search_text(names[siret[:9]], *rest)}
            for siret, *rest in self.connection.execute(
                sa.select(_staged.c.siret, _staged.c.enseigne, _staged.c.commune_name)
            )
            if siret[:9] in names
        ]
        if rows:
            self.connection.execute(
                sa.update(_staged)
                .where(_staged.c.siret == sa.bindparam("b_siret"))
                .values(name=sa.bindparam("b_name"), search_name=sa.bindparam("b_search_name")),
                rows,
            )

    def sirens(self) -> set[str]:
        return {siret[:9] for siret in self.connection.scalars(sa.select(_staged.c.siret))}

    def remove(self, sirens: set[str]) -> list[tuple[int, str]]:
        """Take out the establishments of these SIRENs; their (line, SIRET), by line."""
        if not sirens:
            return []
        siren = sa.func.substr(_staged.c.siret, 1, 9)
        removed = list(
            self.connection.execute(
                sa.select(_staged.c.line, _staged.c.siret).where(siren.in_(sirens)).order_by(_staged.c.line)
            ).tuples()
        )
        self.connection.execute(sa.delete(_staged).where(siren.in_(sirens)))
        self.count -= len(removed)
        return removed

    def upsert(self, source: EmployerSource, report: ImportReport, now: datetime) -> None:
        """Update the known SIRETs that changed, insert the new ones, and count each kind in the report."""
        known = sa.select(_EMPLOYERS.c.id).where(_EMPLOYERS.c.siret == _staged.c.siret).exists()
        nameless = self.connection.execute(
            sa.select(_staged.c.line, _staged.c.siret).where(_staged.c.name.is_(None), ~known).order_by(_staged.c.line)
        )
        for line, siret in nameless:
            report.reject(line, siret, "aucun nom (joignez le fichier des unités légales)")
        matched = self.connection.scalar(sa.select(sa.func.count()).select_from(_staged).where(known))
        updated = self._update(source, now)
        report.updated += updated
        report.unchanged += matched - updated
        report.created += self._insert(source, now, known)
        self.connection.exec_driver_sql(f"DROP TABLE {_staged.name}")

    def _update(self, source: EmployerSource, now: datetime) -> int:
        merged = _merged(source)
        changed = sa.or_(*[merged[name].is_distinct_from(_EMPLOYERS.c[name]) for name in COMPARED_FIELDS])
        rows = self.connection.execute(
            sa.update(_EMPLOYERS)
            .where(_EMPLOYERS.c.siret == _staged.c.siret, changed)
            .values(merged | {"updated_at": now, "version": _EMPLOYERS.c.version + 1})
            .returning(
                _EMPLOYERS.c.id,
                _EMPLOYERS.c.name,
                _EMPLOYERS.c.enseigne,
                _EMPLOYERS.c.commune_name,
                _EMPLOYERS.c.search_name,
            )
        ).all()
        # The search text of the merged name (a name typed by an adviser, an enseigne filled in).
        renamed = [
            {"b_id": row.id, "b_search_name": text}
            for row in rows
            if (text := search_text(row.name, row.enseigne, row.commune_name)) != row.search_name
        ]
        if renamed:
            self.connection.execute(
                sa.update(_EMPLOYERS)
                .where(_EMPLOYERS.c.id == sa.bindparam("b_id"))
                .values(search_name=sa.bindparam("b_search_name")),
                renamed,
            )
        return len(rows)

    def _insert(self, source: EmployerSource, now: datetime, known) -> int:
        copied = [name for name in _COLUMNS if name != "line"]
        creatable = _staged.c.name.is_not(None) & ~known
        new = sa.select(
            *[_staged.c[name] for name in copied],
            sa.func.substr(_staged.c.siret, 1, 9),
            sa.literal(source.value),
            sa.literal(now, _EMPLOYERS.c.created_at.type),
            sa.literal(now, _EMPLOYERS.c.updated_at.type),
            sa.literal(1),
        ).where(creatable)
        statement = (
            insert(_EMPLOYERS)
            .from_select([*copied, "siren", "source", "created_at", "updated_at", "version"], new)
            .on_conflict_do_nothing(index_elements=["siret"])
            .returning(_EMPLOYERS.c.id)  # (psycopg gives no row count for an INSERT … SELECT from SQLAlchemy)
        )
        new_rows = self.connection.scalar(sa.select(sa.func.count()).select_from(_staged).where(creatable))
        with _indexes_built_after(self.connection, new_rows):
            if is_postgresql(self.connection):
                # Counted where they are inserted: the ids of a first load fetched into Python took
                # 0.56 s of its 8 at 237,638 rows. SQLite has no INSERT in a WITH.
                inserted = statement.cte("inserted")
                return self.connection.scalar(sa.select(sa.func.count()).select_from(inserted))
            return len(self.connection.execute(statement).all())


@contextmanager
def _indexes_built_after(connection: sa.Connection, new_rows: int):
    """PostgreSQL, an import that at least doubles the register (a first load): the employers'
    indexes that the insert does not need are dropped, then built once from the whole table,
    and their foreign keys checked once by a join, as pg_restore does; kept row by row, they
    held the insert at a fraction of its speed. Inside the import's transaction: a failed import
    leaves them as they were. Meanwhile the employers' table is locked: readers wait (a first
    load has few of them); a smaller import keeps them, and the table readable."""
    if not is_postgresql(connection) or new_rows < max(_register_size(connection), REBUILD_FROM_ROWS):
        yield
        return
    # Their definitions from the catalogue: the migrations stay the one place that declares them.
    table = {"table": _EMPLOYERS.name}
    indexes = connection.execute(
        sa.text(
            "SELECT index_class.relname, pg_get_indexdef(index_class.oid) FROM pg_index"
            " JOIN pg_class index_class ON index_class.oid = pg_index.indexrelid"
            " WHERE pg_index.indrelid = CAST(:table AS regclass) AND NOT pg_index.indisunique"
        ),
        table,
    ).all()
    foreign_keys = connection.execute(
        sa.text(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint"
            " WHERE conrelid = CAST(:table AS regclass) AND contype = 'f'"
        ),
        table,
    ).all()
    for name, _ in foreign_keys:
        connection.exec_driver_sql(f'ALTER TABLE {_EMPLOYERS.name} DROP CONSTRAINT "{name}"')
    for name, _ in indexes:
        connection.exec_driver_sql(f'DROP INDEX "{name}"')
    with inner_words_rebuilt_after(connection):
        yield
    # A GIN index built in memory is built in one pass; the setting ends with the transaction.
    connection.exec_driver_sql(f"SET LOCAL maintenance_work_mem = '{REBUILD_MEMORY}'")
    for _, definition in indexes:
        connection.exec_driver_sql(definition)
    for name, definition in foreign_keys:
        connection.exec_driver_sql(f'ALTER TABLE {_EMPLOYERS.name} ADD CONSTRAINT "{name}" {definition}')


def _register_size(connection: sa.Connection) -> int:
    """The planner's estimate of the employers' rows (-1 before the first ANALYZE): a count would
    read a national register for a threshold."""
    estimate = connection.scalar(
        sa.text("SELECT reltuples FROM pg_class WHERE oid = CAST(:table AS regclass)"), {"table": _EMPLOYERS.name}
    )
    return max(int(estimate or 0), 0)


def _merged(source: EmployerSource) -> dict[str, sa.ColumnElement]:
    """Each compared field's value after the import: the file's on a record it wrote and nobody
    edited by hand (an empty cell keeps what is there), else only where the record is empty."""
    overwrite = sa.and_(_EMPLOYERS.c.edited_by_hand_at.is_(None), _EMPLOYERS.c.source == source.value)
    return {
        name: sa.case(
            (overwrite, sa.func.coalesce(_staged.c[name], _EMPLOYERS.c[name])),
            else_=sa.func.coalesce(_EMPLOYERS.c[name], _staged.c[name]),
        )
        for name in COMPARED_FIELDS
    }

"""PostgreSQL plans each statement for its own values unless it is marked ``plan_once``, without
parallel workers, and reads instants in UTC."""

from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa

from app.employers.models import Employer
from app.employers.queries import EmployerFilters, search_page
from app.extensions import db, plan_once
from tests.factories import BasinFactory, EmployerFactory, UserFactory

pytestmark = pytest.mark.postgresql_only


def _prepared(connection, holding: str) -> list[tuple[str, int, int]]:
    """(statement, generic plans, custom plans) of the connection's prepared statements holding a text."""
    query = "SELECT statement, generic_plans, custom_plans FROM pg_prepared_statements WHERE strpos(statement, %s) > 0"
    return [tuple(row) for row in connection.exec_driver_sql(query, (holding,))]


def test_a_statement_is_planned_for_its_values_however_often_it_runs(db_connection):
    # psycopg would prepare it at its fifth run, and PostgreSQL could then keep a generic plan.
    # A label of its own: the connection, taken from the pool, holds other tests' statements.
    statement = sa.select(Employer.id.label("never_prepared")).where(Employer.search_name.like("%boulangerie%"))
    for _ in range(8):
        db.session.execute(statement.limit(25)).all()
    assert _prepared(db_connection, "never_prepared") == []


def test_a_statement_marked_plan_once_is_prepared_and_planned_once(db_connection):
    employers = [EmployerFactory() for _ in range(3)]
    statement = plan_once(
        sa.select(Employer.name.label("planned_once")).where(Employer.id == sa.bindparam("employer_id"))
    )
    for number in range(8):
        employer = employers[number % 3]
        assert db.session.execute(statement, {"employer_id": employer.id}).scalar() == employer.name
    [(_, generic_plans, custom_plans)] = _prepared(db_connection, "planned_once")
    # Five plans for the values, then one for all that PostgreSQL keeps.
    assert custom_plans == 5 and generic_plans == 3


def test_no_statement_is_planned_with_parallel_workers(db_connection):
    assert db_connection.exec_driver_sql("SHOW max_parallel_workers_per_gather").scalar() == "0"


def test_instants_are_read_in_python_s_own_utc(db_connection):
    # The server's zone (Etc/UTC here, often Europe/Paris in production) would make psycopg return
    # ZoneInfo instants that UTCDateTime then converts one by one.
    assert db_connection.exec_driver_sql("SHOW TimeZone").scalar() == "UTC"
    instant = db_connection.exec_driver_sql("SELECT TIMESTAMPTZ '2026-12-03 10:00:00+01'").scalar()
    assert instant.tzinfo is UTC
    assert instant == datetime(2026, 12, 3, 9, tzinfo=UTC)


def test_a_name_search_plans_its_page_s_rows_once_and_its_matches_for_their_words(db_connection):
    # The matches' ids depend on how common the words are; the rows of 25 known ids do not.
    EmployerFactory(name="Garage du Port")
    user = UserFactory()
    for _ in range(8):
        page = search_page(user, EmployerFilters(text="garage"), date(2026, 12, 3), 1, 25)
        assert [employer.name for employer in page.items] == ["Garage du Port"]
    # Only the rows' statements, by their ids (other tests' too: the connection comes from the
    # pool), with a plan kept for every value.
    searches = _prepared(db_connection, "LIKE")
    assert searches and all("employers.id IN" in sql for sql, _, _ in searches)
    assert any(generic_plans >= 1 for _, generic_plans, _ in searches)


def test_the_whole_list_and_an_identifier_s_search_plan_their_rows_once(db_connection):
    # The same best plan for every user and value: each basin's first names, or one key's lookup.
    # A filter or a word keeps plans for its values (the test above).
    basins = [BasinFactory(), BasinFactory()]
    user = UserFactory(basins=basins)
    employer = EmployerFactory(name="Garage du Port", basin=basins[0])
    EmployerFactory(name="Boulangerie du Port", basin=basins[1])
    for _ in range(8):
        for filters in (EmployerFilters(), EmployerFilters(text=employer.siret), EmployerFilters(text=employer.siren)):
            assert employer in search_page(user, filters, date(2026, 12, 3), 1, 25).items
        page = search_page(user, EmployerFilters(naf="45"), date(2026, 12, 3), 1, 25)
        assert employer not in page.items
    kept = [sql for sql, generic_plans, _ in _prepared(db_connection, "FROM employers") if generic_plans >= 1]
    # Each basin's first names, their counts written out: with parameters PostgreSQL guessed a tenth
    # of each basin for the kept plan, found it dearer than the plans for the values, and kept none.
    assert any("UNION ALL" in sql and "LIMIT $" not in sql and "OFFSET $" not in sql for sql in kept)
    assert any("employers.siret =" in sql for sql in kept) and any("employers.siren =" in sql for sql in kept)
    assert not _prepared(db_connection, "naf_code >=")  # the activity filter

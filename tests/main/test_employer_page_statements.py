"""The employer page, the most opened of all, compiles none of its statements again once a
process has shown it (SQLAlchemy's compiled cache): they are built once per process."""

import pytest
import sqlalchemy as sa
from sqlalchemy.engine.interfaces import CacheStats

from app.auth.enums import Role
from tests.factories import (
    AssignmentFactory,
    EmployerFactory,
    FollowUpFactory,
    InteractionFactory,
    RecruitmentNeedFactory,
    UserFactory,
)


@pytest.fixture
def compilations(db_connection):
    """(statement, how SQLAlchemy's compiled cache served it) of each statement run meanwhile."""
    served: list[tuple[str, CacheStats]] = []

    def record(conn, cursor, statement, parameters, context, executemany):
        # The savepoints stand for the page's commits in the tests (tests/conftest.py).
        if not statement.startswith(("SAVEPOINT", "RELEASE SAVEPOINT", "ROLLBACK TO SAVEPOINT")):
            served.append((statement, context.cache_hit))

    sa.event.listen(db_connection, "after_cursor_execute", record)
    yield served
    sa.event.remove(db_connection, "after_cursor_execute", record)


@pytest.mark.parametrize("role", [Role.ADVISER, Role.ADMIN])
def test_a_second_view_of_an_employer_page_compiles_no_statement(client, login, compilations, role):
    user = UserFactory(role=role)
    # With a SIRET and without one: the page is found by either.
    employers = [EmployerFactory(), EmployerFactory(siret=None), EmployerFactory(), EmployerFactory(siret=None)]
    for employer in employers:
        AssignmentFactory(employer=employer, adviser=user)
        InteractionFactory(employer=employer, author=user)
        FollowUpFactory(employer=employer, owner=user)
        RecruitmentNeedFactory(employer=employer)
    login(user)
    for employer in employers[:2]:
        assert client.get(f"/entreprises/{employer.url_key}").status_code == 200
    compilations.clear()
    # Other employers: the same statements with other values.
    for employer in employers[2:]:
        assert employer.name in client.get(f"/entreprises/{employer.url_key}").get_data(as_text=True)
    assert len(compilations) >= 20
    compiled = [statement for statement, served in compilations if served is not CacheStats.CACHE_HIT]
    # INSERT … ON CONFLICT, the recently opened employers' upsert, has no cache key when built.
    assert compiled == []

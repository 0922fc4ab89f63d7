"""The busy pages run a fixed number of queries, whatever the number of rows or basins."""

import sqlalchemy as sa

from tests.factories import AssignmentFactory, EmployerFactory, RecruitmentNeedFactory, UserFactory, seeded_basin


def _queries(connection, client, url: str) -> int:
    statements = []

    def count(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    sa.event.listen(connection, "before_cursor_execute", count)
    try:
        assert client.get(url).status_code == 200
    finally:
        sa.event.remove(connection, "before_cursor_execute", count)
    return len(statements)


def _needs(basin, count: int) -> None:
    for _ in range(count):
        need = RecruitmentNeedFactory(employer=EmployerFactory(basin=basin))
        AssignmentFactory(employer=need.employer)


def test_board_list_and_dashboard_do_not_query_per_row_or_per_basin(client, login, db_connection):
    nazaire, laval = seeded_basin("5219"), seeded_basin("5211")
    login(UserFactory(manager=True, basins=[nazaire, laval]))
    _needs(nazaire, 1)
    pages = ["/besoins", "/besoins/liste", "/tableau-de-bord", "/tableau-de-bord?perimetre=region:52"]
    few = [_queries(db_connection, client, url) for url in pages]
    _needs(nazaire, 6)
    _needs(laval, 6)
    many = [_queries(db_connection, client, url) for url in pages]
    assert many == few
    assert max(few) <= 20

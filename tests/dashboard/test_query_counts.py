"""The busy pages run a fixed number of queries, whatever the number of rows or basins."""

import pytest

from tests.factories import AssignmentFactory, EmployerFactory, RecruitmentNeedFactory, UserFactory, seeded_basin


def _needs(basin, count: int) -> None:
    for _ in range(count):
        need = RecruitmentNeedFactory(employer=EmployerFactory(basin=basin))
        AssignmentFactory(employer=need.employer)


def test_board_list_and_dashboard_do_not_query_per_row_or_per_basin(client, login, count_queries):
    def queries(url):
        with count_queries() as statements:
            assert client.get(url).status_code == 200
        return len(statements)

    nazaire, laval = seeded_basin("5219"), seeded_basin("5211")
    login(UserFactory(manager=True, basins=[nazaire, laval]))
    _needs(nazaire, 1)
    pages = ["/besoins", "/besoins/liste", "/tableau-de-bord", "/tableau-de-bord?perimetre=region:52"]
    few = [queries(url) for url in pages]
    _needs(nazaire, 6)
    _needs(laval, 6)
    many = [queries(url) for url in pages]
    assert many == few
    # 19, and one statement each for the solutions, who sourced the hires, hires by public, engaged
    # employers, and retention with the employers' surveys.
    assert max(few) <= 24


@pytest.mark.postgresql_only
def test_the_employers_of_a_scope_are_counted_from_a_narrow_index(client, login, plan_of):
    # A région of 200,000 employers: counted from the (basin_id, search_name) index, or the table
    # read in parallel, 54 ms of the dashboard's 85 ms of SQL; from an index of basin ids, 10 ms.
    basin = seeded_basin("5219")
    EmployerFactory(basin=basin)
    login(UserFactory(manager=True, basins=[basin]))
    with plan_of(lambda statement: "GROUP BY employers.basin_id UNION ALL" in statement) as plan:
        assert client.get("/tableau-de-bord").status_code == 200
    # From an index led by the basin ids, read alone. On a test's few rows the three such indexes
    # cost the same; at 2.5 M PostgreSQL reads the narrowest, (basin_id, naf_code): 18 MB against
    # 62 MB for (basin_id, id) and 171 MB for (basin_id, search_name, id).
    assert "Index Only Scan using ix_employers_basin_id" in plan[0], plan[0]

"""Lists say how many: exact up to 1,000, "plus de 1 000" beyond, in one bounded query."""

import sqlalchemy as sa

from app.employers.models import Employer
from app.extensions import db
from app.pagination import COUNT_LIMIT, ResultCount, bounded_count, bounded_rows
from tests.factories import BasinFactory, EmployerFactory, LeadFactory, RecruitmentNeedFactory, UserFactory


def _employers_in_new_basin(count: int, name: str = "Compté"):
    basin = BasinFactory()
    db.session.execute(
        sa.insert(Employer),
        [
            {"name": f"{name} {number}", "search_name": f"compte {number}", "basin_id": basin.id}
            for number in range(count)
        ],
    )
    return basin


def test_beyond_1000_rows_the_count_says_more_than_1000_in_one_bounded_query(count_queries):
    basin = _employers_in_new_basin(COUNT_LIMIT + 1)
    with count_queries() as statements:
        count = bounded_count(sa.select(Employer).where(Employer.basin_id == basin.id).order_by(Employer.name))
    assert count == ResultCount(COUNT_LIMIT, exceeded=True)
    assert count.label == "plus de 1\u202f000 résultats"
    assert len(statements) == 1 and "LIMIT" in statements[0].upper() and "ORDER BY" not in statements[0].upper()


def test_up_to_1000_rows_the_count_is_exact():
    basin = _employers_in_new_basin(COUNT_LIMIT)
    assert bounded_count(sa.select(Employer).where(Employer.basin_id == basin.id)).label == "1\u202f000 résultats"
    three = _employers_in_new_basin(3)
    assert bounded_count(sa.select(Employer.id).where(Employer.basin_id == three.id)).label == "3 résultats"
    assert ResultCount(1).label == "1 résultat"
    assert ResultCount(0).label == "Aucun résultat"


def test_the_rows_read_with_their_count_are_counted_as_bounded_count_counts(count_queries):
    # A name search of few matches reads their ids and names with their count, then sorts them.
    for rows in (0, 3, COUNT_LIMIT, COUNT_LIMIT + 1):
        basin = _employers_in_new_basin(rows) if rows else BasinFactory()
        query = sa.select(Employer.id, Employer.name).where(Employer.basin_id == basin.id).order_by(Employer.name)
        with count_queries() as statements:
            read, count = bounded_rows(query)
        assert count == bounded_count(query)
        assert len(statements) == 1 and "ORDER BY" not in statements[0].upper()
        expected = set(db.session.execute(query))
        assert set(read) <= expected and len(read) == min(rows, COUNT_LIMIT + 1)


def test_the_employers_list_says_how_many(client, login):
    basin = _employers_in_new_basin(COUNT_LIMIT + 1)
    EmployerFactory(name="Zorglub un", basin=basin)
    EmployerFactory(name="Zorglub deux", basin=basin)
    EmployerFactory(name="Zorglub trois", basin=basin)
    login(UserFactory(basins=[basin]))
    assert 'data-testid="result-count">plus de 1\u202f000 résultats<' in client.get("/entreprises").get_data(
        as_text=True
    )
    html = client.get("/entreprises?q=zorglub").get_data(as_text=True)
    assert 'data-testid="result-count">3 résultats<' in html


def test_the_needs_and_leads_lists_say_how_many(client, login):
    basin = BasinFactory()
    employer = EmployerFactory(basin=basin)
    for _ in range(3):
        RecruitmentNeedFactory(employer=employer)
        LeadFactory(basin=basin)
    lead = UserFactory(lead=True, basins=[basin])
    login(lead)
    assert 'data-testid="result-count">3 résultats<' in client.get("/besoins/liste").get_data(as_text=True)
    assert 'data-testid="result-count">3 résultats<' in client.get("/signalements").get_data(as_text=True)


def test_the_users_list_says_how_many(client, login):
    for number in range(3):
        UserFactory(full_name=f"Zorglub {number}")
    login(UserFactory(admin=True))
    html = client.get("/administration/utilisateurs?q=zorglub").get_data(as_text=True)
    assert 'data-testid="result-count">3 résultats<' in html

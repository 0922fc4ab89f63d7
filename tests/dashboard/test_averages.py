"""The département's and région's averages beside a basin's figures, computed by hand.

Loire-Atlantique (44) holds Saint-Nazaire and a test basin; the région Pays de la Loire (52) adds Laval.
A closed basin of 44 is left out. Period: the third quarter of 2026.
"""

from datetime import date

import pytest
import sqlalchemy as sa

from app.dashboard.averages import territory_averages
from app.dashboard.models import TerritoryAverageSnapshot
from app.dashboard.scopes import Period
from app.dashboard.tasks import keep_averages
from app.extensions import db
from app.needs.enums import NeedStatus
from app.referential.models import Basin
from app.timeutils import utcnow
from tests.conftest import paris
from tests.factories import (
    BasinFactory,
    EmployerFactory,
    InteractionFactory,
    RecruitmentNeedFactory,
    UserFactory,
    seeded_basin,
)

Q3 = Period(date(2026, 7, 1), date(2026, 9, 30))


def _contacts(basin, count):
    employer = EmployerFactory(basin=basin)
    for _ in range(count):
        InteractionFactory(employer=employer, occurred_on=date(2026, 8, 3))


def _closed(basin, status, filled):
    RecruitmentNeedFactory(
        filled=status is NeedStatus.FILLED,
        employer=EmployerFactory(basin=basin),
        identified_on=date(2026, 7, 1),
        status=status,
        closed_on=date(2026, 7, 21),
        positions=1,
        positions_filled=filled,
    )


@pytest.fixture
def territory(travel):
    travel(paris(2026, 11, 20, 10, 0))
    saint_nazaire, laval = seeded_basin("5219"), seeded_basin("5211")
    other_44 = BasinFactory(departement_code="44", region_code="52")
    closed_44 = BasinFactory(departement_code="44", region_code="52", closed_on=date(2026, 1, 1))
    _contacts(saint_nazaire, 3)
    _contacts(other_44, 1)
    _contacts(laval, 5)
    _contacts(closed_44, 7)  # a closed basin's late entries: left out
    _closed(saint_nazaire, NeedStatus.FILLED, 1)
    _closed(saint_nazaire, NeedStatus.NOT_FILLED, 0)
    _closed(other_44, NeedStatus.FILLED, 1)
    _closed(laval, NeedStatus.NOT_FILLED, 0)
    return saint_nazaire


def test_a_count_is_the_mean_of_the_basins_and_a_rate_the_ratio_of_sums(territory):
    departement, region = territory_averages(territory, Q3)
    assert (departement.basin_count, region.basin_count) == (2, 3)
    # Contacts: (3 + 1) / 2 basins in 44; (3 + 1 + 5) / 3 in the région.
    assert departement.value("contacts") == pytest.approx(2.0)
    assert region.value("contacts") == pytest.approx(3.0)
    # Fill rate: 2 filled of 3 decided in 44 (the mean of the basins' rates would say 75 %);
    # 2 of 4 in the région.
    assert departement.value("fill_rate_needs") == pytest.approx(2 / 3)
    assert region.value("fill_rate_needs") == pytest.approx(0.5)
    # Time to fill: every filled need took 20 days.
    assert departement.value("time_to_fill_median") == 20
    assert "Loire-Atlantique" in departement.label and "Pays de la Loire" in region.label


def test_a_manager_of_one_basin_sees_the_averages_on_the_home_page(client, login, territory, travel):
    travel(paris(2026, 9, 30, 10, 0))
    login(UserFactory(manager=True, basins=[territory]))
    page = client.get("/").get_data(as_text=True)
    assert page.count('data-testid="home-figure-contacts-average"') == 2
    assert "Moyenne des bassins du département (Loire-Atlantique) : 2" in page
    assert "Moyenne des bassins de la région (Pays de la Loire) : 3" in page


def test_a_manager_of_two_basins_sees_no_average(client, login, territory, travel):
    travel(paris(2026, 9, 30, 10, 0))
    login(UserFactory(manager=True, basins=[territory, seeded_basin("5211")]))
    assert "home-figure-contacts-average" not in client.get("/").get_data(as_text=True)


def test_the_dashboard_of_one_basin_shows_the_averages_beside_its_figures(client, login, territory):
    login(UserFactory(manager=True, basins=[territory]))
    page = client.get("/tableau-de-bord?debut=2026-07-01&fin=2026-09-30").get_data(as_text=True)
    table = page.split('data-testid="averages"')[1].split("</table>")[0]
    # Saint-Nazaire 50 %; 2 of 3 in the département, 2 of 4 in the région.
    assert "<td>50\N{NO-BREAK SPACE}%</td><td>67\N{NO-BREAK SPACE}%</td><td>50\N{NO-BREAK SPACE}%</td>" in table


def test_the_hourly_job_keeps_the_averages_and_pages_read_them(territory, travel, count_queries):
    travel(paris(2026, 10, 2, 9, 5))  # Q3 is now the previous quarter, which the job keeps
    kept = keep_averages(utcnow())["moyennes"]
    territories = {"region:52", "departement:44", "departement:53"}  # among the seeded basins' territories
    rows = db.session.execute(sa.select(TerritoryAverageSnapshot.territory, TerritoryAverageSnapshot.period_start))
    assert territories <= {territory for territory, _ in rows}
    assert kept == db.session.scalar(sa.select(sa.func.count()).select_from(TerritoryAverageSnapshot))
    snapshot = db.session.scalar(
        sa.select(TerritoryAverageSnapshot).where(
            TerritoryAverageSnapshot.territory == "region:52", TerritoryAverageSnapshot.period_start == Q3.start
        )
    )
    assert (snapshot.basin_count, snapshot.figures["contacts"]) == (3, pytest.approx(3.0))
    # A contact added since: the page shows the kept averages, said to be of 11:05 (Paris), and
    # reads no contact, need or basin of the région to do so.
    _contacts(seeded_basin("5211"), 30)
    with count_queries() as statements:
        departement, region = territory_averages(territory, Q3)
    assert region.value("contacts") == pytest.approx(3.0)
    assert departement.value("fill_rate_needs") == pytest.approx(2 / 3)
    assert region.computed_at == paris(2026, 10, 2, 9, 5)
    assert not [
        statement for statement in statements if "interactions" in statement or "recruitment_needs" in statement
    ]
    # Two hours later, without the job, the page computes them again: the new contacts count.
    travel(paris(2026, 10, 2, 11, 6))
    departement, region = territory_averages(territory, Q3)
    assert region.value("contacts") == pytest.approx(13.0)
    assert region.computed_at is None


def test_another_period_is_computed_on_the_page(territory, travel):
    travel(paris(2026, 10, 2, 9, 5))
    keep_averages(utcnow())
    august = Period(date(2026, 8, 1), date(2026, 8, 31))
    departement, region = territory_averages(territory, august)
    assert region.computed_at is None
    assert region.value("contacts") == pytest.approx(3.0)


def test_a_closed_basin_counts_itself_in_its_averages(territory, travel):
    travel(paris(2026, 10, 2, 9, 5))
    keep_averages(utcnow())
    closed = db.session.scalar(sa.select(Basin).where(Basin.closed_on.is_not(None), Basin.region_code == "52"))
    departement, region = territory_averages(closed, Q3)
    assert (departement.basin_count, region.basin_count) == (3, 4)
    assert region.value("contacts") == pytest.approx((3 + 1 + 5 + 7) / 4)


def test_kept_averages_of_old_periods_are_forgotten(territory, travel):
    travel(paris(2026, 10, 2, 9, 5))
    keep_averages(utcnow())
    travel(paris(2027, 1, 15, 9, 5))
    keep_averages(utcnow())
    periods = set(db.session.execute(sa.select(TerritoryAverageSnapshot.period_start).distinct()).scalars())
    assert periods == {date(2027, 1, 1), date(2026, 10, 1)}


def test_the_dashboard_says_when_kept_averages_were_computed(client, login, territory, travel):
    travel(paris(2026, 10, 2, 9, 5))
    keep_averages(utcnow())
    login(UserFactory(manager=True, basins=[territory]))
    page = client.get("/tableau-de-bord?debut=2026-07-01&fin=2026-09-30").get_data(as_text=True)
    assert "moyennes calculées le 02/10/2026 à 09:05" in page

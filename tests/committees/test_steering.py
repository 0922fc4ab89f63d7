"""The steering role: read-only, over its territory's basins, never a person's name."""

from datetime import date

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from app.auth.enums import Role
from app.auth.models import User
from app.committees.models import CommitteeMeeting
from app.dashboard.scopes import scope_choices
from app.extensions import db
from app.notifications.models import MonthlyReport
from app.notifications.reports import send_monthly_reports
from tests.conftest import paris
from tests.factories import (
    CommitteeMeetingFactory,
    EmployerFactory,
    InteractionFactory,
    MonthlyReportFactory,
    RecruitmentNeedFactory,
    UserFactory,
    seeded_basin,
)


@pytest.fixture
def basins():
    return {"saint_nazaire": seeded_basin("5219"), "laval": seeded_basin("5211"), "auxerre": seeded_basin("2702")}


def test_a_departement_steering_sees_the_basins_of_its_departement_only(basins):
    steering = UserFactory(steering=True)  # Loire-Atlantique
    assert steering.basins == []
    assert steering.basin_ids == {basins["saint_nazaire"].id}
    assert [scope.basins for scope in scope_choices(steering)][0] == (basins["saint_nazaire"],)


def test_a_region_steering_sees_the_basins_of_its_region(basins):
    steering = UserFactory(steering=True, steering_departement_code=None, steering_region_code="52")
    assert steering.basin_ids == {basins["saint_nazaire"].id, basins["laval"].id}
    assert basins["auxerre"].id not in steering.basin_ids


@pytest.mark.parametrize(
    "values",
    [
        {"role": Role.STEERING},  # no territory
        {"role": Role.STEERING, "steering_departement_code": "44", "steering_region_code": "52"},  # two
        {"role": Role.MANAGER, "steering_departement_code": "44"},  # not a steering account
    ],
)
def test_the_database_holds_one_territory_for_steering_and_none_for_others(values):
    user = User(email="territoire@exemple.fr", full_name="Territoire", password_hash="x", **values)
    with pytest.raises(IntegrityError), db.session.begin_nested():
        db.session.add(user)
        db.session.flush()


def test_steering_never_opens_an_employer_a_need_or_a_contact_person(client, login, basins):
    employer = EmployerFactory(basin=basins["saint_nazaire"])
    need = RecruitmentNeedFactory(employer=employer)
    login(UserFactory(steering=True))
    assert client.get(f"/entreprises/{employer.url_key}").status_code == 403
    assert client.get(f"/besoins/{need.id}").status_code == 403
    assert client.get("/entreprises").status_code == 403


def test_the_drilldown_shows_no_name_of_a_person_to_steering(client, login, basins, travel):
    travel(paris(2026, 11, 20, 10, 0))
    adviser = UserFactory(full_name="Camille Conseillère", basins=[basins["saint_nazaire"]])
    employer = EmployerFactory(basin=basins["saint_nazaire"], name="Chantiers de l'Estuaire")
    InteractionFactory(employer=employer, author=adviser, subject="Appel à Jean Dupont", occurred_on=date(2026, 11, 2))
    login(UserFactory(steering=True))
    page = client.get("/tableau-de-bord/detail?indicateur=contacts&debut=2026-10-01&fin=2026-12-31").get_data(
        as_text=True
    )
    assert "Chantiers de l" in page
    assert "Camille" not in page and "Jean Dupont" not in page
    assert f"/entreprises/{employer.url_key}" not in page


def test_steering_reads_its_territory_and_gets_404_elsewhere(client, login, basins):
    own = CommitteeMeetingFactory(basin=basins["saint_nazaire"])
    other = CommitteeMeetingFactory(basin=basins["auxerre"])
    login(UserFactory(steering=True))
    assert client.get(f"/comites/reunions/{own.id}").status_code == 200
    assert client.get(f"/comites/reunions/{other.id}").status_code == 404
    assert client.get(f"/comites/bassins/{basins['auxerre'].id}").status_code == 404
    dashboard = client.get(f"/tableau-de-bord/detail?indicateur=employers&bassin={basins['laval'].id}")
    assert dashboard.status_code == 404


def test_steering_writes_nothing(client, post, login, basins):
    login(UserFactory(steering=True))
    before = db.session.scalar(sa.select(sa.func.count()).select_from(CommitteeMeeting))
    response = post(f"/comites/bassins/{basins['saint_nazaire'].id}/reunions", {"held_on": "2026-11-01"})
    assert response.status_code == 403
    assert db.session.scalar(sa.select(sa.func.count()).select_from(CommitteeMeeting)) == before


def test_the_home_page_of_steering_names_its_territory(client, login):
    login(UserFactory(steering=True))
    page = client.get("/").get_data(as_text=True)
    assert "Département Loire-Atlantique (44)" in page
    assert 'data-testid="home-figures"' in page


def test_an_admin_invites_a_steering_account_with_its_territory(client, post, login):
    login(UserFactory(admin=True))
    form = {"email": "dreets@exemple.fr", "full_name": "Agent DREETS", "role": "steering", "operator_id": ""}
    refused = post("/administration/utilisateurs/nouveau", form)
    assert refused.status_code == 400
    assert "choisissez un département ou une région" in refused.get_data(as_text=True)
    assert db.session.scalar(sa.select(User).where(User.email == "dreets@exemple.fr")) is None
    assert post("/administration/utilisateurs/nouveau", {**form, "territory": "region:52"}).status_code == 302
    user = db.session.scalar(sa.select(User).where(User.email == "dreets@exemple.fr"))
    assert (user.role, user.steering_region_code, user.steering_departement_code) == (Role.STEERING, "52", None)


def test_steering_gets_the_monthly_report_of_its_territory(basins, travel):
    travel(paris(2026, 12, 1, 6, 0))
    steering = UserFactory(steering=True)
    send_monthly_reports(paris(2026, 12, 1, 6, 0))
    report = db.session.scalar(sa.select(MonthlyReport).where(MonthlyReport.manager_id == steering.id))
    assert report.basin_names == ["Saint-Nazaire"]


def test_steering_reads_the_reports_of_managers_of_its_territory_only(client, login, basins):
    inside = MonthlyReportFactory(manager=UserFactory(manager=True, basins=[basins["saint_nazaire"]]))
    astride = MonthlyReportFactory(manager=UserFactory(manager=True, basins=[basins["saint_nazaire"], basins["laval"]]))
    login(UserFactory(steering=True))
    assert client.get(f"/rapports-mensuels/{inside.id}").status_code == 200
    assert client.get(f"/rapports-mensuels/{astride.id}").status_code == 404

"""Hostile values refused centrally: control characters, ids beyond the database's integers,
far dates. Each answers a 4xx with a French message and leaves the data as it was."""

from datetime import date

import pytest
import sqlalchemy as sa
from werkzeug.exceptions import NotFound

from app.extensions import db
from app.leads.models import Lead
from app.plans.models import PlanTarget
from tests.factories import OperatorFactory, ProspectionPlanFactory, UserFactory

CONTROL_MESSAGE = "caractères invisibles"


def _count(model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


@pytest.mark.parametrize("value", ["a\x00b", "a\x1bb", "\x7f"])
def test_a_control_character_in_a_query_parameter_is_refused(client, value):
    response = client.get("/connexion", query_string={"next": value})
    assert response.status_code == 400
    assert CONTROL_MESSAGE in response.get_data(as_text=True)


def test_a_nul_in_the_anonymous_forms_is_refused_and_nothing_is_saved(client, post):
    response = post("/connexion", {"email": "a\x00@example.org", "password": "x"})
    assert response.status_code == 400
    assert CONTROL_MESSAGE in response.get_data(as_text=True)
    before = _count(Lead)
    response = post("/deposer-un-besoin", {"company_name": "Boulangerie\x00", "positions": "1"})
    assert response.status_code == 400
    assert _count(Lead) == before


def test_a_nul_in_a_url_part_is_refused(client, login):
    login(UserFactory())
    response = client.get("/entreprises/123%00")
    assert response.status_code == 400
    assert CONTROL_MESSAGE in response.get_data(as_text=True)


def test_tabs_and_line_breaks_are_ordinary_text(client):
    assert client.get("/connexion", query_string={"next": "a\tb\r\nc"}).status_code == 200


@pytest.mark.parametrize("url", ["/besoins/2147483648", "/evenements/99999999999999999999", "/plans/2147483648/cibles"])
def test_an_id_beyond_the_database_integers_is_not_found(app, url):
    with pytest.raises(NotFound):
        app.url_map.bind("localhost").match(url)


def test_an_id_beyond_the_database_integers_answers_404(client, login):
    login(UserFactory())
    assert client.get("/besoins/2147483648").status_code == 404
    assert client.get("/besoins/2147483647").status_code == 404


def test_a_number_beyond_the_database_integers_is_a_form_error(client, login, post):
    plan = ProspectionPlanFactory()
    login(UserFactory(lead=True, basins=[plan.basin]))
    data = {"indicator": "visits", "operator_id": str(OperatorFactory().id), "target_value": str(2**31)}
    response = post(f"/plans/{plan.id}/objectifs", data)
    assert response.status_code == 400
    assert "trop grand" in response.get_data(as_text=True)
    assert _count(PlanTarget) == 0


def test_a_far_month_in_the_calendar_is_refused(client, login):
    login(UserFactory())
    for month in ("9999-12", "0001-01"):
        response = client.get("/evenements", query_string={"vue": "mois", "mois": month})
        assert response.status_code == 400, month
        assert "entre 1900 et 2100" in response.get_data(as_text=True)


@pytest.mark.parametrize("far", ["9999-12-31", "0001-01-01"])
def test_a_far_date_in_a_form_is_a_form_error(client, login, post, far):
    plan = ProspectionPlanFactory()
    login(UserFactory(lead=True, basins=[plan.basin]))
    response = post(
        f"/plans/{plan.id}/modifier",
        {
            "title": "Plan",
            "basin_id": str(plan.basin_id),
            "starts_on": "2026-01-01",
            "ends_on": far,
            "target_list_size": "10",
        },
    )
    assert response.status_code == 400
    assert "entre 1900 et 2100" in response.get_data(as_text=True)
    db.session.refresh(plan)
    assert plan.ends_on != date.fromisoformat(far)


def test_a_far_period_on_the_dashboard_falls_back_with_a_message(client, login):
    login(UserFactory(manager=True))
    response = client.get("/tableau-de-bord", query_string={"debut": "0001-01-01", "fin": "9999-12-31"})
    assert response.status_code == 200
    assert "Date hors limites (entre 1900 et 2100)" in response.get_data(as_text=True)


def test_an_id_parameter_beyond_the_database_integers_reads_as_absent(client, login):
    login(UserFactory(admin=True))
    for url in ("/plans?bassin=2147483648", "/affectations?bassin=2147483648", "/evenements?bassin=2147483648"):
        assert client.get(url).status_code == 200, url

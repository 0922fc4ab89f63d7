"""A spotter sees only their own leads (DOMAIN.md rule 5), and nothing else of the application."""

import pytest
from flask import url_for

from app.auth.access import ENDPOINT_ROLES, PUBLIC
from app.auth.enums import Role
from tests.factories import EmployerFactory, LeadFactory, UserFactory

SPOTTER_PAGES = {endpoint for endpoint, rule in ENDPOINT_ROLES.items() if rule != PUBLIC and Role.SPOTTER in rule} | {
    "static"
}
FILLERS = {"int": 1, "default": "1", "string": "1", "path": "x"}


def _url(app, rule):
    values = {
        name: FILLERS.get(type(rule._converters[name]).__name__.replace("Converter", "").lower(), "1")
        for name in rule.arguments
    }
    with app.test_request_context():
        return url_for(rule.endpoint, **values)


@pytest.fixture
def spotter(login):
    user = UserFactory(spotter=True)
    login(user)
    return user


def test_a_spotter_is_refused_every_page_that_is_not_theirs(app, client, post, spotter):
    EmployerFactory()
    reached = []
    for rule in app.url_map.iter_rules():
        if (
            rule.endpoint in SPOTTER_PAGES
            or ENDPOINT_ROLES.get(rule.endpoint) == PUBLIC
            or rule.endpoint == "auth.logout"
        ):
            continue
        url = _url(app, rule)
        response = client.get(url) if "GET" in rule.methods else post(url, {})
        if response.status_code not in (403, 404):
            reached.append((rule.endpoint, response.status_code))
    assert reached == []


def test_a_spotter_gets_404_on_another_spotters_lead(client, post, spotter):
    theirs = LeadFactory()
    mine = LeadFactory(spotter=spotter)
    assert client.get(f"/signalements/{mine.id}").status_code == 200
    assert client.get(f"/signalements/{theirs.id}").status_code == 404
    listing = client.get("/signalements").get_data(as_text=True)
    assert mine.employer_name in listing and theirs.employer_name not in listing
    for action in ("accepter", "refuser", "rattacher"):
        assert post(f"/signalements/{theirs.id}/{action}", {}).status_code in (403, 404)
        assert post(f"/signalements/{mine.id}/{action}", {}).status_code == 403


def test_a_spotter_sees_only_the_triage_free_portal(client, spotter):
    page = client.get("/signalements").get_data(as_text=True)
    assert "Mes signalements" in page and "Trier" not in page

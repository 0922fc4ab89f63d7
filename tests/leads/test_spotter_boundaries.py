"""A spotter sees only their own leads (docs/RULES.md, rule 5), and nothing else of the application."""

import pytest
from flask import url_for

from app.auth.access import API_CLIENTS, ENDPOINT_ROLES, PUBLIC
from app.auth.enums import Role
from tests.access_samples import SAMPLES
from tests.factories import EmployerFactory, LeadFactory, UserFactory

SPOTTER_PAGES = {endpoint for endpoint, rule in ENDPOINT_ROLES.items() if rule != PUBLIC and Role.SPOTTER in rule} | {
    "static"
}
STAFF_TRAITS = {Role.ADVISER: {}, Role.TASKFORCE_LEAD: {"lead": True}, Role.MANAGER: {"manager": True}}


def _url(app, rule, world):
    # Real records of the spotter's own basin (tests/access_samples.py): only the role check
    # stands between the spotter and them, so a missing check answers 200, not a 404.
    values = SAMPLES[rule.endpoint](world) if rule.arguments else {}
    with app.test_request_context():
        return url_for(rule.endpoint, **values)


@pytest.fixture
def spotter(login):
    user = UserFactory(spotter=True)
    login(user)
    return user


@pytest.fixture
def world(spotter):
    basin = spotter.basins[0]
    users = {role: UserFactory(basins=[basin], **traits) for role, traits in STAFF_TRAITS.items()}
    users |= {Role.ADMIN: UserFactory(admin=True), Role.SPOTTER: spotter}
    return {"basin": basin, "employer": EmployerFactory(basin=basin), "users": users, "other_user": users[Role.ADVISER]}


def test_a_spotter_is_refused_every_page_that_is_not_theirs(app, client, post, spotter, world):
    reached = []
    for rule in app.url_map.iter_rules():
        if (
            rule.endpoint in SPOTTER_PAGES
            or ENDPOINT_ROLES.get(rule.endpoint) == PUBLIC
            or rule.endpoint == "auth.logout"
        ):
            continue
        url = _url(app, rule, world)
        if "GET" in rule.methods:
            response = client.get(url)
        elif "POST" in rule.methods:
            response = post(url, {})
        else:  # the API's PATCH
            response = client.patch(url, json={})
        refused = (403, 404) if ENDPOINT_ROLES.get(rule.endpoint) != API_CLIENTS else (401,)
        if response.status_code not in refused:
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

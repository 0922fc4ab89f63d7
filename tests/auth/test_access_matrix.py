"""Walks every registered URL with every role and checks it against app/auth/access.py."""

import pytest
from flask import url_for

from app.auth.access import ENDPOINT_ROLES, PUBLIC, is_allowed, is_api_resource
from app.auth.enums import Role
from app.scheduler.locks import LeaseLock
from tests.access_samples import SAMPLES
from tests.factories import EmployerFactory, UserFactory

ROLE_TRAITS = {
    Role.ADVISER: {},
    Role.TASKFORCE_LEAD: {"lead": True},
    Role.MANAGER: {"manager": True},
    Role.ADMIN: {"admin": True},
    Role.SPOTTER: {"spotter": True},
    Role.STEERING: {"steering": True},
}
REFUSED = {403, 404}


def _endpoints(app):
    return sorted({rule.endpoint for rule in app.url_map.iter_rules()})


def _rules(app):
    return sorted(app.url_map.iter_rules(), key=lambda rule: rule.endpoint)


@pytest.fixture
def world():
    users = {role: UserFactory(**traits) for role, traits in ROLE_TRAITS.items()}
    # A scheduler is running: without its heartbeat the readiness probe rightly answers 503.
    LeaseLock().acquire()
    return {
        "basin": users[Role.ADVISER].basins[0],
        "employer": EmployerFactory(),
        "users": users,
        "other_user": UserFactory(),
    }


def test_every_endpoint_has_an_access_rule(app):
    missing = [endpoint for endpoint in _endpoints(app) if endpoint not in ENDPOINT_ROLES]
    assert missing == [], f"add these endpoints to app/auth/access.py: {missing}"


def test_no_stale_access_rule(app):
    stale = set(ENDPOINT_ROLES) - set(_endpoints(app))
    assert stale == set(), f"these rules name no endpoint: {stale}"


def test_every_parameterised_endpoint_has_a_sample(app):
    missing = [rule.endpoint for rule in _rules(app) if rule.arguments and rule.endpoint not in SAMPLES]
    assert missing == [], f"add URL samples to tests/access_samples.py: {missing}"


def _url(app, rule, world):
    kwargs = SAMPLES[rule.endpoint](world) if rule.arguments else {}
    with app.test_request_context():
        return url_for(rule.endpoint, **kwargs)


def _call(client, post, rule, url):
    if "GET" in rule.methods:
        response = client.get(url)
    elif "POST" in rule.methods:
        response = post(url, {})
    else:  # the API's PATCH
        response = client.open(url, method=min(rule.methods - {"OPTIONS"}))
    response.close()  # static files keep a file open until closed
    return response


def test_anonymous_is_sent_to_login_except_on_public_pages(app, client, post, world):
    for rule in _rules(app):
        url = _url(app, rule, world)
        response = _call(client, post, rule, url)
        if is_api_resource(rule.endpoint):
            # The API asks for a client's bearer token (tests/api), not a login.
            assert response.status_code == 401, (rule.endpoint, response.status_code)
        elif ENDPOINT_ROLES.get(rule.endpoint) == PUBLIC:
            assert response.status_code not in (401, 403), (rule.endpoint, response.status_code)
            assert response.status_code < 500, (rule.endpoint, response.status_code)
        else:
            assert response.status_code == 302, (rule.endpoint, response.status_code)
            assert "/connexion" in response.headers["Location"], rule.endpoint


@pytest.mark.parametrize("role", list(Role), ids=lambda role: role.value)
def test_each_role_reaches_exactly_what_the_rules_allow(app, client, post, login, world, role):
    login(world["users"][role])
    for rule in _rules(app):
        if rule.endpoint in ("auth.logout",):
            continue  # ends the session the loop relies on; covered in tests/auth
        url = _url(app, rule, world)
        response = _call(client, post, rule, url)
        if is_api_resource(rule.endpoint):
            # A person's session opens nothing of the API: only a client's token does.
            assert response.status_code == 401, (role, rule.endpoint, url, response.status_code)
        elif is_allowed(rule.endpoint, role):
            assert response.status_code not in REFUSED, (role, rule.endpoint, url, response.status_code)
            assert response.status_code < 500, (role, rule.endpoint, url, response.status_code)
        else:
            assert response.status_code in REFUSED, (role, rule.endpoint, url, response.status_code)

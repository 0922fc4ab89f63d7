"""The main menu: each role's entries, built once per role and process."""

from flask import url_for

from tests.factories import UserFactory


def test_each_role_gets_its_own_menu_whoever_asked_first(client, login, post):
    login(UserFactory(admin=True))
    assert 'href="/administration/bassins"' in client.get("/entreprises").get_data(as_text=True)
    post("/deconnexion")
    login(UserFactory())
    page = client.get("/entreprises").get_data(as_text=True)
    assert 'href="/administration/bassins"' not in page
    assert '<a class="fr-nav__link" href="/entreprises" aria-current="page">Entreprises</a>' in page


def test_the_menu_s_addresses_are_built_once_per_role(app, client, login, monkeypatch):
    login(UserFactory())
    client.get("/entreprises")
    built = []

    def counting_url_for(endpoint, **values):
        built.append(endpoint)
        return url_for(endpoint, **values)

    monkeypatch.setitem(app.jinja_env.globals, "url_for", counting_url_for)
    client.get("/entreprises")
    assert "activity.portfolio" not in built and "needs.board" not in built, built

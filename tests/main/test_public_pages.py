"""The pages every State service owes its users: public, linked from every page's footer, and
a site map that lists only what the reader may open."""

import re

import pytest

from app.auth.access import ENDPOINT_ROLES
from app.main.sitemap import NOT_PAGES, page_endpoints, page_labels
from tests.factories import UserFactory

FOOTER_PAGES = {
    "/plan-du-site": "Plan du site",
    "/accessibilite": "Déclaration d'accessibilité",
    "/mentions-legales": "Mentions légales",
    "/donnees-personnelles": "Données personnelles",
}


def _footer(html: str) -> str:
    return html[html.index('<footer class="fr-footer"') :]


def _main(html: str) -> str:
    return html[html.index("<main") : html.index("</main>")]


@pytest.mark.parametrize(("url", "title"), FOOTER_PAGES.items())
def test_each_page_opens_without_login(client, url, title):
    response = client.get(url)

    assert response.status_code == 200
    assert f"<h1>{title}</h1>" in response.get_data(as_text=True)


@pytest.mark.parametrize("url", ["/connexion", "/deposer-un-besoin", *FOOTER_PAGES])
def test_the_footer_links_every_page_for_visitors(client, url):
    footer = _footer(client.get(url).get_data(as_text=True))

    for page in [*FOOTER_PAGES, "/deposer-un-besoin"]:
        assert f'href="{page}"' in footer
    assert "Accessibilité : non conforme" in footer


@pytest.mark.parametrize("url", ["/", "/entreprises", "/besoins", "/relances"])
def test_the_footer_links_every_page_for_users(client, login, url):
    login(UserFactory())

    footer = _footer(client.get(url).get_data(as_text=True))

    for page in FOOTER_PAGES:
        assert f'href="{page}"' in footer


def test_the_accessibility_statement_says_non_conforme_and_where_to_write(client, app):
    app.config["CONTACT_EMAIL"] = "accessibilite@bassin.example.fr"
    try:
        html = client.get("/accessibilite").get_data(as_text=True)
    finally:
        app.config["CONTACT_EMAIL"] = "contact@relais-entreprises.fr"

    assert "non conforme" in html and "aucun audit de conformité n'a encore été réalisé" in html
    assert 'href="mailto:accessibilite@bassin.example.fr"' in html
    assert "Défenseur des droits" in html


def test_the_legal_notice_names_publisher_director_and_host_from_the_configuration(client, app):
    saved = {key: app.config[key] for key in ("LEGAL_PUBLISHER", "LEGAL_PUBLICATION_DIRECTOR", "LEGAL_HOST")}
    app.config.update(
        LEGAL_PUBLISHER="GIP Emploi Loire", LEGAL_PUBLICATION_DIRECTOR="Anne Martin", LEGAL_HOST="OVH, Roubaix"
    )
    try:
        html = client.get("/mentions-legales").get_data(as_text=True)
    finally:
        app.config.update(saved)

    assert "GIP Emploi Loire" in html and "Anne Martin" in html and "OVH, Roubaix" in html


def test_the_personal_data_page_gives_purposes_basis_retention_rights_and_contact(client):
    html = client.get("/donnees-personnelles").get_data(as_text=True)

    assert "mission de service public" in html and "6-1-e" in html
    assert "<strong>3 ans</strong>" in html
    assert "rectifier" in html and "effacer" in html and "opposer" in html
    assert 'href="mailto:dpd@relais-entreprises.fr"' in html


def test_the_login_page_leads_employers_to_the_public_form(client):
    html = _main(client.get("/connexion").get_data(as_text=True))

    assert 'href="/deposer-un-besoin"' in html and "Déposer un besoin" in html


def _sitemap_links(client) -> set[str]:
    html = client.get("/plan-du-site").get_data(as_text=True)
    sitemap = html[html.index('data-testid="sitemap"') : html.index("</main>")]
    return set(re.findall(r'href="([^"]+)"', sitemap))


def test_a_visitor_sees_only_the_public_pages(client):
    links = _sitemap_links(client)

    # The API's documentation is public too: it documents and holds no data.
    assert {"/connexion", "/mot-de-passe-oublie", "/deposer-un-besoin", "/api/v1/docs", *FOOTER_PAGES} == links


def test_an_adviser_sees_their_pages_and_no_administration(client, login):
    login(UserFactory())

    links = _sitemap_links(client)

    assert {"/", "/entreprises", "/besoins", "/relances", "/compte/mot-de-passe"} <= links
    assert not {link for link in links if link.startswith("/administration")}
    assert "/connexion" not in links and "/affectations" not in links


def test_an_admin_sees_the_administration(client, login):
    login(UserFactory(admin=True))

    links = _sitemap_links(client)

    assert {"/administration/utilisateurs", "/administration/taches", "/affectations"} <= links


def test_every_page_of_the_app_is_labelled_in_the_sitemap_or_said_not_to_be_a_page(app):
    with app.test_request_context():
        pages = page_endpoints()

    unlabelled = pages - page_labels().keys() - NOT_PAGES.keys()

    assert unlabelled == set(), "label them in app/main/sitemap.py (PAGES) or list them in NOT_PAGES"
    assert NOT_PAGES.keys() <= ENDPOINT_ROLES.keys()

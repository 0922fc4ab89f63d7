import pytest

from tests.factories import FollowUpFactory, UserFactory

pytestmark = pytest.mark.browser


def test_adviser_logs_in_and_sees_the_home_page(browser_page, browser_login, screenshot):
    adviser = UserFactory(full_name="Claire Conseillère")
    FollowUpFactory(owner=adviser)
    browser_login(browser_page, adviser)

    assert browser_page.url.endswith("/")
    assert "Bonjour Claire Conseillère" in browser_page.inner_text("h1")
    navigation = browser_page.inner_text("#navigation")
    assert "Entreprises" in navigation
    assert "Administration" not in navigation
    assert browser_page.inner_text("[data-testid=home-follow-ups-count]") == "1"
    assert screenshot(browser_page, "home-adviser").stat().st_size > 10_000


def test_wrong_password_shows_a_french_message(browser_page, browser_login):
    browser_login(browser_page, UserFactory(), password="pas-le-bon-mot-de-passe")
    assert "Adresse e-mail ou mot de passe incorrect." in browser_page.inner_text("main")


def test_logout_from_the_header(browser_page, browser_login):
    browser_login(browser_page, UserFactory())
    browser_page.click("text=Se déconnecter")
    browser_page.wait_for_url("**/connexion")
    assert "Vous êtes déconnecté." in browser_page.inner_text("main")

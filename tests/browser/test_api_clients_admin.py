"""An admin registers an API client in the browser, reads its secret once, then revokes it after confirming."""

import sqlalchemy as sa

from app.api.models import ApiClient
from app.extensions import db
from tests.browser.conftest import _request_lock
from tests.factories import UserFactory, seeded_basin


def test_an_admin_creates_then_revokes_a_client(browser_page, browser_login):
    seeded_basin()
    browser_login(browser_page, UserFactory(admin=True))
    browser_page.goto("/administration")
    browser_page.get_by_role("link", name="Clients de l'API").first.click()
    browser_page.fill("#name", "SI Cap emploi 44")
    browser_page.select_option("#operator_id", label="Cap emploi Loire-Atlantique")
    browser_page.locator("label", has_text="Saint-Nazaire (5219)").click()  # the DSFR label covers its checkbox
    browser_page.select_option("#scope", "read")
    browser_page.get_by_role("button", name="Créer le client").click()
    secret = browser_page.get_by_test_id("client-secret").inner_text()
    assert len(secret) >= 40
    with _request_lock:
        client = db.session.scalar(sa.select(ApiClient).where(ApiClient.name == "SI Cap emploi 44"))
        assert client is not None and client.is_active
    browser_page.goto("/administration/api")
    assert secret not in browser_page.content()
    browser_page.get_by_role("button", name="Révoquer SI Cap emploi 44").click()
    browser_page.get_by_role("button", name="Révoquer le client").click()
    row = browser_page.get_by_test_id(f"api-client-{client.id}")
    assert "révoqué" in row.inner_text().lower()

"""The adviser's main journey: find an employer, log a contact with a follow-up, then close it."""

import pytest

from app.timeutils import today_paris
from tests.factories import AssignmentFactory, EmployerFactory, UserFactory

pytestmark = pytest.mark.browser


def test_find_log_contact_and_follow_up(browser_page, browser_login):
    page = browser_page
    adviser, privileged = UserFactory(), UserFactory()
    employer = EmployerFactory(name="Société Générale des Chantiers")
    AssignmentFactory(employer=employer, adviser=privileged)
    browser_login(page, adviser)

    page.goto("/entreprises")
    page.fill("#q", "societe generale")
    page.press("#q", "Enter")
    page.get_by_role("link", name="Société Générale des Chantiers").click()
    assert privileged.full_name in page.inner_text("[data-testid=privileged-contact]")

    form = page.locator("[data-testid=interaction-form]")
    assert form.locator("#occurred_on").input_value() == today_paris().isoformat()
    form.locator("label[for=channel-0]").click()
    form.locator("#subject").fill("Visite de l'atelier")
    form.locator("#next_follow_up_on").fill(today_paris().isoformat())
    form.locator("button[type=submit]").click()
    page.wait_for_load_state()
    assert "L'échange a été enregistré." in page.content()
    assert "Visite de l'atelier" in page.inner_text("[data-testid=timeline]")

    page.goto("/relances")
    row = page.locator("[data-testid=follow-ups] tbody tr", has_text="Société Générale des Chantiers")
    row.locator("button", has_text="Faite").click()
    page.wait_for_load_state()
    assert "Aucune relance à faire." in page.inner_text("[data-testid=follow-ups]")

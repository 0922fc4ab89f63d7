"""The error summary of a refused form takes the focus, and its links move it to the fields."""

import re

import pytest

from tests.factories import EmployerFactory, UserFactory

pytestmark = pytest.mark.browser


def test_a_refused_contact_form_focuses_its_summary_whose_links_reach_the_fields(
    browser_page, browser_login, screenshot
):
    employer = EmployerFactory(name="Menuiserie Le Goff")
    browser_login(browser_page, UserFactory())
    page = browser_page
    page.goto(f"/entreprises/{employer.siret}")
    page.fill("#occurred_on", "")
    page.fill("#next_follow_up_title", "Rappeler pour le devis")
    page.click("[data-testid=interaction-form] button[type=submit]")
    page.wait_for_load_state()

    summary = page.locator("[data-error-summary]")
    page.wait_for_function("document.activeElement && document.activeElement.hasAttribute('data-error-summary')")
    text = summary.inner_text()
    assert "3 erreurs" in text and "Objet" in text and "Indiquez la date de la relance" in text
    # The summary is on screen: the user sees at once that the form was refused.
    assert summary.is_visible() and page.evaluate(
        "(() => { const r = document.querySelector('[data-error-summary]').getBoundingClientRect();"
        " return r.top >= 0 && r.bottom <= window.innerHeight; })()"
    )
    screenshot(page, "error-summary-employer")

    summary.get_by_role("link", name=re.compile("^Objet")).click()
    assert page.evaluate("document.activeElement.id") == "subject"
    summary.get_by_role("link", name=re.compile("^Prochaine relance")).click()
    assert page.evaluate("document.activeElement.id") == "next_follow_up_on"


def test_a_long_checkbox_list_filters_as_you_type(browser_page, browser_login):
    browser_login(browser_page, UserFactory(lead=True))
    page = browser_page
    page.goto("/plans/nouveau")
    filter_box = page.locator("#naf_divisions-filter")
    assert filter_box.is_visible()
    filter_box.fill("restauration")
    visible = page.locator("#naf_divisions-options [data-option]:visible")
    assert 1 <= visible.count() < 5
    assert "Restauration" in visible.first.inner_text()
    visible.first.locator("label").click()  # the DSFR label covers its checkbox
    assert visible.first.locator("input").is_checked()
    filter_box.fill("")
    assert page.locator("#naf_divisions-options [data-option]:visible").count() > 12

"""An adviser and a task-force lead open the product and see what to do now; the bell empties once read."""

from datetime import timedelta

import pytest

from app.leads.enums import LeadStatus
from app.needs.enums import NeedStatus
from app.timeutils import today_paris
from tests.factories import (
    AssignmentFactory,
    EmployerFactory,
    FollowUpFactory,
    HandoverRequestFactory,
    LeadFactory,
    NotificationFactory,
    PlanEmployerFactory,
    RecruitmentNeedFactory,
    TaskForceMemberFactory,
    UserFactory,
)

pytestmark = pytest.mark.browser


def test_an_adviser_starts_the_day_from_the_home_page(browser_page, browser_login, screenshot):
    page = browser_page
    adviser = UserFactory(full_name="Claire Conseillère")
    employer = AssignmentFactory(adviser=adviser, employer=EmployerFactory(name="Boulangerie Kervella")).employer
    FollowUpFactory(owner=adviser, employer=employer, due_on=today_paris() - timedelta(days=2), title="Relancer")
    FollowUpFactory(owner=adviser, due_on=today_paris(), title="Appeler la DRH")
    RecruitmentNeedFactory(employer=employer, title="Boulanger", status=NeedStatus.SOURCING)
    PlanEmployerFactory(adviser=adviser, employer=EmployerFactory(name="Garage de la Gare"))
    NotificationFactory(recipient=adviser, message="Un collègue a appelé la Boulangerie Kervella.")
    browser_login(page, adviser)

    follow_ups = page.locator("[data-testid=home-follow-ups]")
    assert follow_ups.locator("[data-testid=home-follow-ups-count]").inner_text() == "2"
    assert "1 pour aujourd'hui, 1 en retard" in follow_ups.inner_text()
    assert page.locator("[data-testid=home-open-needs-count]").inner_text() == "1"
    assert "Garage de la Gare" in page.inner_text("[data-testid=home-targets]")
    assert page.locator("[data-testid=home-queue]").count() == 0
    screenshot(page, "home-per-role-adviser")

    # The first need is one click away.
    page.locator("[data-testid=home-open-needs]").get_by_role("link", name="Boulanger").click()
    page.wait_for_load_state()
    assert "Boulanger" in page.inner_text("h1")

    # The bell says how many notifications wait, and is empty once they are read.
    bell = page.locator("header [data-testid=notification-bell]").first
    assert bell.get_attribute("href") == "/notifications"
    assert "1 notification non lue" in bell.inner_text()
    bell.click()
    page.wait_for_load_state()
    assert "Un collègue a appelé la Boulangerie Kervella." in page.inner_text("main")
    page.click("button:has-text('Tout marquer comme lu')")
    page.wait_for_load_state()
    assert page.locator("header [data-testid=notification-count]").count() == 0


def test_a_task_force_lead_sees_what_waits_for_a_decision(browser_page, browser_login, screenshot):
    page = browser_page
    lead = UserFactory(lead=True, full_name="Paul Pilote")
    RecruitmentNeedFactory(employer=EmployerFactory(name="Conserverie Océane"))
    LeadFactory(employer_name="Crêperie du Port", status=LeadStatus.NEW)
    HandoverRequestFactory(employer=EmployerFactory(name="Menuiserie Le Goff"))
    busy = TaskForceMemberFactory(user=UserFactory(full_name="Anne Débordée"), capacity=1)
    AssignmentFactory.create_batch(2, adviser=busy.user)
    browser_login(page, lead)

    for block, expected in (
        ("home-queue", "Conserverie Océane"),
        ("home-triage", "Crêperie du Port"),
        ("home-handovers", "Menuiserie Le Goff"),
        ("home-over-capacity", "Anne Débordée"),
    ):
        section = page.locator(f"[data-testid={block}]")
        assert section.locator(f"[data-testid={block}-count]").inner_text() == "1", block
        assert expected in section.inner_text(), block
    assert page.locator("[data-testid=home-follow-ups]").count() == 0
    screenshot(page, "home-per-role-lead")

    page.locator("[data-testid=home-triage]").get_by_role("link", name="Trier les signalements").click()
    page.wait_for_load_state()
    assert "Crêperie du Port" in page.inner_text("main")

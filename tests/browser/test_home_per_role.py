"""Each role opens the product and sees what to do now (adviser, task-force lead, manager, spotter,
admin), each block's figures and links; the bell empties once read."""

from datetime import timedelta

import pytest

from app.dashboard.scopes import Period, quarter_of
from app.extensions import db
from app.leads.enums import LeadStatus
from app.main.home import previous_period
from app.needs.enums import NeedStatus
from app.notifications.enums import EmailStatus
from app.scheduler.enums import JobRunStatus, JobRunTrigger
from app.scheduler.models import JobRun
from app.scheduler.registry import JOBS
from app.timeutils import today_paris, utcnow
from tests.factories import (
    AssignmentFactory,
    EmployerFactory,
    FollowUpFactory,
    HandoverRequestFactory,
    InteractionFactory,
    LeadFactory,
    NotificationFactory,
    OutboxEmailFactory,
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


def test_a_manager_reads_the_scope_figures_and_opens_the_dashboard(browser_page, browser_login, screenshot):
    page = browser_page
    manager = UserFactory(manager=True, full_name="Marie Manager")
    today = today_paris()
    period = Period(quarter_of(today).start, today)
    InteractionFactory.create_batch(3, occurred_on=today)
    InteractionFactory(occurred_on=previous_period(period).start)  # the same days of the previous quarter
    browser_login(page, manager)

    figures = page.locator("[data-testid=home-figures]")
    assert figures.locator("[data-testid=home-figure-contacted-value]").inner_text() == "3"
    assert figures.locator("[data-testid=home-figure-contacted-change]").inner_text() == "+2 vs trimestre précédent"
    assert figures.locator("[data-testid=home-figure-needs_filled-change]").inner_text() == "= vs trimestre précédent"
    for other in ("home-follow-ups", "home-queue", "home-leads", "home-jobs"):
        assert page.locator(f"[data-testid={other}]").count() == 0, other
    screenshot(page, "home-per-role-manager")

    page.get_by_role("link", name="Le tableau de bord complet, avec le détail de chaque chiffre").click()
    page.wait_for_load_state()
    assert page.inner_text("h1") == "Tableau de bord"
    assert f"debut={period.start.isoformat()}" in page.url and f"fin={today.isoformat()}" in page.url


def test_a_spotter_follows_their_leads_from_the_home_page(browser_page, browser_login, screenshot):
    page = browser_page
    spotter = UserFactory(spotter=True, full_name="Sam Repéreur")
    LeadFactory(spotter=spotter, employer_name="Hôtel des Dunes", job_title="Réceptionniste")
    LeadFactory(spotter=spotter, accepted=True, employer_name="Ferme du Bois", job_title="Ouvrier agricole")
    LeadFactory(employer_name="Signalement d'un autre")
    browser_login(page, spotter)

    leads = page.locator("[data-testid=home-leads]")
    assert leads.locator("[data-testid=home-leads-count]").inner_text() == "2"
    counts = leads.locator("[data-testid=home-lead-counts]").inner_text()
    assert "À traiter : 1" in counts and "Accepté : 1" in counts and "Refusé" not in counts
    assert "Signalement d'un autre" not in page.inner_text("main")
    screenshot(page, "home-per-role-spotter")

    leads.get_by_role("link", name="Ferme du Bois").click()
    page.wait_for_load_state()
    assert "Ferme du Bois" in page.inner_text("main")
    page.go_back()
    page.get_by_role("link", name="Signaler un besoin").click()
    page.wait_for_load_state()
    assert page.url.endswith("/signalements/nouveau")
    page.go_back()
    page.locator("[data-testid=home-leads]").get_by_role("link", name="Tous mes signalements").click()
    page.wait_for_load_state()
    assert "Hôtel des Dunes" in page.inner_text("main")


def test_an_admin_sees_what_is_failing_and_routes_a_need_outside_basins(browser_page, browser_login, screenshot):
    page = browser_page
    admin = UserFactory(admin=True, full_name="Alice Admin")
    now = utcnow()
    db.session.add_all(
        [
            JobRun(job_id="escalation", trigger=JobRunTrigger.SCHEDULE, status=JobRunStatus.FAILED, created_at=now),
            JobRun(job_id="stale_needs", trigger=JobRunTrigger.SCHEDULE, status=JobRunStatus.SUCCEEDED, created_at=now),
        ]
    )
    OutboxEmailFactory(status=EmailStatus.FAILED, subject="Votre point du jour en échec", attempts=5)
    OutboxEmailFactory(subject="Un courriel parti")
    LeadFactory(outside_basins=True, employer_name="Scierie des Monts")
    db.session.flush()
    browser_login(page, admin)

    jobs = page.locator("[data-testid=home-jobs]")
    assert jobs.locator("[data-testid=home-jobs-count]").inner_text() == "1"
    assert "1 échec depuis 7 jours" in jobs.inner_text()
    emails = page.locator("[data-testid=home-failed-emails]")
    assert emails.locator("[data-testid=home-failed-emails-count]").inner_text() == "1"
    assert "Un courriel parti" not in page.inner_text("main")
    assert page.locator("[data-testid=home-jobs-table] tbody tr").count() == len(JOBS)
    screenshot(page, "home-per-role-admin")

    emails.get_by_role("link", name="Votre point du jour en échec").click()
    page.wait_for_load_state()
    assert "Votre point du jour en échec" in page.inner_text("main")
    page.go_back()
    page.locator("[data-testid=outside-basins]").get_by_role("link", name="1 besoin hors bassin à router").click()
    page.wait_for_load_state()
    assert "Scierie des Monts" in page.inner_text("main")

"""The reminders' main journeys: an adviser's digest and preference, an admin running a job."""

from datetime import date

import pytest

from app.extensions import db
from app.notifications.mail import deliver_outbox
from app.scheduler.runner import run_requested_jobs
from app.timeutils import utcnow
from tests.conftest import paris
from tests.factories import FollowUpFactory, UserFactory

pytestmark = pytest.mark.browser


@pytest.fixture(autouse=True)
def settled(browser_page):
    """Let the page's last requests finish before the test's connection is rolled back:
    the server thread shares it, and a request cut short would leave it mid-transaction."""
    yield
    browser_page.wait_for_load_state("networkidle")


@pytest.fixture
def outbox(app, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "MAIL_BACKEND", "file")
    monkeypatch.setitem(app.config, "MAIL_OUTBOX_DIR", str(tmp_path))


def test_an_adviser_reads_the_digest_and_turns_the_email_off(browser_page, browser_login, travel, open_menu):
    travel(paris(2026, 11, 23, 9, 0), tick=True)
    adviser = UserFactory()
    FollowUpFactory(owner=adviser, due_on=date(2026, 11, 16), title="Rappeler la menuiserie")
    db.session.flush()
    page = browser_page
    browser_login(page, adviser)

    open_menu(page, "Relances", "Point du jour")
    assert page.locator("h1").inner_text() == "Mon point du jour"
    assert page.locator("text=Rappeler la menuiserie").is_visible()
    page.click("text=mes préférences")
    page.click("label[for=wants_email_digest]")  # DSFR draws the box on the label
    with page.expect_navigation():  # the POST's redirect, before reading its message
        page.click("button:has-text('Enregistrer')")
    assert page.locator("text=Vos préférences sont enregistrées.").is_visible()
    assert not page.is_checked("#wants_email_digest")


def test_an_admin_runs_the_digest_now_and_reads_the_email(browser_page, browser_login, travel, outbox, open_menu):
    travel(paris(2026, 11, 23, 9, 0), tick=True)
    adviser = UserFactory(full_name="Inès Conseillère")
    FollowUpFactory(owner=adviser, due_on=date(2026, 11, 23), title="Proposer deux candidats")
    admin = UserFactory(admin=True)
    db.session.flush()
    page = browser_page
    browser_login(page, admin)

    open_menu(page, "Administration", "Tâches planifiées")
    with page.expect_navigation():  # the POST's redirect, before reading its message
        page.locator("section", has_text="Point du matin des conseillers").locator("button").click()
    assert page.locator("text=sera lancée par le planificateur").is_visible()
    page.wait_for_load_state("networkidle")  # the server thread shares the test's connection

    # What the scheduler process does: requested runs every 15 seconds, the outbox every minute.
    run_requested_jobs()
    deliver_outbox(utcnow())
    page.reload()
    assert page.locator("section", has_text="Point du matin des conseillers").locator("text=Réussie").is_visible()

    page.click("text=Courriels envoyés et en attente")
    with page.expect_navigation():
        page.click("text=Votre point du jour")
    assert page.locator("text=Proposer deux candidats").first.is_visible()
    assert page.locator("text=Envoyé").first.is_visible()

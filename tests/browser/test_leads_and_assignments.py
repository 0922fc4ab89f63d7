import pytest
import sqlalchemy as sa

from app.extensions import db
from app.leads.models import Lead
from app.referential.enums import OperatorKind
from tests.factories import EmployerFactory, TaskForceMemberFactory, UserFactory, seeded_operator

pytestmark = pytest.mark.browser


def test_from_a_spotters_lead_to_the_privileged_contact(browser_page, browser_login, open_menu):
    page = browser_page
    employer = EmployerFactory(name="Boulangerie Morel")
    spotter = UserFactory(spotter=True, full_name="Romain Repéreur")
    france_travail = seeded_operator(OperatorKind.FRANCE_TRAVAIL)
    adviser = TaskForceMemberFactory(user=UserFactory(full_name="Claire Conseillère", operator=france_travail)).user
    lead_user = UserFactory(lead=True, full_name="Paul Pilote")

    # The spotter reports the need from their portal.
    browser_login(page, spotter)
    page.click("text=Mes signalements")
    page.click("text=Signaler un besoin")
    page.fill("#siret", employer.siret)
    page.fill("#job_title", "Vendeur en boulangerie")
    page.fill("#contact_name", "Jeanne Morel")
    page.fill("#contact_phone", "02 40 00 00 00")
    page.click("label[for=contact_consent]")
    page.click("text=Envoyer le signalement")
    assert "Signalement envoyé" in page.inner_text("main")
    assert page.text_content("[data-testid=lead-status]").strip() == "À traiter"
    page.click("text=Se déconnecter")

    # The lead accepts it, then assigns the employer from the queue.
    browser_login(page, lead_user)
    page.goto("/signalements")
    page.click("text=Boulangerie Morel")
    page.click("button:has-text('Accepter')")
    assert "Signalement accepté" in page.inner_text("main")
    open_menu(page, "Affectations", "File d'affectation")
    row = page.locator(f"[data-testid=queue-row-{employer.id}]")
    assert "besoin de recrutement ouvert" in row.inner_text().lower()
    assert row.locator("select").input_value() == str(adviser.id)
    row.locator("button:has-text('Affecter')").click()
    assert "1 entreprise affectée ;" in page.inner_text("main")

    page.goto(f"/entreprises/{employer.siret}")
    history = page.inner_text("[data-testid=privileged-contact-history]")
    assert "Claire Conseillère" in history and "Paul Pilote" in history
    page.click("text=Se déconnecter")

    # The spotter sees the outcome.
    browser_login(page, spotter)
    lead_id = db.session.scalar(sa.select(Lead.id).where(Lead.spotter_id == spotter.id))
    page.goto(f"/signalements/{lead_id}")
    assert "Accepté le" in page.inner_text("[data-testid=lead-outcome]")


def test_an_employer_files_a_need_on_the_public_form(browser_page):
    page = browser_page
    page.goto("/deposer-un-besoin")
    page.fill("#employer_name", "Hôtel de la Plage")
    page.fill("#commune", "Saint-Nazaire")
    page.fill("#job_title", "Réceptionniste")
    page.fill("#contact_name", "Camille Roux")
    page.fill("#contact_email", "camille@hotel-plage.example")
    page.click("label[for=contact_consent]")
    page.click("text=Envoyer mon besoin")
    assert "votre besoin est bien reçu" in page.inner_text("h1")
    assert not page.locator("#website").is_visible()

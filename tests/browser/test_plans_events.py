from datetime import date, timedelta

import pytest

from app.referential.enums import HeadcountBand
from app.referential.shortage import add_shortage_job
from app.timeutils import utcnow
from tests.factories import (
    EmployerFactory,
    EventFactory,
    OperatorFactory,
    RecruitmentNeedFactory,
    UserFactory,
)

pytestmark = pytest.mark.browser


def test_a_lead_builds_a_plan_shares_it_out_and_follows_it(browser_page, browser_login, screenshot):
    page = browser_page
    lead = UserFactory(lead=True, full_name="Paul Pilote")
    adviser = UserFactory(full_name="Claire Conseillère")
    restaurant = EmployerFactory(name="Brasserie du Port", naf_code="56.10A", headcount_band=HeadcountBand.B11)
    EmployerFactory(name="Cabinet comptable", naf_code="69.20Z")
    # Cooks are short in the basin (its list, as data) and the restaurant is looking for one.
    add_shortage_job(restaurant.basin, "G1602", share=None, source="BMO 2026", as_of=date(2026, 4, 15), author_id=None)
    RecruitmentNeedFactory(employer=restaurant, rome_code="G1602")
    browser_login(page, lead)

    page.goto("/plans/nouveau")
    page.fill("#title", "Plan T1 2027 Saint-Nazaire")
    page.fill("#starts_on", "2027-01-01")
    page.fill("#ends_on", "2027-03-31")
    page.fill("#naf_divisions-filter", "restauration")
    page.click("#naf_divisions label:has-text('56 — Restauration')")
    page.fill("#target_visits", "30")
    page.click("#plan-form button[type=submit]")
    page.wait_for_url("**/plans/*")
    assert "Plan créé" in page.inner_text("main")

    plan_url = page.url
    page.get_by_role("link", name="Liste cible", exact=True).click()
    page.get_by_role("button", name="Calculer la liste à partir des segments").click()
    table = page.inner_text("[data-testid=target-list]")
    assert restaurant.name in table and "Cabinet comptable" not in table
    assert "Besoin ouvert sur un métier en tension (G1602 ; BMO 2026" in table
    page.get_by_role("button", name="Répartir les entreprises non attribuées").click()
    assert "1 entreprise répartie entre" in page.inner_text("main")
    page.goto(plan_url)
    assert f"{adviser.full_name} : 1 entreprise" in page.inner_text("main")
    assert "0 / 30" in page.inner_text("[data-testid=progress]")
    screenshot(page, "plan-detail")


def test_a_lead_organises_a_job_dating_and_records_its_results(browser_page, browser_login, screenshot):
    page = browser_page
    lead = UserFactory(lead=True)
    operator = OperatorFactory(name="Mission locale de Saint-Nazaire")
    need = RecruitmentNeedFactory(title="Serveur en salle", positions=3)
    event = EventFactory(starts_at=utcnow() - timedelta(hours=2), capacity=40, operators=[operator])
    browser_login(page, lead)

    page.goto(f"/evenements/{event.id}")
    assert "Mission locale de Saint-Nazaire" in page.inner_text("[data-testid=organisers]")
    page.fill("#employer", need.employer.siret)
    page.get_by_role("button", name="Ajouter", exact=True).click()
    page.get_by_text("Serveur en salle").click()  # the DSFR label covers its checkbox
    page.get_by_role("button", name="Enregistrer", exact=True).click()
    assert "Serveur en salle (0/3 pourvus)\t3\t0\t0" in page.inner_text("[data-testid=participants]")

    page.get_by_role("link", name="Résultats", exact=True).click()
    page.fill("#candidates_attended", "32")
    page.fill("input[name^=interviews_]", "5")
    page.fill("input[name^=hires_]", "4")
    page.get_by_role("button", name="Enregistrer les résultats").click()
    assert "4 recrutements pour 3 postes proposés" in page.inner_text("main")
    assert page.input_value("input[name^=hires_]") == "4"
    page.fill("input[name^=hires_]", "2")
    page.get_by_role("button", name="Enregistrer les résultats").click()
    assert "Résultats enregistrés" in page.inner_text("main")
    assert page.inner_text("[data-testid=total-hires]") == "2"
    screenshot(page, "event-results")
    page.goto(f"/evenements/{event.id}")
    assert "Serveur en salle (2/3 pourvus)" in page.inner_text("[data-testid=participants]")

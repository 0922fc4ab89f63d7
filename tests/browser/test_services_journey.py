import pytest
import sqlalchemy as sa

from app.extensions import db
from app.needs.enums import MobilisationStatus
from app.needs.models import ServiceMobilisation
from app.timeutils import today_paris
from tests.browser.conftest import _request_lock
from tests.factories import EmployerFactory, RecruitmentNeedFactory, UserFactory, seeded_basin, seeded_service_type

pytestmark = pytest.mark.browser


def test_a_lead_records_a_poe_and_its_hires_then_reads_it_on_the_dashboard(browser_page, browser_login, screenshot):
    page = browser_page
    errors = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    employer = EmployerFactory(name="Ateliers de l'Estuaire test", basin=seeded_basin("5219"))
    need = RecruitmentNeedFactory(employer=employer, title="Chaudronnier ou chaudronnière", positions=6)
    poec = seeded_service_type("poec")
    browser_login(page, UserFactory(lead=True, basins=[seeded_basin("5219")]))

    # On the need's page: a POEC for six trainees, accepted by the employer.
    page.goto(f"/besoins/{need.id}", wait_until="networkidle")
    form = page.locator("[data-testid=mobilisation-new]")
    form.locator("#service_type").select_option(str(poec.id))
    form.locator("#status").select_option("accepted")
    form.locator("#people").fill("6")
    form.locator("#funder").select_option("opco")
    form.locator("button:has-text('Mobiliser ce service')").click()
    page.wait_for_load_state("networkidle")
    assert f"Solution « {poec.label} » enregistrée sur le besoin." in page.inner_text(".fr-alert--success")
    assert "acceptée" in page.inner_text("[data-testid=mobilisations]").lower()

    # The training is over: delivered today, four trainees hired.
    page.click("[data-testid=mobilisations] a:has-text('Modifier')")
    page.wait_for_load_state("networkidle")
    page.select_option("#status", "delivered")
    page.fill("#delivered_on", today_paris().isoformat())
    page.fill("#hires", "4")
    page.click("button:has-text('Enregistrer')")
    page.wait_for_load_state("networkidle")
    assert "réalisée" in page.inner_text("[data-testid=mobilisations]").lower()
    with _request_lock:
        db.session.expire_all()
        mobilisation = db.session.scalar(sa.select(ServiceMobilisation).where(ServiceMobilisation.need_id == need.id))
        assert (mobilisation.status, mobilisation.people, mobilisation.hires) == (MobilisationStatus.DELIVERED, 6, 4)

    # The dashboard counts it, and its figure leads to it.
    page.goto("/tableau-de-bord", wait_until="networkidle")
    kpis = page.locator("[data-testid=solutions-kpis] .kpi")
    # Mobilised, delivered, hires, POE to a TPE (the factory's employer has 1 or 2 employees).
    assert [kpis.nth(i).inner_text().strip() for i in range(4)] == ["1", "1", "4", "1"]
    screenshot(page, "dashboard-solutions")
    kpis.nth(1).locator("a").click()
    page.wait_for_load_state("networkidle")
    assert "Solutions apportées" in page.inner_text("h1")
    assert "Ateliers de l'Estuaire test" in page.inner_text("[data-testid=drilldown]")
    assert errors == []

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.needs.enums import NeedStatus
from app.needs.models import RecruitmentNeed
from tests.factories import AssignmentFactory, EmployerFactory, UserFactory, seeded_basin

pytestmark = pytest.mark.browser


def test_adviser_records_a_need_and_moves_it_on_the_board(browser_page, browser_login, screenshot):
    page = browser_page
    errors = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    adviser = UserFactory(full_name="Claire Conseillère")
    employer = EmployerFactory(name="Chantiers de l'Atlantique test")
    AssignmentFactory(employer=employer, adviser=adviser)
    browser_login(page, adviser)

    page.goto(f"/entreprises/{employer.siret}", wait_until="networkidle")
    page.click("text=Nouveau besoin")
    page.wait_for_load_state("networkidle")
    page.fill("#rome_code", "H2913")
    page.fill("#title", "Soudeur ou soudeuse")
    page.fill("#positions", "3")
    page.select_option("#contract", "cdi")
    page.click("button:has-text('Enregistrer')")
    page.wait_for_load_state("networkidle")
    assert "Soudeur ou soudeuse" in page.inner_text("h1")
    assert page.text_content("[data-testid=need-status]") == "Identifié"

    page.goto("/besoins", wait_until="networkidle")
    card = page.locator(".need-card", has_text="Soudeur ou soudeuse")
    card.drag_to(page.locator(".need-board__column[data-status=qualified] .need-board__cards"))
    page.wait_for_selector(".need-board__column[data-status=qualified] .need-card")
    db.session.expire_all()
    need = db.session.scalar(sa.select(RecruitmentNeed).where(RecruitmentNeed.employer_id == employer.id))
    assert need.status is NeedStatus.QUALIFIED
    screenshot(page, "needs-board")

    # The same move without JavaScript's drag and drop: the card's own form.
    page.select_option(f"#move-{need.id}", "sourcing")
    page.click(f"#need-{need.id} button:has-text('Déplacer')")
    page.wait_for_load_state("networkidle")
    assert page.locator(f".need-board__column[data-status=sourcing] #need-{need.id}").count() == 1
    assert errors == []


def test_manager_reads_the_dashboard_and_drills_down(browser_page, browser_login, screenshot):
    page = browser_page
    errors = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    employer = EmployerFactory(name="Hôtel du Port test")
    EmployerFactory(basin=seeded_basin("5211"))
    browser_login(page, UserFactory(manager=True, basins=[seeded_basin("5219"), seeded_basin("5211")]))

    page.goto("/tableau-de-bord", wait_until="networkidle")
    assert page.locator("[data-testid=basins]").count() == 1
    # Chart.js drew every chart (served locally, CSP intact).
    assert page.evaluate("() => Object.keys(window.Chart.instances).length") == 3
    screenshot(page, "dashboard")
    page.click("[data-testid=funnel] a >> nth=0")
    page.wait_for_load_state("networkidle")
    assert "Entreprises du périmètre" in page.inner_text("h1")
    assert employer.siret in page.inner_text("[data-testid=drilldown]")
    assert errors == []

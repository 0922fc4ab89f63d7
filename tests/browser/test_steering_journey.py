import pytest

from tests.factories import (
    EmployerFactory,
    RecruitmentNeedFactory,
    RetentionCheckFactory,
    ServiceMobilisationFactory,
    UserFactory,
    seeded_basin,
    seeded_service_type,
)

pytestmark = pytest.mark.browser


def _text(locator) -> str:
    return " ".join(locator.inner_text().replace("\u202f", " ").replace("\xa0", " ").split())


def test_a_manager_reads_the_solutions_delivered_and_the_retention_rate_and_the_rows_behind_them(
    browser_page, browser_login, screenshot
):
    page = browser_page
    errors = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    basin, other_basin = seeded_basin("5219"), seeded_basin("5211")
    shipyard = EmployerFactory(name="Chantier naval Penhoët test", basin=basin)
    bakery = EmployerFactory(name="Boulangerie du Brivet test", basin=basin)
    ServiceMobilisationFactory(
        need=RecruitmentNeedFactory(employer=shipyard, title="Soudeur ou soudeuse"),
        service_type=seeded_service_type("poec"),
        delivered=True,
        people=8,
        hires=5,
    )
    ServiceMobilisationFactory(employer=bakery, service_type=seeded_service_type("pcrh"))  # proposed only
    # Six months after the hires: one still holds, one does not; one is not answered yet.
    RetentionCheckFactory(held=True, need=RecruitmentNeedFactory(employer=shipyard, title="Chaudronnier", filled=True))
    RetentionCheckFactory(not_held=True, need=RecruitmentNeedFactory(employer=bakery, title="Boulanger", filled=True))
    RetentionCheckFactory(need=RecruitmentNeedFactory(employer=bakery, title="Vendeur", filled=True))
    # Another basin's figures are not the manager's.
    ServiceMobilisationFactory(
        employer=EmployerFactory(name="Fromagerie lavalloise test", basin=other_basin), delivered=True
    )
    browser_login(page, UserFactory(manager=True, basins=[basin]))

    page.goto("/tableau-de-bord", wait_until="networkidle")
    kpis = page.locator("[data-testid=solutions-kpis] .kpi")
    # Mobilised, delivered, hires after the solutions delivered.
    assert [_text(kpis.nth(i)) for i in range(3)] == ["2", "1", "5"]
    assert _text(page.locator("[data-testid=retention-rate]")) == "50 %"
    screenshot(page, "dashboard-steering")

    # Behind « solutions délivrées »: the POEC of the shipyard, and nothing else.
    kpis.nth(1).locator("a").click()
    page.wait_for_load_state("networkidle")
    assert "Solutions apportées" in _text(page.locator("h1"))
    rows = page.locator("[data-testid=drilldown] tbody tr")
    assert rows.count() == 1
    assert "Chantier naval Penhoët test" in _text(rows.first)
    assert "Boulangerie du Brivet test" not in _text(page.locator("[data-testid=drilldown]"))

    # Back to the dashboard, then behind the retention rate: the one hire that holds.
    page.locator(".fr-breadcrumb a", has_text="Tableau de bord").click()
    page.wait_for_load_state("networkidle")
    page.locator("[data-testid=retention-rate] a").click()
    page.wait_for_load_state("networkidle")
    assert "Recrutements qui tiennent à six mois" in _text(page.locator("h1"))
    rows = page.locator("[data-testid=drilldown] tbody tr")
    assert rows.count() == 1
    assert "Chaudronnier" in _text(rows.first) and "Chantier naval Penhoët test" in _text(rows.first)

    # And behind the checks answered: both answers, not the one still awaited.
    page.go_back()
    page.wait_for_load_state("networkidle")
    page.locator("[data-testid=after-hire-basins] a").first.click()
    page.wait_for_load_state("networkidle")
    assert "Recrutements vérifiés à six mois" in _text(page.locator("h1"))
    table = _text(page.locator("[data-testid=drilldown]"))
    assert "Chaudronnier" in table and "Boulanger" in table and "Vendeur" not in table
    assert errors == []

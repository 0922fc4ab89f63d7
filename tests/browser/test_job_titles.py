import pytest
import sqlalchemy as sa

from app.extensions import db
from app.needs.models import RecruitmentNeed
from tests.factories import AssignmentFactory, EmployerFactory, UserFactory

pytestmark = pytest.mark.browser


def test_adviser_picks_a_job_title_with_the_keyboard(browser_page, browser_login, screenshot):
    page = browser_page
    errors = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    adviser = UserFactory(full_name="Claire Conseillère")
    employer = EmployerFactory(name="EHPAD des Tilleuls test")
    AssignmentFactory(employer=employer, adviser=adviser)
    browser_login(page, adviser)

    page.goto(f"/entreprises/{employer.siret}/besoins/nouveau", wait_until="networkidle")
    field = page.locator("#rome_code")
    assert field.get_attribute("role") == "combobox"
    assert field.get_attribute("aria-expanded") == "false"
    field.press_sequentially("aide soignant", delay=20)
    page.wait_for_selector("#job-title-listbox [role=option]")
    assert field.get_attribute("aria-expanded") == "true"
    assert field.get_attribute("aria-controls") == "job-title-listbox"
    assert "métiers trouvés" in page.text_content("#job-title-count")

    field.press("ArrowDown")
    active = field.get_attribute("aria-activedescendant")
    assert active and page.get_attribute(f"#{active}", "aria-selected") == "true"
    assert page.text_content(f"#{active}") == "Aide-soignant / Aide-soignante (J1501)"
    screenshot(page, "job-title-combobox")
    field.press("Enter")  # picks the title, does not submit the form
    assert field.input_value() == "Aide-soignant / Aide-soignante"
    assert field.get_attribute("aria-expanded") == "false"
    assert page.text_content("#job-rome-code") == "Code ROME : J1501"

    # Escape closes the list without picking.
    page.fill("#title", "Aide-soignant de nuit")
    field.focus()
    field.press("End")
    field.press_sequentially(" ", delay=20)
    field.press("Backspace")
    page.wait_for_selector("#job-title-listbox [role=option]")
    field.press("Escape")
    assert field.get_attribute("aria-expanded") == "false"
    field.press("ArrowDown")
    page.wait_for_selector("#job-title-listbox [role=option]")
    field.press("ArrowDown")
    field.press("Enter")

    page.select_option("#contract", "cdi")
    page.click("button:has-text('Enregistrer')")
    page.wait_for_load_state("networkidle")
    assert "Aide-soignant de nuit" in page.inner_text("h1")
    db.session.expire_all()
    need = db.session.scalar(sa.select(RecruitmentNeed).where(RecruitmentNeed.employer_id == employer.id))
    assert (need.rome_code, need.job_title.label) == ("J1501", "Aide-soignant / Aide-soignante")
    assert errors == []

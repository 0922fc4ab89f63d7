"""An adviser enters their operator's candidates on a need; too many hires are refused in French."""

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.needs.sourcing import NeedSourcing
from tests.browser.conftest import _request_lock
from tests.factories import EmployerFactory, OperatorFactory, RecruitmentNeedFactory, UserFactory, seeded_basin

pytestmark = pytest.mark.browser


def test_an_adviser_enters_the_candidates_of_their_operator(browser_page, browser_login, screenshot):
    page = browser_page
    errors = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    basin = seeded_basin("5219")
    operator = OperatorFactory(name="Agence test de l'estuaire", basins=[basin])
    adviser = UserFactory(operator=operator, basins=[basin])
    need = RecruitmentNeedFactory(employer=EmployerFactory(basin=basin), title="Soudeur", positions=2)
    browser_login(page, adviser)

    page.goto(f"/besoins/{need.id}", wait_until="networkidle")
    form = page.locator(f"[data-testid=sourcing-form-{operator.id}]")
    form.get_by_label("Proposés").fill("4")
    form.get_by_label("En entretien").fill("3")
    form.get_by_label("Embauchés").fill("3")
    form.get_by_role("button", name="Enregistrer").click()
    page.wait_for_load_state("networkidle")
    summary = page.locator("[data-testid=error-summary]")
    assert "3 embauches pour un besoin qui compte 2 postes" in summary.inner_text()
    # The browser logs the refusal's 400; nothing else may go wrong.
    assert [error for error in errors if "400" not in error] == []
    errors.clear()

    form = page.locator(f"[data-testid=sourcing-form-{operator.id}]")
    form.get_by_label("Embauchés").fill("2")
    form.get_by_role("button", name="Enregistrer").click()
    page.wait_for_load_state("networkidle")
    assert "Candidats de Agence test de l'estuaire enregistrés" in page.inner_text("body")
    assert "Agence test de l'estuaire" in page.inner_text("[data-testid=sourcing]")
    screenshot(page, "need-sourcing")
    with _request_lock:
        db.session.expire_all()
        counts = db.session.execute(
            sa.select(NeedSourcing.proposed, NeedSourcing.interviewed, NeedSourcing.hired).where(
                NeedSourcing.need_id == need.id
            )
        ).all()
    assert [tuple(row) for row in counts] == [(4, 3, 2)]
    assert errors == []

"""An employer answers the satisfaction survey from the link of its e-mail, without an account."""

import sqlalchemy as sa

from app.aftercare.models import EmployerSurvey
from app.aftercare.surveys import survey_token
from app.extensions import db
from tests.browser.conftest import _request_lock
from tests.factories import EmployerSurveyFactory, RecruitmentNeedFactory


def test_the_employer_answers_the_survey(browser_page):
    page = browser_page
    survey = EmployerSurveyFactory(need=RecruitmentNeedFactory(filled=True, title="Serveur en brasserie"))
    url = f"/avis/{survey_token(survey)}"
    page.goto(url)
    assert "Serveur en brasserie" in page.inner_text("main")
    assert page.get_attribute("#score", "required") is not None  # the browser asks for the score first
    page.select_option("#score", "4")
    page.select_option("#would_recommend", "oui")
    page.fill("#comment", "Des candidats bien préparés, merci.")
    page.click("text=Envoyer mon avis")
    assert "Merci pour votre avis" in page.inner_text("h1")
    with _request_lock:
        row = db.session.execute(
            sa.select(EmployerSurvey.score, EmployerSurvey.would_recommend, EmployerSurvey.comment).where(
                EmployerSurvey.id == survey.id
            )
        ).one()
    assert tuple(row) == (4, True, "Des candidats bien préparés, merci.")
    page.goto(url)
    assert "Vous avez déjà répondu" in page.inner_text("[data-testid=survey-refusal]")

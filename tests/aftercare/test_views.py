"""The public survey page, the retention page and the adviser's contact details."""

import html
from datetime import date

import pytest
import sqlalchemy as sa

from app.aftercare.enums import RetentionAnswer
from app.aftercare.models import EmployerSurvey, RetentionCheck
from app.aftercare.surveys import survey_token
from app.auth.enums import Role
from app.extensions import db
from tests.conftest import paris
from tests.factories import (
    EmployerSurveyFactory,
    RecruitmentNeedFactory,
    RetentionCheckFactory,
    UserFactory,
    seeded_basin,
)


def _page(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def _answer(survey_id: int):
    return db.session.execute(
        sa.select(EmployerSurvey.score, EmployerSurvey.would_recommend, EmployerSurvey.comment).where(
            EmployerSurvey.id == survey_id
        )
    ).one()


def test_the_employer_answers_without_an_account(client, post, travel):
    travel(paris(2026, 11, 2, 10, 0))
    survey = EmployerSurveyFactory(need=RecruitmentNeedFactory(filled=True, title="Cariste"))
    url = f"/avis/{survey_token(survey)}"
    page = _page(client.get(url))
    assert "Cariste" in page and "Recommanderiez-vous le service ?" in page
    response = post(url, {"score": "5", "would_recommend": "oui", "comment": "Très réactifs."})
    assert response.status_code == 302 and response.headers["Location"].endswith("/avis/merci")
    assert tuple(_answer(survey.id)) == (5, True, "Très réactifs.")
    assert "Merci pour votre avis" in _page(client.get("/avis/merci"))
    again = client.get(url)
    assert again.status_code == 410 and "Vous avez déjà répondu" in _page(again)
    second = post(url, {"score": "1", "would_recommend": "non"})
    assert second.status_code == 410
    assert tuple(_answer(survey.id)) == (5, True, "Très réactifs.")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"would_recommend": "oui"}, "Ce champ est obligatoire."),
        ({"score": "9", "would_recommend": "oui"}, "pas un choix valide"),
        ({"score": "4"}, "Ce champ est obligatoire."),
        ({"score": "4", "would_recommend": "peut-être"}, "pas un choix valide"),
        ({"score": "4", "would_recommend": "oui", "comment": "x" * 2001}, "2000"),
    ],
)
def test_a_bad_answer_is_refused_and_changes_nothing(client, post, data, message):
    survey = EmployerSurveyFactory()
    response = post(f"/avis/{survey_token(survey)}", data)
    assert response.status_code == 400 and message in _page(response)
    assert _answer(survey.id).score is None


def test_a_tampered_or_expired_link_gets_a_clear_page(client, travel):
    travel(paris(2026, 11, 2, 10, 0))
    survey = EmployerSurveyFactory()
    token = survey_token(survey)
    tampered = client.get(f"/avis/{token[:-3]}abc")
    assert tampered.status_code == 404 and "n'est pas valide" in _page(tampered)
    travel(paris(2026, 12, 3, 10, 0))
    expired = client.get(f"/avis/{token}")
    assert expired.status_code == 410 and "a expiré" in _page(expired)


def test_the_survey_is_rate_limited(client, post, app):
    app.config["RATELIMIT_ENABLED"] = True
    try:
        survey = EmployerSurveyFactory()
        statuses = [post(f"/avis/{survey_token(survey)}", {"score": "0"}).status_code for _ in range(31)]
    finally:
        app.config["RATELIMIT_ENABLED"] = False
    assert statuses[:30] == [400] * 30 and statuses[30] == 429


@pytest.fixture
def adviser(login, travel):
    travel(paris(2026, 9, 20, 10, 0))
    user = UserFactory(basins=[seeded_basin("5219")])
    login(user)
    return user


def test_the_adviser_answers_a_retention_check(client, post, adviser):
    need = RecruitmentNeedFactory(filled=True, positions=3, closed_on=date(2026, 3, 15), identified_on=date(2026, 2, 1))
    check = RetentionCheckFactory(need=need, due_on=date(2026, 9, 15))
    page = _page(client.get(f"/besoins/{need.id}/maintien-en-poste"))
    assert "Six mois après l'embauche" in page and "En attente" in page
    url = f"/besoins/{need.id}/maintien-en-poste"
    refused = post(url, {"check_id": check.id, "answer": "partly", "still_in_post": "5"})
    assert refused.status_code == 400 and "entre 1 et 2 sur 3" in _page(refused)
    assert db.session.scalar(sa.select(RetentionCheck.answer).where(RetentionCheck.id == check.id)) is None
    response = post(url, {"check_id": check.id, "answer": "partly", "still_in_post": "2"})
    assert response.status_code == 302
    row = db.session.execute(
        sa.select(RetentionCheck.answer, RetentionCheck.still_in_post, RetentionCheck.answered_by_id).where(
            RetentionCheck.id == check.id
        )
    ).one()
    assert tuple(row) == (RetentionAnswer.PARTLY, 2, adviser.id)


def test_a_check_of_another_need_is_refused(client, post, adviser):
    need = RecruitmentNeedFactory(filled=True)
    other = RetentionCheckFactory(due_on=date(2026, 9, 15))
    response = post(f"/besoins/{need.id}/maintien-en-poste", {"check_id": other.id, "answer": "held"})
    assert response.status_code == 400
    assert db.session.scalar(sa.select(RetentionCheck.answer).where(RetentionCheck.id == other.id)) is None


def test_a_manager_reads_but_does_not_answer(client, post, login):
    manager = UserFactory(role=Role.MANAGER, basins=[seeded_basin("5219")])
    login(manager)
    check = RetentionCheckFactory(due_on=date(2020, 1, 1))
    url = f"/besoins/{check.need_id}/maintien-en-poste"
    assert client.get(url).status_code == 200
    assert post(url, {"check_id": check.id, "answer": "held"}).status_code == 403


def test_the_adviser_gives_a_phone_for_the_introductions(client, post, adviser):
    assert post("/mes-coordonnees", {"phone": "appelez-moi"}).status_code == 400
    assert post("/mes-coordonnees", {"phone": "02 40 00 00 01"}).status_code == 302
    db.session.refresh(adviser)
    assert adviser.phone == "02 40 00 00 01"
    assert post("/mes-coordonnees", {"phone": ""}).status_code == 302
    db.session.refresh(adviser)
    assert adviser.phone is None

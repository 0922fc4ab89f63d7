"""The employer's satisfaction survey: who receives it, its link, its answer, its one reminder."""

from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from app.aftercare.models import EmployerSurvey
from app.aftercare.surveys import (
    ALREADY_ANSWERED,
    EXPIRED,
    NOT_A_LINK,
    WITHDRAWN,
    SurveyAnswer,
    SurveyLinkInvalid,
    answer_survey,
    survey_of_token,
    survey_token,
)
from app.aftercare.tasks import remind_unanswered_surveys
from app.events.models import EventParticipantNeed
from app.events.services import record_results
from app.extensions import db
from app.needs.enums import NeedStatus
from app.needs.services import close_need, reopen_need
from app.notifications.models import OutboxEmail
from app.timeutils import utcnow
from tests.conftest import paris
from tests.factories import (
    AssignmentFactory,
    EmployerContactFactory,
    EmployerFactory,
    EmployerSurveyFactory,
    EventFactory,
    EventParticipantFactory,
    RecruitmentNeedFactory,
)


def _emails(address: str | None = None) -> list[OutboxEmail]:
    query = sa.select(OutboxEmail).order_by(OutboxEmail.id)
    if address:
        query = query.where(OutboxEmail.to_address == address)
    return list(db.session.scalars(query))


def _surveys() -> list[EmployerSurvey]:
    return list(db.session.scalars(sa.select(EmployerSurvey).order_by(EmployerSurvey.id)))


@pytest.fixture
def employer():
    return EmployerFactory(name="Menuiserie Lebrun")


def _close(need, outcome=NeedStatus.FILLED):
    filled = need.positions if outcome is NeedStatus.FILLED else 0
    close_need(need, outcome, author=None, positions_filled=filled, reason="" if filled else "Pas de candidat")
    db.session.flush()


def test_closing_a_need_emails_a_survey_to_the_contact_last_talked_to(travel, employer):
    travel(paris(2026, 11, 2, 10, 0))
    EmployerContactFactory(employer=employer, email="ancien@lebrun.fr", last_contacted_on=date(2025, 1, 5))
    EmployerContactFactory(
        employer=employer,
        first_name="Paul",
        last_name="Lebrun",
        email="paul@lebrun.fr",
        last_contacted_on=date(2026, 10, 1),
    )
    assignment = AssignmentFactory(employer=employer)
    need = RecruitmentNeedFactory(employer=employer, title="Menuisier poseur", identified_on=date(2026, 9, 1))
    _close(need)
    [survey] = _surveys()
    assert (survey.need_id, survey.contact.email, survey.operator_id) == (
        need.id,
        "paul@lebrun.fr",
        assignment.operator_id,
    )
    assert survey.expires_at - survey.sent_at == timedelta(days=30)
    [email] = _emails("paul@lebrun.fr")
    assert email.recipient_id is None  # no account
    assert email.subject == "Votre avis sur notre accompagnement : « Menuisier poseur »"
    link = f"/avis/{survey_token(survey)}"
    assert "Bonjour Paul Lebrun" in email.body_text and link in email.body_text and link in email.body_html
    assert "valable jusqu'au 02/12/2026" in email.body_text
    assert _emails("ancien@lebrun.fr") == []


def test_never_to_an_opposed_anonymised_or_addressless_person(travel, employer):
    travel(paris(2026, 11, 2, 10, 0))
    EmployerContactFactory(employer=employer, email="opposee@lebrun.fr", is_opposed_to_contact=True)
    EmployerContactFactory(employer=employer, email="anonyme@lebrun.fr", anonymised_at=utcnow())
    EmployerContactFactory(employer=employer, email=None)
    _close(RecruitmentNeedFactory(employer=employer, identified_on=date(2026, 9, 1)))
    assert _surveys() == [] and _emails() == []


def test_one_survey_per_need_and_none_for_a_cancelled_need(travel, employer):
    travel(paris(2026, 11, 2, 10, 0))
    EmployerContactFactory(employer=employer)
    need = RecruitmentNeedFactory(employer=employer, identified_on=date(2026, 9, 1))
    _close(need)
    reopen_need(need, author=None)
    _close(need, NeedStatus.NOT_FILLED)
    cancelled = RecruitmentNeedFactory(employer=employer, identified_on=date(2026, 9, 1))
    close_need(cancelled, NeedStatus.CANCELLED, author=None, reason="Projet abandonné")
    db.session.flush()
    assert [survey.need_id for survey in _surveys()] == [need.id]
    assert len(_emails()) == 1


def test_an_event_surveys_each_participant_once(travel):
    travel(paris(2026, 11, 2, 10, 0))
    event = EventFactory(title="Job dating du port", starts_at=utcnow() - timedelta(hours=2))
    first = EventParticipantFactory(event=event, positions_offered=2)
    second = EventParticipantFactory(event=event, positions_offered=1)
    contact = EmployerContactFactory(employer=first.employer, email="rh@premier.fr")
    EmployerContactFactory(employer=second.employer, email="direction@second.fr", is_opposed_to_contact=True)
    db.session.flush()
    record_results(event, candidates_attended=10, results={first.id: (3, 0), second.id: (1, 0)}, author=None)
    record_results(event, candidates_attended=11, results={first.id: (3, 0), second.id: (2, 0)}, author=None)
    db.session.flush()
    [survey] = _surveys()
    assert (survey.event_id, survey.employer_id, survey.contact_id) == (event.id, first.employer_id, contact.id)
    [email] = _emails()
    assert email.to_address == "rh@premier.fr" and "l'événement « Job dating du port »" in email.body_text


def test_an_event_that_fills_a_need_sends_one_survey_not_two(travel, employer):
    travel(paris(2026, 11, 2, 10, 0))
    EmployerContactFactory(employer=employer, email="rh@lebrun.fr")
    need = RecruitmentNeedFactory(employer=employer, positions=2, identified_on=date(2026, 9, 1))
    event = EventFactory(starts_at=utcnow() - timedelta(hours=2))
    participant = EventParticipantFactory(event=event, employer=employer, positions_offered=2)
    participant.needs.append(EventParticipantNeed(need=need))
    db.session.flush()
    record_results(event, candidates_attended=8, results={participant.id: (3, 2)}, author=None)
    db.session.flush()
    assert need.status is NeedStatus.FILLED
    assert [(survey.need_id, survey.event_id) for survey in _surveys()] == [(need.id, None)]
    assert len(_emails("rh@lebrun.fr")) == 1


def test_one_survey_per_person_within_thirty_days(travel, employer):
    travel(paris(2026, 11, 2, 10, 0))
    EmployerContactFactory(employer=employer, email="rh@lebrun.fr")
    first, second, third = (RecruitmentNeedFactory(employer=employer, identified_on=date(2026, 9, 1)) for _ in range(3))
    _close(first)
    travel(paris(2026, 11, 20, 10, 0))
    _close(second, NeedStatus.NOT_FILLED)
    travel(paris(2026, 12, 2, 10, 1))  # 30 days after the first
    _close(third)
    assert [survey.need_id for survey in _surveys()] == [first.id, third.id]
    assert len(_emails("rh@lebrun.fr")) == 2


# --- The link -----------------------------------------------------------------------------


def test_the_link_opens_its_survey_only(travel):
    travel(paris(2026, 11, 2, 10, 0))
    survey = EmployerSurveyFactory()
    other = EmployerSurveyFactory()
    token = survey_token(survey)
    assert survey_of_token(token, utcnow()) == survey
    tampered = [
        f"{other.id}.{token.partition('.')[2]}",  # another survey's id with this signature
        token[:-2] + ("AA" if not token.endswith("AA") else "BB"),
        token.partition(".")[0],
        "",
        "abc.def",
        "9" * 40 + ".x",
        token + "x" * 100,
    ]
    for value in tampered:
        with pytest.raises(SurveyLinkInvalid) as refusal:
            survey_of_token(value, utcnow())
        assert (str(refusal.value), refusal.value.status) == (NOT_A_LINK, 404), value


def test_the_link_expires_after_30_days(travel):
    travel(paris(2026, 11, 2, 10, 0))
    survey = EmployerSurveyFactory()
    travel(paris(2026, 12, 2, 9, 59))
    assert survey_of_token(survey_token(survey), utcnow()) == survey
    travel(paris(2026, 12, 2, 10, 0))
    with pytest.raises(SurveyLinkInvalid) as refusal:
        survey_of_token(survey_token(survey), utcnow())
    assert (str(refusal.value), refusal.value.status) == (EXPIRED, 410)
    with pytest.raises(SurveyLinkInvalid):
        answer_survey(survey, SurveyAnswer(5, True), utcnow())
    assert survey.answered_at is None


def test_the_link_works_once(travel):
    travel(paris(2026, 11, 2, 10, 0))
    survey = EmployerSurveyFactory()
    answer_survey(survey, SurveyAnswer(4, False, "  Réactifs, mais peu de candidats.  "), utcnow())
    db.session.flush()
    assert (survey.score, survey.would_recommend, survey.comment) == (4, False, "Réactifs, mais peu de candidats.")
    with pytest.raises(SurveyLinkInvalid) as refusal:
        survey_of_token(survey_token(survey), utcnow())
    assert str(refusal.value) == ALREADY_ANSWERED
    with pytest.raises(SurveyLinkInvalid):
        answer_survey(survey, SurveyAnswer(1, False), utcnow())
    db.session.refresh(survey)
    assert survey.score == 4


@pytest.mark.parametrize("change", ["opposed", "anonymised"])
def test_the_link_stops_when_its_person_objects_or_is_anonymised(travel, change):
    travel(paris(2026, 11, 2, 10, 0))
    survey = EmployerSurveyFactory()
    if change == "opposed":
        survey.contact.is_opposed_to_contact = True
    else:
        survey.contact.anonymised_at = utcnow()
    db.session.flush()
    with pytest.raises(SurveyLinkInvalid) as refusal:
        survey_of_token(survey_token(survey), utcnow())
    assert (str(refusal.value), refusal.value.status) == (WITHDRAWN, 410)


@pytest.mark.parametrize("score", [0, 6, -1])
def test_a_score_outside_1_to_5_is_refused(score):
    survey = EmployerSurveyFactory()
    with pytest.raises(Exception, match="de 1 à 5"):
        answer_survey(survey, SurveyAnswer(score, True), utcnow())
    assert survey.answered_at is None


# --- The reminder -------------------------------------------------------------------------


def test_one_reminder_a_week_after_and_never_twice(travel):
    travel(paris(2026, 11, 2, 10, 0))
    survey = EmployerSurveyFactory(contact=None)
    survey.contact = EmployerContactFactory(employer=survey.employer, email="rh@relance.fr")
    answered = EmployerSurveyFactory(answered=True)
    db.session.flush()
    travel(paris(2026, 11, 9, 9, 59))
    assert remind_unanswered_surveys(utcnow()) == {"relances_enquete": 0}  # not a week yet
    travel(paris(2026, 11, 9, 10, 0))
    assert remind_unanswered_surveys(utcnow()) == {"relances_enquete": 1}
    assert remind_unanswered_surveys(utcnow()) == {"relances_enquete": 0}
    travel(paris(2026, 11, 20, 10, 0))
    assert remind_unanswered_surveys(utcnow()) == {"relances_enquete": 0}
    [email] = _emails("rh@relance.fr")
    assert email.subject.startswith("Rappel — Votre avis")
    assert survey_token(survey) in email.body_text and "il nous manque encore" in email.body_text
    assert _emails(answered.contact.email) == []


def test_no_reminder_when_the_link_is_about_to_expire(travel):
    travel(paris(2026, 11, 2, 10, 0))
    EmployerSurveyFactory()
    travel(paris(2026, 11, 29, 10, 0))  # 3 days left
    assert remind_unanswered_surveys(utcnow()) == {"relances_enquete": 0}


def test_the_persons_export_and_erasure_include_their_answers(travel):
    from app.personal_data import SCRUBBED
    from app.privacy.erasure import erase_contact
    from app.privacy.export import export_contact, personal_export

    travel(paris(2026, 11, 2, 10, 0))
    survey = EmployerSurveyFactory(answered=True, comment=None)
    contact = survey.contact
    contact.first_name, contact.last_name = "Hélène", "Marchal"
    db.session.execute(
        sa.update(EmployerSurvey)
        .where(EmployerSurvey.id == survey.id)
        .values(comment="Hélène Marchal remercie le conseiller.")
    )
    db.session.expire(survey)
    [answer] = personal_export(contact)["avis"]
    assert (answer["note"], answer["commentaire"]) == (4, "Hélène Marchal remercie le conseiller.")
    assert export_contact(contact, "pdf").startswith(b"%PDF")
    erase_contact(contact)
    db.session.flush()
    comment = db.session.scalar(sa.select(EmployerSurvey.comment).where(EmployerSurvey.id == survey.id))
    assert comment == f"{SCRUBBED} remercie le conseiller."

"""The employer's own voice: a satisfaction survey e-mailed after a need closes or an event (rule 11).

The link is ``/avis/<survey id>.<HMAC-SHA256(SECRET_KEY, id and a random nonce)>``: nothing that
opens it is stored (a copy of the database opens no survey, as with the invitations' hashed
tokens), and the reminder can carry the same link as the first e-mail. It works once (the answer
is claimed by a conditional UPDATE), for SURVEY_LIFETIME, and no longer once its recipient objected
to being contacted or was anonymised.
"""

import base64
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app

from app.aftercare.models import EmployerSurvey
from app.aftercare.recipients import as_recipient, employer_recipient, may_receive_email
from app.assignments.models import Assignment
from app.employers.models import Employer, EmployerContact
from app.errors import DomainError
from app.events.models import Event
from app.extensions import db
from app.formatting import date_fr
from app.needs.enums import NeedStatus
from app.needs.models import RecruitmentNeed
from app.notifications.services import absolute_url, email_row, queue_emails
from app.timeutils import utcnow

SURVEY_LIFETIME = timedelta(days=30)
REMINDER_AFTER = timedelta(days=7)
# A reminder that would arrive with less than this left before the link expires is not sent.
REMINDER_MIN_LEFT = timedelta(days=3)
# Needs closed with an outcome: a cancelled need leaves nothing to rate.
SURVEYED_OUTCOMES = (NeedStatus.FILLED, NeedStatus.NOT_FILLED)
COMMENT_MAX = 2000
_MAX_TOKEN_LENGTH = 80


class SurveyLinkInvalid(DomainError):
    """The link cannot be answered; its message is shown on the public page."""

    def __init__(self, message: str, status: int):
        super().__init__(message)
        self.status = status


NOT_A_LINK = "Ce lien d'enquête n'est pas valide : vérifiez qu'il a été copié en entier depuis le courriel."
EXPIRED = "Ce lien d'enquête a expiré : il était valable 30 jours. Merci de l'attention que vous nous portez."
ALREADY_ANSWERED = "Vous avez déjà répondu à cette enquête : merci, votre réponse a bien été enregistrée."
WITHDRAWN = "Ce lien d'enquête n'est plus actif."


def _signature(survey_id: int, nonce: str) -> str:
    key = current_app.config["SECRET_KEY"].encode()
    digest = hmac.new(key, f"employer-survey:{survey_id}:{nonce}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def survey_token(survey: EmployerSurvey) -> str:
    return f"{survey.id}.{_signature(survey.id, survey.nonce)}"


def survey_link(survey: EmployerSurvey) -> str:
    return absolute_url("aftercare.survey", token=survey_token(survey))


def survey_of_token(token: str, now: datetime) -> EmployerSurvey:
    """The survey this link opens, or SurveyLinkInvalid with the French reason and the HTTP status."""
    survey_id, _, signature = (token or "")[:_MAX_TOKEN_LENGTH].partition(".")
    survey = None
    if survey_id.isdigit() and len(survey_id) < 10 and signature:
        survey = db.session.get(EmployerSurvey, int(survey_id))
    if survey is None or not hmac.compare_digest(_signature(survey.id, survey.nonce), signature):
        raise SurveyLinkInvalid(NOT_A_LINK, 404)
    if survey.answered_at is not None:
        raise SurveyLinkInvalid(ALREADY_ANSWERED, 410)
    if survey.expires_at <= now:
        raise SurveyLinkInvalid(EXPIRED, 410)
    if not may_receive_email(survey.contact):
        raise SurveyLinkInvalid(WITHDRAWN, 410)
    return survey


def _operator_of(employer_id: int) -> int | None:
    return db.session.scalar(
        sa.select(Assignment.operator_id).where(Assignment.employer_id == employer_id, Assignment.ended_at.is_(None))
    )


def _surveyed_lately(contact: EmployerContact, now: datetime) -> bool:
    """Whether the person received a survey within SURVEY_LIFETIME (rule 11). Their row is locked
    first, so that two closings at once (a need and an event's results) send one survey, not two."""
    db.session.execute(sa.select(EmployerContact.id).where(EmployerContact.id == contact.id).with_for_update())
    return (
        db.session.scalar(
            sa.select(EmployerSurvey.id)
            .where(EmployerSurvey.contact_id == contact.id, EmployerSurvey.sent_at > now - SURVEY_LIFETIME)
            .limit(1)
        )
        is not None
    )


def _subject(survey: EmployerSurvey) -> str:
    if survey.need is not None:
        return f"Votre avis sur notre accompagnement : « {survey.need.title} »"
    return f"Votre avis sur l'événement « {survey.event.title} »"


def _queue_survey_email(survey: EmployerSurvey, contact: EmployerContact, *, reminder: bool) -> None:
    subject = _subject(survey)
    queue_emails(
        [
            email_row(
                as_recipient(contact),
                "employer_survey",
                f"Rappel — {subject}" if reminder else subject,
                {
                    "survey": survey,
                    "employer": survey.employer,
                    "link": survey_link(survey),
                    "expires_on": date_fr(survey.expires_at),
                    "reminder": reminder,
                },
            )
        ]
    )


def _send_survey(
    employer: Employer, *, need: RecruitmentNeed | None = None, event: Event | None = None
) -> EmployerSurvey | None:
    contact = employer_recipient(employer.id)
    if contact is None:
        return None  # nobody may receive it: no survey, and none counted as sent
    now = utcnow()
    if _surveyed_lately(contact, now):
        return None  # one survey at a time per person: the one in hand speaks for the employer
    survey = EmployerSurvey(
        employer=employer,
        need=need,
        event=event,
        contact=contact,
        operator_id=_operator_of(employer.id),
        nonce=secrets.token_hex(16),
        sent_at=now,
        expires_at=now + SURVEY_LIFETIME,
    )
    db.session.add(survey)
    db.session.flush()  # the link carries the id
    _queue_survey_email(survey, contact, reminder=False)
    return survey


def send_need_survey(need: RecruitmentNeed) -> EmployerSurvey | None:
    """The survey of a need that just closed with an outcome, at most one per need (reopened or not)."""
    if need.status not in SURVEYED_OUTCOMES:
        return None
    if db.session.scalar(sa.select(EmployerSurvey.id).where(EmployerSurvey.need_id == need.id)) is not None:
        return None
    return _send_survey(need.employer, need=need)


def send_event_surveys(event: Event) -> list[EmployerSurvey]:
    """A survey to each employer that took part in the event, once (results corrected later send nothing)."""
    already = set(db.session.scalars(sa.select(EmployerSurvey.employer_id).where(EmployerSurvey.event_id == event.id)))
    surveys = []
    for participant in event.participants:
        if participant.employer_id not in already:
            survey = _send_survey(participant.employer, event=event)
            if survey is not None:
                surveys.append(survey)
    return surveys


@dataclass(frozen=True)
class SurveyAnswer:
    score: int
    would_recommend: bool
    comment: str = ""


def answer_survey(survey: EmployerSurvey, answer: SurveyAnswer, now: datetime) -> None:
    """Record the answer once: of two submissions of one link, the second finds it answered."""
    if not 1 <= answer.score <= 5:
        raise DomainError("Choisissez une note de 1 à 5.")
    comment = (answer.comment or "").strip()
    if len(comment) > COMMENT_MAX:
        raise DomainError(f"Votre commentaire dépasse {COMMENT_MAX} caractères : raccourcissez-le.")
    claimed = db.session.execute(
        sa.update(EmployerSurvey)
        .where(EmployerSurvey.id == survey.id, EmployerSurvey.answered_at.is_(None), EmployerSurvey.expires_at > now)
        .values(answered_at=now, score=answer.score, would_recommend=answer.would_recommend, comment=comment or None)
        .execution_options(synchronize_session=False)
    ).rowcount
    if claimed != 1:
        raise SurveyLinkInvalid(ALREADY_ANSWERED, 410)
    db.session.expire(survey)


def send_survey_reminders(now: datetime) -> dict[str, int]:
    """One reminder at most per survey, a week after it left, while the link still has days to run.

    Each is claimed by setting ``reminded_at`` where it is NULL, in the transaction that queues the
    e-mail: a second run, a retry or a second scheduler finds nothing left to claim.
    """
    due = (
        sa.select(EmployerSurvey.id)
        .join(EmployerContact, EmployerContact.id == EmployerSurvey.contact_id)
        .where(
            EmployerSurvey.answered_at.is_(None),
            EmployerSurvey.reminded_at.is_(None),
            EmployerSurvey.sent_at <= now - REMINDER_AFTER,
            EmployerSurvey.expires_at > now + REMINDER_MIN_LEFT,
            EmployerContact.is_opposed_to_contact.is_(False),
            EmployerContact.anonymised_at.is_(None),
            EmployerContact.email.is_not(None),
        )
    )
    claimed = list(
        db.session.scalars(
            sa.update(EmployerSurvey)
            .where(EmployerSurvey.id.in_(due), EmployerSurvey.reminded_at.is_(None))
            .values(reminded_at=now)
            .returning(EmployerSurvey.id)
            .execution_options(synchronize_session=False)
        )
    )
    for survey in db.session.scalars(sa.select(EmployerSurvey).where(EmployerSurvey.id.in_(claimed))):
        _queue_survey_email(survey, survey.contact, reminder=True)
    return {"relances_enquete": len(claimed)}

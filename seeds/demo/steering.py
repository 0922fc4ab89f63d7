"""The steering figures of the demo: who sourced the hires, hires by public, engaged employers, answered
retention checks and surveys — on the needs already built, through the services, on the days they
happened. Each basin also gets one need filled six months ago and one filled today, with a service
delivered, so that the current quarter of the manager's dashboard shows every section, whatever the
day the demo is built."""

import random
from datetime import timedelta

import sqlalchemy as sa

from app.aftercare.enums import RetentionAnswer
from app.aftercare.models import EmployerSurvey, RetentionCheck
from app.aftercare.recipients import employer_recipient
from app.aftercare.retention import add_months, answer_retention_check
from app.aftercare.surveys import SURVEY_LIFETIME, SurveyAnswer, answer_survey
from app.auth.enums import Role
from app.auth.models import User
from app.employers.engagements import EngagementKind, add_engagement
from app.employers.models import Employer
from app.extensions import db
from app.needs.catalogue import active_service_types
from app.needs.enums import ContractType, Funder, MobilisationStatus, NeedStatus, Public
from app.needs.inclusion import record_public_hires
from app.needs.mobilisations import MobilisationData, create_mobilisation
from app.needs.models import RecruitmentNeed
from app.needs.services import close_need, create_need, move_need
from app.needs.sourcing import record_sourcing, sourcing_operators
from app.referential.models import Basin
from app.timeutils import today_paris, utcnow
from seeds.demo.clock import on_day

ENGAGED_PER_BASIN = 4
SOURCED_STATUSES = (NeedStatus.CANDIDATES_PRESENTED, NeedStatus.FILLED, NeedStatus.NOT_FILLED)
RETENTION_ANSWERED_SHARE = 0.75
SURVEY_ANSWERED_SHARE = 0.4
SURVEY_COMMENTS = [
    "",
    "",
    "Des candidats bien préparés, merci.",
    "Réactifs, mais peu de profils pour ce poste.",
    "Un seul interlocuteur, c'est plus simple pour nous.",
]


def build_demo_steering(rng: random.Random, basins: list[Basin], users: list[User]) -> dict[str, int]:
    counts = {"embauches sourcées": 0, "entreprises engagées": 0, "vérifications de maintien": 0, "avis": 0}
    for basin in basins:
        lead = next(user for user in users if user.role is Role.TASKFORCE_LEAD and basin in user.basins)
        needs = list(
            db.session.scalars(
                sa.select(RecruitmentNeed).where(RecruitmentNeed.basin_id == basin.id).order_by(RecruitmentNeed.id)
            )
        )
        for need in needs:
            if need.status in SOURCED_STATUSES:
                counts["embauches sourcées"] += _source(rng, need, lead)
            if need.status is NeedStatus.FILLED and need.publics:
                record_public_hires(need, {public: rng.randint(1, need.positions_filled) for public in need.publics})
        counts["entreprises engagées"] += _engage(rng, basin, lead)
        _fill_in_the_quarter(rng, basin, lead)
    counts["vérifications de maintien"] = _answer_retention_checks(rng, users)
    counts["avis"] = _answer_surveys(rng)
    db.session.flush()
    return counts


def _source(rng: random.Random, need: RecruitmentNeed, lead: User, hires_share: float = 0.7) -> int:
    """One or two operators proposed candidates; the first made all the hires, on most needs (on the
    others, the employer hired without them)."""
    operators = rng.sample(sourcing_operators(need, lead), rng.choice([1, 1, 2]))
    hires = need.positions_filled if rng.random() < hires_share else 0
    for index, operator in enumerate(operators):
        hired = hires if index == 0 else 0
        interviewed = hired + rng.randint(0, 3)
        record_sourcing(
            need,
            operator,
            author=lead,
            proposed=interviewed + rng.randint(0, 4),
            interviewed=interviewed,
            hired=hired,
        )
    return hires


def _engage(rng: random.Random, basin: Basin, lead: User) -> int:
    """A few employers of the basin in the club, some of them with the charter signed too."""
    today = today_paris()
    employers = list(db.session.scalars(sa.select(Employer).where(Employer.basin_id == basin.id).order_by(Employer.id)))
    engaged = rng.sample(employers, ENGAGED_PER_BASIN)
    for employer in engaged:
        add_engagement(
            employer, EngagementKind.CLUB, starts_on=today - timedelta(days=rng.randint(30, 600)), author=lead
        )
        if rng.random() < 0.5:
            add_engagement(
                employer, EngagementKind.CHARTER, starts_on=today - timedelta(days=rng.randint(0, 300)), author=lead
            )
    return len(engaged)


def _fill_in_the_quarter(rng: random.Random, basin: Basin, lead: User) -> None:
    """A need filled six months ago (its six-month check due today) and one filled today, by an employer
    who may receive the survey, with the operators' candidates, hires by public and a service delivered."""
    today = today_paris()
    employers = [
        employer
        for employer in db.session.scalars(
            sa.select(Employer).where(Employer.basin_id == basin.id).order_by(Employer.id)
        )
        if employer_recipient(employer.id) is not None and not _surveyed_lately(employer)
    ]
    for closed_on in (add_months(today, -6), today):
        employer = employers.pop(rng.randrange(len(employers)))
        identified_on = closed_on - timedelta(days=rng.randint(20, 40))
        with on_day(identified_on):
            need = create_need(
                employer=employer,
                title="Agent(e) de production",
                contract=ContractType.CDI,
                author=lead,
                positions=2,
                rome_code="H2102",
                publics=[Public.RSA, Public.YOUTH],
                identified_on=identified_on,
            )
            db.session.flush()
        with on_day(identified_on + timedelta(days=5)):
            move_need(need, NeedStatus.SOURCING, author=lead)
            db.session.flush()
        with on_day(closed_on):
            close_need(need, NeedStatus.FILLED, author=lead, closed_on=closed_on, positions_filled=2)
            _source(rng, need, lead, hires_share=1)
            record_public_hires(need, {Public.RSA: 1, Public.YOUTH: 2})
            create_mobilisation(
                employer,
                MobilisationData(
                    service_type=rng.choice(active_service_types()),
                    status=MobilisationStatus.DELIVERED,
                    proposed_on=identified_on + timedelta(days=5),
                    delivered_on=closed_on,
                    people=6,
                    hires=2,
                    funder=Funder.FRANCE_TRAVAIL,
                ),
                need=need,
                author=lead,
            )
            db.session.flush()


def _surveyed_lately(employer: Employer) -> bool:
    since = utcnow() - SURVEY_LIFETIME
    return (
        db.session.scalar(
            sa.select(EmployerSurvey.id).where(
                EmployerSurvey.employer_id == employer.id, EmployerSurvey.sent_at > since
            )
        )
        is not None
    )


def _answer_retention_checks(rng: random.Random, users: list[User]) -> int:
    """Most checks due by today answered a few days after their date, by the adviser who planned them."""
    today = today_paris()
    admin = next(user for user in users if user.role is Role.ADMIN)
    answered = 0
    checks = db.session.scalars(
        sa.select(RetentionCheck)
        .where(RetentionCheck.due_on <= today, RetentionCheck.answer.is_(None))
        .order_by(RetentionCheck.id)
    )
    for check in checks:
        if check.due_on < today - timedelta(days=3) and rng.random() > RETENTION_ANSWERED_SHARE:
            continue  # the last days' are all answered: the quarter's retention rate has its answer
        answer = rng.choices(list(RetentionAnswer), [7, 2, 1])[0]
        if answer is RetentionAnswer.PARTLY and check.hires < 2:
            answer = RetentionAnswer.HELD
        with on_day(min(check.due_on + timedelta(days=rng.randint(0, 10)), today)):
            answer_retention_check(
                check,
                author=check.adviser or admin,
                answer=answer,
                still_in_post=rng.randint(1, check.hires - 1) if answer is RetentionAnswer.PARTLY else None,
            )
            db.session.flush()
        answered += 1
    return answered


def _answer_surveys(rng: random.Random) -> int:
    """Some employers answer, within the link's life and never after now; today's surveys all are."""
    now = utcnow()
    answered = 0
    for survey in db.session.scalars(sa.select(EmployerSurvey).order_by(EmployerSurvey.id)).all():
        recent = now - survey.sent_at < timedelta(days=1)
        if not recent and rng.random() > SURVEY_ANSWERED_SHARE:
            continue
        answered_at = min(survey.sent_at + timedelta(days=rng.randint(1, 20)), now)
        if answered_at >= survey.expires_at:
            continue
        with on_day(answered_at.date()):
            answer_survey(
                survey,
                SurveyAnswer(
                    score=rng.choices([1, 2, 3, 4, 5], [1, 1, 2, 5, 4])[0],
                    would_recommend=rng.random() < 0.8,
                    comment=rng.choice(SURVEY_COMMENTS),
                ),
                answered_at,
            )
            db.session.flush()
        answered += 1
    return answered

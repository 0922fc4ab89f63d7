"""« Le recrutement tient-il ? »: the retention checks that follow a hire (rule 10).

When a need closes with at least one position filled, its privileged contact gets two follow-ups:
at the end of the trial period and six months after the hire. The answer (held, partly, not held,
and how many are still in post) is recorded on the RetentionCheck; the retention rate reads the
six-month answers (app/dashboard/queries.py, ``retention_*``).
"""

import calendar
from datetime import date, timedelta

import sqlalchemy as sa

from app.activity.services import plan_follow_up, settle_follow_up
from app.aftercare.enums import CheckKind, RetentionAnswer
from app.aftercare.models import RetentionCheck
from app.assignments.services import active_assignment_of
from app.auth.models import User
from app.errors import DomainError
from app.extensions import db
from app.formatting import date_fr
from app.needs.enums import ContractType
from app.needs.models import RecruitmentNeed
from app.timeutils import today_paris, utcnow

FOLLOW_UP_TITLE = "Le recrutement tient-il ?"
RETENTION_MONTHS = 6


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later, or the month's last day (31 August + 6 months = 28 February)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def trial_period_end(contract: ContractType, hired_on: date) -> date:
    """The end of the longest usual trial period of the contract (docs/RULES.md, rule 10):
    CDI 2 months (employees and workers, art. L1221-19 du Code du travail); CDD and seasonal
    contract 2 weeks (a contract of at most 6 months, art. L1242-10); temporary work 5 days
    (a mission of more than 2 months, art. L1251-14); apprenticeship 45 days (art. L6222-18)."""
    if contract is ContractType.CDI:
        return add_months(hired_on, 2)
    days = {ContractType.TEMPORARY: 5, ContractType.APPRENTICESHIP: 45}.get(contract, 14)
    return hired_on + timedelta(days=days)


def hire_date(need: RecruitmentNeed) -> date:
    """The day the hired people started: the planned start if it is after the closing, else the closing."""
    return max(need.closed_on, need.start_on) if need.start_on else need.closed_on


class RetentionError(DomainError):
    """A refusal with a French message."""


def schedule_retention_checks(need: RecruitmentNeed) -> list[RetentionCheck]:
    """The two checks of a need just closed with hires, each a follow-up of the privileged contact.

    A need reopened then closed again moves its unanswered checks to the new dates; an answered
    check stays as it was answered.
    """
    if need.positions_filled < 1 or need.closed_on is None:
        return []
    assignment = active_assignment_of(need.employer)
    started = hire_date(need)
    existing = {
        check.kind: check
        for check in db.session.scalars(sa.select(RetentionCheck).where(RetentionCheck.need_id == need.id))
    }
    scheduled = []
    for kind, due_on in (
        (CheckKind.TRIAL, trial_period_end(need.contract, started)),
        (CheckKind.SIX_MONTHS, add_months(started, RETENTION_MONTHS)),
    ):
        check = existing.get(kind)
        if check is not None and check.answer is not None:
            continue
        if check is None:
            check = RetentionCheck(need=need, kind=kind)
            db.session.add(check)
        check.due_on = due_on
        check.hires = need.positions_filled
        check.adviser_id = assignment.adviser_id if assignment else None
        check.operator_id = assignment.operator_id if assignment else None
        if assignment is not None:
            if check.follow_up is not None:
                settle_follow_up(check.follow_up)  # the old date no longer holds
            check.follow_up = plan_follow_up(
                assignment.adviser,
                need.employer,
                due_on,
                f"{FOLLOW_UP_TITLE} ({kind.label.lower()} : {need.title})",
            )
        scheduled.append(check)
    return scheduled


def answer_retention_check(
    check: RetentionCheck, *, author: User, answer: RetentionAnswer, still_in_post: int | None = None
) -> RetentionCheck:
    """Record whether the people hired are still in post; a later answer corrects an earlier one."""
    if check.due_on > today_paris():
        raise RetentionError(
            f"Cette vérification est prévue le {date_fr(check.due_on)} : elle se renseigne à partir de cette date."
        )
    if answer is RetentionAnswer.HELD:
        still_in_post = check.hires
    elif answer is RetentionAnswer.NOT_HELD:
        still_in_post = 0
    elif still_in_post is None or not 0 < still_in_post < check.hires:
        raise RetentionError(
            f"Indiquez combien de personnes sont encore en poste : entre 1 et {check.hires - 1} "
            f"sur {check.hires} recrutées."
            if check.hires > 1
            else "Une seule personne a été recrutée : elle est en poste ou ne l'est plus."
        )
    check.answer = answer
    check.still_in_post = still_in_post
    check.answered_at = utcnow()
    check.answered_by_id = author.id
    if check.follow_up is not None:
        settle_follow_up(check.follow_up)
    return check

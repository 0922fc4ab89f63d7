"""Retention checks: planned when a need closes with hires, answered by the privileged contact."""

from datetime import date

import pytest
import sqlalchemy as sa

from app.activity.enums import FollowUpStatus
from app.activity.models import FollowUp
from app.aftercare.enums import CheckKind, RetentionAnswer
from app.aftercare.models import RetentionCheck
from app.aftercare.retention import (
    RetentionError,
    add_months,
    answer_retention_check,
    trial_period_end,
)
from app.extensions import db
from app.needs.enums import ContractType, NeedStatus
from app.needs.services import close_need, record_hires, reopen_need
from tests.conftest import paris
from tests.factories import AssignmentFactory, RecruitmentNeedFactory, RetentionCheckFactory, UserFactory


def _checks(need) -> dict[CheckKind, RetentionCheck]:
    rows = db.session.scalars(sa.select(RetentionCheck).where(RetentionCheck.need_id == need.id))
    return {check.kind: check for check in rows}


@pytest.mark.parametrize(
    ("contract", "expected"),
    [
        (ContractType.CDI, date(2026, 5, 15)),  # 2 months
        (ContractType.CDD, date(2026, 3, 29)),  # 2 weeks
        (ContractType.SEASONAL, date(2026, 3, 29)),
        (ContractType.TEMPORARY, date(2026, 3, 20)),  # 5 days
        (ContractType.APPRENTICESHIP, date(2026, 4, 29)),  # 45 days
    ],
)
def test_trial_period_by_contract(contract, expected):
    assert trial_period_end(contract, date(2026, 3, 15)) == expected


def test_months_are_added_to_the_month_end():
    assert add_months(date(2026, 8, 31), 6) == date(2027, 2, 28)
    assert add_months(date(2027, 8, 31), 6) == date(2028, 2, 29)
    assert add_months(date(2026, 11, 30), 2) == date(2027, 1, 30)


def test_closing_a_filled_need_plans_two_follow_ups_for_the_privileged_contact(travel):
    travel(paris(2026, 3, 15, 10, 0))
    adviser = UserFactory()
    need = RecruitmentNeedFactory(positions=3, contract=ContractType.CDI, identified_on=date(2026, 2, 1))
    assignment = AssignmentFactory(employer=need.employer, adviser=adviser)
    close_need(need, NeedStatus.FILLED, author=adviser, positions_filled=3)
    db.session.flush()
    checks = _checks(need)
    assert checks[CheckKind.TRIAL].due_on == date(2026, 5, 15)
    assert checks[CheckKind.SIX_MONTHS].due_on == date(2026, 9, 15)
    for check in checks.values():
        assert check.hires == 3 and check.answer is None
        assert (check.adviser_id, check.operator_id) == (adviser.id, assignment.operator_id)
        follow_up = check.follow_up
        assert follow_up.owner_id == adviser.id and follow_up.due_on == check.due_on
        assert follow_up.title.startswith("Le recrutement tient-il ?")
        assert follow_up.status is FollowUpStatus.OPEN


def test_the_hire_starts_on_the_planned_start_when_later(travel):
    travel(paris(2026, 3, 15, 10, 0))
    need = RecruitmentNeedFactory(contract=ContractType.CDD, identified_on=date(2026, 2, 1), start_on=date(2026, 4, 1))
    close_need(need, NeedStatus.FILLED, author=None, positions_filled=1)
    db.session.flush()
    checks = _checks(need)
    assert checks[CheckKind.TRIAL].due_on == date(2026, 4, 15)
    assert checks[CheckKind.SIX_MONTHS].due_on == date(2026, 10, 1)
    # No privileged contact: the checks exist, without a follow-up; anyone of the field answers them.
    assert checks[CheckKind.TRIAL].follow_up is None and checks[CheckKind.TRIAL].adviser_id is None


def test_no_check_without_a_hire(travel):
    travel(paris(2026, 3, 15, 10, 0))
    need = RecruitmentNeedFactory(positions=2, identified_on=date(2026, 2, 1))
    AssignmentFactory(employer=need.employer)
    close_need(need, NeedStatus.NOT_FILLED, author=None, positions_filled=0, reason="Aucun candidat")
    cancelled = RecruitmentNeedFactory(identified_on=date(2026, 2, 1))
    close_need(cancelled, NeedStatus.CANCELLED, author=None, reason="Projet abandonné")
    db.session.flush()
    assert _checks(need) == {} and _checks(cancelled) == {}
    assert db.session.scalar(sa.select(sa.func.count()).select_from(FollowUp)) == 0


def test_a_need_partly_filled_then_closed_is_checked_for_its_hires(travel):
    travel(paris(2026, 3, 15, 10, 0))
    need = RecruitmentNeedFactory(positions=3, identified_on=date(2026, 2, 1))
    close_need(need, NeedStatus.NOT_FILLED, author=None, positions_filled=2, reason="Un poste abandonné")
    db.session.flush()
    assert {check.hires for check in _checks(need).values()} == {2}


def test_hires_that_fill_a_need_plan_the_checks(travel):
    travel(paris(2026, 3, 15, 10, 0))
    need = RecruitmentNeedFactory(positions=2, identified_on=date(2026, 2, 1))
    record_hires(need, 1, author=None, hired_on=date(2026, 3, 10))
    db.session.flush()
    assert _checks(need) == {}  # one position of two: the need is still open
    record_hires(need, 1, author=None, hired_on=date(2026, 3, 12))
    db.session.flush()
    assert _checks(need)[CheckKind.SIX_MONTHS].due_on == date(2026, 9, 12)


def test_a_need_closed_again_moves_its_unanswered_checks(travel):
    travel(paris(2026, 3, 15, 10, 0))
    adviser = UserFactory()
    need = RecruitmentNeedFactory(identified_on=date(2026, 2, 1))
    AssignmentFactory(employer=need.employer, adviser=adviser)
    close_need(need, NeedStatus.FILLED, author=adviser, positions_filled=1)
    db.session.flush()
    first_follow_up = _checks(need)[CheckKind.TRIAL].follow_up
    travel(paris(2026, 4, 1, 10, 0))
    reopen_need(need, author=adviser)
    close_need(need, NeedStatus.FILLED, author=adviser, positions_filled=1)
    db.session.flush()
    checks = _checks(need)
    assert len(checks) == 2 and checks[CheckKind.TRIAL].due_on == date(2026, 6, 1)
    assert first_follow_up.status is FollowUpStatus.DONE
    assert checks[CheckKind.TRIAL].follow_up.status is FollowUpStatus.OPEN


def test_answers_record_who_is_still_in_post_and_settle_the_follow_up(travel):
    travel(paris(2026, 9, 20, 10, 0))
    adviser = UserFactory()
    need = RecruitmentNeedFactory(filled=True, positions=3, closed_on=date(2026, 3, 15), identified_on=date(2026, 2, 1))
    check = RetentionCheckFactory(need=need, due_on=date(2026, 9, 15))
    check.follow_up = FollowUp(
        employer=need.employer, owner=adviser, due_on=check.due_on, title="Le recrutement tient-il ?"
    )
    db.session.flush()
    answer_retention_check(check, author=adviser, answer=RetentionAnswer.PARTLY, still_in_post=2)
    db.session.flush()
    assert (check.answer, check.still_in_post, check.answered_by_id) == (RetentionAnswer.PARTLY, 2, adviser.id)
    assert check.follow_up.status is FollowUpStatus.DONE
    answer_retention_check(check, author=adviser, answer=RetentionAnswer.HELD)
    db.session.flush()
    assert check.still_in_post == 3  # a correction; "held" means every person hired
    answer_retention_check(check, author=adviser, answer=RetentionAnswer.NOT_HELD, still_in_post=2)
    assert check.still_in_post == 0


@pytest.mark.parametrize("still_in_post", [None, 0, 3, 7])
def test_partly_needs_a_count_between_none_and_all(travel, still_in_post):
    travel(paris(2026, 9, 20, 10, 0))
    check = RetentionCheckFactory(need=RecruitmentNeedFactory(filled=True, positions=3), due_on=date(2026, 9, 15))
    with pytest.raises(RetentionError, match="entre 1 et 2 sur 3"):
        answer_retention_check(check, author=UserFactory(), answer=RetentionAnswer.PARTLY, still_in_post=still_in_post)
    assert check.answer is None


def test_a_check_is_not_answered_before_its_date(travel):
    travel(paris(2026, 9, 14, 10, 0))
    check = RetentionCheckFactory(due_on=date(2026, 9, 15))
    with pytest.raises(RetentionError, match="prévue le 15/09/2026"):
        answer_retention_check(check, author=UserFactory(), answer=RetentionAnswer.HELD)


def test_the_database_refuses_an_answer_that_contradicts_its_count():
    check = RetentionCheckFactory(need=RecruitmentNeedFactory(filled=True, positions=2))
    db.session.execute(sa.update(RetentionCheck).where(RetentionCheck.id == check.id).values(hires=2))
    with pytest.raises(sa.exc.IntegrityError), db.session.begin_nested():
        db.session.execute(
            sa.update(RetentionCheck)
            .where(RetentionCheck.id == check.id)
            .values(answer="held", still_in_post=1, answered_at=sa.func.now())
        )

"""Progress against targets, on a fixed dataset around a first-quarter 2027 plan."""

from datetime import UTC, date, datetime

import pytest

from app.activity.enums import Channel
from app.events.enums import EventStatus
from app.extensions import db
from app.needs.enums import MobilisationStatus, NeedStatus
from app.plans.enums import PlanIndicator
from app.plans.models import PlanTarget
from app.plans.queries import indicator_records, indicator_value, plan_progress
from tests.factories import (
    AssignmentFactory,
    BasinFactory,
    EmployerFactory,
    EventFactory,
    EventParticipantFactory,
    InteractionFactory,
    OperatorFactory,
    PlanEmployerFactory,
    ProspectionPlanFactory,
    RecruitmentNeedFactory,
    ServiceMobilisationFactory,
    UserFactory,
    seeded_service_type,
)


def _at(day: date, hour: int = 9) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=UTC)


@pytest.fixture
def dataset():
    plan = ProspectionPlanFactory(starts_on=date(2027, 1, 1), ends_on=date(2027, 3, 31))
    operator_a, operator_b = OperatorFactory(), OperatorFactory()
    adviser_a, adviser_b = UserFactory(operator=operator_a), UserFactory(operator=operator_b)
    first, second, third = EmployerFactory(), EmployerFactory(), EmployerFactory()
    elsewhere = EmployerFactory(basin=BasinFactory())

    InteractionFactory(employer=first, author=adviser_a, channel=Channel.VISIT, occurred_on=date(2027, 1, 10))
    InteractionFactory(employer=first, author=adviser_b, channel=Channel.PHONE, occurred_on=date(2027, 2, 1))
    InteractionFactory(employer=second, author=adviser_b, channel=Channel.VISIT, occurred_on=date(2027, 3, 31))
    InteractionFactory(employer=third, author=adviser_a, channel=Channel.VISIT, occurred_on=date(2026, 12, 31))
    InteractionFactory(employer=elsewhere, author=adviser_a, channel=Channel.VISIT, occurred_on=date(2027, 1, 15))

    RecruitmentNeedFactory(employer=first, created_by=adviser_a, identified_on=date(2027, 1, 5))
    RecruitmentNeedFactory(employer=first, created_by=adviser_a, identified_on=date(2027, 4, 1))
    RecruitmentNeedFactory(
        filled=True,
        employer=second,
        created_by=adviser_b,
        identified_on=date(2026, 12, 1),
        positions=3,
        closed_on=date(2027, 2, 10),
    )
    RecruitmentNeedFactory(
        employer=third,
        created_by=adviser_a,
        identified_on=date(2026, 11, 1),
        positions=2,
        positions_filled=1,
        status=NeedStatus.NOT_FILLED,
        closed_on=date(2027, 3, 1),
        closed_reason="Plus de besoin",
    )

    held = EventFactory(held=True, starts_at=_at(date(2027, 2, 15)), operators=[operator_a])
    EventParticipantFactory(event=held, employer=first, positions_offered=3, interviews=5, hires=2)
    EventParticipantFactory(event=held, employer=second, positions_offered=1, interviews=2, hires=1)
    later = EventFactory(held=True, starts_at=_at(date(2027, 4, 2)))
    EventParticipantFactory(event=later, employer=first, positions_offered=4, hires=4)
    EventFactory(starts_at=_at(date(2027, 3, 1)), status=EventStatus.CANCELLED)
    EventFactory(starts_at=_at(date(2027, 3, 20)), status=EventStatus.PLANNED)
    # 23:30 UTC on 31 March is already 1 April in Paris: outside the plan.
    EventFactory(held=True, starts_at=datetime(2027, 3, 31, 23, 30, tzinfo=UTC))

    PlanEmployerFactory(plan=plan, employer=first)
    PlanEmployerFactory(plan=plan, employer=second)
    PlanEmployerFactory(plan=plan, employer=third, is_excluded=True)
    AssignmentFactory(employer=first, adviser=adviser_a)
    AssignmentFactory(employer=third, adviser=adviser_b)

    # Solutions (every employer here has 1 or 2 employees: a TPE).
    poei, poec, pcrh = (seeded_service_type(code) for code in ("poei", "poec", "pcrh"))

    def solution(employer, service_type, author, proposed_on, delivered_on=None):
        ServiceMobilisationFactory(
            employer=employer,
            service_type=service_type,
            created_by_id=author.id,
            proposed_on=proposed_on,
            delivered_on=delivered_on,
            status=MobilisationStatus.DELIVERED if delivered_on else MobilisationStatus.PROPOSED,
        )

    solution(first, poec, adviser_a, date(2027, 1, 5), date(2027, 2, 10))  # delivered, POE to a TPE
    solution(second, pcrh, adviser_b, date(2027, 3, 1), date(2027, 3, 31))  # delivered
    solution(third, poei, adviser_b, date(2026, 12, 20), date(2027, 1, 15))  # delivered; POE proposed before
    solution(second, poec, adviser_b, date(2027, 3, 1))  # POE to a TPE, not delivered
    solution(first, pcrh, adviser_a, date(2027, 3, 20), date(2027, 4, 1))  # delivered after the plan
    solution(elsewhere, poei, adviser_a, date(2027, 2, 1), date(2027, 2, 2))  # another basin
    db.session.flush()
    return plan, operator_a, operator_b


EXPECTED = {
    PlanIndicator.EMPLOYERS_CONTACTED: (2, 1, 2),
    PlanIndicator.VISITS: (2, 1, 1),
    PlanIndicator.NEEDS_IDENTIFIED: (1, 1, 0),
    PlanIndicator.POSITIONS_FILLED: (4, 1, 3),
    PlanIndicator.EVENTS_HELD: (1, 1, 0),
    PlanIndicator.EVENT_HIRES: (3, 3, 0),
    PlanIndicator.EMPLOYERS_WITH_CONTACT: (1, 1, 0),
    PlanIndicator.SOLUTIONS_DELIVERED: (3, 1, 2),
    PlanIndicator.POE_SMALL_EMPLOYERS: (2, 1, 1),
    # No engagement in this dataset: tests/plans/test_relative_target.py counts them.
    PlanIndicator.EMPLOYERS_ENGAGED: (0, 0, 0),
}


@pytest.mark.parametrize("indicator", list(PlanIndicator), ids=lambda indicator: indicator.value)
def test_each_indicator_counts_the_basin_and_period_only(dataset, indicator):
    plan, operator_a, operator_b = dataset
    network, for_a, for_b = EXPECTED[indicator]
    assert indicator_value(plan, indicator) == network
    assert indicator_value(plan, indicator, operator_a.id) == for_a
    assert indicator_value(plan, indicator, operator_b.id) == for_b


@pytest.mark.parametrize("indicator", list(PlanIndicator), ids=lambda indicator: indicator.value)
def test_the_drill_down_lists_the_records_behind_the_figure(dataset, indicator):
    plan, _, _ = dataset
    records = db.session.scalars(indicator_records(plan, indicator)).all()
    column = {PlanIndicator.POSITIONS_FILLED: "positions_filled", PlanIndicator.EVENT_HIRES: "hires"}.get(indicator)
    total = sum(getattr(record, column) for record in records) if column else len(records)
    assert total == indicator_value(plan, indicator)


def test_progress_caps_the_bar_and_marks_reached_targets(dataset):
    plan, operator_a, _ = dataset
    plan.targets = [
        PlanTarget(indicator=PlanIndicator.VISITS, target_value=8),
        PlanTarget(indicator=PlanIndicator.EVENT_HIRES, target_value=2),
        PlanTarget(indicator=PlanIndicator.EVENT_HIRES, operator=operator_a, target_value=6),
        PlanTarget(indicator=PlanIndicator.EVENTS_HELD, target_value=0),
    ]
    db.session.flush()
    rows = [(r.target.indicator, r.target.operator_id, r.done, r.percent, r.is_reached) for r in plan_progress(plan)]
    assert rows == [
        (PlanIndicator.VISITS, None, 2, 25, False),
        (PlanIndicator.EVENTS_HELD, None, 1, 100, True),
        (PlanIndicator.EVENT_HIRES, None, 3, 100, True),
        (PlanIndicator.EVENT_HIRES, operator_a.id, 3, 50, False),
    ]


def test_every_indicator_can_be_a_target(dataset):
    """The migrations' CHECK on plan_targets.indicator lists every indicator the code offers: two
    revisions rebuilt it, and the later one once forgot the earlier one's indicators."""
    plan, _, _ = dataset
    plan.targets = [PlanTarget(indicator=indicator, target_value=1) for indicator in PlanIndicator]
    db.session.flush()
    assert {target.indicator for target in plan.targets} == set(PlanIndicator)

"""A plan target relative to the value at the plan's start: "doubler en 3 ans" the engaged employers."""

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from app.employers.engagements import EngagementKind
from app.extensions import db
from app.plans.enums import PlanIndicator
from app.plans.models import PlanTarget
from app.plans.queries import indicator_baseline, indicator_records, indicator_value, plan_progress
from app.plans.services import PlanError, save_plan, set_relative_target
from tests.factories import (
    AssignmentFactory,
    EmployerEngagementFactory,
    EmployerFactory,
    ProspectionPlanFactory,
    UserFactory,
    seeded_basin,
)

ENGAGED = PlanIndicator.EMPLOYERS_ENGAGED


@pytest.fixture
def plan(travel):
    """A three-year plan for Saint-Nazaire from 1 January 2026; today is 22 November 2026.
    Engaged on 1 January 2026: a (club, 2025) and b (charter, 2025, left in June 2026) → baseline 2.
    Engaged today: a, c (joined March 2026), d (charter, still held) → 3; e is in Laval."""
    travel(datetime(2026, 11, 22, 10, 0, tzinfo=UTC))
    basin = seeded_basin("5219")
    a, b, c, d = (EmployerFactory(basin=basin) for _ in range(4))
    EmployerEngagementFactory(employer=a, kind=EngagementKind.CLUB, starts_on=date(2025, 4, 1))
    EmployerEngagementFactory(employer=b, starts_on=date(2025, 9, 1), ends_on=date(2026, 6, 30))
    EmployerEngagementFactory(employer=c, kind=EngagementKind.CLUB, starts_on=date(2026, 3, 1))
    EmployerEngagementFactory(employer=d, starts_on=date(2026, 10, 1))
    EmployerEngagementFactory(employer=EmployerFactory(basin=seeded_basin("5211")), starts_on=date(2025, 1, 1))
    plan = ProspectionPlanFactory(basin=basin, starts_on=date(2026, 1, 1), ends_on=date(2028, 12, 31))
    return plan, {"a": a, "b": b, "c": c, "d": d}


def test_the_indicator_counts_the_engaged_today_and_its_baseline_at_the_start(plan):
    plan, employers = plan
    assert indicator_value(plan, ENGAGED) == 3
    assert {e.id for e in db.session.scalars(indicator_records(plan, ENGAGED))} == {
        employers[key].id for key in ("a", "c", "d")
    }
    assert indicator_baseline(plan, ENGAGED) == 2


def test_doubling_in_three_years(plan):
    plan, _ = plan
    set_relative_target(plan, indicator=ENGAGED, factor=Decimal("2"))
    db.session.flush()
    (progress,) = plan_progress(plan)
    # Baseline 2 × 2 = 4 to reach; 3 done.
    assert (progress.baseline, progress.goal, progress.done, progress.percent, progress.is_reached) == (
        2,
        4,
        3,
        75,
        False,
    )
    # Rounded up: 2 × 1.25 = 2.5 → 3, reached.
    set_relative_target(plan, indicator=ENGAGED, factor=Decimal("1.25"))
    (progress,) = plan_progress(plan)
    assert (progress.goal, progress.is_reached) == (3, True)


def test_an_operators_engaged_employers_are_those_it_is_the_privileged_contact_of(plan):
    plan, employers = plan
    assignment = AssignmentFactory(employer=employers["c"])
    assert indicator_value(plan, ENGAGED, assignment.operator_id) == 1
    assert indicator_baseline(plan, ENGAGED, assignment.operator_id) == 0


@pytest.mark.parametrize(
    ("indicator", "factor", "message"),
    [
        (PlanIndicator.VISITS, Decimal("2"), "pas de valeur de départ"),
        (ENGAGED, Decimal("0"), "de 0,1 à 20"),
        (ENGAGED, Decimal("21"), "de 0,1 à 20"),
    ],
)
def test_refused_relative_targets(plan, indicator, factor, message):
    plan, _ = plan
    with pytest.raises(PlanError, match=message):
        set_relative_target(plan, indicator=indicator, factor=factor)
    assert plan.targets == []


def test_the_database_refuses_a_factor_not_positive(plan):
    plan, _ = plan
    with pytest.raises(IntegrityError), db.session.begin_nested():
        db.session.add(PlanTarget(plan_id=plan.id, indicator=ENGAGED, target_value=0, factor=Decimal("-1")))
        db.session.flush()


def test_editing_the_plan_keeps_the_relative_target_unless_an_absolute_one_is_typed(plan):
    plan, _ = plan
    target = set_relative_target(plan, indicator=ENGAGED, factor=Decimal("2"))
    owner = UserFactory(lead=True, basins=[plan.basin])
    fields = dict(
        title=plan.title,
        basin=plan.basin,
        starts_on=plan.starts_on,
        ends_on=plan.ends_on,
        target_list_size=plan.target_list_size,
        owners=[owner],
        segments={},
    )
    save_plan(plan, targets={ENGAGED: None}, **fields)
    assert target.factor == Decimal("2")
    save_plan(plan, targets={ENGAGED: 10}, **fields)
    assert (target.factor, target.target_value) == (None, 10)


def test_set_on_the_plan_page(client, post, login, plan):
    plan, _ = plan
    login(UserFactory(lead=True, basins=[plan.basin]))
    response = post(f"/plans/{plan.id}/objectifs/relatif", {"indicator": "employers_engaged", "factor": "2"})
    assert response.status_code == 302
    page = client.get(f"/plans/{plan.id}").get_data(as_text=True)
    assert 'data-testid="relative-employers_engaged"' in page and "2 au départ × 2" in page
    for bad in ({"indicator": "visits", "factor": "2"}, {"indicator": "employers_engaged", "factor": "deux"}):
        assert post(f"/plans/{plan.id}/objectifs/relatif", bad).status_code == 400
    assert (
        post(f"/plans/{plan.id}/objectifs/relatif", {"indicator": "employers_engaged", "factor": "1,5"}).status_code
        == 302
    )
    db.session.expire_all()
    assert db.session.scalar(sa.select(PlanTarget.factor).where(PlanTarget.plan_id == plan.id)) == Decimal("1.5")

"""One definition per figure: for the same basin and month of the fixed dataset (conftest.py), the
monthly report, the dashboard, the plan's progress and a committee's frozen figures say the same
thing for every indicator they share (contacts, visits, needs identified, positions filled, events)."""

from datetime import UTC, date, datetime, timedelta

import pytest
import sqlalchemy as sa

from app.activity.enums import Channel
from app.committees.snapshots import take_snapshot
from app.dashboard.queries import identified_in, scope_figures
from app.dashboard.scopes import Period, quarter_of
from app.events.queries import event_totals_between_days
from app.extensions import db
from app.needs.models import RecruitmentNeed
from app.notifications.reports import month_figures, next_month
from app.plans.enums import PlanIndicator
from app.plans.models import PlanTarget
from app.plans.queries import indicator_value
from tests.factories import EventFactory, EventParticipantFactory, ProspectionPlanFactory

MONTHS = (date(2026, 7, 1), date(2026, 8, 1), date(2026, 9, 1))


@pytest.fixture
def august_event(dataset):
    """A job dating held in basin A on 20 August, where a3 hired two people."""
    event = EventFactory(held=True, basin=dataset["basin_a"], starts_at=datetime(2026, 8, 20, 8, 0, tzinfo=UTC))
    event.ends_at = event.starts_at + timedelta(hours=3)
    EventParticipantFactory(event=event, employer=dataset["employers"]["a3"], hires=2)
    db.session.flush()
    return dataset


def _needs_identified(basin_id: int, period: Period) -> int:
    """The dashboard's "identified in the period" (identified_in), counted over the basin's needs."""
    return db.session.scalar(
        sa.select(sa.func.count()).where(RecruitmentNeed.basin_id == basin_id, identified_in(period))
    )


@pytest.mark.parametrize("month", MONTHS)
@pytest.mark.parametrize("basin", ["basin_a", "basin_b"])
def test_report_dashboard_plan_and_committee_agree(august_event, month, basin):
    basin = august_event[basin]
    period = Period(month, next_month(month) - timedelta(days=1))
    plan = ProspectionPlanFactory(basin=basin, starts_on=period.start, ends_on=period.end)
    for indicator in PlanIndicator:
        db.session.add(PlanTarget(plan=plan, indicator=indicator, target_value=10))
    db.session.flush()

    report = month_figures([basin.id], month)
    dashboard = scope_figures([basin.id], period)
    events = event_totals_between_days([basin.id], period.start, period.end)
    shared = {
        "employers contacted": (
            report["employers_contacted"],
            dashboard.contacted,
            indicator_value(plan, PlanIndicator.EMPLOYERS_CONTACTED),
        ),
        "visits": (
            report["interactions"][Channel.VISIT.label],
            dashboard.channels[Channel.VISIT],
            indicator_value(plan, PlanIndicator.VISITS),
        ),
        "needs identified": (
            report["needs_identified"],
            _needs_identified(basin.id, period),
            indicator_value(plan, PlanIndicator.NEEDS_IDENTIFIED),
        ),
        "positions filled": (
            report["positions_filled"],
            dashboard.positions_filled,
            indicator_value(plan, PlanIndicator.POSITIONS_FILLED),
        ),
        "events held": (report["events_held"], events.events_held, indicator_value(plan, PlanIndicator.EVENTS_HELD)),
        "event hires": (report["event_hires"], events.hires, indicator_value(plan, PlanIndicator.EVENT_HIRES)),
    }
    for name, values in shared.items():
        assert len(set(values)) == 1, (name, values)
    # The report's "targets against results" are the plan's own figures.
    done = {row["indicator"]: row["done"] for row in report["targets"] if row["operator"] == "Tout le réseau"}
    assert done == {indicator.label: indicator_value(plan, indicator) for indicator in PlanIndicator}
    if month == quarter_of(month).start:  # a meeting on the month's last day has this month's figures
        frozen = take_snapshot(basin.id, period.end)["figures"]
        assert (frozen["contacts"], frozen["contacted"]) == (dashboard.contacts, dashboard.contacted)
        assert frozen["needs_filled"] == dashboard.needs_filled


def test_the_shared_figures_of_august_in_basin_a_by_hand(august_event):
    basin = august_event["basin_a"]
    report = month_figures([basin.id], date(2026, 8, 1))
    # n3 and n6, n13 is July's; n3 filled 1, n2 (not filled) 1; the job dating with 2 hires.
    assert (report["needs_identified"], report["positions_filled"]) == (2, 2)
    assert (report["events_held"], report["event_hires"]) == (1, 2)

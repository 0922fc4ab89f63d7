"""Every figure of the dashboard against values computed by hand on the fixed dataset (conftest.py)."""

from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa

from app.activity.enums import Channel
from app.dashboard.queries import FIGURES, average_days_per_stage, build_dashboard, figure_rows
from app.dashboard.scopes import Period, quarter_of
from app.extensions import db
from app.needs.enums import NeedStatus
from app.needs.models import NeedStatusChange
from tests.factories import EmployerFactory, RecruitmentNeedFactory, seeded_basin

# The dataset's period (conftest.py).
Q3 = Period(date(2026, 7, 1), date(2026, 9, 30))


@pytest.fixture
def board(dataset):
    return build_dashboard([dataset["basin_a"], dataset["basin_b"]], Q3)


def test_funnel_per_basin_and_in_total(board):
    basin_a, basin_b = board.basins
    # a1, a2 contacted (1 July and 30 September count; 30 June and 1 October do not).
    assert [count for _, _, count, _ in basin_a.funnel] == [5, 2, 4, 5, 2]
    assert [count for _, _, count, _ in basin_b.funnel] == [3, 1, 2, 2, 1]
    assert [count for _, _, count, _ in board.total.funnel] == [8, 3, 6, 7, 3]
    conversions = [conversion for _, _, _, conversion in board.total.funnel]
    assert conversions == [None, pytest.approx(3 / 8), pytest.approx(6 / 3), pytest.approx(7 / 6), pytest.approx(3 / 7)]


def test_needs_by_stage_counts_needs_open_during_the_period(board):
    assert board.stages == {
        NeedStatus.IDENTIFIED: 1,
        NeedStatus.QUALIFIED: 1,  # n7, reopened
        NeedStatus.SOURCING: 1,
        NeedStatus.CANDIDATES_PRESENTED: 1,
        NeedStatus.FILLED: 5,  # n1, n3, n10 and n11 in the period, n8 after it
        NeedStatus.NOT_FILLED: 2,
        NeedStatus.CANCELLED: 1,
    }
    assert (board.basins[0].needs_active, board.basins[1].needs_active, board.total.needs_active) == (10, 2, 12)


def test_fill_rate_by_needs_and_by_positions(board):
    basin_a, basin_b = board.basins
    # A: n1 (2 of 3), n2 not filled with 1 of 2, n3 (1 of 1), n10 (1 of 1); n4 cancelled is left out.
    assert (basin_a.needs_decided, basin_a.needs_filled, basin_a.needs_not_filled, basin_a.needs_cancelled) == (
        4,
        3,
        1,
        1,
    )
    assert basin_a.fill_rate_needs == pytest.approx(3 / 4)
    assert (basin_a.positions_filled, basin_a.positions_decided) == (5, 7)
    assert basin_a.fill_rate_positions == pytest.approx(5 / 7)
    assert basin_b.fill_rate_needs == pytest.approx(1 / 2)
    assert basin_b.fill_rate_positions == pytest.approx(4 / 5)
    assert board.total.fill_rate_needs == pytest.approx(4 / 6)
    assert board.total.fill_rate_positions == pytest.approx(9 / 12)


def test_time_to_fill_median_and_80th_percentile(board):
    basin_a, basin_b = board.basins
    # A: 20 (n3), 40 (n1), 102 (n10) days.
    assert basin_a.time_to_fill == {"median": 40, "p80": pytest.approx(40 + 0.6 * 62), "count": 3}
    assert basin_b.time_to_fill == {"median": 30, "p80": 30, "count": 1}
    # Both: 20, 30, 40, 102: an even count, the median is between 30 and 40.
    assert board.total.time_to_fill == {"median": 35, "p80": pytest.approx(40 + 0.4 * 62), "count": 4}


def test_needs_open_for_more_than_30_60_90_days_at_the_end_of_the_period(board):
    # Still open: n5 (1 May), n7 (1 March, reopened), n13 (15 July), n6 (15 August); measured on 30 September.
    assert board.total.open_over == {30: 4, 60: 3, 90: 2}
    assert board.basins[1].open_over == {30: 0, 60: 0, 90: 0}


def test_activity_by_channel_operator_and_week(board, dataset):
    assert board.total.contacts == 4
    assert board.channels == {Channel.VISIT: 1, Channel.PHONE: 2, Channel.EMAIL: 1, Channel.EVENT: 0, Channel.OTHER: 0}
    assert board.operators == [
        (str(dataset["operator_a"].id), "France Travail Saint-Nazaire test", 3),
        (str(dataset["operator_b"].id), "Mission locale Laval test", 1),
    ]
    assert board.weeks == [
        (date(2026, 6, 29), 1),
        (date(2026, 7, 13), 1),
        (date(2026, 8, 10), 1),
        (date(2026, 9, 28), 1),
    ]


def test_privileged_contacts_share_and_by_operator(board, dataset):
    basin_a, basin_b = board.basins
    assert (basin_a.assigned, basin_a.assigned_share) == (2, pytest.approx(2 / 5))  # a3's assignment has ended
    assert basin_b.assigned_share == 0
    assert board.total.assigned_share == pytest.approx(2 / 8)
    assert board.assignments == [(str(dataset["operator_a"].id), "France Travail Saint-Nazaire test", 2)]


def test_satisfaction_average_and_answers(board):
    assert (board.basins[0].satisfaction_answers, board.basins[0].satisfaction_average) == (2, 3)
    assert (board.total.satisfaction_answers, board.total.satisfaction_average) == (3, pytest.approx(11 / 3))
    assert board.satisfaction == {1: 0, 2: 1, 3: 0, 4: 1, 5: 1}


@pytest.mark.parametrize(
    ("name", "key", "expected"),
    [
        ("contacted", "", {"a1", "a2", "b1"}),
        ("with_need", "", {"a1", "a2", "a4", "a5", "b1", "b2"}),
        ("hired", "", {"a1", "a2", "b1"}),
        ("assigned", "", {"a1", "a2"}),
    ],
)
def test_drilldown_rows_are_the_records_counted(dataset, name, key, expected):
    basin_ids = [dataset["basin_a"].id, dataset["basin_b"].id]
    ids = set(db.session.scalars(sa.select(figure_rows(name, basin_ids, Q3, key).subquery().c.record_id)))
    employers = {label: employer.id for label, employer in dataset["employers"].items()}
    assert ids == {employers[label] for label in expected}


def test_drilldown_of_needs_figures(dataset):
    basin_ids = [dataset["basin_a"].id]
    needs = {need.id: label for label, need in dataset["needs"].items()}

    def labels(name, key=""):
        rows = figure_rows(name, basin_ids, Q3, key).subquery()
        return {needs[need_id] for need_id in db.session.scalars(sa.select(rows.c.record_id))}

    assert labels("needs_decided") == {"n1", "n2", "n3", "n10"}
    assert labels("needs_filled") == {"n1", "n3", "n10"}
    assert labels("open_over", "60") == {"n5", "n7", "n13"}
    assert labels("needs_stage", "qualified") == {"n7"}
    assert labels("satisfaction") == {"n1", "n2"}
    assert set(FIGURES) >= {"employers", "contacts", "needs_active", "needs_cancelled"}


def test_no_data_gives_zeros_and_no_rates():
    board = build_dashboard([seeded_basin("2702")], Q3)
    total = board.total
    assert [count for _, _, count, _ in total.funnel] == [0, 0, 0, 0, 0]
    assert total.fill_rate_needs is None and total.fill_rate_positions is None
    assert total.time_to_fill == {} and total.satisfaction_average is None and total.assigned_share is None
    assert board.weeks == [] and board.operators == [] and sum(board.stages.values()) == 0


def test_empty_scope_gives_an_empty_dashboard():
    board = build_dashboard([], Q3)
    assert board.basins == [] and board.total.employers == 0


def test_average_days_per_stage_over_stretches_ended_in_the_period(travel):
    travel(datetime(2026, 11, 22, tzinfo=UTC))
    basin = seeded_basin("2702")
    first = RecruitmentNeedFactory(employer=EmployerFactory(basin=basin), identified_on=date(2026, 6, 20))
    second = RecruitmentNeedFactory(employer=EmployerFactory(basin=basin), identified_on=date(2026, 7, 1))

    def at(month, day, hour=9):
        return datetime(2026, month, day, hour, tzinfo=UTC)

    for need, changes in [
        (first, [(NeedStatus.IDENTIFIED, at(6, 20)), (NeedStatus.QUALIFIED, at(7, 2))]),
        (
            second,
            [(NeedStatus.IDENTIFIED, at(7, 1)), (NeedStatus.QUALIFIED, at(7, 3)), (NeedStatus.SOURCING, at(10, 3))],
        ),
    ]:
        for status, changed_at in changes:
            db.session.add(NeedStatusChange(need=need, to_status=status, changed_at=changed_at))
    db.session.flush()
    averages = average_days_per_stage([basin.id], Q3)
    # Identified: 12 days (first) and 2 days (second); qualified ended on 3 October, after the period.
    assert averages[NeedStatus.IDENTIFIED] == (pytest.approx(7), 2)
    assert NeedStatus.QUALIFIED not in averages


def test_default_period_is_the_current_quarter():
    assert quarter_of(date(2026, 11, 22)) == Period(date(2026, 10, 1), date(2026, 12, 31))
    assert quarter_of(date(2026, 2, 28)) == Period(date(2026, 1, 1), date(2026, 3, 31))


@pytest.mark.parametrize(
    ("name", "key", "attribute"),
    [
        ("employers", "", "employers"),
        ("contacted", "", "contacted"),
        ("with_need", "", "with_need"),
        ("followed", "", "followed"),
        ("hired", "", "hired"),
        ("needs_active", "", "needs_active"),
        ("needs_decided", "", "needs_decided"),
        ("needs_filled", "", "needs_filled"),
        ("needs_not_filled", "", "needs_not_filled"),
        ("needs_cancelled", "", "needs_cancelled"),
        ("satisfaction", "", "satisfaction_answers"),
        ("contacts", "", "contacts"),
        ("assigned", "", "assigned"),
    ],
)
def test_each_basin_figure_counts_exactly_its_drilldown_rows(dataset, name, key, attribute):
    basins = [dataset["basin_a"], dataset["basin_b"]]
    board = build_dashboard(basins, Q3)
    for figures in [*board.basins, board.total]:
        basin_ids = [figures.basin.id] if figures.basin is not None else [basin.id for basin in basins]
        rows = figure_rows(name, basin_ids, Q3, key).subquery()
        listed = db.session.scalar(sa.select(sa.func.count(sa.distinct(rows.c.record_id))))
        assert listed == getattr(figures, attribute), (name, figures.basin)

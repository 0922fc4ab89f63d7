"""The monthly report and the dashboard say the same thing of the same scope and month.

Every figure the report shares with the dashboard is compared, for each month of the fixed
dataset (conftest.py) and each scope, and checked against values computed by hand.
"""

from datetime import date, timedelta

import pytest

from app.activity.enums import Channel
from app.dashboard.queries import build_dashboard
from app.dashboard.scopes import Period
from app.needs.enums import NeedStatus
from app.notifications.reports import month_figures, next_month
from tests.factories import RecruitmentNeedFactory

MONTHS = (date(2026, 7, 1), date(2026, 8, 1), date(2026, 9, 1))


def _percent(ratio: float | None) -> int | None:
    return None if ratio is None else round(100 * ratio)


def _shared_with_dashboard(figures) -> dict:
    """The dashboard's figures, in the report's terms: the figures both show."""
    closed = {
        NeedStatus.FILLED: figures.needs_filled,
        NeedStatus.NOT_FILLED: figures.needs_not_filled,
        NeedStatus.CANCELLED: figures.needs_cancelled,
    }
    median = figures.time_to_fill.get("median")
    return {
        "employers_contacted": figures.contacted,
        "interactions_total": figures.contacts,
        "interactions": {channel.label: figures.channels[channel] for channel in Channel},
        "needs_closed": {status.label: count for status, count in closed.items() if count},
        "needs_filled": figures.needs_filled,
        "positions_filled": figures.positions_filled,
        "fill_rate": _percent(figures.fill_rate_needs),
        "days_to_fill": None if median is None else round(median),
    }


def _report_shared(report: dict, names) -> dict:
    return {name: report[name] for name in names}


@pytest.fixture
def more_filled_needs(dataset):
    """Three needs filled in August in basin A (20, 5 and 211 days): a mean of 79 days, a median of 20."""
    employers = dataset["employers"]
    RecruitmentNeedFactory(
        filled=True,
        employer=employers["a3"],
        identified_on=date(2026, 8, 20),
        status=NeedStatus.FILLED,
        closed_on=date(2026, 8, 25),
        positions=1,
        positions_filled=1,
    )
    RecruitmentNeedFactory(
        filled=True,
        employer=employers["a4"],
        identified_on=date(2026, 2, 1),
        status=NeedStatus.FILLED,
        closed_on=date(2026, 8, 31),
        positions=2,
        positions_filled=2,
    )
    return dataset


@pytest.mark.parametrize("month", MONTHS)
@pytest.mark.parametrize("scope", ["a", "b", "a+b"])
def test_every_shared_figure_of_the_report_equals_the_dashboards(more_filled_needs, month, scope):
    basins = {"a": [more_filled_needs["basin_a"]], "b": [more_filled_needs["basin_b"]]}
    basins["a+b"] = basins["a"] + basins["b"]
    period = Period(month, next_month(month) - timedelta(days=1))
    dashboard = _shared_with_dashboard(build_dashboard(basins[scope], period).total)
    report = month_figures([basin.id for basin in basins[scope]], month)
    assert _report_shared(report, dashboard) == dashboard


def test_the_report_of_september_in_basin_a_by_hand(more_filled_needs):
    """n4 cancelled and n10 filled (102 days) in September: the cancelled need has no outcome."""
    report = month_figures([more_filled_needs["basin_a"].id], date(2026, 9, 1))
    assert report["fill_rate"] == 100  # the report said 50 %: it counted n4
    assert report["needs_closed"] == {NeedStatus.FILLED.label: 1, NeedStatus.CANCELLED.label: 1}
    assert (report["needs_filled"], report["positions_filled"], report["days_to_fill"]) == (1, 1, 102)
    assert (report["employers_contacted"], report["interactions_total"]) == (1, 1)
    assert report["interactions"][Channel.VISIT.label] == 1


def test_the_report_of_august_in_basin_a_by_hand(more_filled_needs):
    """n3 filled in 20 days, two more in 5 and 211 days, n2 not filled with 1 of 2 positions."""
    report = month_figures([more_filled_needs["basin_a"].id], date(2026, 8, 1))
    assert report["days_to_fill"] == 20  # the median, as on the dashboard; the mean was 79
    assert report["fill_rate"] == 75  # 3 filled of 4 decided
    assert (report["needs_filled"], report["positions_filled"]) == (3, 5)  # 1 + 1 + 2, and n2's 1
    assert report["needs_closed"] == {NeedStatus.FILLED.label: 3, NeedStatus.NOT_FILLED.label: 1}
    assert (report["employers_contacted"], report["interactions_total"]) == (0, 0)


def test_the_report_of_july_for_both_basins_by_hand(more_filled_needs):
    """n1 (40 days, 2 of 3) and n11 (30 days, 4 of 4) filled; contacts with a1 twice and b1 none."""
    basins = [more_filled_needs["basin_a"].id, more_filled_needs["basin_b"].id]
    report = month_figures(basins, date(2026, 7, 1))
    assert (report["needs_filled"], report["positions_filled"], report["fill_rate"]) == (2, 6, 100)
    assert report["days_to_fill"] == 35
    assert (report["employers_contacted"], report["interactions_total"]) == (1, 2)
    assert report["interactions"][Channel.PHONE.label] == 2

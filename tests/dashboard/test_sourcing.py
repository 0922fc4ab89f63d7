"""Who sourced the hires: per operator, hand-computed on a small dataset of its own, and each figure
against its drill-down."""

from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa

from app.dashboard.queries import FIGURES, figure_records, figure_rows
from app.dashboard.scopes import Period
from app.dashboard.sourcing import sourcing_by_operator
from app.extensions import db
from app.needs.enums import NeedStatus
from app.referential.enums import OperatorKind
from tests.factories import (
    NeedSourcingFactory,
    OperatorFactory,
    UserFactory,
    closed_need,
    seeded_basin,
)

Q3 = Period(date(2026, 7, 1), date(2026, 9, 30))


@pytest.fixture
def sourced(travel):
    """Saint-Nazaire, third quarter of 2026. Needs and each operator's (proposed, interviewed, hired):
    n1 filled 3/3 on 1 July: FT (5, 3, 2), ML (2, 1, 1)
    n2 not filled 1/2 on 30 September: FT (4, 2, 1), ML (0, 0, 0)
    n3 filled 1/1 on 15 August: ML (3, 2, 1)
    n4 cancelled in August: FT (2, 1, 0)          — no outcome: left out
    n5 filled 1/1 on 1 October: FT (1, 1, 1)      — after the period: left out
    n6 still open: ML (4, 1, 0)                   — not closed: left out
    n7 filled 2/2 in Laval in August: FT (2, 2, 2) — another basin: left out of Saint-Nazaire
    """
    travel(datetime(2026, 11, 22, 10, 0, tzinfo=UTC))
    nazaire, laval = seeded_basin("5219"), seeded_basin("5211")
    ft = OperatorFactory(name="Agence test du port", basins=[nazaire, laval])
    ml = OperatorFactory(name="Mission locale test", kind=OperatorKind.MISSION_LOCALE, basins=[nazaire])

    def need(status, closed_on, positions=1, filled=0, basin=nazaire):
        return closed_need(status, closed_on, positions, filled, basin)

    n1 = need(NeedStatus.FILLED, date(2026, 7, 1), 3, 3)
    n2 = need(NeedStatus.NOT_FILLED, date(2026, 9, 30), 2, 1)
    n3 = need(NeedStatus.FILLED, date(2026, 8, 15), 1, 1)
    n4 = need(NeedStatus.CANCELLED, date(2026, 8, 10), 1, 0)
    n5 = need(NeedStatus.FILLED, date(2026, 10, 1), 1, 1)
    n6 = need(NeedStatus.SOURCING, None, 2, 0)
    n7 = need(NeedStatus.FILLED, date(2026, 8, 20), 2, 2, basin=laval)
    for row_need, operator, counts in [
        (n1, ft, (5, 3, 2)),
        (n1, ml, (2, 1, 1)),
        (n2, ft, (4, 2, 1)),
        (n2, ml, (0, 0, 0)),
        (n3, ml, (3, 2, 1)),
        (n4, ft, (2, 1, 0)),
        (n5, ft, (1, 1, 1)),
        (n6, ml, (4, 1, 0)),
        (n7, ft, (2, 2, 2)),
    ]:
        proposed, interviewed, hired = counts
        NeedSourcingFactory(need=row_need, operator=operator, proposed=proposed, interviewed=interviewed, hired=hired)
    return {"nazaire": nazaire, "laval": laval, "ft": ft, "ml": ml, "needs": (n1, n2, n3, n4, n5, n6, n7)}


def test_hires_and_fill_rate_per_operator(sourced):
    rows = {row.name: row for row in sourcing_by_operator([sourced["nazaire"].id], Q3)}
    ft, ml = rows["Agence test du port"], rows["Mission locale test"]
    # FT: n1 and n2 (n4 cancelled, n5 after the period, n7 in Laval).
    assert (ft.proposed, ft.interviewed, ft.hired) == (9, 5, 3)
    assert (ft.needs_sourced, ft.needs_filled, ft.needs_with_hires) == (2, 1, 2)
    assert ft.fill_rate == pytest.approx(1 / 2)
    # ML: n1 and n3; on n2 it proposed nobody, so n2 is not among its needs.
    assert (ml.proposed, ml.interviewed, ml.hired) == (5, 3, 2)
    assert (ml.needs_sourced, ml.needs_filled, ml.needs_with_hires) == (2, 2, 2)
    assert ml.fill_rate == pytest.approx(1)
    # Most hires first.
    assert [row.name for row in sourcing_by_operator([sourced["nazaire"].id], Q3)] == [
        "Agence test du port",
        "Mission locale test",
    ]


def test_both_basins_add_up(sourced):
    rows = {row.name: row for row in sourcing_by_operator([sourced["nazaire"].id, sourced["laval"].id], Q3)}
    assert (rows["Agence test du port"].hired, rows["Agence test du port"].needs_sourced) == (5, 3)
    assert sourcing_by_operator([], Q3) == []


@pytest.mark.parametrize(
    ("figure", "attribute"),
    [("sourced_decided", "needs_sourced"), ("sourced_filled", "needs_filled"), ("sourced_hires", "needs_with_hires")],
)
def test_each_figure_counts_exactly_its_drilldown_rows(sourced, figure, attribute):
    basin_ids = [sourced["nazaire"].id]
    for row in sourcing_by_operator(basin_ids, Q3):
        listed = db.session.scalars(figure_records(figure, basin_ids, Q3, row.key)).all()
        counted = db.session.scalar(
            sa.select(sa.func.count()).select_from(figure_rows(figure, basin_ids, Q3, row.key).subquery())
        )
        assert len(listed) == counted == getattr(row, attribute)


def test_the_hires_are_the_sum_over_the_drilldown_needs(sourced):
    n1, n2, n3, *_ = sourced["needs"]
    basin_ids = [sourced["nazaire"].id]
    listed = db.session.scalars(figure_records("sourced_hires", basin_ids, Q3, str(sourced["ml"].id))).all()
    assert {need.id for need in listed} == {n1.id, n3.id}
    assert [
        need.id for need in db.session.scalars(figure_records("sourced_filled", basin_ids, Q3, str(sourced["ft"].id)))
    ] == [n1.id]
    assert {"sourced_decided", "sourced_filled", "sourced_hires"} <= set(FIGURES)


def test_the_dashboard_shows_the_table_and_its_drilldown(client, login, sourced):
    login(UserFactory(manager=True, basins=[sourced["nazaire"]]))
    query = "perimetre=basin:{}&debut=2026-07-01&fin=2026-09-30"
    page = client.get("/tableau-de-bord?" + query.format(sourced["nazaire"].id))
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Qui a sourcé les embauches" in html and "Mission locale test" in html
    drill = client.get(
        f"/tableau-de-bord/detail?indicateur=sourced_hires&cle={sourced['ml'].id}&debut=2026-07-01&fin=2026-09-30"
    )
    assert drill.status_code == 200
    # An operator key that is no number is a bad request, not an error.
    for key in ("abc", "99999999999", ""):
        assert client.get(f"/tableau-de-bord/detail?indicateur=sourced_hires&cle={key}").status_code == 400


def test_the_monthly_report_shows_the_dashboards_figures(sourced):
    from app.notifications.models import MonthlyReport
    from app.notifications.reports import month_figures, report_sections

    # July in Saint-Nazaire: only n1 closed (FT 5/3/2, ML 2/1/1), both filled.
    figures = month_figures([sourced["nazaire"].id], date(2026, 7, 1))
    assert figures["sourcing"] == [
        {"operator": "Agence test du port", "proposed": 5, "interviewed": 3, "hired": 2, "fill_rate": 100},
        {"operator": "Mission locale test", "proposed": 2, "interviewed": 1, "hired": 1, "fill_rate": 100},
    ]
    sections = {section.title: section for section in report_sections(MonthlyReport(figures=figures))}
    assert sections["Qui a sourcé les embauches"].rows[0] == ("Agence test du port", "5", "3", "2", "100\xa0%")
    # A report frozen before this figure existed still shows.
    old = {key: value for key, value in figures.items() if key != "sourcing"}
    old_sections = {section.title: section for section in report_sections(MonthlyReport(figures=old))}
    assert old_sections["Qui a sourcé les embauches"].rows == []

"""Hires by public on the dashboard and in the monthly report, hand-computed on a dataset of its own."""

from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa

from app.dashboard.inclusion import hires_by_public
from app.dashboard.queries import figure_records, figure_rows
from app.dashboard.scopes import Period
from app.extensions import db
from app.needs.enums import NeedStatus, Public
from app.needs.inclusion import record_public_hires
from tests.factories import UserFactory, closed_need, seeded_basin

Q3 = Period(date(2026, 7, 1), date(2026, 9, 30))


@pytest.fixture
def inclusive(travel):
    """Saint-Nazaire, third quarter of 2026: 6 hires on the needs closed in the period.
    n1 filled 3/3 in July: RSA 2, jeunes 2 (one young RSA beneficiary counts twice)
    n2 not filled 1/2 in September: RQTH 1
    n3 filled 2/2 in August: nothing entered
    n4 filled 1/1 on 1 October: RSA 1           — after the period
    n5 filled 1/1 in Laval in August: RSA 1      — another basin
    """
    travel(datetime(2026, 11, 22, 10, 0, tzinfo=UTC))
    nazaire, laval = seeded_basin("5219"), seeded_basin("5211")

    def need(status, closed_on, positions=1, filled=0, basin=nazaire):
        return closed_need(status, closed_on, positions, filled, basin)

    n1 = need(NeedStatus.FILLED, date(2026, 7, 10), 3, 3)
    n2 = need(NeedStatus.NOT_FILLED, date(2026, 9, 30), 2, 1)
    need(NeedStatus.FILLED, date(2026, 8, 1), 2, 2)
    n4 = need(NeedStatus.FILLED, date(2026, 10, 1), 1, 1)
    n5 = need(NeedStatus.FILLED, date(2026, 8, 1), 1, 1, basin=laval)
    record_public_hires(n1, {Public.RSA: 2, Public.YOUTH: 2})
    record_public_hires(n2, {Public.DISABLED: 1})
    record_public_hires(n4, {Public.RSA: 1})
    record_public_hires(n5, {Public.RSA: 1})
    return {"nazaire": nazaire, "laval": laval, "n1": n1, "n2": n2}


def test_hires_by_public_and_their_share(inclusive):
    rows = {row.public: row for row in hires_by_public([inclusive["nazaire"].id], Q3)}
    assert list(rows) == list(Public)
    # 3 + 1 + 2 = 6 positions filled on the needs closed in the period.
    assert (rows[Public.RSA].hires, rows[Public.RSA].share) == (2, pytest.approx(2 / 6))
    assert (rows[Public.YOUTH].hires, rows[Public.YOUTH].share) == (2, pytest.approx(2 / 6))
    assert (rows[Public.DISABLED].hires, rows[Public.DISABLED].share) == (1, pytest.approx(1 / 6))
    assert (rows[Public.SENIORS].hires, rows[Public.SENIORS].share) == (0, 0)
    both = {row.public: row for row in hires_by_public([inclusive["nazaire"].id, inclusive["laval"].id], Q3)}
    assert (both[Public.RSA].hires, both[Public.RSA].share) == (3, pytest.approx(3 / 7))
    assert hires_by_public([], Q3) == []


@pytest.mark.parametrize("public", list(Public))
def test_each_public_counts_exactly_its_drilldown_rows(inclusive, public):
    basin_ids = [inclusive["nazaire"].id]
    row = next(row for row in hires_by_public(basin_ids, Q3) if row.public is public)
    listed = db.session.scalars(figure_records("public_hires", basin_ids, Q3, public.value)).all()
    counted = db.session.scalar(
        sa.select(sa.func.count()).select_from(figure_rows("public_hires", basin_ids, Q3, public.value).subquery())
    )
    assert len(listed) == counted == row.needs


def test_the_dashboard_and_the_report_show_them(client, login, inclusive):
    from app.notifications.models import MonthlyReport
    from app.notifications.reports import month_figures, report_sections

    login(UserFactory(manager=True, basins=[inclusive["nazaire"]]))
    html = client.get(f"/tableau-de-bord?perimetre=basin:{inclusive['nazaire'].id}&debut=2026-07-01&fin=2026-09-30")
    assert "Embauches par public" in html.get_data(as_text=True)
    drill = client.get("/tableau-de-bord/detail?indicateur=public_hires&cle=rsa&debut=2026-07-01&fin=2026-09-30")
    assert drill.status_code == 200 and f"/besoins/{inclusive['n1'].id}" in drill.get_data(as_text=True)
    assert client.get("/tableau-de-bord/detail?indicateur=public_hires&cle=martiens").status_code == 400

    july = month_figures([inclusive["nazaire"].id], date(2026, 7, 1))
    assert july["public_hires"] == [
        {"public": "Allocataires du RSA", "hires": 2, "share": 67},
        {"public": "Jeunes de moins de 26 ans", "hires": 2, "share": 67},
    ]
    section = next(s for s in report_sections(MonthlyReport(figures=july)) if s.title == "Embauches par public")
    assert section.rows[0] == ("Allocataires du RSA", "2", "67\xa0%")

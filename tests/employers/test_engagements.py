"""Employers engaged for inclusive hiring: the club and the charter, dated; the employer page, the
employers list's filter and the dashboard's count at the period's end."""

from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from app.dashboard.inclusion import engaged_counts
from app.dashboard.queries import figure_records
from app.dashboard.scopes import Period
from app.employers.engagements import (
    EmployerEngagement,
    EngagementError,
    EngagementKind,
    add_engagement,
    end_engagement,
)
from app.employers.queries import EmployerFilters, search_employers
from app.extensions import db
from tests.factories import EmployerEngagementFactory, EmployerFactory, UserFactory, seeded_basin

TODAY = date(2026, 11, 22)
CLUB, CHARTER = EngagementKind.CLUB, EngagementKind.CHARTER


@pytest.fixture(autouse=True)
def _today(travel):
    travel(datetime(2026, 11, 22, 10, 0, tzinfo=UTC))


def _engagements(employer):
    db.session.expire_all()  # the requests wrote through their own sessions
    return [
        (e.kind, e.starts_on, e.ends_on)
        for e in db.session.scalars(
            sa.select(EmployerEngagement)
            .where(EmployerEngagement.employer_id == employer.id)
            .order_by(EmployerEngagement.starts_on)
        )
    ]


def test_join_then_leave_then_join_again():
    employer = EmployerFactory()
    first = add_engagement(employer, CLUB, starts_on=date(2025, 3, 1), author=None)
    end_engagement(first, ends_on=date(2025, 12, 31))
    add_engagement(employer, CLUB, starts_on=date(2026, 6, 1), author=None)
    add_engagement(employer, CHARTER, starts_on=date(2026, 2, 1), author=None)
    assert _engagements(employer) == [
        (CLUB, date(2025, 3, 1), date(2025, 12, 31)),
        (CHARTER, date(2026, 2, 1), None),
        (CLUB, date(2026, 6, 1), None),
    ]


@pytest.mark.parametrize(
    ("starts_on", "ends_on", "message"),
    [
        (date(2026, 5, 1), None, "déjà engagée sur cette période"),  # the open one
        (date(2025, 1, 1), date(2026, 1, 15), "déjà engagée sur cette période"),  # overlaps its start
        (date(2026, 12, 1), None, "dans le futur"),
        (date(2025, 6, 1), date(2025, 5, 1), "précéder"),
    ],
)
def test_overlapping_or_impossible_periods_are_refused(starts_on, ends_on, message):
    employer = EmployerFactory()
    EmployerEngagementFactory(employer=employer, kind=CLUB, starts_on=date(2026, 1, 10))
    with pytest.raises(EngagementError, match=message):
        add_engagement(employer, CLUB, starts_on=starts_on, ends_on=ends_on, author=None)
    assert len(_engagements(employer)) == 1


def test_ending_is_dated_once_and_not_before_the_start():
    engagement = EmployerEngagementFactory(starts_on=date(2026, 3, 1))
    with pytest.raises(EngagementError, match="précéder"):
        end_engagement(engagement, ends_on=date(2026, 2, 1))
    with pytest.raises(EngagementError, match="dans le futur"):
        end_engagement(engagement, ends_on=date(2026, 12, 1))
    end_engagement(engagement, ends_on=date(2026, 9, 30))
    with pytest.raises(EngagementError, match="déjà pris fin"):
        end_engagement(engagement, ends_on=date(2026, 10, 1))


def test_the_database_holds_the_dates_and_one_open_engagement_per_kind():
    employer = EmployerFactory()
    EmployerEngagementFactory(employer=employer, kind=CLUB)
    with pytest.raises(IntegrityError), db.session.begin_nested():
        EmployerEngagementFactory(employer=employer, kind=CLUB, starts_on=date(2026, 4, 1))
    with pytest.raises(IntegrityError), db.session.begin_nested():
        EmployerEngagementFactory(employer=employer, kind=CHARTER, starts_on=date(2026, 4, 1), ends_on=date(2026, 3, 1))


def test_the_employers_list_filters_the_engaged_ones_today():
    basin = seeded_basin("5219")
    engaged = EmployerFactory(name="Engagée", basin=basin)
    left = EmployerFactory(name="Partie", basin=basin)
    EmployerFactory(name="Jamais", basin=basin)
    EmployerEngagementFactory(employer=engaged, kind=CHARTER, starts_on=date(2026, 1, 5))
    EmployerEngagementFactory(employer=left, kind=CLUB, starts_on=date(2025, 1, 5), ends_on=date(2026, 10, 31))
    user = UserFactory(basins=[basin])
    names = [e.name for e in db.session.scalars(search_employers(user, EmployerFilters(engaged=True), TODAY))]
    assert names == ["Engagée"]


def test_the_dashboard_counts_the_engaged_at_the_periods_end():
    basin = seeded_basin("5219")
    both, club_only, charter_then_left, future, elsewhere = (EmployerFactory(basin=basin) for _ in range(5))
    EmployerEngagementFactory(employer=both, kind=CLUB, starts_on=date(2026, 1, 5))
    EmployerEngagementFactory(employer=both, kind=CHARTER, starts_on=date(2026, 2, 5))
    EmployerEngagementFactory(employer=club_only, kind=CLUB, starts_on=date(2026, 9, 30), ends_on=date(2026, 9, 30))
    EmployerEngagementFactory(
        employer=charter_then_left, kind=CHARTER, starts_on=date(2025, 5, 1), ends_on=date(2026, 9, 29)
    )
    EmployerEngagementFactory(employer=future, kind=CHARTER, starts_on=date(2026, 10, 1))
    EmployerEngagementFactory(
        employer=EmployerFactory(basin=seeded_basin("5211")), kind=CLUB, starts_on=date(2026, 1, 5)
    )
    elsewhere  # noqa: B018  (an employer of the basin never engaged)
    q3 = Period(date(2026, 7, 1), date(2026, 9, 30))
    # On 30 September: both (once), club_only (joined and left that day); not charter_then_left nor future.
    assert engaged_counts([basin.id], q3) == {"": 2, "club": 2, "charter": 1}
    listed = db.session.scalars(figure_records("engaged", [basin.id], q3)).all()
    assert {e.id for e in listed} == {both.id, club_only.id}
    assert engaged_counts([], q3) == {"": 0, "club": 0, "charter": 0}


def test_entered_and_ended_on_the_employer_page(client, post, login):
    employer = EmployerFactory(basin=seeded_basin("5219"))
    login(UserFactory(basins=[employer.basin]))
    page = client.get(f"/entreprises/{employer.siret}").get_data(as_text=True)
    assert "Engagements pour l'inclusion" in page and 'data-testid="engagement-form"' in page
    response = post(f"/entreprises/{employer.siret}/engagements", {"kind": "club", "starts_on": "2026-03-02"})
    assert response.status_code == 302
    engagement = db.session.scalar(sa.select(EmployerEngagement).where(EmployerEngagement.employer_id == employer.id))
    refused = post(f"/entreprises/{employer.siret}/engagements", {"kind": "club", "starts_on": "2026-05-02"})
    assert refused.status_code == 400 and "déjà engagée" in refused.get_data(as_text=True)
    assert (
        post(f"/entreprises/{employer.siret}/engagements", {"kind": "autre", "starts_on": "2026-05-02"}).status_code
        == 400
    )
    assert post(f"/entreprises/{employer.siret}/engagements", {"kind": "charter"}).status_code == 400
    ended = post(f"/entreprises/{employer.siret}/engagements/{engagement.id}/fin", {"ends_on": "2026-10-31"})
    assert ended.status_code == 302
    assert _engagements(employer) == [(CLUB, date(2026, 3, 2), date(2026, 10, 31))]


def test_a_manager_reads_them_but_changes_nothing(client, post, login):
    engagement = EmployerEngagementFactory(employer=EmployerFactory(basin=seeded_basin("5219")))
    employer = engagement.employer
    login(UserFactory(manager=True, basins=[employer.basin]))
    page = client.get(f"/entreprises/{employer.siret}").get_data(as_text=True)
    assert "inclusion signée" in page and "engagement-form" not in page
    assert (
        post(f"/entreprises/{employer.siret}/engagements/{engagement.id}/fin", {"ends_on": "2026-10-31"}).status_code
        == 403
    )
    assert _engagements(employer) == [(CHARTER, date(2026, 1, 5), None)]


def test_another_employers_engagement_is_a_404(client, post, login):
    engagement = EmployerEngagementFactory(employer=EmployerFactory(basin=seeded_basin("5219")))
    other = EmployerFactory(basin=seeded_basin("5219"))
    login(UserFactory(basins=[other.basin]))
    response = post(f"/entreprises/{other.siret}/engagements/{engagement.id}/fin", {"ends_on": "2026-10-31"})
    assert response.status_code == 404 and engagement.ends_on is None

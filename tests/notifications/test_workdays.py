"""The working-day calendar: the `holidays` package's French public holidays, with the two
local ones of Alsace-Moselle for basins of Moselle, Bas-Rhin and Haut-Rhin."""

from datetime import date

import pytest

from app.notifications.tasks import send_morning_digests
from app.notifications.workdays import is_working_day, local_holidays, public_holidays
from app.timeutils import utcnow
from tests.conftest import paris
from tests.factories import BasinFactory, FollowUpFactory, UserFactory


@pytest.mark.parametrize(
    "day",
    [date(2027, 3, 29), date(2027, 5, 6), date(2027, 5, 17), date(2027, 11, 11), date(2026, 12, 25)],
    ids=["easter-monday", "ascension", "pentecost-monday", "armistice", "christmas"],
)
def test_national_holidays_are_not_working_days(day):
    assert day.weekday() < 5
    assert day in public_holidays(day.year)
    assert not is_working_day(day)


def test_good_friday_and_26_december_are_days_off_in_alsace_moselle_only():
    good_friday, saint_stephen = date(2027, 3, 26), date(2025, 12, 26)  # both Fridays

    for day in (good_friday, saint_stephen):
        assert is_working_day(day)
        assert is_working_day(day, "44")
        for departement in ("57", "67", "68"):
            assert not is_working_day(day, departement), departement
    assert local_holidays(2027) == {date(2027, 3, 26), date(2027, 12, 26)}


def test_the_national_calendar_has_eleven_holidays():
    assert len(public_holidays(2027)) == 11
    assert len(public_holidays(2027, "57")) == 13


def test_on_good_friday_the_digest_skips_people_of_alsace_moselle_only(travel):
    travel(paris(2027, 3, 26, 7, 30))
    metz = BasinFactory(departement_code="57")
    nantes = BasinFactory(departement_code="44")
    in_metz = UserFactory(basins=[metz])
    in_nantes = UserFactory(basins=[nantes])
    in_both = UserFactory(basins=[metz, nantes])
    for user in (in_metz, in_nantes, in_both):
        FollowUpFactory(owner=user, due_on=date(2027, 3, 26))

    counts = send_morning_digests(utcnow())

    assert counts["destinataires"] == 2
    assert "jour_non_ouvre" not in counts

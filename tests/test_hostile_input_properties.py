"""Properties of the dates read from URLs (app/hostile_input.py bounded_date, and the calendar's
``mois``, ``du`` and ``au`` parameters that go through it)."""

from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.fields import DATE_OUT_OF_RANGE, EARLIEST_DATE, LATEST_DATE
from app.hostile_input import RefusedValue, bounded_date, holds_control_characters
from tests.factories import UserFactory
from tests.strategies import PROPERTY_SETTINGS, hostile_text

# The signed-in client is set up once for all the examples, which only read.
READS_ONLY = settings(PROPERTY_SETTINGS, max_examples=100, suppress_health_check=[HealthCheck.function_scoped_fixture])


@PROPERTY_SETTINGS
@given(st.dates())
def test_a_date_within_the_limits_is_kept_any_other_refused_in_french(day):
    if EARLIEST_DATE <= day <= LATEST_DATE:
        assert bounded_date(day) == day
    else:
        with pytest.raises(RefusedValue) as refused:
            bounded_date(day)
        assert refused.value.code == 400 and refused.value.description == DATE_OUT_OF_RANGE


@pytest.fixture
def signed_in(client, login):
    login(UserFactory())
    return client


def _answers_in_french(response, sent: str) -> None:
    assert response.status_code in (200, 400), (sent, response.status_code)
    if response.status_code == 400:
        page = response.get_data(as_text=True)
        if holds_control_characters([sent]):
            assert "caractères invisibles" in page
        else:
            assert "entre 1900 et 2100" in page, sent


months = (
    hostile_text
    | st.builds("{}-{}".format, st.integers(), st.integers())
    | st.builds("{:04d}-{:02d}".format, st.integers(1, 9999), st.integers(1, 12))
)


@READS_ONLY
@given(months)
def test_any_month_of_the_calendar_shows_a_month_or_a_french_refusal(signed_in, month):
    _answers_in_french(signed_in.get("/evenements", query_string={"vue": "mois", "mois": month}), month)


@READS_ONLY
@given(st.dates(min_value=EARLIEST_DATE, max_value=LATEST_DATE))
def test_every_month_within_the_limits_is_shown(signed_in, day):
    response = signed_in.get("/evenements", query_string={"vue": "mois", "mois": f"{day:%Y-%m}"})
    assert response.status_code == 200


@READS_ONLY
@given(hostile_text | st.dates(min_value=date(1, 1, 1)).map(date.isoformat), hostile_text | st.just("2026-01-31"))
def test_any_period_of_the_event_list_shows_events_or_a_french_refusal(signed_in, start, end):
    response = signed_in.get("/evenements", query_string={"du": start, "au": end})
    _answers_in_french(response, start + end)

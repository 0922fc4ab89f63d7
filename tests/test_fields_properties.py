"""Properties of the app's IntegerField and DateField (app/fields.py): any text is a value the
database and the date arithmetic can hold, or a French form error."""

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st
from werkzeug.datastructures import MultiDict
from wtforms.validators import Optional

from app.converters import INTEGER_MAX
from app.fields import DATE_OUT_OF_RANGE, EARLIEST_DATE, LATEST_DATE, NUMBER_TOO_LARGE, DateField, IntegerField
from app.forms import FrenchForm
from tests.strategies import PROPERTY_SETTINGS, hostile_text

NOT_AN_INTEGER = "N'est pas un entier valide."
NOT_A_DATE = "N'est pas une date valide."


class NumberAndDay(FrenchForm):
    class Meta:
        csrf = False

    number = IntegerField("Nombre", validators=[Optional()])
    day = DateField("Date", validators=[Optional()])


@pytest.fixture(autouse=True)
def _request(app):
    # FlaskForm reads its data and its translations from a request.
    with app.test_request_context(method="POST"):
        yield


def _submit(**values) -> NumberAndDay:
    form = NumberAndDay(formdata=MultiDict(values))
    form.validate()
    return form


dates_of_any_year = st.dates(min_value=date(1, 1, 1), max_value=date(9999, 12, 31))


@PROPERTY_SETTINGS
@given(hostile_text)
def test_any_number_text_is_a_database_integer_or_a_french_error(text):
    form = _submit(number=text)
    if form.number.errors:
        assert set(form.number.errors) <= {NOT_AN_INTEGER, NUMBER_TOO_LARGE}, form.number.errors
    else:
        assert form.number.data is None or -INTEGER_MAX - 1 <= form.number.data <= INTEGER_MAX


@PROPERTY_SETTINGS
@given(st.integers())
def test_an_integer_round_trips_or_is_too_large(number):
    form = _submit(number=str(number))
    if -INTEGER_MAX - 1 <= number <= INTEGER_MAX:
        assert form.number.errors == [] and form.number.data == number
    else:
        assert form.number.errors in ([NUMBER_TOO_LARGE], [NOT_AN_INTEGER])  # past 4,300 digits int() refuses


@PROPERTY_SETTINGS
@given(hostile_text | dates_of_any_year.map(date.isoformat))
def test_any_date_text_is_a_date_within_the_limits_or_a_french_error(text):
    form = _submit(day=text)
    if form.day.errors:
        assert set(form.day.errors) <= {NOT_A_DATE, DATE_OUT_OF_RANGE}, form.day.errors
    else:
        assert form.day.data is None or EARLIEST_DATE <= form.day.data <= LATEST_DATE


@PROPERTY_SETTINGS
@given(dates_of_any_year)
def test_a_date_round_trips_or_is_out_of_range(day):
    form = _submit(day=day.isoformat())
    if EARLIEST_DATE <= day <= LATEST_DATE:
        assert form.day.errors == [] and form.day.data == day
    else:
        assert form.day.errors == [DATE_OUT_OF_RANGE]

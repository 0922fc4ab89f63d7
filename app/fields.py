"""Form fields whose values the database and the date arithmetic can hold. Every form imports
IntegerField and DateField from here, not from wtforms (the hostile-input crawl,
tests/test_hostile_input.py, finds a form that does not)."""

from datetime import date

import wtforms
from wtforms.validators import ValidationError

from app.converters import INTEGER_MAX

# Dates are shifted by days and months (follow-ups, plan periods, calendars): year 9999 or 0001
# would overflow Python's dates, and no date of this service's work lies outside this range.
EARLIEST_DATE = date(1900, 1, 1)
LATEST_DATE = date(2100, 12, 31)
DATE_OUT_OF_RANGE = "Date hors limites : saisissez une date entre 1900 et 2100."
NUMBER_TOO_LARGE = "Nombre trop grand."


def within_date_range(value: date) -> bool:
    return EARLIEST_DATE <= value <= LATEST_DATE


class IntegerField(wtforms.IntegerField):
    """A whole number that fits a database INTEGER column: a larger one is a form error, not a 500."""

    def pre_validate(self, form):
        if self.data is not None and not -INTEGER_MAX - 1 <= self.data <= INTEGER_MAX:
            raise ValidationError(NUMBER_TOO_LARGE)


class DateField(wtforms.DateField):
    """A date between EARLIEST_DATE and LATEST_DATE."""

    def pre_validate(self, form):
        if self.data is not None and not within_date_range(self.data):
            raise ValidationError(DATE_OUT_OF_RANGE)

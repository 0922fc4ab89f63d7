"""Form fields whose values the database and the date arithmetic can hold. Every form imports
IntegerField and DateField from here, not from wtforms (the hostile-input crawl,
tests/test_hostile_input.py, finds a form that does not)."""

from datetime import date

import wtforms
from markupsafe import Markup
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


class LongListSelect(wtforms.widgets.Select):
    """A select of a long, shared list (the NAF codes): its options are rendered once per list and
    selected value, not on every page (a hundred ``<option>``s escaped each time cost more CPU than
    the page's own query).

    Only for a field whose ``choices`` is one kept object (``app/reference_cache.py``): the options
    are looked up by that object's identity, which changes when the list is read again.
    """

    # The lists last rendered, by identity: the list itself (which keeps its id from being reused),
    # its values, and its options by selected value.
    _rendered: dict[int, tuple[object, set[str], dict[object, Markup]]] = {}  # noqa: RUF012  (one per process)
    KEPT_LISTS = 4

    def __call__(self, field, **kwargs):
        choices = field.choices
        if self.multiple or field.has_groups():
            return super().__call__(field, **kwargs)
        entry = self._rendered.get(id(choices))
        if entry is None or entry[0] is not choices:
            if len(self._rendered) >= self.KEPT_LISTS:
                self._rendered.clear()
            entry = (choices, {str(value) for value, *_ in choices}, {})
            self._rendered[id(choices)] = entry
        _, values, rendered = entry
        selected = field.data  # None (nothing asked) and "" (the empty choice) render differently
        if selected is not None and str(selected) not in values:  # no choice: not worth keeping
            return super().__call__(field, **kwargs)
        options = rendered.get(selected)
        if options is None:
            options = Markup("").join(
                self.render_option(value, label, is_selected, **render_kw)
                for value, label, is_selected, render_kw in field.iter_choices()
            )
            rendered[selected] = options
        kwargs.setdefault("id", field.id)
        flags = getattr(field, "flags", {})
        for name in self.validation_attrs:
            if name not in kwargs and getattr(flags, name, False):
                kwargs[name] = getattr(flags, name)
        attributes = wtforms.widgets.html_params(name=field.name, **kwargs)
        return Markup(f"<select {attributes}>{options}</select>")  # noqa: S704  (html_params escapes, options are Markup)

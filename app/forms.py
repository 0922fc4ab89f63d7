"""What every form of the app shares: French messages, empty optional fields read as None."""

import re

from flask_wtf import FlaskForm
from wtforms import SelectField, StringField
from wtforms.meta import DefaultMeta
from wtforms.validators import Optional

REQUIRED = "Ce champ est obligatoire."


def blank_as_none(value):
    """An empty or blank text is None, so that an optional field left empty is stored as NULL."""
    return None if isinstance(value, str) and not value.strip() else value


EMPLOYER_REFERENCE_HINT = "Son SIRET, ou la référence de sa fiche (« n » suivi d'un nombre) si elle n'en a pas."


def employer_key(value):
    """An employer as the user names it, turned into its URL key (``Employer.url_key``).

    Its SIRET, spaces and dots allowed; its reference ``n<id>``, shown on the page of an employer
    without SIRET; or the address of its page, pasted.
    """
    if not isinstance(value, str):
        return value
    text = value.strip()
    if "/entreprises/" in text:
        text = re.split(r"[/?#]", text.split("/entreprises/", 1)[1])[0]
    digits = re.sub(r"[\s.]", "", text)
    return digits if digits.isdigit() else text.lower()


class FrenchForm(FlaskForm):
    """WTForms' own messages ("Not a valid choice"…) in French, from its bundled catalogue."""

    class Meta(FlaskForm.Meta):
        locales = ("fr_FR", "fr")

        def get_translations(self, form):
            return DefaultMeta.get_translations(self, form)

        def bind_field(self, form, unbound_field, options):
            # WTForms' Optional() stops the validator chain on an empty field and leaves its value
            # '', which a foreign key (an unknown ROME code '') or a NULL-means-unknown column
            # refuses or misreads. Every optional text field of every form reads as None instead.
            # A select field too: Optional() stops before the choice is checked, so a blank value
            # (" ", sent by no browser) would reach the view unchecked, and its enum refuse it.
            field = super().bind_field(form, unbound_field, options)
            optional = any(isinstance(v, Optional) for v in field.validators)
            if isinstance(field, StringField | SelectField) and optional:
                field.filters = (*field.filters, blank_as_none)
            return field


class Refusal:
    """What an inline form (a button or one select in a row of a list) says when it is refused:
    passed to the page as ``refused``, ``form_errors`` shows it at the top as the error summary, as
    for any form. ``refusal_shown(refusal)`` adds a service's refusal to it."""

    def __init__(self, message: str | None = None):
        self.form_errors: list[str] = [message] if message else []

    def __iter__(self):
        return iter(())

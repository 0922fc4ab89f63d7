from datetime import date

from wtforms import RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from app.activity.enums import Channel
from app.employers.models import Employer
from app.fields import DateField, IntegerField
from app.forms import REQUIRED, FrenchForm

BAD_DATE = "Date invalide (format attendu : jj/mm/aaaa)."
FOLLOW_UP_DATE_MISSING = "Indiquez la date de la relance, ou videz son objet pour n'en prévoir aucune."


def _optional_int(value):
    return int(value) if value not in (None, "") else None


class InteractionForm(FrenchForm):
    occurred_on = DateField("Date", validators=[DataRequired(BAD_DATE)])
    channel = RadioField(
        "Canal", choices=Channel.choices(), default=Channel.PHONE.value, validators=[DataRequired(REQUIRED)]
    )
    subject = StringField("Objet", validators=[DataRequired(REQUIRED), Length(max=200)])
    summary = TextAreaField("Compte rendu", validators=[Optional(), Length(max=5000)])
    outcome = StringField("Suite donnée", validators=[Optional(), Length(max=500)])
    contact_id = SelectField("Interlocuteur", coerce=_optional_int, validators=[Optional()])
    next_follow_up_on = DateField("Prochaine relance (facultatif)", validators=[Optional()])
    next_follow_up_title = StringField("Objet de la relance", validators=[Optional(), Length(max=200)])

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        # A follow-up subject without its date would be dropped without a word: ask for the date.
        # (Not an inline validator: Optional() ends the date field's chain when it is empty.)
        if self.next_follow_up_title.data and self.next_follow_up_on.data is None and not self.next_follow_up_on.errors:
            self.next_follow_up_on.errors.append(FOLLOW_UP_DATE_MISSING)
            return False
        return valid

    def prepare(self, employer: Employer, today: date) -> None:
        self.contact_id.choices = [("", "— Aucun en particulier —")] + [
            (c.id, c.full_name + (f" — {c.job_title}" if c.job_title else ""))
            for c in employer.contacts
            if c.anonymised_at is None
        ]
        if self.occurred_on.data is None and not self.occurred_on.raw_data:
            self.occurred_on.data = today


class PostponeForm(FrenchForm):
    days = IntegerField(
        "Reporter de (jours)",
        validators=[DataRequired(REQUIRED), NumberRange(min=1, max=365, message="Entre 1 et 365 jours.")],
    )

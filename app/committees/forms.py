from wtforms import EmailField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Email, Length, Optional

from app.committees.enums import ActionStatus
from app.fields import DateField
from app.forms import REQUIRED, FrenchForm

DATE_MESSAGE = "Date invalide (jj/mm/aaaa)."


def _optional_id(value):
    return int(value) if value not in (None, "") else None


class MeetingForm(FrenchForm):
    held_on = DateField("Date de la réunion", validators=[DataRequired(DATE_MESSAGE)])
    attendees = TextAreaField(
        "Organisations présentes",
        validators=[Optional(), Length(max=4000)],
        description="Une par ligne : France Travail, mission locale, Cap emploi, Région, CCI…",
    )


class ActionForm(FrenchForm):
    decision = StringField("Décision", validators=[DataRequired(REQUIRED), Length(max=500)])
    owner_user_id = SelectField("Porteur (personne du bassin)", coerce=_optional_id, validate_choice=True)
    owner_organisation = StringField(
        "ou porteur (organisation)", validators=[Optional(), Length(max=160)], description="Par exemple : Région"
    )
    due_on = DateField("Échéance", validators=[Optional()])

    def set_people(self, people) -> None:
        self.owner_user_id.choices = [("", "— Aucune —")] + [(person.id, person.full_name) for person in people]


class ActionStatusForm(FrenchForm):
    status = SelectField("Avancement", choices=ActionStatus.choices(), validators=[DataRequired(REQUIRED)])


class EscalationForm(FrenchForm):
    need_id = SelectField("Besoin non satisfait", coerce=_optional_id, validate_choice=True)
    reason = TextAreaField("Pourquoi le remonter au département", validators=[DataRequired(REQUIRED), Length(max=500)])

    def set_needs(self, needs) -> None:
        self.need_id.choices = [("", "— Choisir —")] + [
            (need.id, f"{need.title} — {need.employer.display_name} ({need.status.label})") for need in needs
        ]


class RecipientForm(FrenchForm):
    full_name = StringField("Nom", validators=[DataRequired(REQUIRED), Length(max=160)])
    email = EmailField(
        "Adresse e-mail",
        validators=[
            DataRequired(REQUIRED),
            Email("Adresse e-mail invalide.", check_deliverability=False),
            Length(max=254),
        ],
    )

from wtforms import (
    HiddenField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    TimeField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from app.events.enums import EventKind, EventStatus
from app.fields import DateField, IntegerField
from app.forms import EMPLOYER_REFERENCE_HINT, REQUIRED, FrenchForm, employer_key
from app.needs.enums import TargetPublic


def _optional_int(value):
    return int(value) if value not in (None, "") else None


class EventForm(FrenchForm):
    kind = SelectField("Type d'événement", choices=EventKind.choices(), validators=[DataRequired(REQUIRED)])
    title = StringField("Titre", validators=[DataRequired(REQUIRED), Length(max=200)])
    basin_id = SelectField("Bassin d'emploi", coerce=_optional_int, validators=[DataRequired(REQUIRED)])
    day = DateField("Date", validators=[DataRequired("Date invalide (jj/mm/aaaa).")])
    start_time = TimeField("Début", validators=[DataRequired("Heure invalide (hh:mm).")])
    end_time = TimeField("Fin", validators=[DataRequired("Heure invalide (hh:mm).")])
    place = StringField("Lieu", validators=[DataRequired(REQUIRED), Length(max=300)])
    capacity = IntegerField(
        "Capacité d'accueil (personnes)",
        validators=[Optional(), NumberRange(1, 100_000, "Entre 1 et 100 000 personnes.")],
    )
    target_public = SelectField("Public visé", choices=TargetPublic.choices(), default=TargetPublic.ALL.value)
    operator_ids = SelectMultipleField("Opérateurs co-organisateurs", coerce=int)
    partner_names = TextAreaField(
        "Partenaires co-organisateurs (un par ligne)", validators=[Optional(), Length(max=500)]
    )
    description = TextAreaField("Présentation", validators=[Optional(), Length(max=5000)])
    candidates_expected = IntegerField(
        "Candidats attendus",
        default=0,
        validators=[InputRequired(REQUIRED), NumberRange(min=0, message="Le nombre ne peut pas être négatif.")],
    )
    status = SelectField("État", choices=EventStatus.choices(), default=EventStatus.PLANNED.value)
    version = HiddenField()

    def expected_version(self) -> int | None:
        return int(self.version.data) if (self.version.data or "").isdigit() else None


class ParticipantForm(FrenchForm):
    employer = StringField(
        "Ajouter une entreprise participante",
        validators=[DataRequired(REQUIRED), Length(max=300)],
        filters=[employer_key],
        description=EMPLOYER_REFERENCE_HINT,
    )


class ParticipantNeedsForm(FrenchForm):
    need_ids = SelectMultipleField("Besoins apportés", coerce=int)
    positions_offered = IntegerField(
        "Postes proposés",
        validators=[Optional(), NumberRange(min=0, message="Le nombre ne peut pas être négatif.")],
        description="Vide : les postes encore ouverts des besoins choisis.",
    )


class ResultsForm(FrenchForm):
    candidates_attended = IntegerField(
        "Candidats présents",
        validators=[InputRequired(REQUIRED), NumberRange(min=0, message="Le nombre ne peut pas être négatif.")],
    )
    version = HiddenField()

    def expected_version(self) -> int | None:
        return int(self.version.data) if (self.version.data or "").isdigit() else None

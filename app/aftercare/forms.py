from wtforms import HiddenField, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, NumberRange, Optional, Regexp

from app.aftercare.enums import RetentionAnswer
from app.aftercare.surveys import COMMENT_MAX
from app.fields import IntegerField
from app.forms import REQUIRED, FrenchForm


def _int_or_none(value):
    return int(value) if value not in (None, "") and str(value).isdigit() else None


class SurveyForm(FrenchForm):
    """The employer's answer: no account, so every field is checked here and in the service."""

    score = SelectField(
        "Quelle note donnez-vous à l'accompagnement du service ?",
        choices=[("", "Choisir une note"), *[(str(n), f"{n} sur 5") for n in range(5, 0, -1)]],
        coerce=_int_or_none,
        validators=[InputRequired(REQUIRED)],
    )
    would_recommend = SelectField(
        "Recommanderiez-vous le service ?",
        choices=[("", "Choisir"), ("oui", "Oui"), ("non", "Non")],
        validators=[InputRequired(REQUIRED)],
    )
    comment = TextAreaField("Un commentaire (facultatif)", validators=[Optional(), Length(max=COMMENT_MAX)])

    def validate_score(self, field):
        if field.data not in range(1, 6):
            field.errors.append("Choisissez une note de 1 à 5.")


class RetentionForm(FrenchForm):
    check_id = HiddenField(validators=[InputRequired(REQUIRED)])
    answer = SelectField(
        "Le recrutement tient-il ?",
        choices=[("", "Choisir"), *RetentionAnswer.choices()],
        coerce=lambda value: RetentionAnswer(value) if value in RetentionAnswer._value2member_map_ else None,
        validators=[InputRequired(REQUIRED)],
    )
    still_in_post = IntegerField(
        "Personnes encore en poste (si « en partie »)", validators=[Optional(), NumberRange(min=0, max=10_000)]
    )


class ContactDetailsForm(FrenchForm):
    phone = StringField(
        "Téléphone professionnel",
        validators=[
            Optional(),
            Length(max=30),
            Regexp(r"^\+?[0-9 .\-()]{6,30}$", message="Saisissez un numéro de téléphone (chiffres, espaces, points)."),
        ],
    )

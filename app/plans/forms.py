from decimal import Decimal

from wtforms import BooleanField, DecimalField, SelectField, SelectMultipleField, StringField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from app.fields import DateField, IntegerField
from app.forms import EMPLOYER_REFERENCE_HINT, REQUIRED, FrenchForm, employer_key
from app.plans.enums import BASELINE_INDICATORS, PlanIndicator
from app.plans.models import MAX_TARGET_LIST_SIZE
from app.referential.enums import HeadcountBand

NOT_NEGATIVE = "L'objectif ne peut pas être négatif."
DATE_FORMAT_MESSAGE = "Date invalide (jj/mm/aaaa)."


def _optional_int(value):
    return int(value) if value not in (None, "") else None


class PlanForm(FrenchForm):
    title = StringField("Titre", validators=[DataRequired(REQUIRED), Length(max=200)])
    basin_id = SelectField("Bassin d'emploi", coerce=_optional_int, validators=[DataRequired(REQUIRED)])
    starts_on = DateField("Début de la période", validators=[DataRequired(DATE_FORMAT_MESSAGE)])
    ends_on = DateField("Fin de la période", validators=[DataRequired(DATE_FORMAT_MESSAGE)])
    owner_ids = SelectMultipleField("Pilotes du plan", coerce=int)
    target_list_size = IntegerField(
        "Taille de la liste cible",
        default=100,
        validators=[
            InputRequired(REQUIRED),
            NumberRange(1, MAX_TARGET_LIST_SIZE, f"Entre 1 et {MAX_TARGET_LIST_SIZE} entreprises."),
        ],
    )
    shortage_jobs = SelectMultipleField("Métiers en tension (ROME)")
    naf_divisions = SelectMultipleField("Divisions d'activité (NAF)")
    headcount_bands = SelectMultipleField("Tranches d'effectif", choices=HeadcountBand.choices())
    tags = SelectMultipleField("Signaux (Région, partenaires)")

    def target_fields(self):
        return [(indicator, getattr(self, f"target_{indicator.value}")) for indicator in PlanIndicator]

    def targets(self) -> dict[PlanIndicator, int | None]:
        return {indicator: field.data for indicator, field in self.target_fields()}


for _indicator in PlanIndicator:
    setattr(
        PlanForm,
        f"target_{_indicator.value}",
        IntegerField(_indicator.label, validators=[Optional(), NumberRange(min=0, message=NOT_NEGATIVE)]),
    )


class OperatorTargetForm(FrenchForm):
    indicator = SelectField("Indicateur", choices=PlanIndicator.choices(), validators=[DataRequired(REQUIRED)])
    operator_id = SelectField("Opérateur", coerce=_optional_int, validators=[DataRequired(REQUIRED)])
    target_value = IntegerField(
        "Objectif", validators=[InputRequired(REQUIRED), NumberRange(min=0, message=NOT_NEGATIVE)]
    )


class AddEmployerForm(FrenchForm):
    employer = StringField(
        "Ajouter une entreprise",
        validators=[DataRequired(REQUIRED), Length(max=300)],
        filters=[employer_key],
        description=EMPLOYER_REFERENCE_HINT,
    )


class AssignForm(FrenchForm):
    adviser_id = SelectField("Conseiller", coerce=_optional_int, validators=[Optional()])


class ShareOutForm(FrenchForm):
    rebalance = BooleanField("Tout répartir à nouveau (y compris les entreprises déjà attribuées)")


class FrenchDecimalField(DecimalField):
    """A decimal typed the French way ("1,5") or the English one ("1.5")."""

    def process_formdata(self, valuelist):
        super().process_formdata([value.replace(",", ".").strip() for value in valuelist])


class RelativeTargetForm(FrenchForm):
    """A network-wide target relative to the value at the plan's start (app/plans/services.py)."""

    indicator = SelectField(
        "Indicateur",
        choices=[(indicator.value, indicator.label) for indicator in BASELINE_INDICATORS],
        validators=[DataRequired(REQUIRED)],
    )
    factor = FrenchDecimalField(
        "Multiplier la valeur de départ par",
        places=2,
        description="2 : doubler ; 1,5 : +50 %.",
        validators=[
            InputRequired(REQUIRED),
            NumberRange(min=Decimal("0.1"), max=Decimal("20"), message="Entre 0,1 et 20."),
        ],
    )

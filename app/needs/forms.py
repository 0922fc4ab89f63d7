from wtforms import HiddenField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, ValidationError

from app.fields import DateField, IntegerField
from app.forms import REQUIRED, FrenchForm
from app.needs.enums import (
    OPEN_STATUSES,
    ContractType,
    NeedOrigin,
    NeedStatus,
    QualificationLevel,
    ServiceKind,
    ServiceStatus,
    TargetPublic,
    WorkingTime,
)

OPEN_CHOICES = [(status.value, status.label) for status in NeedStatus if status in OPEN_STATUSES]
CLOSING_CHOICES = [
    (status.value, status.label) for status in (NeedStatus.FILLED, NeedStatus.NOT_FILLED, NeedStatus.CANCELLED)
]


def _optional_enum(enum_cls):
    return lambda value: enum_cls(value) if value else None


class VersionedForm(FrenchForm):
    version = HiddenField(validators=[Optional()])

    def expected_version(self) -> int | None:
        return int(self.version.data) if (self.version.data or "").isdigit() else None


class NeedForm(VersionedForm):
    rome_code = StringField(
        "Métier (code ROME)",
        validators=[Optional(), Length(max=120)],
        description="Tapez un code (J1501) ou un libellé et choisissez dans la liste.",
        render_kw={"list": "rome-codes", "autocomplete": "off"},
    )
    title = StringField("Intitulé du poste", validators=[DataRequired(REQUIRED), Length(max=200)])
    positions = IntegerField(
        "Nombre de postes",
        default=1,
        validators=[InputRequired(REQUIRED), NumberRange(min=1, max=999, message="Entre 1 et 999 postes.")],
    )
    contract = SelectField("Contrat", choices=ContractType.choices(), coerce=_optional_enum(ContractType))
    working_time = SelectField(
        "Temps de travail", choices=[("", "Non précisé"), *WorkingTime.choices()], coerce=_optional_enum(WorkingTime)
    )
    start_on = DateField("Date de démarrage souhaitée", validators=[Optional()])
    place = StringField("Lieu de travail", validators=[Optional(), Length(max=200)])
    target_public = SelectField("Public visé", choices=TargetPublic.choices(), coerce=_optional_enum(TargetPublic))
    qualification_level = SelectField(
        "Niveau de qualification",
        choices=[("", "Non précisé"), *QualificationLevel.choices()],
        coerce=_optional_enum(QualificationLevel),
    )
    origin = SelectField("Origine du besoin", choices=NeedOrigin.choices(), coerce=_optional_enum(NeedOrigin))

    def __init__(self, *args, rome_codes: dict[str, str] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.rome_codes = rome_codes or {}

    def validate_rome_code(self, field):
        # The datalist offers "J1501 — label": keep the code, refuse anything unknown.
        code = (field.data or "").strip()[:5].upper()
        if code and code not in self.rome_codes:
            raise ValidationError("Code ROME inconnu : choisissez un métier dans la liste.")
        field.data = code or None

    def need_fields(self) -> dict:
        return {name: self[name].data for name in self._need_field_names}

    _need_field_names = (
        "rome_code",
        "title",
        "positions",
        "contract",
        "working_time",
        "start_on",
        "place",
        "target_public",
        "qualification_level",
        "origin",
    )


class MoveForm(VersionedForm):
    status = SelectField("Étape", choices=OPEN_CHOICES, coerce=_optional_enum(NeedStatus))


class CloseForm(VersionedForm):
    outcome = SelectField("Issue", choices=CLOSING_CHOICES, coerce=_optional_enum(NeedStatus))
    closed_on = DateField("Date", validators=[Optional()])
    positions_filled = IntegerField(
        "Postes pourvus", validators=[Optional(), NumberRange(min=0, max=999, message="Entre 0 et 999.")]
    )
    reason = TextAreaField("Raison (non pourvu, annulé)", validators=[Optional(), Length(max=500)])


class ReopenForm(VersionedForm):
    status = SelectField("Reprendre à l'étape", choices=OPEN_CHOICES, coerce=_optional_enum(NeedStatus))


class SatisfactionForm(FrenchForm):
    score = SelectField(
        "Satisfaction de l'employeur",
        choices=[("", "Choisir"), *[(str(n), f"{n} / 5") for n in range(1, 6)]],
        coerce=lambda value: int(value) if value else None,
        validators=[InputRequired(REQUIRED)],
    )
    comment = TextAreaField("Commentaire", validators=[Optional(), Length(max=1000)])


class AddServiceForm(FrenchForm):
    kind = SelectField("Service", choices=ServiceKind.choices(), coerce=_optional_enum(ServiceKind))
    status = SelectField("Statut", choices=ServiceStatus.choices(), coerce=_optional_enum(ServiceStatus))
    note = StringField("Précision", validators=[Optional(), Length(max=500)])


class ServiceStatusForm(FrenchForm):
    status = SelectField("Statut", choices=ServiceStatus.choices(), coerce=_optional_enum(ServiceStatus))

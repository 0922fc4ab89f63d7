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
from app.referential.job_titles import ResolvedJob, resolve_job

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
    # What the adviser types: a job title ("aide soignant") or a ROME code (J1501); resolved to
    # both by validate_rome_code. The combobox (app/static/js/job-combobox.js) fills job_title_code.
    rome_code = StringField(
        "Métier",
        validators=[Optional(), Length(max=200)],
        description="Tapez un intitulé de métier (aide soignant, serveur…) ou un code ROME (J1501).",
        render_kw={"autocomplete": "off"},
    )
    job_title_code = HiddenField(validators=[Optional(), Length(max=6)])
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

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.job = ResolvedJob()
        need = kwargs.get("obj")
        if not self.is_submitted() and need is not None and need.job_title is not None:
            # The field shows the title the need keeps, not its ROME code.
            self.rome_code.data = need.job_title.label

    def validate_rome_code(self, field):
        self.job = resolve_job(field.data, self.job_title_code.data)
        if self.job.error:
            raise ValidationError(self.job.error)
        if self.job.job_title is not None:
            field.data = self.job.job_title.label
            self.job_title_code.data = self.job.job_title.code

    def need_fields(self) -> dict:
        return {
            "rome_code": self.job.rome_code,
            "job_title_code": self.job.job_title.code if self.job.job_title else None,
            **{name: self[name].data for name in self._need_field_names},
        }

    _need_field_names = (
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
        "Appréciation du conseiller (satisfaction de l'employeur)",
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

from wtforms import HiddenField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, ValidationError

from app.fields import DateField, IntegerField
from app.forms import REQUIRED, FrenchForm
from app.needs.catalogue import active_service_types
from app.needs.enums import (
    OPEN_STATUSES,
    ContractType,
    Funder,
    MobilisationStatus,
    NeedOrigin,
    NeedStatus,
    Public,
    QualificationLevel,
    ServiceFamily,
    WorkingTime,
)
from app.needs.mobilisations import MobilisationData
from app.needs.models import ServiceMobilisation, ServiceType
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
    publics = SelectMultipleField(
        "Publics visés",
        choices=Public.choices(),
        coerce=Public,
        description="Aucun coché : tout public. Oriente la suggestion d'opérateur.",
    )
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
        "publics",
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


class MobilisationForm(VersionedForm):
    """A service mobilised for an employer (on a need or not): the need page, the employer's page, the edit page."""

    service_type = SelectField("Service", coerce=lambda value: int(value) if str(value or "").isdigit() else None)
    need = SelectField(
        "Besoin concerné", coerce=lambda value: int(value) if str(value or "").isdigit() else None, choices=[]
    )
    status = SelectField("Statut", choices=MobilisationStatus.choices(), coerce=_optional_enum(MobilisationStatus))
    proposed_on = DateField("Proposée le", validators=[Optional()], description="Aujourd'hui si vide.")
    starts_on = DateField("Début", validators=[Optional()])
    ends_on = DateField("Fin", validators=[Optional()])
    delivered_on = DateField("Réalisée le", validators=[Optional()], description="Pour une solution réalisée.")
    people = IntegerField(
        "Personnes concernées (stagiaires…)",
        validators=[Optional(), NumberRange(min=0, max=9999, message="Entre 0 et 9 999.")],
    )
    hires = IntegerField(
        "Embauches obtenues", validators=[Optional(), NumberRange(min=0, max=9999, message="Entre 0 et 9 999.")]
    )
    funder = SelectField("Financeur", choices=[("", "Non précisé"), *Funder.choices()], coerce=_optional_enum(Funder))
    note = StringField("Précision", validators=[Optional(), Length(max=500)])

    chosen_type: ServiceType | None = None

    def set_choices(self, service_types, needs=None) -> None:
        """The services offered (active ones, and the current one even if deactivated), and the employer's needs."""
        self.service_type.choices = [("", "Choisir un service")] + [
            (service_type.id, f"{service_type.label} ({service_type.family.label})") for service_type in service_types
        ]
        self.need.choices = [("", "Aucun (pour l'entreprise)")] + [(need.id, need.title) for need in needs or []]
        self._offered = {service_type.id: service_type for service_type in service_types}

    def mobilisation_data(self) -> MobilisationData:
        self.chosen_type = self._offered.get(self.service_type.data)
        return MobilisationData(
            service_type=self.chosen_type,
            **{name: self[name].data for name in MOBILISATION_FIELDS},
            note=self.note.data or "",
        )


MOBILISATION_FIELDS = ("status", "proposed_on", "starts_on", "ends_on", "delivered_on", "people", "hires", "funder")


def mobilisation_form(current: ServiceMobilisation | None = None, needs=None, **kwargs) -> "MobilisationForm":
    """The form with its choices: the active services (and the mobilisation's own, even deactivated)."""
    form = MobilisationForm(**kwargs)
    service_types = active_service_types()
    if current is not None and current.service_type not in service_types:
        service_types.append(current.service_type)
    form.set_choices(service_types, needs)
    return form


class ServiceTypeForm(FrenchForm):
    label = StringField(
        "Libellé", validators=[DataRequired(REQUIRED), Length(max=120, message="120 caractères au plus.")]
    )
    family = SelectField("Famille", choices=ServiceFamily.choices(), coerce=_optional_enum(ServiceFamily))


class ServiceTypeStatusForm(FrenchForm):
    active = SelectField("État", choices=[("0", "Désactiver"), ("1", "Réactiver")], validators=[DataRequired(REQUIRED)])


def _count_field(label: str) -> IntegerField:
    return IntegerField(
        label,
        default=0,
        validators=[InputRequired(REQUIRED), NumberRange(min=0, max=9999, message="Entre 0 et 9 999.")],
    )


class SourcingForm(VersionedForm):
    """One operator's candidates on a need (app/needs/sourcing.py); version 0 before the first entry."""

    operator_id = IntegerField(
        "Opérateur",
        validators=[InputRequired(REQUIRED), NumberRange(min=1, max=2**31 - 1, message="Opérateur inconnu.")],
    )
    proposed = _count_field("Candidats proposés")
    interviewed = _count_field("Reçus en entretien")
    hired = _count_field("Embauchés")


class PublicHiresForm(FrenchForm):
    """Of a closed need's hires, how many per public (app/needs/inclusion.py): one field per public."""

    def hires(self) -> dict[Public, int]:
        return {public: self[public.value].data or 0 for public in Public}


for _public in Public:
    setattr(
        PublicHiresForm,
        _public.value,
        IntegerField(
            _public.label,
            default=0,
            validators=[Optional(), NumberRange(min=0, max=999, message="Entre 0 et 999.")],
        ),
    )

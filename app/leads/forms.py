from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, SelectField, SelectMultipleField, StringField, TelField, TextAreaField
from wtforms.validators import DataRequired, Email, Length, NumberRange, Optional

from app.converters import database_int
from app.fields import DateField, IntegerField
from app.forms import REQUIRED, FrenchForm
from app.leads.enums import RejectionReason, SpotterKind, Urgency
from app.leads.services import LeadData
from app.needs.enums import ContractType, Public, QualificationLevel


def _optional_int(value):
    return int(value) if value not in (None, "") else None


class LeadForm(FlaskForm):
    """What a spotter reports: the employer (SIRET, or name and commune), the need, a contact who agreed."""

    siret = StringField("SIRET de l'établissement", validators=[Optional(), Length(max=20)])
    employer_name = StringField("Nom de l'entreprise", validators=[Optional(), Length(max=255)])
    commune = StringField("Commune", validators=[Optional(), Length(max=120)])
    job_title = StringField("Poste à pourvoir", validators=[DataRequired(REQUIRED), Length(max=200)])
    positions = IntegerField(
        "Nombre de postes",
        default=1,
        validators=[DataRequired(REQUIRED), NumberRange(min=1, max=500, message="Entre 1 et 500 postes.")],
    )
    contract = SelectField("Contrat", choices=ContractType.choices(), validators=[DataRequired(REQUIRED)])
    start_on = DateField("Date de démarrage souhaitée", validators=[Optional()])
    urgency = SelectField("Urgence", choices=Urgency.choices(), default=Urgency.NORMAL.value)
    details = TextAreaField("Précisions", validators=[Optional(), Length(max=2000)])
    contact_name = StringField("Personne à contacter", validators=[DataRequired(REQUIRED), Length(max=160)])
    contact_phone = TelField("Téléphone", validators=[Optional(), Length(max=30)])
    contact_email = EmailField(
        "E-mail",
        validators=[Optional(), Email("Adresse e-mail invalide.", check_deliverability=False), Length(max=254)],
    )
    contact_consent = BooleanField("L'employeur accepte d'être recontacté par le réseau pour l'emploi")

    def data_for_service(self) -> LeadData:
        return LeadData(
            siret=self.siret.data or "",
            employer_name=self.employer_name.data or "",
            commune=self.commune.data or "",
            job_title=self.job_title.data or "",
            positions=self.positions.data or 1,
            contract=ContractType(self.contract.data),
            start_on=self.start_on.data,
            urgency=Urgency(self.urgency.data),
            details=self.details.data or "",
            contact_name=self.contact_name.data or "",
            contact_phone=self.contact_phone.data or "",
            contact_email=self.contact_email.data or "",
            contact_consent=bool(self.contact_consent.data),
        )


class PublicLeadForm(LeadForm):
    """The employer's own form: same need, the contact is the person filling it in."""

    contact_name = StringField("Vos nom et prénom", validators=[DataRequired(REQUIRED), Length(max=160)])
    contact_email = EmailField(
        "Votre e-mail",
        validators=[
            DataRequired(REQUIRED),
            Email("Adresse e-mail invalide.", check_deliverability=False),
            Length(max=254),
        ],
    )
    contact_phone = TelField("Votre téléphone", validators=[Optional(), Length(max=30)])
    contact_consent = BooleanField("J'accepte d'être recontacté(e) par le réseau pour l'emploi au sujet de ce besoin")
    # Spam trap: hidden from people by CSS, filled in by robots.
    website = StringField("Laissez ce champ vide", validators=[Optional(), Length(max=200)])


class AcceptLeadForm(FlaskForm):
    siret = StringField("SIRET (pour rattacher ou créer l'entreprise)", validators=[Optional(), Length(max=20)])
    rome_code = StringField("Code ROME (facultatif)", validators=[Optional(), Length(max=5)])
    publics = SelectMultipleField("Publics visés", choices=Public.choices(), coerce=Public)
    qualification_level = SelectField(
        "Niveau de qualification", choices=[("", "Non précisé"), *QualificationLevel.choices()], validators=[Optional()]
    )
    duplicates_confirmed = BooleanField("Je confirme : ni un doublon de signalement, ni une entreprise déjà connue")
    note = StringField("Commentaire", validators=[Optional(), Length(max=500)])


class RejectLeadForm(FlaskForm):
    # No reason preselected ("Doublon" was, the first): the lead's outcome is the one chosen.
    reason = SelectField(
        "Motif", choices=[("", "— Choisir —"), *RejectionReason.choices()], validators=[DataRequired(REQUIRED)]
    )
    note = StringField("Précision pour le repéreur", validators=[Optional(), Length(max=500)])


class MergeLeadForm(FlaskForm):
    need_id = SelectField("Besoin existant", coerce=_optional_int, validators=[DataRequired(REQUIRED)])
    note = StringField("Commentaire", validators=[Optional(), Length(max=500)])


class OrganisationForm(FlaskForm):
    name = StringField("Nom de l'organisation", validators=[DataRequired(REQUIRED), Length(max=160)])
    kind = SelectField("Type", choices=SpotterKind.choices(), validators=[DataRequired(REQUIRED)])
    basin_id = SelectField("Bassin", coerce=_optional_int, validators=[DataRequired(REQUIRED)])


class OrganisationEditForm(FrenchForm):
    name = StringField("Nom de l'organisation", validators=[DataRequired(REQUIRED), Length(max=160)])
    kind = SelectField("Type", choices=SpotterKind.choices(), validators=[DataRequired(REQUIRED)])
    is_active = BooleanField("Active (ses repéreurs peuvent y être rattachés)")


class AttachSpotterForm(FlaskForm):
    user_id = SelectField("Repéreur", coerce=_optional_int, validators=[DataRequired(REQUIRED)])


class RouteLeadForm(FrenchForm):
    """Where an admin sends a need of no basin. The service, not the choice list, refuses a
    closed or unknown basin, so that the admin reads why."""

    basin_id = SelectField(
        "Bassin",
        coerce=lambda value: database_int(value) if value not in (None, "") else None,
        validate_choice=False,
        validators=[DataRequired(REQUIRED)],
    )

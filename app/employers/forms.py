from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    EmailField,
    HiddenField,
    SelectField,
    SelectMultipleField,
    StringField,
    TelField,
)
from wtforms.validators import DataRequired, Email, Length, NumberRange, Optional, Regexp, ValidationError
from wtforms.widgets import CheckboxInput

from app.auth.models import User
from app.auth.queries import visible_basins
from app.converters import database_int
from app.employers.enums import EmployerSort, PrivilegedContactFilter
from app.employers.models import Employer
from app.employers.queries import active_operator_choices, active_tags, basin_communes, naf_choices, tag_choices
from app.fields import IntegerField, LongListSelect
from app.forms import REQUIRED, FrenchForm
from app.reference_cache import reference_list
from app.referential.enums import HeadcountBand, NafLevel
from app.referential.queries import shortage_sources

SHORTAGE_NEED = "besoin"
# The NAF nomenclature changes with a migration, not while the app runs: an hour bounds what a
# `flask seed` beside a running server leaves unseen (app/reference_cache.py).
NAF_MAX_AGE = 3600.0


def _optional_int(value):
    return int(value) if value not in (None, "") else None


@reference_list("naf_codes", max_age=NAF_MAX_AGE)
def naf_filter_choices() -> tuple[tuple[str, str], ...]:
    """The list's NAF filter: the sections, then the divisions; one object per process, so that
    its options are rendered once (``LongListSelect``)."""
    nafs = naf_choices([NafLevel.SECTION, NafLevel.DIVISION])
    sections = [(code, f"{code} — {label}") for code, label, level in nafs if level is NafLevel.SECTION]
    divisions = [(code, f"{code} — {label}") for code, label, level in nafs if level is NafLevel.DIVISION]
    return (("", "Toutes"), *sections, *divisions)


@reference_list("naf_codes", max_age=NAF_MAX_AGE)
def naf_subclass_choices() -> tuple[tuple[str, str], ...]:
    """The employer form's NAF codes: the 732 subclasses, rendered once per process (``LongListSelect``)."""
    subclasses = naf_choices([NafLevel.SUBCLASS])
    return (("", "— Non renseignée —"), *((c, f"{c} — {label}") for c, label, _ in subclasses))


def active_tag_choices() -> list[tuple[int, str]]:
    """(id, label) of the tags offered for tagging, as ``active_tags`` orders them."""
    return [(t.id, t.label) for t in tag_choices() if t.is_active]


class EmployerSearchForm(FrenchForm):
    """The search page's filters, read from the URL (GET: no CSRF token needed)."""

    class Meta:
        csrf = False

    q = StringField("Rechercher", validators=[Optional(), Length(max=200, message="200 caractères au plus.")])
    # Field names are the URL's keys, in French: users read them.
    bassin = SelectField("Bassin", coerce=_optional_int, validators=[Optional()])
    naf = SelectField("Activité (NAF)", validators=[Optional()], widget=LongListSelect())
    headcount = SelectField("Effectif", validators=[Optional()])
    # A need, not a sector: the basin's list names jobs (app/referential/shortage.py).
    shortage = SelectField("Métiers en tension", validators=[Optional()])
    tag = SelectMultipleField("Étiquettes", coerce=int, validators=[Optional()], option_widget=CheckboxInput())
    contact = SelectField("Interlocuteur privilégié", validators=[Optional()])
    idle = IntegerField(
        "Sans contact depuis (mois)",
        validators=[Optional(), NumberRange(min=1, max=120, message="Entre 1 et 120 mois.")],
    )
    open_need = BooleanField("Avec un besoin ouvert")
    engagee = BooleanField("Engagée pour l'inclusion (club ou charte, à ce jour)")
    tri = SelectField("Trier par", choices=EmployerSort.choices(), validators=[Optional()])

    def set_choices(self, user: User) -> None:
        basins = visible_basins(user)
        self.bassin.choices = [("", "Tous mes bassins")] + [(b.id, b.name) for b in basins]
        self.naf.choices = naf_filter_choices()
        self.headcount.choices = [("", "Toutes")] + HeadcountBand.choices()
        self.shortage.choices = [("", "Peu importe"), (SHORTAGE_NEED, "Avec un besoin ouvert sur un métier en tension")]
        sources = shortage_sources([basin.id for basin in basins])
        self.shortage.description = " ; ".join(
            f"{basin.name} : {sources.get(basin.id, 'aucune liste')}" for basin in basins
        )
        # An archived tag is still searched for: its employers keep it.
        self.tag.choices = [(t.id, t.label if t.is_active else f"{t.label} (archivée)") for t in tag_choices()]
        self.contact.choices = (
            [("", "Peu importe")]
            + PrivilegedContactFilter.choices()
            + [(str(id_), f"Opérateur : {name}") for id_, name in active_operator_choices()]
        )
        self.tri.choices = EmployerSort.choices()


class EmployerForm(FrenchForm):
    siret = StringField(
        "SIRET",
        validators=[Optional(), Length(max=20, message="Le SIRET compte 14 chiffres.")],
        description="14 chiffres, espaces acceptés. Laissez vide si l'employeur n'en a pas (encore).",
    )
    name = StringField("Raison sociale", validators=[DataRequired(REQUIRED), Length(max=255)])
    enseigne = StringField("Enseigne", validators=[Optional(), Length(max=255)])
    naf_code = SelectField("Activité (NAF)", validators=[Optional()], widget=LongListSelect())
    headcount_band = SelectField("Tranche d'effectif", validators=[Optional()])
    street = StringField("Adresse", validators=[Optional(), Length(max=255)])
    postcode = StringField(
        "Code postal", validators=[Optional(), Regexp(r"^\d{5}$", message="Le code postal compte 5 chiffres.")]
    )
    commune_insee = SelectField("Commune", validators=[DataRequired(REQUIRED)])
    # Each choice renders as a checkbox of the field's name (the templates iterate over them).
    tag_ids = SelectMultipleField("Étiquettes", coerce=int, validators=[Optional()], option_widget=CheckboxInput())
    version = HiddenField()
    confirm_duplicate = BooleanField("Je confirme qu'il s'agit d'une autre entreprise")

    def set_choices(self, user: User, employer: Employer | None = None) -> None:
        self.naf_code.choices = naf_subclass_choices()
        self.headcount_band.choices = [("", "— Non renseignée —")] + HeadcountBand.choices()
        basin_ids = [b.id for b in visible_basins(user)]
        communes = basin_communes(basin_ids)
        self.commune_insee.choices = [("", "— Choisir —")] + [
            (code, f"{name} ({code}) — {basin}") for code, name, basin in communes
        ]
        # The active tags, and the archived ones the employer already carries (kept unless unticked).
        carried = [t.id for t in employer.tags] if employer is not None else []
        self.tag_ids.choices = [
            (t.id, t.label if t.is_active else f"{t.label} (archivée)") for t in active_tags(carried)
        ]

    def fill_from(self, employer: Employer) -> None:
        self.siret.data = employer.siret
        self.name.data = employer.name
        self.enseigne.data = employer.enseigne
        self.naf_code.data = employer.naf_code or ""
        self.headcount_band.data = employer.headcount_band.value if employer.headcount_band else ""
        self.street.data = employer.street
        self.postcode.data = employer.postcode
        self.commune_insee.data = employer.commune_insee or ""
        self.tag_ids.data = [t.id for t in employer.tags]
        self.version.data = str(employer.version)


class ContactPersonForm(FrenchForm):
    first_name = StringField("Prénom", validators=[Optional(), Length(max=100)])
    last_name = StringField("Nom", validators=[DataRequired(REQUIRED), Length(max=100)])
    job_title = StringField("Fonction", validators=[Optional(), Length(max=160)])
    phone = TelField(
        "Téléphone",
        validators=[
            Optional(),
            Length(max=30),
            Regexp(r"^[0-9 +().-]{6,30}$", message="Numéro de téléphone invalide."),
        ],
    )
    email = EmailField(
        "Adresse e-mail",
        validators=[Optional(), Email("Adresse e-mail invalide.", check_deliverability=False), Length(max=254)],
    )
    is_opposed_to_contact = BooleanField("S'oppose à être contacté (RGPD)")


class MergeForm(FrenchForm):
    kept = StringField("Fiche conservée", validators=[DataRequired(REQUIRED), Length(max=20)])
    merged = StringField("Fiche absorbée", validators=[DataRequired(REQUIRED), Length(max=20)])
    reason = StringField("Motif", validators=[DataRequired(REQUIRED), Length(max=300)])


class SpreadsheetImportForm(FrenchForm):
    file = FileField("Fichier (CSV ou XLSX)", validators=[FileRequired("Choisissez un fichier.")])
    tag = SelectField("Ajouter l'étiquette … à toutes les lignes", coerce=_optional_int, validators=[Optional()])

    def set_choices(self) -> None:
        self.tag.choices = [("", "— Aucune —"), *active_tag_choices()]


BULK_ACTIONS = {
    "ajouter": "Étiqueter la sélection",
    "retirer": "Retirer l'étiquette de la sélection",
    "ajouter_tout": "Étiqueter tous les résultats de cette recherche",
    "retirer_tout": "Retirer l'étiquette de tous les résultats de cette recherche",
}
# A page shows 25 employers: a longer selection was not made on it.
BULK_SELECTION_MAX = 500


class BulkTagForm(FrenchForm):
    """The employer list's bulk tagging: the ticked rows, or every result of the search."""

    etiquette = SelectField("Étiquette", coerce=_optional_int, validators=[DataRequired("Choisissez une étiquette.")])
    entreprises = SelectMultipleField("Entreprises cochées", coerce=database_int, validate_choice=False)
    action = SelectField(
        "Action", choices=list(BULK_ACTIONS.items()), validators=[DataRequired("Choisissez une action.")]
    )

    def set_choices(self) -> None:
        self.etiquette.choices = [("", "— Choisir une étiquette —"), *active_tag_choices()]

    def validate_entreprises(self, field) -> None:
        if len(field.data or []) > BULK_SELECTION_MAX:
            raise ValidationError(f"{BULK_SELECTION_MAX} entreprises cochées au plus.")
        if self.action.data in ("ajouter", "retirer") and not field.data:
            raise ValidationError("Cochez au moins une entreprise, ou appliquez l'action à tous les résultats.")


class TagForm(FrenchForm):
    label = StringField(
        "Libellé", validators=[DataRequired(REQUIRED), Length(max=120, message="120 caractères au plus.")]
    )


class TagStatusForm(FrenchForm):
    active = SelectField("État", choices=[("0", "Archiver"), ("1", "Réactiver")], validators=[DataRequired(REQUIRED)])

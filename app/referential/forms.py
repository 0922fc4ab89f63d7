from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, HiddenField, SelectField, SelectMultipleField, StringField
from wtforms.validators import DataRequired, Length, Optional

from app.fields import DateField
from app.forms import REQUIRED, FrenchForm
from app.referential.basins import CODE_MAX_LENGTH, NAME_MAX_LENGTH
from app.referential.enums import OperatorKind
from app.referential.services import NAME_MAX_LENGTH as OPERATOR_NAME_MAX_LENGTH
from app.referential.shortage import SOURCE_MAX_LENGTH

DATE_FORMAT_MESSAGE = "Date invalide (jj/mm/aaaa)."
SOURCE_HINT = "Par exemple : BMO 2026, France Travail"


class ShortageSourceMixin:
    source = StringField(
        "Source", validators=[DataRequired(REQUIRED), Length(max=SOURCE_MAX_LENGTH)], description=SOURCE_HINT
    )
    as_of = DateField("Date de la liste", validators=[DataRequired(DATE_FORMAT_MESSAGE)])


class ShortageJobForm(ShortageSourceMixin, FrenchForm):
    rome_code = StringField(
        "Code ROME", validators=[DataRequired(REQUIRED), Length(max=5)], description="Par exemple : J1501"
    )
    share = StringField(
        "Part de recrutements difficiles (%)",
        validators=[Optional(), Length(max=10)],
        description="Facultatif, par exemple : 72,5",
    )


class ShortageImportForm(ShortageSourceMixin, FrenchForm):
    file = FileField("Fichier (CSV ou XLSX)", validators=[FileRequired("Choisissez un fichier.")])
    replace = BooleanField("Remplacer toute la liste (les métiers absents du fichier en sont retirés)")


class ShortageRemoveForm(FrenchForm):
    rome_code = HiddenField(validators=[DataRequired(REQUIRED), Length(max=5)])


class OperatorForm(FrenchForm):
    name = StringField("Nom", validators=[DataRequired(REQUIRED), Length(max=OPERATOR_NAME_MAX_LENGTH)])
    kind = SelectField("Type", choices=OperatorKind.choices(), validators=[DataRequired(REQUIRED)])
    basin_ids = SelectMultipleField("Bassins d'emploi servis", coerce=int, validate_choice=True)
    is_active = BooleanField("Actif (proposé pour les nouveaux comptes)", default=True)

    def set_basin_choices(self, basins) -> None:
        self.basin_ids.choices = [(basin.id, f"{basin.name} ({basin.code})") for basin in basins]


# --- Basins administration -----------------------------------------------------------------------

MOVE_OTHERS_LABEL = "Déplacer aussi les communes d'un autre bassin"


class BasinCreateForm(FrenchForm):
    code = StringField(
        "Code du bassin",
        validators=[DataRequired(REQUIRED), Length(max=CODE_MAX_LENGTH)],
        description="Par exemple le code de la zone d'emploi de l'Insee : 5219",
    )
    name = StringField("Nom du bassin", validators=[DataRequired(REQUIRED), Length(max=NAME_MAX_LENGTH)])
    departement = SelectField("Département", validators=[DataRequired("Choisissez le département du bassin.")])


class BasinRenameForm(FrenchForm):
    name = StringField("Nouveau nom", validators=[DataRequired(REQUIRED), Length(max=NAME_MAX_LENGTH)])


class BasinCommunesForm(FrenchForm):
    """Communes to add: an EPCI, a département, or one commune (with its postcode when its name is ambiguous)."""

    value = StringField(validators=[DataRequired(REQUIRED), Length(max=160)])
    postcode = StringField("Code postal (si plusieurs communes portent ce nom)", validators=[Optional(), Length(max=5)])
    move_others = BooleanField(MOVE_OTHERS_LABEL)


class CommuneRemoveForm(FrenchForm):
    insee_code = HiddenField(validators=[DataRequired(REQUIRED), Length(max=5)])


class ZoneImportForm(FrenchForm):
    file = FileField("Fichier « commune → bassin » (CSV ou XLSX)", validators=[FileRequired("Choisissez un fichier.")])

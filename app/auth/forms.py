from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, EmailField, PasswordField, SelectField, SelectMultipleField, StringField
from wtforms.validators import DataRequired, Email, EqualTo, Length, Optional

from app.auth.enums import Role
from app.forms import REQUIRED


class LoginForm(FlaskForm):
    email = EmailField("Adresse e-mail", validators=[DataRequired(REQUIRED), Length(max=254)])
    password = PasswordField("Mot de passe", validators=[DataRequired(REQUIRED), Length(max=128)])


class SetPasswordForm(FlaskForm):
    """A new password, typed twice (an invitation's or a reset's link)."""

    new_password = PasswordField(
        "Nouveau mot de passe",
        validators=[DataRequired(REQUIRED), Length(min=12, max=128, message="Entre 12 et 128 caractères.")],
    )
    confirm_password = PasswordField(
        "Confirmation",
        validators=[DataRequired(REQUIRED), EqualTo("new_password", message="Les deux mots de passe diffèrent.")],
    )


class ChangePasswordForm(SetPasswordForm):
    current_password = PasswordField("Mot de passe actuel", validators=[DataRequired(REQUIRED)])


class ForgotPasswordForm(FlaskForm):
    email = EmailField("Adresse e-mail", validators=[DataRequired(REQUIRED), Length(max=254)])


class BulkInvitationForm(FlaskForm):
    file = FileField("Fichier (CSV ou XLSX)", validators=[FileRequired("Choisissez un fichier.")])


class UserForm(FlaskForm):
    email = EmailField(
        "Adresse e-mail",
        validators=[
            DataRequired(REQUIRED),
            Email("Adresse e-mail invalide.", check_deliverability=False),
            Length(max=254),
        ],
    )
    full_name = StringField("Nom complet", validators=[DataRequired(REQUIRED), Length(max=160)])
    role = SelectField("Rôle", choices=Role.choices(), validators=[DataRequired(REQUIRED)])
    operator_id = SelectField("Opérateur", coerce=lambda v: int(v) if v else None, validate_choice=True)
    basin_ids = SelectMultipleField("Bassins d'emploi", coerce=int)
    # Pilotage territorial only: "departement:44" or "region:52" (app.auth.queries.territory_choices).
    territory = SelectField(
        "Territoire (pilotage territorial)", choices=[("", "— Aucun —")], validators=[Optional()], validate_choice=True
    )
    is_active = BooleanField("Compte actif", default=True)

    def set_choices(self, operators, basins) -> None:
        self.operator_id.choices = [("", "— Aucun —")] + [(o.id, o.name) for o in operators]
        self.basin_ids.choices = [(b.id, f"{b.name} ({b.code})") for b in basins]

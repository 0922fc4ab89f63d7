from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from app.fields import DateField, IntegerField
from app.forms import REQUIRED, FrenchForm


def _optional_int(value):
    return int(value) if value not in (None, "") else None


class TaskForceForm(FlaskForm):
    basin_id = SelectField("Bassin", coerce=_optional_int, validators=[DataRequired(REQUIRED)])
    name = StringField("Nom", validators=[Optional(), Length(max=160)])


class TaskForceNameForm(FrenchForm):
    name = StringField("Nom de la task force", validators=[DataRequired(REQUIRED), Length(max=160)])


class AddMemberForm(FlaskForm):
    user_id = SelectField("Conseiller ou pilote", coerce=_optional_int, validators=[DataRequired(REQUIRED)])
    is_lead = BooleanField("Pilote de la task force")


class MemberForm(FlaskForm):
    capacity = IntegerField(
        "Capacité (entreprises)",
        validators=[InputRequired(REQUIRED), NumberRange(min=0, max=1000, message="Entre 0 et 1000.")],
    )
    absent_until = DateField("Absent jusqu'au", validators=[Optional()])


class HandoverRequestForm(FlaskForm):
    reason = TextAreaField("Raison de la passation", validators=[DataRequired(REQUIRED), Length(max=500)])


class HandoverDecisionForm(FlaskForm):
    decision = SelectField(
        "Décision",
        # No decision preselected: accepting hands the employer over, so it must be chosen.
        choices=[("", "— Choisir —"), ("approve", "Accepter"), ("refuse", "Refuser")],
        validators=[DataRequired(REQUIRED)],
    )
    new_adviser_id = SelectField("Nouvel interlocuteur (facultatif)", coerce=_optional_int, validators=[Optional()])
    note = StringField("Commentaire (obligatoire pour un refus)", validators=[Optional(), Length(max=500)])


class AssignEmployerForm(FrenchForm):
    """One employer's assignment, from its own page (the queue's row, alone)."""

    adviser_id = SelectField("Conseiller", coerce=_optional_int, validators=[DataRequired("Choisissez un conseiller.")])
    reason = StringField(
        "Raison de l'affectation",
        description="Facultative, sauf si vous ne retenez pas le conseiller suggéré.",
        validators=[Optional(), Length(max=500, message="500 caractères au plus.")],
    )

"""The form of the admins' page for API clients (app/api/admin_views.py)."""

from wtforms import BooleanField, SelectField, SelectMultipleField, StringField
from wtforms.validators import DataRequired, Length

from app.api.enums import ApiScope
from app.api.webhooks_models import WebhookEvent
from app.forms import REQUIRED, FrenchForm


def _optional_id(value):
    return int(value) if value not in (None, "") and str(value).isdigit() and int(value) <= 2**31 - 1 else None


class ApiClientForm(FrenchForm):
    name = StringField("Nom du système appelant", validators=[DataRequired(REQUIRED), Length(max=120)])
    operator_id = SelectField("Opérateur pour lequel il agit", coerce=_optional_id, validate_choice=True)
    spotter_organisation_id = SelectField(
        "Ou : organisation de repéreurs (dépose des signalements)", coerce=_optional_id, validate_choice=True
    )
    basin_ids = SelectMultipleField("Bassins (pour un opérateur)", coerce=int, validate_choice=True)
    scope = SelectField("Droits", choices=ApiScope.choices(), validators=[DataRequired(REQUIRED)])
    lead = BooleanField("Agir comme pilote de task force (affecter, décider des passations)")

    def set_choices(self, operators, organisations, basins) -> None:
        self.operator_id.choices = [("", "— Aucun —")] + [(operator.id, operator.name) for operator in operators]
        self.spotter_organisation_id.choices = [("", "— Aucune —")] + [
            (organisation.id, f"{organisation.name} ({organisation.basin.name})") for organisation in organisations
        ]
        self.basin_ids.choices = [(basin.id, f"{basin.name} ({basin.code})") for basin in basins]


class WebhookSubscriptionForm(FrenchForm):
    """The URL and the events are checked by `webhooks.create_subscription`, as for `flask api webhooks create`."""

    client_id = SelectField(
        "Client de l'API", coerce=_optional_id, validate_choice=True, validators=[DataRequired(REQUIRED)]
    )
    url = StringField(
        "Adresse du récepteur", validators=[DataRequired(REQUIRED)], filters=[lambda value: (value or "").strip()]
    )
    event_types = SelectMultipleField(
        "Événements",
        choices=[(event.value, f"{event.label} ({event.value})") for event in WebhookEvent],
        validate_choice=True,
    )

    def set_choices(self, clients) -> None:
        self.client_id.choices = [("", "— Choisir —")] + [(client.id, client.name) for client in clients]

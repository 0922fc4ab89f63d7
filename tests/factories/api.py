"""API clients, created through the service: the secret is known only at creation, as in production."""

from app.api.enums import ApiScope
from app.api.services import Credentials, create_client
from app.extensions import db
from app.referential.enums import OperatorKind
from tests.factories.referential import seeded_basin, seeded_operator

_counter = iter(range(1, 10**9))


def api_credentials(
    scope: ApiScope = ApiScope.WRITE,
    basins=None,
    operator=None,
    name: str | None = None,
    lead: bool = False,
    spotter_organisation=None,
) -> Credentials:
    """A client of the pilot basin (5219) and its France Travail agency, unless told otherwise
    (``spotter_organisation``: a client of that organisation of spotters, with no operator)."""
    if spotter_organisation is None:
        operator = operator or seeded_operator(OperatorKind.FRANCE_TRAVAIL)
    credentials = create_client(
        name or f"Système de test {next(_counter)}",
        operator,
        list(basins) if basins is not None else [seeded_basin()],
        scope,
        lead=lead,
        spotter_organisation=spotter_organisation,
    )
    db.session.flush()
    return credentials


def webhook_subscription(
    url: str = "https://recepteur.example.test/relais",
    events=None,
    basins=None,
    is_active: bool = True,
    client=None,
):
    """A subscription of a (new) write client of these basins, to every event unless told otherwise."""
    from app.api.webhooks import create_subscription
    from app.api.webhooks_models import WebhookEvent

    client = client or api_credentials(basins=basins).client
    subscription, _ = create_subscription(client, url, list(events or [event.value for event in WebhookEvent]))
    subscription.is_active = is_active
    db.session.flush()
    return subscription

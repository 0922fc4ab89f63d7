"""flask api clients create | revoke | rotate: the API's clients, from the server's shell."""

import click
import sqlalchemy as sa
from flask.cli import AppGroup

from app.api.enums import ApiScope
from app.api.services import ApiClientError, create_client, get_client, revoke_client, rotate_secret
from app.api.webhooks import WebhookError, create_subscription
from app.audit.services import acting_as
from app.extensions import db
from app.leads.models import SpotterOrganisation
from app.referential.models import Basin, Operator
from app.transactions import transaction

api_cli = AppGroup("api", help="L'API : ses clients.")
clients_cli = AppGroup("clients", help="Créer, révoquer un client de l'API, changer son secret.")
api_cli.add_command(clients_cli)


def _print_credentials(credentials) -> None:
    click.echo(f"Identifiant du client : {credentials.client.client_id}")
    click.echo(f"Secret : {credentials.secret}")
    click.echo("Notez ce secret maintenant : il n'est pas conservé et ne sera plus affiché.")


def _client_or_fail(client_id: str):
    client = get_client(client_id)
    if client is None:
        raise click.ClickException(f"Aucun client d'identifiant {client_id}.")
    return client


@clients_cli.command("create")
@click.option("--name", required=True, help="Le nom du système appelant (unique).")
@click.option("--operator", "operator_id", type=int, help="L'identifiant de l'opérateur.")
@click.option(
    "--spotter-organisation",
    "organisation_id",
    type=int,
    help="Au lieu d'un opérateur : l'organisation de repéreurs (son bassin), qui dépose des signalements.",
)
@click.option("--basin", "basin_codes", multiple=True, help="Le code d'un bassin (répétable ; pas pour un repéreur).")
@click.option("--scope", type=click.Choice([scope.value for scope in ApiScope]), required=True)
@click.option("--lead", is_flag=True, help="Agir comme pilote de task force (affecter, décider des passations).")
def create_command(
    name: str,
    operator_id: int | None,
    organisation_id: int | None,
    basin_codes: tuple[str, ...],
    scope: str,
    lead: bool,
) -> None:
    """Créer un client ; affiche une seule fois son identifiant et son secret."""
    organisation = db.session.get(SpotterOrganisation, organisation_id) if organisation_id else None
    if organisation_id and organisation is None:
        raise click.ClickException(f"Aucune organisation de repéreurs d'identifiant {organisation_id}.")
    basins = list(db.session.scalars(sa.select(Basin).where(Basin.code.in_(basin_codes))))
    unknown = sorted(set(basin_codes) - {basin.code for basin in basins})
    if unknown:
        raise click.ClickException(f"Bassin(s) inconnu(s) : {', '.join(unknown)}.")
    try:
        with acting_as("flask api clients create"), transaction():
            credentials = create_client(
                name,
                db.session.get(Operator, operator_id) if operator_id else None,
                basins,
                ApiScope(scope),
                lead=lead,
                spotter_organisation=organisation,
            )
    except ApiClientError as error:
        raise click.ClickException(str(error)) from error
    _print_credentials(credentials)


@clients_cli.command("revoke")
@click.argument("client_id")
def revoke_command(client_id: str) -> None:
    """Révoquer un client : ses jetons cessent de fonctionner aussitôt."""
    try:
        with acting_as("flask api clients revoke"), transaction():
            client = revoke_client(_client_or_fail(client_id))
    except ApiClientError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"Client « {client.name} » révoqué.")


@clients_cli.command("rotate")
@click.argument("client_id")
def rotate_command(client_id: str) -> None:
    """Donner un nouveau secret à un client : l'ancien et ses jetons cessent de fonctionner."""
    try:
        with acting_as("flask api clients rotate"), transaction():
            credentials = rotate_secret(_client_or_fail(client_id))
    except ApiClientError as error:
        raise click.ClickException(str(error)) from error
    _print_credentials(credentials)


webhooks_cli = AppGroup("webhooks", help="Les webhooks des clients de l'API.")
api_cli.add_command(webhooks_cli)


@webhooks_cli.command("create")
@click.argument("client_id")
@click.option("--url", required=True, help="L'adresse https:// du récepteur.")
@click.option("--event", "event_types", multiple=True, required=True, help="need.created, lead.accepted… (répétable).")
def create_webhook_command(client_id: str, url: str, event_types: tuple[str, ...]) -> None:
    """Abonner un client à des événements ; affiche une seule fois le secret de signature."""
    try:
        with acting_as("flask api webhooks create"), transaction():
            subscription, secret = create_subscription(_client_or_fail(client_id), url, list(event_types))
    except WebhookError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"Abonnement {subscription.id} : {', '.join(subscription.event_types)} vers {subscription.url}")
    click.echo(f"Secret de signature : {secret}")
    click.echo("Notez ce secret maintenant : il ne sera plus affiché (docs/API.md : vérifier une signature).")

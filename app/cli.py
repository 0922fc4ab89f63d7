"""Command-line entry points: flask seed reference | demo."""

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from app.audit.services import acting_as
from app.employers.cli import import_sirene_command
from app.transactions import transaction

seed_cli = AppGroup("seed", help="Charger les données de référence ou de démonstration.")


@seed_cli.command("reference")
def seed_reference() -> None:
    """Bassins, communes, opérateurs, NAF et ROME (idempotent)."""
    from seeds.reference import load_reference

    with acting_as("flask seed reference"), transaction():
        changes = load_reference()
    for table, count in changes.items():
        click.echo(f"{table} : {count} ajout(s) ou mise(s) à jour")


@seed_cli.command("demo")
def seed_demo() -> None:
    """Données de démonstration des bassins pilotes (refusé en production)."""
    if not current_app.config["DEMO_SEED_ALLOWED"]:
        raise click.ClickException("Les données de démonstration sont interdites en production.")
    # Imported past the refusal: the demo needs time-machine, a development package.
    from seeds.demo import build_demo
    from seeds.demo.accounts import DEMO_PASSWORD

    with acting_as("flask seed demo"), transaction():
        counts = build_demo()
    if not counts:
        click.echo("Les données de démonstration sont déjà chargées : rien à faire.")
        return
    for label, count in counts.items():
        click.echo(f"{label} : {count}")
    click.echo(f"Mot de passe des comptes de démonstration : {DEMO_PASSWORD}")


def register_cli(app: Flask) -> None:
    from app.scheduler.cli import scheduler_cli

    app.cli.add_command(seed_cli)
    app.cli.add_command(scheduler_cli)
    app.cli.add_command(import_sirene_command)

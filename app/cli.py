"""Command-line entry points: flask seed reference | demo."""

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from app.audit.services import acting_as
from app.employers.cli import import_sirene_command
from app.extensions import db

seed_cli = AppGroup("seed", help="Charger les données de référence ou de démonstration.")


@seed_cli.command("reference")
def seed_reference() -> None:
    """Bassins, communes, opérateurs, NAF et ROME (idempotent)."""
    from seeds.reference import load_reference

    with acting_as("flask seed reference"):
        changes = load_reference()
        db.session.commit()
    for table, count in changes.items():
        click.echo(f"{table} : {count} ajout(s) ou mise(s) à jour")


@seed_cli.command("demo")
def seed_demo() -> None:
    """Données de démonstration des bassins pilotes (refusé en production)."""
    from seeds.demo import DEMO_PASSWORD, build_demo

    if not current_app.config["DEMO_SEED_ALLOWED"]:
        raise click.ClickException("Les données de démonstration sont interdites en production.")
    with acting_as("flask seed demo"):
        counts = build_demo()
        db.session.commit()
    if not counts:
        click.echo("Les données de démonstration sont déjà chargées : rien à faire.")
        return
    for label, count in counts.items():
        click.echo(f"{label} : {count}")
    click.echo(f"Mot de passe des comptes de démonstration : {DEMO_PASSWORD}")


def register_cli(app: Flask) -> None:
    from app.scheduler import scheduler_cli

    app.cli.add_command(seed_cli)
    app.cli.add_command(scheduler_cli)
    app.cli.add_command(import_sirene_command)

"""Command-line entry points: flask seed reference | demo, flask backup, flask restore."""

from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from app.audit.services import acting_as
from app.backup import BackupError, backup_into_folder, restore_backup, take_backup
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


@click.command("backup")
@click.argument("path", type=click.Path(path_type=Path))
@click.option(
    "--keep",
    type=click.IntRange(min=1),
    help="Avec un dossier : nombre de sauvegardes gardées, les plus anciennes sont supprimées.",
)
def backup_command(path: Path, keep: int | None) -> None:
    """Sauvegarder la base dans PATH (un fichier, ou un dossier où le nom est daté), vérifiée,
    avec son manifeste PATH.manifest.json."""
    database_url = current_app.config["SQLALCHEMY_DATABASE_URI"]
    removed: list[Path] = []
    try:
        if path.is_dir():
            path, manifest, removed = backup_into_folder(database_url, path, keep)
        elif keep:
            raise click.UsageError("--keep ne s'emploie qu'avec un dossier.")
        else:
            manifest = take_backup(database_url, path)
    except BackupError as error:
        raise click.ClickException(str(error)) from error
    rows = sum(manifest["row_counts"].values())
    click.echo(
        f"Sauvegarde vérifiée : {path} ({manifest['size_bytes']} octets, {len(manifest['row_counts'])} tables, "
        f"{rows} lignes, révision {manifest['alembic_revision']})."
    )
    for old in removed:
        click.echo(f"Ancienne sauvegarde supprimée : {old}")


@click.command("restore")
@click.argument("path", type=click.Path(path_type=Path))
@click.option("--force", is_flag=True, help="Remplacer une base qui contient déjà des tables.")
def restore_command(path: Path, force: bool) -> None:
    """Restaurer la sauvegarde PATH dans la base configurée, puis la comparer à son manifeste."""
    try:
        restored = restore_backup(current_app.config["SQLALCHEMY_DATABASE_URI"], path, force=force)
    except BackupError as error:
        raise click.ClickException(str(error)) from error
    if restored.differences:
        raise click.ClickException(
            "La base restaurée ne correspond pas au manifeste de la sauvegarde :\n"
            + "\n".join(f"  {difference}" for difference in restored.differences)
        )
    click.echo(
        f"Restauration vérifiée : {len(restored.row_counts)} tables, {sum(restored.row_counts.values())} lignes, "
        f"comme le manifeste du {restored.manifest['created_at']}. Révision du schéma : {restored.revision} "
        "(lancez flask db upgrade si l'application est plus récente que la sauvegarde)."
    )


def register_cli(app: Flask) -> None:
    from app.api.cli import api_cli
    from app.scheduler.cli import scheduler_cli

    app.cli.add_command(seed_cli)
    app.cli.add_command(scheduler_cli)
    app.cli.add_command(import_sirene_command)
    app.cli.add_command(backup_command)
    app.cli.add_command(restore_command)
    app.cli.add_command(api_cli)

    from app.jobs.cli import jobs_cli

    app.cli.add_command(jobs_cli)

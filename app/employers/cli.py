"""flask import-sirene: the basin's establishments from INSEE's SIRENE stock files."""

import sys
from pathlib import Path

import click
from flask.cli import with_appcontext

from app.audit.services import acting_as
from app.employers.readers import ImportFileError
from app.employers.sirene import import_sirene
from app.transactions import transaction


@click.command("import-sirene")
@click.option("--basin", "basin_code", required=True, help="Code du bassin (zone d'emploi INSEE), ex. 5219.")
@click.option(
    "--unites-legales",
    "legal_units",
    type=click.Path(dir_okay=False, path_type=Path),
    help="StockUniteLegale.csv[.zip] : donne la dénomination des entreprises.",
)
@click.option("--details/--no-details", default=True, help="Afficher le motif de chaque ligne rejetée.")
@click.argument("establishments", type=click.Path(dir_okay=False, path_type=Path))
@with_appcontext
def import_sirene_command(basin_code: str, legal_units: Path | None, details: bool, establishments: Path) -> None:
    """Importer les établissements actifs du bassin depuis StockEtablissement.csv[.zip]."""
    sizes = [p.stat().st_size for p in (establishments, legal_units) if p is not None and p.exists()]
    with click.progressbar(length=max(sum(sizes), 1), label="Lecture", file=sys.stderr) as bar:
        try:
            with acting_as("flask import-sirene"), transaction():
                report = import_sirene(basin_code, establishments, legal_units, on_bytes=bar.update)
        except ImportFileError as error:
            raise click.ClickException(f"{error} Rien n'a été modifié dans la base.") from None
    for line in report.summary_lines():
        click.echo(line)
    if details:
        for rejection in report.rejected:
            click.echo(f"  ligne {rejection.line} ({rejection.siret or 'sans SIRET'}) : {rejection.reason}")
        if report.rejected_count > len(report.rejected):
            click.echo(f"  … et {report.rejected_count - len(report.rejected)} autres rejets.")

"""Sample SIRENE stock files (a few establishments of Saint-Nazaire and their legal units)."""

from pathlib import Path

DATA = Path(__file__).parent
ESTABLISHMENTS = DATA / "StockEtablissement_test.csv"
LEGAL_UNITS = DATA / "StockUniteLegale_test.csv"

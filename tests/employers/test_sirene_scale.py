"""The SIRENE import at national scale: lines of other communes skipped before they are parsed, the
kept establishments upserted by set-based statements that keep what advisers typed."""

import csv
import io

import pytest
import sqlalchemy as sa

from app.employers import staging
from app.employers.enums import EmployerSource
from app.employers.models import Employer
from app.employers.readers import ImportFileError, PrefilteredCsv
from app.employers.sirene import import_sirene
from app.extensions import db
from app.referential.enums import HeadcountBand
from app.timeutils import utcnow
from tests.employers.data import ESTABLISHMENTS, LEGAL_UNITS
from tests.factories import EmployerFactory

# The test file's active establishments of the basin (lines 2, 3, 10) and their SIRETs.
BAKERY, ELECTRICIAN, GARAGE = "80000001000010", "80000002800012", "80000008500020"


def _rows() -> list[list[str]]:
    with ESTABLISHMENTS.open(encoding="utf-8", newline="") as source:
        return list(csv.reader(source))


def _write(tmp_path, rows, extra_lines: str = "") -> object:
    path = tmp_path / "StockEtablissement.csv"
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    path.write_text(buffer.getvalue() + extra_lines, encoding="utf-8")
    return path


def test_the_prefilter_reads_every_kept_line_as_the_csv_parser_does():
    text = (
        "a,b,code,d\n"
        "1,2,44184,x\n"  # kept
        "1,2,75056,x\n"  # skipped
        '"rue du port, bat. A",2,44184,"dit ""le fournil"""\n'  # quoted: parsed
        '"sur deux\nlignes",2,75056,x\n'  # quoted on two lines, outside: parsed, not skipped
        "\n"  # empty
        "1,2,,x\n"  # no code: parsed, the caller judges it
        "1,2,4418,x\n"  # malformed code: parsed
        "1,2,75056\n"  # skipped, short line
        "1,2,44184,last"  # kept, no final newline
    )
    reader = PrefilteredCsv(io.BytesIO(text.encode()), "t.csv")
    assert reader.header == ["a", "b", "code", "d"]
    kept = list(reader.rows(2, {"44184"}, 5))
    parsed = csv.reader(io.StringIO(text))
    expected = [(parsed.line_num, cells) for cells in parsed]
    skipped_lines = {3, 10}
    assert kept == [(line, cells) for line, cells in expected[1:] if line not in skipped_lines]
    assert reader.skipped == 2


def test_lines_of_other_communes_are_counted_outside_the_basin_open_or_closed(tmp_path):
    rows = _rows()
    header = rows[0]
    closed_elsewhere = list(rows[4])  # the Paris line, closed
    closed_elsewhere[header.index("etatAdministratifEtablissement")] = "F"
    closed_elsewhere[header.index("siret")] = "80000004400019"
    report = import_sirene("5219", _write(tmp_path, [*rows[:4], closed_elsewhere, *rows[5:]]), LEGAL_UNITS)
    assert (report.read, report.closed, report.outside_basin, report.created) == (9, 1, 1, 4)


def test_a_line_outside_the_basin_that_is_not_utf8_still_refuses_the_file(tmp_path):
    path = _write(tmp_path, _rows())
    path.write_bytes(
        path.read_bytes() + "1,2,3,O,,,,,,true,,,12,,,,RUE,DE LA PAIX É,75001,PARIS,,,75056\n".encode("latin-1")
    )
    with pytest.raises(ImportFileError, match="UTF-8"):
        import_sirene("5219", path, LEGAL_UNITS)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Employer)) == 0


def _employer(siret: str) -> Employer:
    db.session.expire_all()
    return db.session.scalar(sa.select(Employer).where(Employer.siret == siret))


def test_the_set_based_upsert_fills_only_the_empty_fields_of_what_advisers_entered(tmp_path):
    # An employer entered by hand before the import, with the bakery's SIRET: its name stays,
    # the empty enseigne and headcount band are filled, and its search text follows the enseigne.
    typed = EmployerFactory(
        siret=BAKERY, name="Boulangerie (saisie)", enseigne=None, headcount_band=None, source=EmployerSource.MANUAL
    )
    # One the import wrote, then edited by hand: the same.
    import_sirene("5219", ESTABLISHMENTS, LEGAL_UNITS)
    electrician = _employer(ELECTRICIAN)
    electrician.name, electrician.headcount_band, electrician.edited_by_hand_at = "Élec (corrigé)", None, utcnow()
    db.session.flush()
    # One the import wrote and nobody touched: the file's values replace it, an empty cell keeps it.
    garage = _employer(GARAGE)
    garage.name, garage.street = "Ancien nom", "1 rue Ancienne"
    db.session.flush()
    versions = {siret: _employer(siret).version for siret in (BAKERY, ELECTRICIAN, GARAGE)}
    rows = _rows()
    header = rows[0]
    rows[-1][header.index("libelleVoieEtablissement")] = ""
    rows[-1][header.index("numeroVoieEtablissement")] = ""
    rows[-1][header.index("typeVoieEtablissement")] = ""
    report = import_sirene("5219", _write(tmp_path, rows), LEGAL_UNITS)
    assert (report.created, report.updated, report.unchanged) == (0, 2, 2)
    bakery = _employer(BAKERY)
    assert bakery.id == typed.id and bakery.name == "Boulangerie (saisie)"
    assert bakery.enseigne == "LE FOURNIL DU PORT" and bakery.headcount_band is HeadcountBand.B11
    assert bakery.search_name == "boulangerie saisie le fournil du port saint nazaire"
    assert bakery.version == versions[BAKERY]  # filled at the first import, nothing new since
    electrician = _employer(ELECTRICIAN)
    assert electrician.name == "Élec (corrigé)" and electrician.headcount_band is HeadcountBand.B12
    assert electrician.search_name == "elec corrige saint nazaire"
    assert electrician.version == versions[ELECTRICIAN] + 1
    garage = _employer(GARAGE)
    assert garage.name == "GARAGE DE L'OCEAN" and garage.street == "1 rue Ancienne"
    assert garage.search_name == "garage de l ocean pornichet" and garage.version == versions[GARAGE] + 1


def _indexes_and_foreign_keys() -> set[tuple[str, str]]:
    indexes = db.session.execute(sa.text("SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'employers'"))
    foreign_keys = db.session.execute(
        sa.text(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint"
            " WHERE conrelid = CAST('employers' AS regclass) AND contype = 'f'"
        )
    )
    return {tuple(row) for row in [*indexes, *foreign_keys]}


@pytest.mark.postgresql_only
def test_a_first_load_builds_the_indexes_and_checks_the_foreign_keys_once_after_the_insert(monkeypatch, count_queries):
    monkeypatch.setattr(staging, "REBUILD_FROM_ROWS", 1)
    db.session.execute(sa.text("ANALYZE employers"))  # the register is empty
    before = _indexes_and_foreign_keys()
    with count_queries() as statements:
        report = import_sirene("5219", ESTABLISHMENTS, LEGAL_UNITS)
    assert report.created == 4
    # Counted where they are inserted: their ids fetched into Python took 0.56 s of 8 at 237,638 rows.
    assert any(
        " ".join(statement.split()).startswith("WITH inserted AS (INSERT INTO employers") for statement in statements
    )
    assert any(statement.startswith("DROP INDEX") for statement in statements)
    assert any("ADD CONSTRAINT" in statement for statement in statements)
    assert _indexes_and_foreign_keys() == before
    # The rebuilt trigram index answers a typo.
    found = db.session.scalars(
        sa.select(Employer.siret).where(sa.literal("boulangrie").op("<%")(Employer.search_name))
    ).all()
    assert BAKERY in found


@pytest.mark.postgresql_only
def test_an_import_smaller_than_the_register_keeps_its_indexes(monkeypatch, count_queries):
    monkeypatch.setattr(staging, "REBUILD_FROM_ROWS", 1)
    EmployerFactory.create_batch(5)
    db.session.flush()
    db.session.execute(sa.text("ANALYZE employers"))  # 5 employers; the file brings 4
    with count_queries() as statements:
        import_sirene("5219", ESTABLISHMENTS, LEGAL_UNITS)
    assert not any(statement.startswith(("DROP INDEX", "ALTER TABLE")) for statement in statements)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Employer)) == 9


@pytest.mark.postgresql_only
def test_a_first_load_that_fails_leaves_the_indexes_and_foreign_keys_in_place():
    before = _indexes_and_foreign_keys()
    connection = db.session.connection()
    with (
        pytest.raises(RuntimeError),
        connection.begin_nested(),  # the import's transaction
        staging._indexes_built_after(connection, new_rows=10**9),
    ):
        assert _indexes_and_foreign_keys() < before
        raise RuntimeError("the insert failed")
    assert _indexes_and_foreign_keys() == before

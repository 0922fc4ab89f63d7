"""A SIRENE import keeps every valid NAF rév. 2 code, and the NAF 2025 code when the file has one."""

import sqlalchemy as sa

from app.employers.models import Employer
from app.employers.sirene import import_sirene
from app.extensions import db
from tests.factories import UserFactory, make_siret

HEADER = (
    "siren,nic,siret,etatAdministratifEtablissement,codeCommuneEtablissement,activitePrincipaleEtablissement,"
    "trancheEffectifsEtablissement,enseigne1Etablissement,denominationUsuelleEtablissement"
)


def _write(tmp_path, rows: list[tuple[str, str]], naf25: list[str] | None = None):
    header = HEADER + (",activitePrincipaleNAF25Etablissement" if naf25 is not None else "")
    lines = [header]
    for position, (naf, name) in enumerate(rows):
        siret = make_siret()
        line = f"{siret[:9]},{siret[9:]},{siret},A,44184,{naf},11,{name},"
        if naf25 is not None:
            line += f",{naf25[position]}"
        lines.append(line)
    path = tmp_path / "StockEtablissement.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _naf_by_name() -> dict[str, tuple[str | None, str | None]]:
    return {e.name: (e.naf_code, e.naf25_code) for e in db.session.scalars(sa.select(Employer))}


def test_real_codes_missing_from_the_old_short_list_are_kept(tmp_path):
    path = _write(tmp_path, [("47.11F", "HYPER DU PORT"), ("86.23Z", "CABINET DENTAIRE"), ("99.99Z", "INVENTE")])
    report = import_sirene("5219", path)
    assert report.created == 3 and report.naf_left_empty == 1
    stored = _naf_by_name()
    assert stored["HYPER DU PORT"][0] == "47.11F"
    assert stored["CABINET DENTAIRE"][0] == "86.23Z"
    assert stored["INVENTE"][0] is None


def test_a_division_or_a_class_is_no_establishment_activity(tmp_path):
    path = _write(tmp_path, [("47", "DIVISION"), ("47.11", "CLASSE"), ("G", "SECTION")])
    report = import_sirene("5219", path)
    assert report.created == 3 and report.naf_left_empty == 3
    assert {naf for naf, _ in _naf_by_name().values()} == {None}


def test_the_naf_2025_code_is_kept_when_the_file_carries_it(tmp_path):
    path = _write(
        tmp_path,
        [("47.11F", "HYPER DU PORT"), ("86.23Z", "CABINET DENTAIRE"), ("56.10A", "SANS NAF 2025")],
        naf25=["47.11Y", "86.23Y", ""],
    )
    import_sirene("5219", path)
    stored = _naf_by_name()
    assert stored["HYPER DU PORT"] == ("47.11F", "47.11Y")
    assert stored["CABINET DENTAIRE"] == ("86.23Z", "86.23Y")
    assert stored["SANS NAF 2025"] == ("56.10A", None)


def test_a_malformed_naf_2025_code_is_left_empty(tmp_path):
    path = _write(tmp_path, [("47.11F", "HYPER DU PORT")], naf25=["<script>"])
    report = import_sirene("5219", path)
    assert report.created == 1
    assert _naf_by_name()["HYPER DU PORT"] == ("47.11F", None)


def test_a_file_without_the_naf_2025_column_leaves_it_empty(tmp_path):
    import_sirene("5219", _write(tmp_path, [("47.11F", "HYPER DU PORT")]))
    assert _naf_by_name()["HYPER DU PORT"] == ("47.11F", None)


def test_the_employer_page_shows_the_naf_2025_code_when_present(tmp_path, client, login):
    import_sirene("5219", _write(tmp_path, [("47.11F", "HYPER DU PORT"), ("86.23Z", "CABINET")], naf25=["47.11Y", ""]))
    stored = {e.name: e for e in db.session.scalars(sa.select(Employer))}
    login(UserFactory())
    page = client.get(f"/entreprises/{stored['HYPER DU PORT'].url_key}").get_data(as_text=True)
    assert "47.11F — Hypermarchés" in page
    assert "NAF 2025" in page and "47.11Y" in page
    assert "NAF 2025" not in client.get(f"/entreprises/{stored['CABINET'].url_key}").get_data(as_text=True)

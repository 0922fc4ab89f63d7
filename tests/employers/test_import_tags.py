"""Tags in the spreadsheet import: an « Étiquettes » column, and a tag for every line chosen on the form."""

import io

import pytest
import sqlalchemy as sa

from app.audit.models import AuditEvent
from app.employers.models import Employer, ImportRun, employer_tags
from app.employers.readers import ImportFileError
from app.employers.spreadsheet_import import import_spreadsheet
from app.extensions import db
from tests.factories import EmployerFactory, TagFactory, UserFactory, make_siret, seeded_basin


def _csv(*lines: str) -> io.BytesIO:
    return io.BytesIO("\n".join(lines).encode())


def _tag_codes(employer_id: int) -> set[str]:
    from app.employers.models import Tag

    return set(
        db.session.scalars(
            sa.select(Tag.code)
            .join(employer_tags, employer_tags.c.tag_id == Tag.id)
            .where(employer_tags.c.employer_id == employer_id)
        )
    )


def _by_name(name: str) -> Employer:
    return db.session.scalar(sa.select(Employer).where(Employer.name == name))


def test_tags_column_by_label_or_code_adds_to_what_the_employer_carries():
    growing = TagFactory(code="croissance_test", label="En croissance (test)")
    region = TagFactory(code="region_dev", label="Entreprises en développement")
    kept = TagFactory()
    existing = EmployerFactory(name="Déjà étiquetée", tags=[kept])
    without_siret = EmployerFactory(name="Atelier sans numéro", siret=None, siren=None)
    new_siret = make_siret()
    report = import_spreadsheet(
        UserFactory(),
        _csv(
            "SIRET;Raison sociale;Code commune INSEE;Étiquettes",
            f'{new_siret};Nouvelle SAS;44184;"en croissance (TEST) ; region_dev"',  # quoted: the file's separator
            f"{existing.siret};Déjà étiquetée;44184;Entreprises en développement",
            ";Atelier sans numéro;44184;croissance_test",
            ";Association créée;44184;croissance_test,region_dev",
            ";Sans étiquette;44184;",
        ),
        "region.csv",
    )
    assert report.rejected == [] and report.created == 3
    assert _tag_codes(_by_name("Nouvelle SAS").id) == {growing.code, region.code}
    assert _tag_codes(existing.id) == {kept.code, region.code}  # added, not replaced
    assert _tag_codes(without_siret.id) == {growing.code}
    assert _tag_codes(_by_name("Association créée").id) == {growing.code, region.code}
    assert _tag_codes(_by_name("Sans étiquette").id) == set()
    assert report.tagged == 6 and "Étiquettes posées : 6" in report.summary_lines()
    # One audit event per tag: who, which tag, how many employers, which file.
    events = db.session.scalars(
        sa.select(AuditEvent).where(
            AuditEvent.entity_type == "Tag", AuditEvent.entity_id == str(region.id), AuditEvent.action == "update"
        )
    ).all()
    assert [event.changes for event in events] == [
        {"bulk": "add", "tag": "region_dev", "employers": 3, "import": "region.csv"}
    ]
    # Imported again: nothing new, and the report says so.
    again = import_spreadsheet(
        UserFactory(),
        _csv("SIRET;Raison sociale;Code commune INSEE;Tags", f"{new_siret};Nouvelle SAS;44184;region_dev"),
        "region.csv",
    )
    assert again.tagged == 0 and again.changed_nothing


def test_unknown_or_archived_tag_rejects_its_line_with_its_number():
    TagFactory(code="connue", label="Connue")
    archived = TagFactory(label="Plus proposée", archived=True)
    report = import_spreadsheet(
        UserFactory(),
        _csv(
            "Raison sociale;Commune;etiquettes",
            "Bonne ligne;Saint-Nazaire;Connue",
            'Étiquette inventée;Saint-Nazaire;"Connue; Entreprises vertes"',
            "Étiquette archivée;Saint-Nazaire;Plus proposée",
        ),
        "liste.csv",
    )
    assert report.created == 1 and _by_name("Étiquette inventée") is None and _by_name("Étiquette archivée") is None
    reasons = {rejection.line: rejection.reason for rejection in report.rejected}
    assert set(reasons) == {3, 4}
    assert "étiquette inconnue « Entreprises vertes »" in reasons[3] and "administrateur" in reasons[3]
    assert reasons[4] == f"étiquette archivée « {archived.label} »"


def test_a_tag_for_every_line_loads_the_regions_list_in_one_go():
    region = TagFactory(label="Entreprises en développement")
    other = TagFactory(code="autre_test")
    existing = EmployerFactory()
    report = import_spreadsheet(
        UserFactory(),
        _csv(
            "SIRET;Raison sociale;Code commune INSEE;Étiquettes",
            f"{existing.siret};{existing.name};44184;",
            f"{make_siret()};Scierie du Port;44184;autre_test",
            ";Hors de mes bassins;53130;",
        ),
        "region.xlsx.csv",
        tag=region,
    )
    assert _tag_codes(existing.id) == {region.code}
    assert _tag_codes(_by_name("Scierie du Port").id) == {region.code, other.code}
    assert [rejection.line for rejection in report.rejected] == [4]


def test_an_existing_employer_of_another_basin_is_not_tagged():
    region = TagFactory()
    laval = EmployerFactory(basin=seeded_basin("5211"), commune_insee="53130", commune_name="Laval")
    user = UserFactory(basins=[seeded_basin("5219")])
    # Its SIRET named with a commune of the user's basin: the upsert finds it, the tagging leaves it.
    import_spreadsheet(
        user, _csv("SIRET;Raison sociale;Code commune INSEE", f"{laval.siret};X;44184"), "f.csv", tag=region
    )
    assert _tag_codes(laval.id) == set()


def test_an_archived_tag_for_every_line_stops_the_import():
    with pytest.raises(ImportFileError, match="archivée"):
        import_spreadsheet(
            UserFactory(), _csv("Raison sociale;Commune", "A;Saint-Nazaire"), "f.csv", tag=TagFactory(archived=True)
        )


def test_import_page_offers_active_tags_and_the_run_applies_the_chosen_one(client, login, post):
    region = TagFactory(label="Liste Région")
    archived = TagFactory(label="Liste archivée", archived=True)
    login(UserFactory(lead=True))
    page = client.get("/entreprises/import").get_data(as_text=True)
    assert "Étiquettes" in page and "Liste Région" in page and "Liste archivée" not in page
    data = {"file": (io.BytesIO("Raison sociale;Code commune INSEE\nCafé Région;44184\n".encode()), "liste.csv")}
    response = post("/entreprises/import", {**data, "tag": region.id}, content_type="multipart/form-data")
    assert response.status_code == 302
    run = db.session.scalar(sa.select(ImportRun).order_by(ImportRun.id.desc()))
    assert run.tag_id == region.id
    assert _tag_codes(_by_name("Café Région").id) == {region.code}
    refused = post(
        "/entreprises/import",
        {"file": (io.BytesIO(b"Raison sociale;Code commune INSEE\nRefus;44184\n"), "liste.csv"), "tag": archived.id},
        content_type="multipart/form-data",
    )
    assert refused.status_code == 400 and "pas un choix valide" in refused.get_data(as_text=True)
    assert _by_name("Refus") is None

"""The map of France: every commune with its EPCI, département and région, named."""

import pytest
import sqlalchemy as sa

from app.employers.services import EmployerData, EmployerError, create_employer
from app.extensions import db
from app.leads.services import likeliest_commune
from app.referential.models import Basin, Commune, Departement, Epci, Region
from app.timeutils import today_paris
from tests.factories import UserFactory, seeded_basin


def _count(model, *where):
    return db.session.scalar(sa.select(sa.func.count()).select_from(model).where(*where))


def test_every_commune_of_france_is_loaded_with_its_epci_departement_and_region():
    assert _count(Commune) == 35_014  # 34,969 current communes and 45 arrondissements of Paris, Lyon, Marseille
    assert _count(Departement) == 109 and _count(Region) == 26 and _count(Epci) == 1_255
    assert _count(Commune, Commune.departement_code.is_(None)) == 0
    brest = db.session.get(Commune, "29019")
    assert (brest.name, brest.departement.name, brest.departement.region.name) == ("Brest", "Finistère", "Bretagne")
    assert brest.epci.name == "Brest Métropole" and brest.basin is None
    # SIRENE gives a Paris establishment its arrondissement: it is a commune here, in the Métropole du Grand Paris.
    eighth = db.session.get(Commune, "75108")
    assert eighth.departement_code == "75" and eighth.epci.name == "Métropole du Grand Paris"


def test_a_basin_shows_the_names_of_its_departement_and_region():
    basin = seeded_basin("5219")
    assert (basin.departement.name, basin.region.name) == ("Loire-Atlantique", "Pays de la Loire")


def test_the_database_refuses_a_basin_in_an_unknown_departement():
    db.session.add(Basin(code="X1", name="Nulle part", departement_code="00", region_code="52"))
    with pytest.raises(sa.exc.IntegrityError):
        db.session.flush()
    db.session.rollback()


def test_a_commune_name_found_in_two_departements_is_the_one_of_a_basin():
    # Changé is a commune of Mayenne (Laval basin) and of Sarthe, which is the more populated.
    assert likeliest_commune("change").insee_code == db.session.scalar(
        sa.select(Commune.insee_code).where(Commune.name == "Changé", Commune.departement_code == "53")
    )
    assert likeliest_commune("BREST").insee_code == "29019"
    assert likeliest_commune("29200").insee_code == "29019"


def _employer_in(insee_code: str) -> EmployerData:
    return EmployerData(name="Boulangerie du Port", commune_insee=insee_code)


def test_an_employer_in_a_commune_of_no_basin_is_refused_with_its_name():
    admin = UserFactory(admin=True)
    with pytest.raises(EmployerError, match="La commune Brest n'appartient à aucun bassin"):
        create_employer(admin, _employer_in("29019"))
    with pytest.raises(EmployerError, match="Commune inconnue"):
        create_employer(admin, _employer_in("99999"))


def test_a_closed_basin_takes_no_new_employer():
    seeded_basin("5219").closed_on = today_paris()
    with pytest.raises(EmployerError, match="Le bassin de Saint-Nazaire est fermé"):
        create_employer(UserFactory(admin=True), _employer_in("44184"))

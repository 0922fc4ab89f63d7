"""A privileged contact's copy of its employer's basin (read by the dashboard) follows the employer."""

import sqlalchemy as sa

from app.assignments.models import Assignment
from app.employers.services import EmployerData, merge_employers, update_employer
from app.extensions import db
from tests.factories import AssignmentFactory, CommuneFactory, EmployerFactory, UserFactory, seeded_basin


def _basins_of(employer_id: int) -> set[int]:
    db.session.expire_all()
    return set(db.session.scalars(sa.select(Assignment.basin_id).where(Assignment.employer_id == employer_id)))


def test_a_privileged_contact_takes_its_employers_basin():
    assert AssignmentFactory().basin_id == seeded_basin().id
    other = EmployerFactory(basin=CommuneFactory().basin)
    assert AssignmentFactory(employer=other).basin_id == other.basin_id != seeded_basin().id


def test_privileged_contacts_follow_their_employer_to_another_basin():
    employer = EmployerFactory()
    AssignmentFactory(employer=employer)
    elsewhere = CommuneFactory()
    data = EmployerData(name=employer.name, commune_insee=elsewhere.insee_code, siret=employer.siret)
    update_employer(UserFactory(admin=True), employer, data, employer.version)
    assert _basins_of(employer.id) == {elsewhere.basin_id}


def test_a_merged_privileged_contact_takes_the_kept_employers_basin():
    kept = EmployerFactory(basin=CommuneFactory().basin)
    merged = EmployerFactory(siret=None, siren=None)
    AssignmentFactory(employer=merged)
    merge_employers(UserFactory(admin=True), kept, merged, "Même entreprise")
    assert _basins_of(kept.id) == {kept.basin_id}

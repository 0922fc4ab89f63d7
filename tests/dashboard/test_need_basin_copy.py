"""A need's copy of its employer's basin (read by the dashboard) stays right whatever happens to the employer."""

import sqlalchemy as sa

from app.employers.services import EmployerData, merge_employers, update_employer
from app.extensions import db
from app.needs.enums import ContractType
from app.needs.models import RecruitmentNeed
from app.needs.services import create_need
from tests.factories import CommuneFactory, EmployerFactory, RecruitmentNeedFactory, UserFactory, seeded_basin


def _basins_of(employer_id: int) -> set[int]:
    db.session.expire_all()
    return set(
        db.session.scalars(sa.select(RecruitmentNeed.basin_id).where(RecruitmentNeed.employer_id == employer_id))
    )


def test_a_new_need_takes_its_employers_basin():
    need = create_need(employer=EmployerFactory(), title="Cariste", contract=ContractType.CDI, author=UserFactory())
    db.session.flush()
    assert need.basin_id == seeded_basin().id
    other = EmployerFactory(basin=CommuneFactory().basin)
    assert RecruitmentNeedFactory(employer=other).basin_id == other.basin_id != seeded_basin().id


def test_a_need_given_to_another_employer_takes_its_basin():
    need = RecruitmentNeedFactory()
    other = EmployerFactory(basin=CommuneFactory().basin)
    need.employer = other
    db.session.flush()
    assert _basins_of(other.id) == {other.basin_id}


def test_needs_follow_their_employer_to_another_basin():
    employer = EmployerFactory()
    RecruitmentNeedFactory.create_batch(2, employer=employer)
    elsewhere = CommuneFactory()
    data = EmployerData(name=employer.name, commune_insee=elsewhere.insee_code, siret=employer.siret)
    update_employer(UserFactory(admin=True), employer, data, employer.version)
    assert _basins_of(employer.id) == {elsewhere.basin_id}


def test_merged_needs_take_the_kept_employers_basin():
    kept = EmployerFactory(basin=CommuneFactory().basin)
    merged = EmployerFactory(siret=None, siren=None)
    RecruitmentNeedFactory(employer=merged)
    RecruitmentNeedFactory(employer=kept)
    merge_employers(UserFactory(admin=True), kept, merged, "Même entreprise")
    assert _basins_of(kept.id) == {kept.basin_id}
    assert db.session.scalar(sa.select(sa.func.count()).select_from(RecruitmentNeed)) == 2

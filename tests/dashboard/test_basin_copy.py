"""A contact's copy of its employer's basin (read by the dashboard) stays right whatever happens to the employer."""

import sqlalchemy as sa

from app.activity.enums import Channel
from app.activity.models import Interaction
from app.activity.services import ContactLog, log_interaction
from app.employers.services import EmployerData, merge_employers, update_employer
from app.extensions import db
from app.timeutils import today_paris
from tests.factories import CommuneFactory, EmployerFactory, InteractionFactory, UserFactory, seeded_basin


def _basins_of(employer_id: int) -> set[int]:
    db.session.expire_all()
    return set(db.session.scalars(sa.select(Interaction.basin_id).where(Interaction.employer_id == employer_id)))


def test_a_logged_contact_takes_its_employers_basin():
    employer = EmployerFactory()
    log = ContactLog(occurred_on=today_paris(), channel=Channel.PHONE, subject="Appel")
    interaction = log_interaction(UserFactory(), employer, log)
    assert interaction.basin_id == seeded_basin().id
    other = EmployerFactory(basin=CommuneFactory().basin)
    assert InteractionFactory(employer=other).basin_id == other.basin_id != seeded_basin().id


def test_contacts_follow_their_employer_to_another_basin():
    employer = EmployerFactory()
    InteractionFactory.create_batch(2, employer=employer)
    elsewhere = CommuneFactory()
    data = EmployerData(name=employer.name, commune_insee=elsewhere.insee_code, siret=employer.siret)
    update_employer(UserFactory(admin=True), employer, data, employer.version)
    assert _basins_of(employer.id) == {elsewhere.basin_id}


def test_merged_contacts_take_the_kept_employers_basin():
    kept = EmployerFactory(basin=CommuneFactory().basin)
    merged = EmployerFactory(siret=None, siren=None)
    InteractionFactory(employer=merged)
    InteractionFactory(employer=kept)
    merge_employers(UserFactory(admin=True), kept, merged, "Même entreprise")
    assert _basins_of(kept.id) == {kept.basin_id}
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Interaction)) == 2

"""A commune moved to another basin takes its employers along, with the basin copies on their rows."""

import sqlalchemy as sa

from app.activity.models import Interaction
from app.assignments.models import Assignment
from app.audit.models import AuditEvent
from app.employers.models import Employer
from app.extensions import db
from app.needs.models import RecruitmentNeed
from app.referential.basins import add_communes
from tests.factories import (
    AssignmentFactory,
    BasinFactory,
    EmployerFactory,
    InteractionFactory,
    RecruitmentNeedFactory,
    UserFactory,
    seeded_basin,
)


def _basins(model, employer) -> set[int]:
    return set(db.session.scalars(sa.select(model.basin_id).where(model.employer_id == employer.id)))


def _employer_with_rows(commune_insee: str) -> Employer:
    employer = EmployerFactory(commune_insee=commune_insee)
    InteractionFactory(employer=employer)
    RecruitmentNeedFactory(employer=employer)
    AssignmentFactory(employer=employer)
    return employer


def test_moving_a_commune_moves_its_employers_and_their_rows_and_nothing_else(post, login):
    saint_nazaire, new_basin = seeded_basin(), BasinFactory()
    moving = [_employer_with_rows("44184"), _employer_with_rows("44184")]
    staying = _employer_with_rows("44052")  # Donges: same basin, another commune
    laval_employer = _employer_with_rows("53130")  # another basin altogether
    laval_employer.basin = seeded_basin("5211")
    db.session.flush()
    versions = {employer.id: employer.version for employer in moving}
    admin = UserFactory(admin=True)
    login(admin)
    response = post(
        f"/administration/bassins/{new_basin.id}/communes/commune",
        {"commune-value": "44184", "commune-move_others": "y"},
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:800]
    db.session.expire_all()
    for employer in moving:
        assert employer.basin_id == new_basin.id
        assert employer.version == versions[employer.id] + 1  # an edit form opened before gets its conflict
        for model in (Interaction, RecruitmentNeed, Assignment):
            assert _basins(model, employer) == {new_basin.id}, model.__name__
    for employer, basin in ((staying, saint_nazaire), (laval_employer, seeded_basin("5211"))):
        assert employer.basin_id == basin.id
        for model in (Interaction, RecruitmentNeed, Assignment):
            assert _basins(model, employer) == {basin.id}, model.__name__
    event = db.session.scalar(
        sa.select(AuditEvent).where(AuditEvent.entity_type == "Commune", AuditEvent.entity_id == "44184")
    )
    assert event.changes == {"basin": [saint_nazaire.code, new_basin.code], "employers_moved": 2}
    assert event.actor_id == admin.id


def test_a_commune_left_in_its_basin_keeps_its_employers():
    saint_nazaire, new_basin = seeded_basin(), BasinFactory()
    employer = _employer_with_rows("44184")
    report = add_communes(new_basin, ["44184"], move_others=False)
    assert (report.left_elsewhere, report.employers_moved) == (1, 0)
    db.session.expire_all()
    assert employer.basin_id == saint_nazaire.id and _basins(Interaction, employer) == {saint_nazaire.id}


def test_moving_a_whole_epci_runs_a_few_statements_not_one_per_employer(count_queries):
    new_basin = BasinFactory()
    for insee_code in ("44184", "44052", "44013"):
        EmployerFactory.create_batch(3, commune_insee=insee_code)
    with count_queries() as statements:
        report = add_communes(new_basin, ["44184", "44052", "44013", "44030"], move_others=True)
    assert (report.moved, report.employers_moved) == (4, 9)
    assert len(statements) < 15, statements

"""Who sourced the hire: each operator's candidates on a need, and rule 9 (hires ≤ positions filled)."""

from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from app.extensions import db
from app.needs.enums import NeedStatus
from app.needs.services import NeedConflict, NeedError, close_need, record_hires, reopen_need
from app.needs.sourcing import NeedSourcing, record_sourcing, sourced_hires, sourcing_operators
from app.referential.enums import OperatorKind
from tests.factories import (
    NeedSourcingFactory,
    OperatorFactory,
    RecruitmentNeedFactory,
    UserFactory,
    seeded_basin,
)

NOW = datetime(2026, 11, 22, 10, 0, tzinfo=UTC)


@pytest.fixture
def basin():
    return seeded_basin("5219")


@pytest.fixture
def france_travail(basin):
    return OperatorFactory(name="Agence test du port", basins=[basin])


@pytest.fixture
def mission_locale(basin):
    return OperatorFactory(name="Mission locale test", kind=OperatorKind.MISSION_LOCALE, basins=[basin])


@pytest.fixture
def need(basin, travel):
    travel(NOW)
    return RecruitmentNeedFactory(employer__basin=basin, title="Soudeur", positions=3, identified_on=date(2026, 11, 1))


def _counts(need):
    rows = db.session.execute(
        sa.select(NeedSourcing.operator_id, NeedSourcing.proposed, NeedSourcing.interviewed, NeedSourcing.hired)
        .where(NeedSourcing.need_id == need.id)
        .order_by(NeedSourcing.operator_id)
    )
    return [tuple(row) for row in rows]


def test_an_adviser_enters_and_corrects_the_counts_of_their_operator(need, france_travail):
    adviser = UserFactory(operator=france_travail, basins=[need.employer.basin])
    assert sourcing_operators(need, adviser) == [france_travail]
    first = record_sourcing(need, france_travail, author=adviser, proposed=5, interviewed=3, hired=1)
    assert first.version == 1
    record_sourcing(need, france_travail, author=adviser, proposed=6, interviewed=4, hired=2, expected_version=1)
    assert _counts(need) == [(france_travail.id, 6, 4, 2)]
    assert first.version == 2 and first.updated_by_id == adviser.id


def test_an_adviser_may_not_enter_another_operators_counts(need, france_travail, mission_locale):
    adviser = UserFactory(operator=mission_locale, basins=[need.employer.basin])
    with pytest.raises(NeedError, match="votre opérateur"):
        record_sourcing(need, france_travail, author=adviser, proposed=1, interviewed=0, hired=0)
    assert _counts(need) == []


def test_a_lead_enters_any_operator_serving_the_basin(need, france_travail, mission_locale):
    other_basin_operator = OperatorFactory(name="Cap emploi ailleurs", basins=[seeded_basin("5211")])
    lead = UserFactory(lead=True, operator=france_travail, basins=[need.employer.basin])
    operators = sourcing_operators(need, lead)
    assert france_travail in operators and mission_locale in operators
    assert other_basin_operator not in operators
    record_sourcing(need, mission_locale, author=lead, proposed=2, interviewed=2, hired=1)
    assert _counts(need) == [(mission_locale.id, 2, 2, 1)]
    # A manager reads the counts but enters none.
    assert sourcing_operators(need, UserFactory(manager=True)) == []


@pytest.mark.parametrize(
    ("proposed", "interviewed", "hired"),
    [(1, 2, 0), (2, 1, 2), (-1, 0, 0), (0, 0, -1), (10000, 0, 0)],
)
def test_counts_must_narrow_from_proposed_to_hired(need, france_travail, proposed, interviewed, hired):
    lead = UserFactory(lead=True, basins=[need.employer.basin])
    with pytest.raises(NeedError, match="ne peuvent dépasser"):
        record_sourcing(need, france_travail, author=lead, proposed=proposed, interviewed=interviewed, hired=hired)
    assert _counts(need) == []


@pytest.mark.parametrize(
    ("proposed", "interviewed", "hired"),
    [(1, 2, 0), (2, 1, 2), (0, 0, -1)],
)
def test_the_database_holds_the_counts_too(need, france_travail, proposed, interviewed, hired):
    with pytest.raises(IntegrityError), db.session.begin_nested():
        db.session.add(
            NeedSourcing(
                need_id=need.id, operator_id=france_travail.id, proposed=proposed, interviewed=interviewed, hired=hired
            )
        )
        db.session.flush()


def test_one_row_per_need_and_operator_in_the_database(need, france_travail):
    NeedSourcingFactory(need=need, operator=france_travail)
    with pytest.raises(IntegrityError), db.session.begin_nested():
        NeedSourcingFactory(need=need, operator=france_travail)


def test_a_stale_version_is_a_conflict(need, france_travail):
    lead = UserFactory(lead=True, basins=[need.employer.basin])
    record_sourcing(need, france_travail, author=lead, proposed=2, interviewed=1, hired=0, expected_version=0)
    with pytest.raises(NeedConflict):
        # Built before the first entry (version 0), sent after it.
        record_sourcing(need, france_travail, author=lead, proposed=4, interviewed=1, hired=0, expected_version=0)
    assert _counts(need) == [(france_travail.id, 2, 1, 0)]


def test_hires_of_all_operators_fit_in_the_positions_of_an_open_need(need, france_travail, mission_locale):
    lead = UserFactory(lead=True, basins=[need.employer.basin])
    record_sourcing(need, france_travail, author=lead, proposed=4, interviewed=3, hired=2)
    with pytest.raises(NeedError, match="4 embauches pour un besoin qui compte 3 postes"):
        record_sourcing(need, mission_locale, author=lead, proposed=2, interviewed=2, hired=2)
    record_sourcing(need, mission_locale, author=lead, proposed=2, interviewed=2, hired=1)
    assert sourced_hires(need.id) == 3


def test_hires_of_a_closed_need_fit_in_its_positions_filled(need, france_travail):
    lead = UserFactory(lead=True, basins=[need.employer.basin])
    close_need(need, NeedStatus.FILLED, author=lead, positions_filled=1, closed_on=date(2026, 11, 20))
    with pytest.raises(NeedError, match="2 embauches pour un besoin qui compte 1 poste pourvu"):
        record_sourcing(need, france_travail, author=lead, proposed=3, interviewed=2, hired=2)
    record_sourcing(need, france_travail, author=lead, proposed=3, interviewed=2, hired=1)
    assert sourced_hires(need.id) == 1


def test_closing_with_fewer_positions_filled_than_declared_hires_is_refused(need, france_travail, mission_locale):
    lead = UserFactory(lead=True, basins=[need.employer.basin])
    record_sourcing(need, france_travail, author=lead, proposed=3, interviewed=2, hired=1)
    record_sourcing(need, mission_locale, author=lead, proposed=3, interviewed=2, hired=1)
    with pytest.raises(NeedError, match="déclaré 2 embauches"):
        close_need(need, NeedStatus.FILLED, author=lead, positions_filled=1)
    with pytest.raises(NeedError, match="déclaré 2 embauches"):
        close_need(need, NeedStatus.CANCELLED, author=lead, reason="L'employeur renonce")
    assert need.status is NeedStatus.IDENTIFIED
    close_need(need, NeedStatus.FILLED, author=lead, positions_filled=2)
    assert need.status is NeedStatus.FILLED


def test_reopening_keeps_the_counts_and_event_hires_still_close_the_need(need, france_travail):
    lead = UserFactory(lead=True, basins=[need.employer.basin])
    record_sourcing(need, france_travail, author=lead, proposed=3, interviewed=3, hired=3)
    close_need(need, NeedStatus.FILLED, author=lead, positions_filled=3)
    reopen_need(need, author=lead)
    assert _counts(need) == [(france_travail.id, 3, 3, 3)] and need.positions_filled == 0
    record_hires(need, 2, author=lead, hired_on=date(2026, 11, 21))
    with pytest.raises(NeedError, match="déclaré 3 embauches"):
        close_need(need, NeedStatus.NOT_FILLED, author=lead, positions_filled=2, reason="Fin de saison")
    record_hires(need, 1, author=lead, hired_on=date(2026, 11, 21))
    assert need.status is NeedStatus.FILLED and need.positions_filled == 3


# --- On the need page --------------------------------------------------------------------


def _form(operator, version=0, **counts):
    return {"operator_id": str(operator.id), "version": str(version), **{k: str(v) for k, v in counts.items()}}


def test_the_adviser_sees_a_form_for_their_operator_only(client, login, need, france_travail, mission_locale):
    NeedSourcingFactory(need=need, operator=mission_locale, proposed=4, interviewed=2, hired=1)
    login(UserFactory(operator=france_travail, basins=[need.employer.basin]))
    page = client.get(f"/besoins/{need.id}").get_data(as_text=True)
    assert "Candidats par opérateur" in page and "Mission locale test" in page
    assert f'data-testid="sourcing-form-{france_travail.id}"' in page
    assert f'data-testid="sourcing-form-{mission_locale.id}"' not in page


def test_the_adviser_records_their_operators_counts(client, post, login, need, france_travail):
    adviser = UserFactory(operator=france_travail, basins=[need.employer.basin])
    login(adviser)
    response = post(f"/besoins/{need.id}/candidats", _form(france_travail, proposed=5, interviewed=2, hired=1))
    assert response.status_code == 302
    assert _counts(need) == [(france_travail.id, 5, 2, 1)]
    assert "Candidats de Agence test du port enregistrés" in client.get(response.location).get_data(as_text=True)


def test_an_adviser_posting_for_another_operator_is_refused(client, post, login, need, france_travail, mission_locale):
    login(UserFactory(operator=mission_locale, basins=[need.employer.basin]))
    response = post(f"/besoins/{need.id}/candidats", _form(france_travail, proposed=5, interviewed=2, hired=1))
    assert response.status_code == 403
    assert "les candidats de votre opérateur" in response.get_data(as_text=True)
    assert _counts(need) == []


def test_the_lead_records_any_operator(client, post, login, need, mission_locale):
    login(UserFactory(lead=True, basins=[need.employer.basin]))
    response = post(f"/besoins/{need.id}/candidats", _form(mission_locale, proposed=3, interviewed=3, hired=2))
    assert response.status_code == 302 and _counts(need) == [(mission_locale.id, 3, 3, 2)]


def test_an_adviser_of_another_basin_cannot_reach_the_need(client, post, login, need, france_travail):
    login(UserFactory(operator=france_travail, basins=[seeded_basin("5211")]))
    response = post(f"/besoins/{need.id}/candidats", _form(france_travail, proposed=1, interviewed=0, hired=0))
    assert response.status_code == 404 and _counts(need) == []


@pytest.mark.parametrize(
    ("counts", "message"),
    [
        ({"proposed": 1, "interviewed": 2, "hired": 0}, "ne peuvent dépasser"),
        ({"proposed": 9, "interviewed": 9, "hired": 4}, "4 embauches pour un besoin qui compte 3 postes"),
        ({"proposed": "", "interviewed": 0, "hired": 0}, "Ce champ est obligatoire."),
        ({"proposed": "-3", "interviewed": 0, "hired": 0}, "Entre 0 et 9 999."),
        ({"proposed": "deux", "interviewed": 0, "hired": 0}, "entier valide"),
    ],
)
def test_bad_counts_are_a_400_in_french_and_change_nothing(client, post, login, need, france_travail, counts, message):
    login(UserFactory(operator=france_travail, basins=[need.employer.basin]))
    response = post(f"/besoins/{need.id}/candidats", _form(france_travail, **counts))
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert _counts(need) == []


def test_a_stale_form_is_a_409(client, post, login, need, france_travail):
    NeedSourcingFactory(need=need, operator=france_travail, proposed=2, interviewed=1, hired=0)
    login(UserFactory(operator=france_travail, basins=[need.employer.basin]))
    response = post(
        f"/besoins/{need.id}/candidats", _form(france_travail, version=0, proposed=3, interviewed=1, hired=0)
    )
    assert response.status_code == 409
    assert _counts(need) == [(france_travail.id, 2, 1, 0)]


def test_a_manager_reads_the_counts_and_may_not_post(client, post, login, need, france_travail):
    NeedSourcingFactory(need=need, operator=france_travail, proposed=2, interviewed=1, hired=1)
    login(UserFactory(manager=True, basins=[need.employer.basin]))
    page = client.get(f"/besoins/{need.id}").get_data(as_text=True)
    assert "Agence test du port" in page and "sourcing-form-" not in page
    response = post(
        f"/besoins/{need.id}/candidats", _form(france_travail, version=1, proposed=0, interviewed=0, hired=0)
    )
    assert response.status_code == 403 and _counts(need) == [(france_travail.id, 2, 1, 1)]

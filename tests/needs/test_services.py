from datetime import UTC, date, datetime

import pytest

from app.extensions import db
from app.needs.enums import ContractType, NeedStatus
from app.needs.services import (
    NeedConflict,
    NeedError,
    close_need,
    create_need,
    move_need,
    record_satisfaction,
    reopen_need,
    stage_spans,
    update_need,
)
from tests.factories import AssignmentFactory, EmployerFactory, UserFactory

NOW = datetime(2026, 11, 22, 10, 0, tzinfo=UTC)


@pytest.fixture
def adviser():
    return UserFactory()


@pytest.fixture
def need(adviser, travel):
    travel(datetime(2026, 11, 1, 9, 0, tzinfo=UTC))
    need = create_need(
        employer=EmployerFactory(), title=" Cariste ", contract=ContractType.CDD, author=adviser, positions=3
    )
    db.session.flush()
    return need


def test_create_need_starts_identified_with_a_dated_history(need, adviser):
    assert need.title == "Cariste"
    assert need.status is NeedStatus.IDENTIFIED
    assert need.identified_on == date(2026, 11, 1)
    assert [(c.from_status, c.to_status, c.changed_by_id) for c in need.status_changes] == [
        (None, NeedStatus.IDENTIFIED, adviser.id)
    ]


def test_create_need_refuses_zero_positions(adviser):
    with pytest.raises(NeedError, match="au moins 1"):
        create_need(employer=EmployerFactory(), title="Cariste", contract=ContractType.CDI, author=adviser, positions=0)


def test_moves_are_dated_and_give_time_per_stage(need, adviser, travel):
    travel(datetime(2026, 11, 4, 9, 0, tzinfo=UTC))
    move_need(need, NeedStatus.QUALIFIED, author=adviser)
    travel(datetime(2026, 11, 14, 9, 0, tzinfo=UTC))
    move_need(need, NeedStatus.SOURCING, author=adviser)
    travel(NOW)
    spans = stage_spans(need)
    assert [(span.status, span.days) for span in spans] == [
        (NeedStatus.IDENTIFIED, 3),
        (NeedStatus.QUALIFIED, 10),
        (NeedStatus.SOURCING, 8),
    ]
    assert spans[-1].ended_at is None


def test_move_refuses_closing_stages_and_closed_needs(need, adviser):
    with pytest.raises(NeedError, match="pourvu, non pourvu ou annulé"):
        move_need(need, NeedStatus.FILLED, author=adviser)
    close_need(need, NeedStatus.CANCELLED, author=adviser, reason="Projet abandonné")
    with pytest.raises(NeedError, match="rouvrez-le"):
        move_need(need, NeedStatus.SOURCING, author=adviser)


def test_stale_version_is_a_conflict_and_changes_nothing(need, adviser):
    with pytest.raises(NeedConflict):
        move_need(need, NeedStatus.QUALIFIED, author=adviser, expected_version=need.version + 1)
    assert need.status is NeedStatus.IDENTIFIED
    assert len(need.status_changes) == 1


def test_close_as_filled_records_positions_and_date(need, adviser, travel):
    travel(NOW)
    close_need(need, NeedStatus.FILLED, author=adviser, positions_filled=2, closed_on=date(2026, 11, 20))
    assert (need.status, need.positions_filled, need.closed_on) == (NeedStatus.FILLED, 2, date(2026, 11, 20))
    assert need.status_changes[-1].from_status is NeedStatus.IDENTIFIED


@pytest.mark.parametrize(
    ("outcome", "kwargs", "message"),
    [
        (NeedStatus.FILLED, {"positions_filled": 0}, "entre 1 et 3"),
        (NeedStatus.FILLED, {"positions_filled": 4}, "entre 1 et 3"),
        (NeedStatus.FILLED, {}, "entre 1 et 3"),
        (NeedStatus.NOT_FILLED, {}, "raison"),
        (NeedStatus.NOT_FILLED, {"reason": "Aucun candidat", "positions_filled": 3}, "moins de postes"),
        (NeedStatus.CANCELLED, {"reason": "  "}, "raison"),
        (NeedStatus.FILLED, {"positions_filled": 1, "closed_on": date(2026, 10, 1)}, "précéder"),
        (NeedStatus.FILLED, {"positions_filled": 1, "closed_on": date(2026, 12, 1)}, "futur"),
    ],
)
def test_close_refuses_bad_input_and_leaves_the_need_open(need, adviser, travel, outcome, kwargs, message):
    travel(NOW)
    with pytest.raises(NeedError, match=message):
        close_need(need, outcome, author=adviser, **kwargs)
    assert need.status is NeedStatus.IDENTIFIED
    assert need.closed_on is None


def test_not_filled_may_keep_partly_filled_positions(need, adviser):
    close_need(need, NeedStatus.NOT_FILLED, author=adviser, reason="Plus de candidats", positions_filled=1)
    assert (need.positions_filled, need.closed_reason) == (1, "Plus de candidats")


def test_reopen_clears_the_outcome_and_keeps_the_history(need, adviser):
    close_need(need, NeedStatus.FILLED, author=adviser, positions_filled=3)
    reopen_need(need, author=adviser, to_status=NeedStatus.SOURCING)
    assert (need.status, need.closed_on, need.positions_filled) == (NeedStatus.SOURCING, None, 0)
    assert [c.to_status for c in need.status_changes] == [
        NeedStatus.IDENTIFIED,
        NeedStatus.FILLED,
        NeedStatus.SOURCING,
    ]
    with pytest.raises(NeedError, match="déjà ouvert"):
        reopen_need(need, author=adviser)


def test_only_the_privileged_contact_records_satisfaction_once_closed(need, adviser):
    contact = AssignmentFactory(employer=need.employer).adviser
    with pytest.raises(NeedError, match="une fois le besoin clôturé"):
        record_satisfaction(need, author=contact, score=4)
    close_need(need, NeedStatus.FILLED, author=adviser, positions_filled=1)
    with pytest.raises(NeedError, match="interlocuteur privilégié"):
        record_satisfaction(need, author=adviser, score=4)
    with pytest.raises(NeedError, match="de 1 à 5"):
        record_satisfaction(need, author=contact, score=6)
    record_satisfaction(need, author=contact, score=4, comment=" Très réactifs ")
    db.session.flush()
    assert (need.satisfaction_score, need.satisfaction_comment, need.satisfaction_recorded_by_id) == (
        4,
        "Très réactifs",
        contact.id,
    )


def test_update_need_keeps_positions_above_those_filled(need, adviser):
    close_need(need, NeedStatus.NOT_FILLED, author=adviser, reason="Abandon", positions_filled=2)
    with pytest.raises(NeedError, match="déjà pourvus"):
        update_need(need, positions=1)
    update_need(need, positions=5, title="Cariste CACES 3")
    assert (need.positions, need.title) == (5, "Cariste CACES 3")

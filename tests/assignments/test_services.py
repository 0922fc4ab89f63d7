from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.assignments.enums import HandoverStatus
from app.assignments.models import Assignment
from app.assignments.queries import queue_page, queue_query
from app.assignments.services import (
    AssignmentConflict,
    AssignmentError,
    add_member,
    assign_privileged_contact,
    decide_handover,
    request_handover,
)
from app.assignments.suggestions import operator_kind_for
from app.auth.services import deactivate_user
from app.extensions import db
from app.needs.enums import Public, QualificationLevel
from app.notifications.models import Notification
from app.referential.enums import OperatorKind
from app.timeutils import today_paris
from tests.factories import (
    AssignmentFactory,
    BasinFactory,
    EmployerFactory,
    RecruitmentNeedFactory,
    TaskForceMemberFactory,
    UserFactory,
    seeded_basin,
    seeded_operator,
)


def notifications_of(user) -> list[str]:
    return list(db.session.scalars(sa.select(Notification.message).where(Notification.recipient_id == user.id)))


def test_assigning_makes_the_adviser_the_one_contact_and_notifies_them():
    adviser, lead = UserFactory(), UserFactory(lead=True)
    employer = EmployerFactory()

    assignment = assign_privileged_contact(employer=employer, adviser=adviser, assigned_by=lead)

    assert assignment.adviser_id == adviser.id and assignment.operator_id == adviser.operator_id
    assert assignment.assigned_by_id == lead.id and assignment.is_active
    assert any(employer.name in message for message in notifications_of(adviser))


def test_a_second_assignment_is_refused_with_the_current_contact_named():
    employer = EmployerFactory()
    first = AssignmentFactory(employer=employer)

    with pytest.raises(AssignmentConflict, match=first.adviser.full_name):
        assign_privileged_contact(employer=employer, adviser=UserFactory(), assigned_by=None)

    assert db.session.scalar(sa.select(sa.func.count()).select_from(Assignment)) == 1


def test_the_database_index_refuses_a_second_active_contact_even_without_the_check():
    employer = EmployerFactory()
    AssignmentFactory(employer=employer)
    adviser = UserFactory()
    with pytest.raises(sa.exc.IntegrityError), db.session.begin_nested():
        db.session.add(Assignment(employer_id=employer.id, adviser_id=adviser.id, operator_id=adviser.operator_id))


def test_deactivated_adviser_is_refused():
    adviser = UserFactory(is_active=False)
    with pytest.raises(AssignmentError, match="désactivé"):
        assign_privileged_contact(employer=EmployerFactory(), adviser=adviser, assigned_by=None)


def test_adviser_of_another_basin_is_refused():
    other_basin = seeded_basin("5211")
    adviser = UserFactory(basins=[other_basin])
    with pytest.raises(AssignmentError, match="n'intervient pas sur le bassin"):
        assign_privileged_contact(employer=EmployerFactory(), adviser=adviser, assigned_by=None)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Assignment)) == 0


def test_a_spotter_or_a_manager_cannot_be_a_privileged_contact():
    for user in (UserFactory(spotter=True), UserFactory(manager=True)):
        with pytest.raises(AssignmentError, match="n'est pas conseiller"):
            assign_privileged_contact(employer=EmployerFactory(), adviser=user, assigned_by=None)


def test_overriding_the_suggestion_needs_a_reason():
    suggested, chosen = UserFactory(), UserFactory()
    employer = EmployerFactory()
    with pytest.raises(AssignmentError, match="indiquez pourquoi"):
        assign_privileged_contact(
            employer=employer, adviser=chosen, assigned_by=None, suggested_adviser_id=suggested.id
        )

    assignment = assign_privileged_contact(
        employer=employer,
        adviser=chosen,
        assigned_by=None,
        suggested_adviser_id=suggested.id,
        reason="Connaît le gérant",
    )
    assert assignment.reason == "Connaît le gérant"


@pytest.mark.parametrize(
    ("public", "level", "kind"),
    [
        ([Public.EXECUTIVES], None, OperatorKind.APEC),
        ([Public.YOUTH], None, OperatorKind.MISSION_LOCALE),
        ([Public.DISABLED], None, OperatorKind.CAP_EMPLOI),
        ([], QualificationLevel.BAC_3_PLUS, OperatorKind.APEC),
        ([], QualificationLevel.CAP_BEP, OperatorKind.FRANCE_TRAVAIL),
        ([Public.RSA], None, OperatorKind.FRANCE_TRAVAIL),
        ([Public.RSA, Public.YOUTH], QualificationLevel.BAC_3_PLUS, OperatorKind.MISSION_LOCALE),
    ],
)
def test_rule_3_suggests_the_operator_from_the_need(public, level, kind):
    need = RecruitmentNeedFactory(publics=public, qualification_level=level)
    suggested, why = operator_kind_for(need)
    assert suggested is kind
    assert need.title in why


def _member(kind: OperatorKind, capacity: int = 10, **user_fields):
    user = UserFactory(operator=seeded_operator(kind), **user_fields)
    return TaskForceMemberFactory(user=user, capacity=capacity)


def test_queue_suggests_the_least_loaded_available_adviser_of_the_suggested_operator():
    today = today_paris()
    busy = _member(OperatorKind.MISSION_LOCALE, capacity=10)
    light = _member(OperatorKind.MISSION_LOCALE, capacity=10)
    full = _member(OperatorKind.MISSION_LOCALE, capacity=1)
    absent = _member(OperatorKind.MISSION_LOCALE, capacity=50)
    absent.absent_until = today + timedelta(days=3)
    gone = _member(OperatorKind.MISSION_LOCALE, capacity=50, is_active=False)
    _member(OperatorKind.FRANCE_TRAVAIL, capacity=50)
    for _ in range(3):
        AssignmentFactory(adviser=busy.user)
    AssignmentFactory(adviser=light.user)
    AssignmentFactory(adviser=full.user)
    need = RecruitmentNeedFactory(publics=[Public.YOUTH])
    lead = UserFactory(lead=True)

    page = queue_page(lead, today, 1)

    row = next(r for r in page.items if r.employer.id == need.employer_id)
    assert row.operator.kind is OperatorKind.MISSION_LOCALE
    assert row.adviser.user == light.user
    assert gone.user not in [m.user for m in row.choices]
    assert absent.user != row.adviser.user


def test_no_adviser_is_suggested_when_all_are_at_capacity():
    full = _member(OperatorKind.FRANCE_TRAVAIL, capacity=1)
    AssignmentFactory(adviser=full.user)
    no_capacity = _member(OperatorKind.FRANCE_TRAVAIL, capacity=0)
    need = RecruitmentNeedFactory()
    page = queue_page(UserFactory(lead=True), today_paris(), 1)
    row = next(r for r in page.items if r.employer.id == need.employer_id)
    assert row.adviser is None
    # The lead may still choose a full adviser (rule 3); a member with no capacity is no adviser.
    assert [m.user for m in row.choices] == [full.user]
    assert row.choices[0].label_on(today_paris()).endswith("(1/1, complet)")
    assert no_capacity.user not in [m.user for m in row.choices]


def test_queue_lists_employers_needing_a_contact_oldest_first_and_only_in_the_users_basins():
    lead = UserFactory(lead=True)
    older = RecruitmentNeedFactory()
    newer = RecruitmentNeedFactory()
    db.session.execute(
        sa.update(type(older)).where(type(older).id == older.id).values(created_at=older.created_at - timedelta(days=5))
    )
    served = RecruitmentNeedFactory()
    AssignmentFactory(employer=served.employer)
    elsewhere = RecruitmentNeedFactory(employer=EmployerFactory(basin=seeded_basin("5211")))
    idle = EmployerFactory()

    ids = [employer.id for employer, _ in db.session.execute(queue_query(lead, today_paris()))]

    assert ids.index(older.employer_id) < ids.index(newer.employer_id)
    assert served.employer_id not in ids
    assert elsewhere.employer_id not in ids
    assert idle.id not in ids


def test_deactivating_a_user_sends_their_employers_back_to_the_queue():
    adviser = UserFactory()
    lead_member = TaskForceMemberFactory(user=UserFactory(lead=True), is_lead=True)
    assignment = AssignmentFactory(adviser=adviser)

    deactivate_user(adviser)
    db.session.flush()

    assert assignment.ended_at is not None and "désactivé" in assignment.end_reason
    ids = [employer.id for employer, _ in db.session.execute(queue_query(lead_member.user, today_paris()))]
    assert assignment.employer_id in ids
    assert any(
        m.startswith("1 entreprise ") and "attend un nouvel interlocuteur" in m
        for m in notifications_of(lead_member.user)
    )


def test_handover_approved_to_a_new_adviser_keeps_the_full_history():
    old = AssignmentFactory()
    lead, newcomer = UserFactory(lead=True), UserFactory()
    request = request_handover(employer=old.employer, requested_by=old.adviser, reason="Changement de secteur")
    with pytest.raises(AssignmentConflict, match="déjà en attente"):
        request_handover(employer=old.employer, requested_by=old.adviser, reason="Encore")

    new = decide_handover(request, decided_by=lead, approve=True, new_adviser=newcomer)
    db.session.flush()

    assert request.status is HandoverStatus.APPROVED
    assert old.ended_at is not None and "Changement de secteur" in old.end_reason
    assert new.adviser == newcomer and new.is_active
    assert any("acceptée" in m for m in notifications_of(old.adviser))
    with pytest.raises(AssignmentConflict, match="déjà été traitée"):
        decide_handover(request, decided_by=lead, approve=False, note="trop tard")


def test_refusing_a_handover_needs_a_reason_and_keeps_the_contact():
    current = AssignmentFactory()
    request = request_handover(employer=current.employer, requested_by=UserFactory(), reason="Je le connais mieux")
    with pytest.raises(AssignmentError, match="pourquoi"):
        decide_handover(request, decided_by=UserFactory(lead=True), approve=False)
    decide_handover(request, decided_by=UserFactory(lead=True), approve=False, note="Le contact actuel suit bien")
    assert request.status is HandoverStatus.REFUSED and current.is_active
    assert any("refusée" in m for m in notifications_of(request.requested_by))


def test_handover_to_a_deactivated_adviser_is_refused_and_nothing_changes():
    current = AssignmentFactory()
    request = request_handover(employer=current.employer, requested_by=current.adviser, reason="Départ")
    with pytest.raises(AssignmentError, match="désactivé"):
        decide_handover(
            request, decided_by=UserFactory(lead=True), approve=True, new_adviser=UserFactory(is_active=False)
        )
    assert current.is_active and request.status is HandoverStatus.PENDING


def test_task_force_members_must_work_in_the_basin():
    member = TaskForceMemberFactory()
    with pytest.raises(AssignmentError, match="n'intervient pas"):
        add_member(member.task_force, UserFactory(basins=[BasinFactory()]))
    with pytest.raises(AssignmentError, match="pilote"):
        add_member(member.task_force, UserFactory(), is_lead=True)
    with pytest.raises(AssignmentConflict, match="déjà partie"):
        add_member(member.task_force, member.user)


def test_when_the_check_is_outrun_the_index_decides_and_the_transaction_stays_usable(monkeypatch):
    # What a concurrent winner looks like to the loser: the check saw no contact, the insert collides.
    from app.assignments import services

    employer = EmployerFactory()
    winner = AssignmentFactory(employer=employer)
    monkeypatch.setattr(services, "active_assignment_of", lambda employer: None)

    with pytest.raises(AssignmentConflict, match="Un autre pilote vient d'affecter"):
        assign_privileged_contact(employer=employer, adviser=UserFactory(), assigned_by=None)

    assert db.session.scalars(sa.select(Assignment.adviser_id)).all() == [winner.adviser_id]

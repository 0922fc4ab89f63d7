import sqlalchemy as sa

from app.assignments.enums import HandoverStatus
from app.assignments.models import Assignment, HandoverRequest
from app.extensions import db
from app.needs.enums import Public
from app.notifications.models import Notification
from app.referential.enums import OperatorKind
from tests.factories import (
    AssignmentFactory,
    EmployerFactory,
    RecruitmentNeedFactory,
    TaskForceMemberFactory,
    UserFactory,
    seeded_basin,
    seeded_operator,
)


def active_contacts(employer) -> list[int]:
    db.session.expire_all()
    return list(
        db.session.scalars(
            sa.select(Assignment.adviser_id).where(Assignment.employer_id == employer.id, Assignment.ended_at.is_(None))
        )
    )


def test_the_queue_shows_the_suggestion_and_why(client, login):
    member = TaskForceMemberFactory(user=UserFactory(operator=seeded_operator(OperatorKind.MISSION_LOCALE)))
    need = RecruitmentNeedFactory(publics=[Public.YOUTH], title="Apprenti boulanger")
    login(UserFactory(lead=True))

    response = client.get("/affectations")

    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert need.employer.name in html and "jeunes de moins de 26 ans" in html
    assert f'<option value="{member.user.id}" selected>' in html


def test_a_lead_assigns_one_employer_and_the_adviser_is_notified(client, login, post):
    member = TaskForceMemberFactory()
    need = RecruitmentNeedFactory()
    login(UserFactory(lead=True))

    response = post(
        "/affectations",
        {
            "only": need.employer_id,
            f"adviser_{need.employer_id}": member.user.id,
            f"suggested_{need.employer_id}": member.user.id,
        },
    )

    assert response.status_code == 302
    assert active_contacts(need.employer) == [member.user.id]
    notified = db.session.scalars(sa.select(Notification).where(Notification.recipient_id == member.user.id)).all()
    assert [need.employer.name in notification.message for notification in notified] == [True]


def test_bulk_assignment_assigns_each_selected_employer(client, login, post):
    first, second = TaskForceMemberFactory(), TaskForceMemberFactory()
    needs = [RecruitmentNeedFactory() for _ in range(3)]
    login(UserFactory(lead=True))
    data = {"employer_id": [n.employer_id for n in needs[:2]], "reason": ""}
    data.update({f"adviser_{needs[0].employer_id}": first.user.id, f"adviser_{needs[1].employer_id}": second.user.id})

    response = post("/affectations", data)

    assert response.status_code == 302
    assert active_contacts(needs[0].employer) == [first.user.id]
    assert active_contacts(needs[1].employer) == [second.user.id]
    assert active_contacts(needs[2].employer) == []


def test_overriding_without_a_reason_is_a_400_and_assigns_nothing(client, login, post):
    suggested, other = TaskForceMemberFactory(), TaskForceMemberFactory()
    need = RecruitmentNeedFactory()
    login(UserFactory(lead=True))
    data = {"only": need.employer_id, f"adviser_{need.employer_id}": other.user.id}
    data[f"suggested_{need.employer_id}"] = suggested.user.id

    response = post("/affectations", data)

    assert response.status_code == 400
    assert "indiquez pourquoi" in response.get_data(as_text=True)
    assert active_contacts(need.employer) == []


def test_assigning_a_deactivated_adviser_or_one_outside_the_basin_is_a_400(client, login, post):
    need = RecruitmentNeedFactory()
    gone = UserFactory(is_active=False)
    elsewhere = UserFactory(basins=[seeded_basin("5211")])
    login(UserFactory(lead=True))
    for adviser, message in ((gone, "désactivé"), (elsewhere, "n&#39;intervient pas sur le bassin")):
        response = post("/affectations", {"only": need.employer_id, f"adviser_{need.employer_id}": adviser.id})
        assert response.status_code == 400
        assert message in response.get_data(as_text=True)
    assert active_contacts(need.employer) == []


def test_assigning_an_employer_that_already_has_a_contact_is_a_409(client, login, post):
    current = AssignmentFactory()
    login(UserFactory(lead=True))
    response = post("/affectations", {"only": current.employer_id, f"adviser_{current.employer_id}": UserFactory().id})
    assert response.status_code == 409
    assert "Demandez une passation" in response.get_data(as_text=True)
    assert active_contacts(current.employer) == [current.adviser_id]


def test_an_employer_of_another_basin_is_a_404(client, login, post):
    employer = EmployerFactory(basin=seeded_basin("5211"))
    login(UserFactory(lead=True))
    response = post("/affectations", {"only": employer.id, f"adviser_{employer.id}": UserFactory().id})
    assert response.status_code == 404


def test_advisers_cannot_reach_the_queue(client, login, post):
    login(UserFactory())
    assert client.get("/affectations").status_code == 403
    assert post("/affectations", {}).status_code == 403


def test_task_force_page_shows_each_members_load_and_the_lead_sets_capacity(client, login, post):
    member = TaskForceMemberFactory(capacity=10)
    AssignmentFactory(adviser=member.user)
    lead = UserFactory(lead=True)
    login(lead)

    page = client.get(f"/task-forces/{member.task_force_id}")
    assert page.status_code == 200
    assert "1 / 10" in page.get_data(as_text=True)

    response = post(
        f"/task-forces/membres/{member.id}",
        {f"m{member.id}-capacity": "25", f"m{member.id}-absent_until": "2030-01-31"},
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert member.capacity == 25 and str(member.absent_until) == "2030-01-31"

    refused = post(f"/task-forces/membres/{member.id}", {f"m{member.id}-capacity": "-3"})
    assert refused.status_code == 400
    db.session.expire_all()
    assert member.capacity == 25


def test_a_task_force_of_another_basin_is_a_404(client, login):
    member = TaskForceMemberFactory(user=UserFactory(basins=[seeded_basin("5211")]))
    login(UserFactory(lead=True))
    assert client.get(f"/task-forces/{member.task_force_id}").status_code == 404


def test_managers_build_the_task_force(client, login, post):
    basin = seeded_basin("5211")
    manager = UserFactory(manager=True, basins=[basin])
    adviser = UserFactory(basins=[basin])
    login(manager)
    response = post("/task-forces", {"basin_id": basin.id, "name": ""})
    assert response.status_code == 302
    task_force_id = int(response.headers["Location"].rsplit("/", 1)[1])
    assert post(f"/task-forces/{task_force_id}/membres", {"user_id": adviser.id}).status_code == 302
    again = post("/task-forces", {"basin_id": basin.id, "name": "Bis"})
    assert again.status_code == 409


def test_handover_journey_from_request_to_approval_shows_in_the_employer_history(client, login, post):
    current = AssignmentFactory()
    newcomer = TaskForceMemberFactory()
    login(current.adviser)
    assert client.get(f"/entreprises/{current.employer_id}/passation").status_code == 200
    assert post(f"/entreprises/{current.employer_id}/passation", {"reason": ""}).status_code == 400
    assert post(f"/entreprises/{current.employer_id}/passation", {"reason": "Je change d'agence"}).status_code == 302
    assert post(f"/entreprises/{current.employer_id}/passation", {"reason": "Encore"}).status_code == 409
    request = db.session.scalar(sa.select(HandoverRequest).where(HandoverRequest.employer_id == current.employer_id))

    lead = UserFactory(lead=True)
    post("/deconnexion")
    login(lead)
    assert "Je change d&#39;agence" in client.get("/passations").get_data(as_text=True)
    response = post(
        f"/passations/{request.id}/decision",
        {f"h{request.id}-decision": "approve", f"h{request.id}-new_adviser_id": newcomer.user.id},
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert request.status is HandoverStatus.APPROVED
    assert active_contacts(current.employer) == [newcomer.user.id]

    page = client.get(f"/entreprises/{current.employer.siret}").get_data(as_text=True)
    assert "Interlocuteurs privilégiés successifs" in page
    assert "Passation : Je change d&#39;agence" in page
    assert newcomer.user.full_name in page and current.adviser.full_name in page


def test_the_queue_page_runs_the_same_number_of_queries_for_3_or_20_rows(client, login, count_queries):
    def queries(url):
        with count_queries() as statements:
            assert client.get(url).status_code == 200
        return len(statements)

    TaskForceMemberFactory()
    login(UserFactory(lead=True))
    for _ in range(3):
        RecruitmentNeedFactory()
    few = queries("/affectations")
    for _ in range(17):
        RecruitmentNeedFactory()
    many = queries("/affectations")
    assert 0 < many == few

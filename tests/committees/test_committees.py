"""The comité France Travail local: meetings with frozen figures, actions reviewed at the next
meeting, unmet needs escalated to the département."""

from datetime import date

import pytest
import sqlalchemy as sa

from app.committees.enums import ActionStatus
from app.committees.models import CommitteeAction, CommitteeMeeting, NeedEscalation
from app.committees.services import attendee_list, escalate_need, record_meeting
from app.errors import DomainError
from app.extensions import db
from app.needs.enums import NeedStatus
from app.notifications.report_recipients import ReportRecipient
from tests.conftest import paris
from tests.factories import (
    CommitteeActionFactory,
    CommitteeMeetingFactory,
    EmployerFactory,
    InteractionFactory,
    RecruitmentNeedFactory,
    UserFactory,
    seeded_basin,
)


@pytest.fixture
def basin(travel):
    travel(paris(2026, 11, 20, 10, 0))
    return seeded_basin("5219")


def _count(model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def test_a_meeting_freezes_the_basins_figures_at_its_date(client, post, login, basin):
    employer = EmployerFactory(basin=basin)
    InteractionFactory(employer=employer, occurred_on=date(2026, 10, 5))
    InteractionFactory(employer=employer, occurred_on=date(2026, 11, 18))
    manager = UserFactory(manager=True, basins=[basin])
    login(manager)
    response = post(
        f"/comites/bassins/{basin.id}/reunions",
        {"held_on": "2026-11-19", "attendees": "France Travail\nRégion ; CCI\nrégion"},
    )
    assert response.status_code == 302
    meeting = db.session.scalar(sa.select(CommitteeMeeting).where(CommitteeMeeting.basin_id == basin.id))
    assert meeting.attendees == ["France Travail", "Région", "CCI"]
    # The quarter up to the meeting's day: two contacts with one employer.
    assert meeting.snapshot["period"] == ["2026-10-01", "2026-11-19"]
    assert (meeting.snapshot["figures"]["contacts"], meeting.snapshot["figures"]["contacted"]) == (2, 1)

    # A contact entered later, dated before the meeting, does not change what the committee read.
    InteractionFactory(employer=employer, occurred_on=date(2026, 11, 1))
    page = client.get(f"/comites/reunions/{meeting.id}").get_data(as_text=True)
    db.session.refresh(meeting)
    assert meeting.snapshot["figures"]["contacts"] == 2
    assert '<th scope="row">Échanges avec les entreprises</th><td>2</td>' in page


def test_a_meeting_in_the_future_or_twice_the_same_day_is_refused(basin):
    manager = UserFactory(manager=True, basins=[basin])
    with pytest.raises(DomainError, match="futur"):
        record_meeting(basin, date(2026, 11, 21), [], by=manager, today=date(2026, 11, 20))
    record_meeting(basin, date(2026, 11, 20), [], by=manager, today=date(2026, 11, 20))
    with pytest.raises(DomainError, match="déjà enregistrée"):
        record_meeting(basin, date(2026, 11, 20), [], by=manager, today=date(2026, 11, 20))


def test_a_refused_meeting_changes_nothing_and_says_why(client, post, login, basin):
    login(UserFactory(lead=True, basins=[basin]))
    before = _count(CommitteeMeeting)
    response = post(f"/comites/bassins/{basin.id}/reunions", {"held_on": "2030-01-01"})
    assert response.status_code == 400
    assert "futur" in response.get_data(as_text=True)
    assert _count(CommitteeMeeting) == before


def test_too_many_attendees_are_refused():
    with pytest.raises(DomainError):
        attendee_list("\n".join(f"Organisation {n}" for n in range(31)))


def test_an_action_needs_one_owner(client, post, login, basin):
    meeting = CommitteeMeetingFactory(basin=basin, held_on=date(2026, 11, 19))
    lead = UserFactory(lead=True, basins=[basin])
    login(lead)
    url = f"/comites/reunions/{meeting.id}/actions"
    assert post(url, {"decision": "Organiser un job dating BTP"}).status_code == 400
    both = {"decision": "Job dating", "owner_user_id": str(lead.id), "owner_organisation": "Région"}
    assert post(url, both).status_code == 400
    assert _count(CommitteeAction) == 0
    done = post(url, {"decision": "Job dating BTP", "owner_user_id": str(lead.id), "due_on": "2026-12-15"})
    assert done.status_code == 302
    action = db.session.scalar(sa.select(CommitteeAction))
    assert (action.owner, action.due_on, action.status) == (lead.full_name, date(2026, 12, 15), ActionStatus.OPEN)


def test_an_action_owner_outside_the_basin_is_not_offered(client, post, login, basin):
    meeting = CommitteeMeetingFactory(basin=basin, held_on=date(2026, 11, 19))
    stranger = UserFactory(basins=[seeded_basin("2702")])
    login(UserFactory(manager=True, basins=[basin]))
    response = post(f"/comites/reunions/{meeting.id}/actions", {"decision": "X", "owner_user_id": str(stranger.id)})
    assert response.status_code == 400
    assert _count(CommitteeAction) == 0


def test_the_next_meeting_reviews_the_previous_meetings_open_actions(client, post, login, basin):
    first = CommitteeMeetingFactory(basin=basin, held_on=date(2026, 10, 1))
    still_open = CommitteeActionFactory(meeting=first, decision="Relancer les entreprises du BTP")
    CommitteeActionFactory(meeting=first, decision="Forum de l'emploi", status=ActionStatus.DONE)
    CommitteeActionFactory(meeting=first, decision="Abandonnée XYZ", status=ActionStatus.DROPPED)
    second = CommitteeMeetingFactory(basin=basin, held_on=date(2026, 11, 15))
    login(UserFactory(manager=True, basins=[basin]))
    page = client.get(f"/comites/reunions/{second.id}").get_data(as_text=True)
    review = page.split('data-testid="previous-actions"')[1].split("</table>")[0]
    assert "Relancer les entreprises du BTP" in review
    assert "Forum de l" not in review and "XYZ" not in review

    # Marked done from the next meeting's page: back there, and no longer to review.
    response = post(f"/comites/actions/{still_open.id}/avancement", {"status": "done", "reunion": str(second.id)})
    assert response.headers["Location"].endswith(f"/comites/reunions/{second.id}")
    db.session.refresh(still_open)
    assert still_open.status is ActionStatus.DONE


def test_a_status_change_from_another_basin_is_not_found(client, post, login, basin):
    action = CommitteeActionFactory(meeting=CommitteeMeetingFactory(basin=seeded_basin("2702")))
    login(UserFactory(lead=True, basins=[basin]))
    assert post(f"/comites/actions/{action.id}/avancement", {"status": "done"}).status_code == 404
    db.session.refresh(action)
    assert action.status is ActionStatus.OPEN


def test_only_an_unmet_need_of_the_basin_is_escalated(basin):
    meeting = CommitteeMeetingFactory(basin=basin, held_on=date(2026, 11, 19))
    unmet = RecruitmentNeedFactory(employer=EmployerFactory(basin=basin), status=NeedStatus.SOURCING)
    filled = RecruitmentNeedFactory(
        filled=True,
        employer=EmployerFactory(basin=basin),
        status=NeedStatus.FILLED,
        closed_on=date(2026, 11, 1),
        positions_filled=1,
    )
    elsewhere = RecruitmentNeedFactory(employer=EmployerFactory(basin=seeded_basin("5211")))
    with pytest.raises(DomainError, match="bassin"):
        escalate_need(meeting, elsewhere, "Pénurie")
    with pytest.raises(DomainError, match="ouvert"):
        escalate_need(meeting, filled, "Pénurie")
    escalate_need(meeting, unmet, "Aucun candidat soudeur dans le bassin")
    with pytest.raises(DomainError, match="déjà"):
        escalate_need(meeting, unmet, "Encore")


def test_escalated_needs_reach_the_steering_of_the_departement_only(client, post, login, basin):
    meeting = CommitteeMeetingFactory(basin=basin, held_on=date(2026, 11, 19))
    need = RecruitmentNeedFactory(
        employer=EmployerFactory(basin=basin), title="Soudeur TIG", status=NeedStatus.SOURCING
    )
    login(UserFactory(lead=True, basins=[basin]))
    response = post(f"/comites/reunions/{meeting.id}/remontees", {"need_id": str(need.id), "reason": "Aucun candidat"})
    assert response.status_code == 302
    assert _count(NeedEscalation) == 1

    post("/deconnexion")
    login(UserFactory(steering=True))  # Loire-Atlantique
    assert "Soudeur TIG" in client.get("/comites/remontees").get_data(as_text=True)
    assert "Soudeur TIG" in client.get("/").get_data(as_text=True)
    post("/deconnexion")
    login(UserFactory(steering=True, steering_departement_code="89"))
    assert "Soudeur TIG" not in client.get("/comites/remontees").get_data(as_text=True)


def test_the_co_chairs_are_kept_by_the_basins_manager_only(client, post, login, basin):
    url = f"/comites/bassins/{basin.id}/destinataires"
    login(UserFactory(lead=True, basins=[basin]))
    assert post(url, {"full_name": "Marie Coprésidente", "email": "marie@region.fr"}).status_code == 403
    post("/deconnexion")
    login(UserFactory(manager=True, basins=[basin]))
    assert post(url, {"full_name": "Marie Coprésidente", "email": "pas-une-adresse"}).status_code == 400
    assert post(url, {"full_name": "Marie Coprésidente", "email": "Marie@Region.fr"}).status_code == 302
    assert post(url, {"full_name": "Marie bis", "email": "marie@region.fr"}).status_code == 400
    recipient = db.session.scalar(sa.select(ReportRecipient))
    assert recipient.email == "marie@region.fr"
    assert "marie@region.fr" in client.get(f"/comites/bassins/{basin.id}").get_data(as_text=True)
    remove_url = f"/comites/destinataires/{recipient.id}/retirer"
    assert "Retirer ce destinataire" in post(remove_url, {}).get_data(as_text=True)
    assert _count(ReportRecipient) == 1
    assert post(remove_url, {"confirmation": "1"}).status_code == 302
    assert _count(ReportRecipient) == 0


def test_steering_sees_no_co_chair(client, login, basin):
    from tests.factories import ReportRecipientFactory

    ReportRecipientFactory(basin=basin, full_name="Paul Coprésident")
    login(UserFactory(steering=True))
    assert "Paul Coprésident" not in client.get(f"/comites/bassins/{basin.id}").get_data(as_text=True)

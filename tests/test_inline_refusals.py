"""Inline forms (a button or one select in a row) refused: the page comes back with the error summary
at its top, the data unchanged; cancelling an invitation and removing an event participant are asked
again before they happen."""

import html
import re

import sqlalchemy as sa

from app.events.models import EventParticipant
from app.extensions import db
from app.leads.models import Lead
from tests.factories import (
    EventFactory,
    EventParticipantFactory,
    FollowUpFactory,
    LeadFactory,
    ProspectionPlanFactory,
    SpotterOrganisationFactory,
    UserFactory,
)


def _summary(response) -> str:
    page = html.unescape(response.get_data(as_text=True))
    match = re.search(r"<div [^>]*data-error-summary[^>]*>(.*?)</div>", page, re.S)
    assert match, "no error summary"
    return match.group(1)


def test_a_refused_postponement_shows_the_summary(client, login, post):
    user = UserFactory()
    follow_up = FollowUpFactory(owner=user)
    login(user)
    response = post("/relances/reporter", {"follow_up_id": follow_up.id, "days": "0"})
    assert response.status_code == 400
    assert "Le report doit être de 1 à 365 jours." in _summary(response)


def test_a_plan_target_without_employer_shows_the_summary(client, login, post):
    login(UserFactory(lead=True))
    plan = ProspectionPlanFactory()
    response = post(f"/plans/{plan.id}/cibles/ajouter", {"employer": ""})
    assert response.status_code == 400
    assert "Indiquez le SIRET de l'entreprise à ajouter" in _summary(response)


def test_routing_without_a_basin_shows_the_summary(client, login, post):
    lead = LeadFactory(outside_basins=True)
    login(UserFactory(admin=True))
    response = post(f"/signalements/hors-bassin/{lead.id}/router", {"basin_id": ""})
    assert response.status_code == 400
    assert "Choisissez le bassin vers lequel router ce besoin." in _summary(response)
    db.session.expire_all()
    assert db.session.get(Lead, lead.id).basin_id is None


def test_attaching_no_spotter_shows_the_summary(client, login, post):
    organisation = SpotterOrganisationFactory()
    login(UserFactory(admin=True))
    response = post(f"/repereurs/{organisation.id}/membres", {"user_id": ""})
    assert response.status_code == 400
    assert "Choisissez un repéreur." in _summary(response)


def test_an_unknown_participant_shows_the_summary(client, login, post):
    event = EventFactory()
    login(UserFactory())
    response = post(f"/evenements/{event.id}/participants", {"employer": "n999999999"})
    assert response.status_code == 400
    assert "Aucune entreprise de vos bassins" in _summary(response)


def _participants(participant_id: int) -> int:
    return db.session.scalar(sa.select(sa.func.count()).where(EventParticipant.id == participant_id))


def test_removing_a_participant_is_confirmed_first(client, login, post):
    participant = EventParticipantFactory()
    event, participant_id = participant.event, participant.id
    login(UserFactory())
    url = f"/evenements/{event.id}/participants/{participant_id}/retirer"
    response = post(url)
    assert response.status_code == 200
    page = html.unescape(response.get_data(as_text=True))
    assert "Retirer de l'événement" in page and 'name="confirmation" value="1"' in page
    assert _participants(participant_id) == 1
    assert post(url, {"confirmation": "1"}).status_code == 302
    assert _participants(participant_id) == 0


def test_cancelling_an_invitation_is_confirmed_first(client, login, post):
    login(UserFactory(admin=True))
    invited = UserFactory(full_name="Inès Invitée", invited=True)
    url = f"/administration/utilisateurs/{invited.id}/invitation/annuler"
    response = post(url)
    assert response.status_code == 200
    page = html.unescape(response.get_data(as_text=True))
    assert "Annuler l'invitation d'Inès Invitée" in page and 'name="confirmation" value="1"' in page
    db.session.expire_all()
    assert invited.is_active
    assert post(url, {"confirmation": "1"}).status_code == 302
    db.session.expire_all()
    assert not invited.is_active

"""An event's hires by public, entered on its results page: each public at most the event's hires."""

from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from app.events.inclusion import EventPublicHire, event_public_hires, record_event_public_hires
from app.extensions import db
from app.needs.enums import Public
from app.needs.services import NeedError
from tests.factories import EventFactory, EventParticipantFactory, UserFactory, seeded_basin


@pytest.fixture
def event(travel):
    travel(datetime(2026, 11, 22, 10, 0, tzinfo=UTC))
    event = EventFactory(held=True, basin=seeded_basin("5219"))
    EventParticipantFactory(event=event, positions_offered=3, hires=2)
    EventParticipantFactory(event=event, positions_offered=2, hires=1)
    db.session.refresh(event)
    return event


def test_each_public_is_at_most_the_events_hires(event):
    # 3 hires: 2 young people, 3 long-term job seekers (both young ones among them).
    record_event_public_hires(event, {Public.YOUTH: 2, Public.LONG_TERM_UNEMPLOYED: 3})
    assert event_public_hires(event) == {Public.YOUTH: 2, Public.LONG_TERM_UNEMPLOYED: 3}
    with pytest.raises(NeedError, match="entre 0 et 3 embauches"):
        record_event_public_hires(event, {Public.RSA: 4})
    record_event_public_hires(event, {Public.YOUTH: 0})
    assert event_public_hires(event) == {Public.LONG_TERM_UNEMPLOYED: 3}


def test_the_database_refuses_zero(event):
    with pytest.raises(IntegrityError), db.session.begin_nested():
        db.session.add(EventPublicHire(event_id=event.id, public=Public.RSA, hires=0))
        db.session.flush()


def test_entered_on_the_results_page(client, post, login, event):
    login(UserFactory(basins=[event.basin]))
    page = client.get(f"/evenements/{event.id}/resultats").get_data(as_text=True)
    assert 'data-testid="event-public-hires-form"' in page
    assert post(f"/evenements/{event.id}/resultats/publics", {"public-hires-rsa": "2"}).status_code == 302
    refused = post(f"/evenements/{event.id}/resultats/publics", {"public-hires-rsa": "5"})
    assert refused.status_code == 400 and "entre 0 et 3 embauches" in refused.get_data(as_text=True)
    assert post(f"/evenements/{event.id}/resultats/publics", {"public-hires-qpv": "-1"}).status_code == 400
    db.session.expire_all()
    rows = db.session.execute(sa.select(EventPublicHire.public, EventPublicHire.hires)).tuples().all()
    assert rows == [(Public.RSA, 2)]


def test_a_manager_reads_them(client, post, login, event):
    record_event_public_hires(event, {Public.QPV: 1})
    login(UserFactory(manager=True, basins=[event.basin]))
    page = client.get(f"/evenements/{event.id}/resultats").get_data(as_text=True)
    assert "quartiers prioritaires (QPV) : 1" in page and "event-public-hires-form" not in page
    assert post(f"/evenements/{event.id}/resultats/publics", {"public-hires-rsa": "1"}).status_code == 403

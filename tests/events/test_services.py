from datetime import UTC, date, datetime, timedelta

import icalendar
import pytest
import sqlalchemy as sa

from app.events.enums import EventKind, EventStatus
from app.events.ical import calendar_of
from app.events.services import (
    EventError,
    add_participant,
    basin_for_feed_token,
    create_event,
    feed_token,
    record_results,
    remove_participant,
    rotate_feed,
    update_participant,
)
from app.extensions import db
from app.needs.enums import NeedStatus
from app.needs.models import NeedStatusChange
from app.referential.enums import OperatorKind
from tests.factories import (
    BasinFactory,
    EmployerFactory,
    EventFactory,
    OperatorFactory,
    RecruitmentNeedFactory,
    UserFactory,
    seeded_basin,
)

SECRET = "testing-secret-key"
START = datetime(2026, 12, 3, 9, 0, tzinfo=UTC)


def _job_dating(**overrides):
    fields = {
        "basin": seeded_basin(),
        "kind": EventKind.JOB_DATING,
        "title": "Job dating hôtellerie-restauration",
        "starts_at": START,
        "ends_at": START + timedelta(hours=3),
        "place": "Base sous-marine, Saint-Nazaire",
        "author": None,
        "capacity": 60,
        "candidates_expected": 40,
    }
    return create_event(**{**fields, **overrides})


# --- Organising ----------------------------------------------------------------------


def test_a_double_banner_event_lists_operators_and_partners():
    france_travail = OperatorFactory(name="France Travail Estuaire")
    mission_locale = OperatorFactory(name="Mission locale test", kind=OperatorKind.MISSION_LOCALE)
    event = _job_dating(operators=[france_travail, mission_locale], partner_names=" CCI Nantes St-Nazaire \n\n Ville ")
    db.session.flush()
    assert event.organisers == ["France Travail Estuaire", "Mission locale test", "CCI Nantes St-Nazaire", "Ville"]


@pytest.mark.parametrize(
    "overrides, message",
    [
        ({"candidates_expected": 61}, "dépassent la capacité"),
        ({"ends_at": START - timedelta(hours=1)}, "finir après son début"),
        ({"capacity": 0}, "capacité d'accueil est comprise"),
        ({"candidates_expected": -1}, "ne peut pas être négatif"),
        ({"title": "  "}, "Donnez un titre"),
        ({"operators": "other-basin"}, "n'intervient pas sur le bassin"),
    ],
)
def test_bad_events_are_refused(overrides, message):
    if overrides.get("operators") == "other-basin":
        overrides = {"operators": [OperatorFactory(basins=[BasinFactory()])]}
    with pytest.raises(EventError, match=message):
        _job_dating(**overrides)


# --- Participants and results --------------------------------------------------------


@pytest.fixture
def held_job_dating(travel):
    travel(START + timedelta(hours=4))
    event = _job_dating()
    employer = EmployerFactory()
    cook = RecruitmentNeedFactory(employer=employer, title="Commis de cuisine", positions=2)
    waiter = RecruitmentNeedFactory(employer=employer, title="Serveur", positions=4, positions_filled=1)
    db.session.flush()
    participant = add_participant(event, employer, needs=[cook, waiter])
    db.session.flush()
    return event, participant, cook, waiter


def test_positions_offered_default_to_the_open_positions_of_the_needs(held_job_dating):
    _, participant, _, _ = held_job_dating
    assert participant.positions_offered == 5


def test_an_employer_of_another_basin_or_a_foreign_need_is_refused(held_job_dating):
    event, _, cook, _ = held_job_dating
    with pytest.raises(EventError, match="n'est pas sur le bassin"):
        add_participant(event, EmployerFactory(basin=BasinFactory()), needs=[])
    with pytest.raises(EventError, match="n'est pas un besoin d"):
        add_participant(event, EmployerFactory(), needs=[cook])


def test_hires_fill_the_linked_needs_and_close_a_full_one(held_job_dating):
    event, participant, cook, waiter = held_job_dating
    author = UserFactory()
    record_results(event, candidates_attended=35, results={participant.id: (6, 3)}, author=author)
    db.session.flush()
    assert (participant.interviews, participant.hires) == (6, 3)
    assert event.status is EventStatus.HELD and event.candidates_attended == 35
    assert (cook.positions_filled, cook.status, cook.closed_on) == (2, NeedStatus.FILLED, date(2026, 12, 3))
    assert (waiter.positions_filled, waiter.status) == (2, NeedStatus.IDENTIFIED)
    change = db.session.scalar(
        sa.select(NeedStatusChange).where(NeedStatusChange.need_id == cook.id).order_by(NeedStatusChange.id.desc())
    )
    assert (change.to_status, change.changed_by_id) == (NeedStatus.FILLED, author.id)


def test_a_correction_takes_hires_back_from_the_open_need(held_job_dating):
    event, participant, cook, waiter = held_job_dating
    record_results(event, candidates_attended=35, results={participant.id: (6, 4)}, author=None)
    record_results(event, candidates_attended=35, results={participant.id: (6, 3)}, author=None)
    db.session.flush()
    assert [link.hires for link in participant.needs] == [2, 1]
    assert (cook.positions_filled, waiter.positions_filled) == (2, 2)


def test_a_correction_cannot_reopen_a_need_the_event_filled(held_job_dating):
    event, participant, _, _ = held_job_dating
    record_results(event, candidates_attended=35, results={participant.id: (6, 5)}, author=None)
    with pytest.raises(EventError, match="« Serveur » est clôturé"):
        record_results(event, candidates_attended=35, results={participant.id: (6, 4)}, author=None)


def test_results_larger_than_positions_are_refused_and_change_nothing(held_job_dating):
    event, participant, cook, waiter = held_job_dating
    with pytest.raises(EventError, match="6 recrutements pour 5 postes proposés"):
        record_results(event, candidates_attended=35, results={participant.id: (6, 6)}, author=None)
    assert (participant.hires, cook.positions_filled, waiter.positions_filled, event.status) == (
        0,
        0,
        1,
        EventStatus.PLANNED,
    )


def test_attendance_over_capacity_and_negative_results_are_refused(held_job_dating):
    event, participant, _, _ = held_job_dating
    with pytest.raises(EventError, match="dépassent la capacité"):
        record_results(event, candidates_attended=61, results={}, author=None)
    with pytest.raises(EventError, match="négatifs"):
        record_results(event, candidates_attended=10, results={participant.id: (-1, 0)}, author=None)


def test_results_of_a_future_event_are_refused(travel):
    travel(START - timedelta(days=1))
    event = _job_dating()
    db.session.flush()
    with pytest.raises(EventError, match="une fois l'événement commencé"):
        record_results(event, candidates_attended=0, results={}, author=None)


def test_a_participant_with_hires_keeps_its_needs_and_stays(held_job_dating):
    event, participant, cook, waiter = held_job_dating
    record_results(event, candidates_attended=35, results={participant.id: (6, 3)}, author=None)
    db.session.flush()
    with pytest.raises(EventError, match="corrigez d'abord les résultats"):
        update_participant(participant, needs=[waiter])
    with pytest.raises(EventError, match="au moins autant de postes"):
        update_participant(participant, needs=[cook, waiter], positions_offered=2)
    with pytest.raises(EventError, match="corrigez d'abord les résultats"):
        remove_participant(event, participant)


# --- iCalendar and feeds -------------------------------------------------------------


def test_the_ics_output_parses_back_with_the_event_details():
    event = _job_dating(
        operators=[OperatorFactory(name="France Travail Estuaire")], partner_names="CCI", description="Venez !"
    )
    db.session.flush()
    parsed = icalendar.Calendar.from_ical(calendar_of([event], name="Test", url_for_event=lambda e: "https://x/1"))
    [vevent] = parsed.walk("VEVENT")
    assert vevent["UID"] == f"evenement-{event.id}@relais-entreprises.fr"
    assert vevent["SUMMARY"] == "Job dating : Job dating hôtellerie-restauration"
    assert vevent["LOCATION"] == "Base sous-marine, Saint-Nazaire"
    assert vevent["DTSTART"].dt == START
    assert vevent["DTEND"].dt == START + timedelta(hours=3)
    assert vevent["STATUS"] == "CONFIRMED"
    assert "Co-organisé par : France Travail Estuaire, CCI" in vevent["DESCRIPTION"]
    assert vevent["URL"] == "https://x/1"
    assert int(vevent["SEQUENCE"]) == event.version


def test_a_cancelled_event_is_cancelled_in_calendars():
    event = EventFactory(status=EventStatus.CANCELLED)
    [vevent] = icalendar.Calendar.from_ical(calendar_of([event], name="Test")).walk("VEVENT")
    assert vevent["STATUS"] == "CANCELLED"


def test_feed_tokens_are_per_basin_and_rotate():
    basin, other = seeded_basin(), BasinFactory()
    token = feed_token(SECRET, basin)
    assert token.startswith(f"{basin.code}.") and len(token.split(".")[1]) >= 43
    assert basin_for_feed_token(SECRET, token) == basin
    assert basin_for_feed_token(SECRET, token.replace(basin.code, other.code, 1)) is None
    assert basin_for_feed_token("another-secret", token) is None
    assert basin_for_feed_token(SECRET, token[:-1]) is None
    assert basin_for_feed_token(SECRET, "nothing") is None
    rotate_feed(basin, author=None)
    db.session.flush()
    assert basin_for_feed_token(SECRET, token) is None
    assert basin_for_feed_token(SECRET, feed_token(SECRET, basin)) == basin

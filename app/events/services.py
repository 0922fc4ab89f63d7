"""Business rules of recruitment events: organising, participants, results, calendar feeds."""

import base64
import hashlib
import hmac
from datetime import datetime

import sqlalchemy as sa

from app.auth.models import User
from app.employers.models import Employer
from app.errors import DomainError
from app.events.enums import EventKind, EventStatus
from app.events.models import CalendarFeed, Event, EventParticipant, EventParticipantNeed
from app.events.signals import event_results_recorded
from app.extensions import db
from app.formatting import of, plural
from app.needs.enums import TargetPublic
from app.needs.models import RecruitmentNeed
from app.needs.services import NeedError, record_hires
from app.referential.models import Basin, Operator
from app.timeutils import to_paris, utcnow


class EventError(DomainError):
    """A refusal with a French message for the user."""


class EventConflict(EventError):
    """The event changed in between (optimistic locking)."""


MAX_CAPACITY = 100_000


def _check_fields(
    *,
    basin: Basin,
    title: str,
    place: str,
    starts_at: datetime,
    ends_at: datetime,
    capacity: int | None,
    candidates_expected: int,
    operators: list[Operator],
    partner_names: str,
) -> None:
    if not title.strip():
        raise EventError("Donnez un titre à l'événement.")
    if not place.strip():
        raise EventError("Indiquez le lieu de l'événement.")
    if ends_at <= starts_at:
        raise EventError("L'événement doit finir après son début.")
    if capacity is not None and not 1 <= capacity <= MAX_CAPACITY:
        raise EventError(f"La capacité d'accueil est comprise entre 1 et {MAX_CAPACITY} personnes.")
    if candidates_expected < 0:
        raise EventError("Le nombre de candidats attendus ne peut pas être négatif.")
    if capacity is not None and candidates_expected > capacity:
        raise EventError(
            f"{candidates_expected} candidats attendus dépassent la capacité d'accueil ({capacity} personnes)."
        )
    for operator in operators:
        if basin.id not in {b.id for b in operator.basins}:
            raise EventError(f"{operator.name} n'intervient pas sur le bassin {basin.name}.")
    if len(partner_names) > 500:
        raise EventError("La liste des partenaires est trop longue (500 caractères au plus).")


def _clean_partners(partner_names: str) -> str:
    return "\n".join(line.strip() for line in (partner_names or "").splitlines() if line.strip())


def create_event(
    *,
    basin: Basin,
    kind: EventKind,
    title: str,
    starts_at: datetime,
    ends_at: datetime,
    place: str,
    author: User | None,
    capacity: int | None = None,
    target_public: TargetPublic = TargetPublic.ALL,
    operators: list[Operator] | None = None,
    partner_names: str = "",
    description: str = "",
    candidates_expected: int = 0,
) -> Event:
    operators = operators or []
    partner_names = _clean_partners(partner_names)
    _check_fields(
        basin=basin,
        title=title,
        place=place,
        starts_at=starts_at,
        ends_at=ends_at,
        capacity=capacity,
        candidates_expected=candidates_expected,
        operators=operators,
        partner_names=partner_names,
    )
    event = Event(
        basin=basin,
        kind=kind,
        title=title.strip(),
        starts_at=starts_at,
        ends_at=ends_at,
        place=place.strip(),
        capacity=capacity,
        target_public=target_public,
        operators=operators,
        partner_names=partner_names,
        description=description.strip(),
        candidates_expected=candidates_expected,
        created_by=author,
    )
    db.session.add(event)
    return event


def update_event(
    event: Event,
    *,
    expected_version: int | None,
    kind: EventKind,
    title: str,
    starts_at: datetime,
    ends_at: datetime,
    place: str,
    capacity: int | None,
    target_public: TargetPublic,
    operators: list[Operator],
    partner_names: str,
    description: str,
    candidates_expected: int,
    status: EventStatus,
) -> Event:
    if expected_version is not None and expected_version != event.version:
        raise EventConflict("Cet événement a été modifié entre-temps par quelqu'un d'autre : rechargez la page.")
    partner_names = _clean_partners(partner_names)
    _check_fields(
        basin=event.basin,
        title=title,
        place=place,
        starts_at=starts_at,
        ends_at=ends_at,
        capacity=capacity,
        candidates_expected=candidates_expected,
        operators=operators,
        partner_names=partner_names,
    )
    if capacity is not None and event.candidates_attended > capacity:
        raise EventError(
            f"{event.candidates_attended} candidats sont déjà venus : la capacité ne peut être inférieure."
        )
    if status is EventStatus.HELD and starts_at > utcnow():
        raise EventError("Un événement à venir ne peut pas être marqué comme réalisé.")
    if status is EventStatus.CANCELLED and any(p.hires for p in event.participants):
        raise EventError("Des recrutements sont enregistrés pour cet événement : il ne peut pas être annulé.")
    event.kind = kind
    event.title = title.strip()
    event.starts_at, event.ends_at = starts_at, ends_at
    event.place = place.strip()
    event.capacity = capacity
    event.target_public = target_public
    event.operators = operators
    event.partner_names = partner_names
    event.description = description.strip()
    event.candidates_expected = candidates_expected
    event.status = status
    return event


# --- Participating employers ---------------------------------------------------------


def _remaining(need: RecruitmentNeed) -> int:
    return need.positions - need.positions_filled if need.status.is_open else 0


def add_participant(
    event: Event, employer: Employer, *, needs: list[RecruitmentNeed], positions_offered: int | None = None
) -> EventParticipant:
    """An employer joins the event with the needs it brings; positions default to their open positions."""
    if event.status is EventStatus.CANCELLED:
        raise EventError("Cet événement est annulé.")
    if employer.basin_id != event.basin_id:
        raise EventError(f"{employer.display_name} n'est pas sur le bassin {event.basin.name}.")
    if any(p.employer_id == employer.id for p in event.participants):
        raise EventError(f"{employer.display_name} participe déjà à cet événement.")
    for need in needs:
        if need.employer_id != employer.id:
            raise EventError(f"Le besoin « {need.title} » n'est pas un besoin {of(employer.display_name)}.")
        if not need.status.is_open:
            raise EventError(f"Le besoin « {need.title} » est clôturé.")
    if positions_offered is None:
        positions_offered = sum(_remaining(need) for need in needs)
    if positions_offered < 0:
        raise EventError("Le nombre de postes proposés ne peut pas être négatif.")
    participant = EventParticipant(
        employer=employer,
        positions_offered=positions_offered,
        needs=[EventParticipantNeed(need=need) for need in needs],
    )
    event.participants.append(participant)
    return participant


def update_participant(
    participant: EventParticipant, *, needs: list[RecruitmentNeed], positions_offered: int | None = None
) -> EventParticipant:
    """Change the needs an employer brings and the positions it offers."""
    linked = {link.need_id: link for link in participant.needs}
    for need in needs:
        if need.employer_id != participant.employer_id:
            raise EventError(f"Le besoin « {need.title} » n'est pas un besoin {of(participant.employer.display_name)}.")
        if need.id not in linked and not need.status.is_open:
            raise EventError(f"Le besoin « {need.title} » est clôturé.")
    kept_ids = {need.id for need in needs}
    for link in participant.needs:
        if link.need_id not in kept_ids and link.hires:
            raise EventError(
                f"Des recrutements de l'événement sont comptés sur « {link.need.title} » : corrigez d'abord les résultats."
            )
    if positions_offered is None:
        positions_offered = sum(
            _remaining(need) + linked[need.id].hires if need.id in linked else _remaining(need) for need in needs
        )
    if positions_offered < participant.hires:
        raise EventError(
            f"{plural(participant.hires, 'recrutement est déjà enregistré', 'recrutements sont déjà enregistrés')} : "
            "proposez au moins autant de postes."
        )
    participant.needs = [linked.get(need.id) or EventParticipantNeed(need=need) for need in needs]
    participant.positions_offered = positions_offered
    return participant


def remove_participant(event: Event, participant: EventParticipant) -> None:
    if participant.event_id != event.id:
        raise EventError("Cette entreprise ne participe pas à cet événement.")
    if participant.hires:
        raise EventError("Des recrutements sont enregistrés pour cette entreprise : corrigez d'abord les résultats.")
    event.participants.remove(participant)


# --- Results -------------------------------------------------------------------------


def _new_allocation(participant: EventParticipant, hires: int) -> list[int]:
    """How many of the employer's hires each linked need receives: existing credits are kept
    (a correction upwards fills the next open positions, downwards takes back from the last)."""
    allocation = [link.hires for link in participant.needs]
    extra = hires - sum(allocation)
    for index, link in enumerate(participant.needs):
        if extra <= 0:
            break
        given = min(extra, _remaining(link.need))
        allocation[index] += given
        extra -= given
    for index in reversed(range(len(allocation))):
        if extra >= 0:
            break
        taken = min(-extra, allocation[index])
        allocation[index] -= taken
        extra += taken
    return allocation


def record_results(
    event: Event,
    *,
    candidates_attended: int,
    results: dict[int, tuple[int, int]],
    author: User | None,
    expected_version: int | None = None,
) -> Event:
    """Record attendance and, per employer, interviews and hires ({participant id: (interviews, hires)}).

    Hires are credited to the needs the employer brought, which fills their positions
    (and closes a need whose positions are all filled). The event becomes "réalisé".
    """
    if expected_version is not None and expected_version != event.version:
        raise EventConflict("Cet événement a été modifié entre-temps par quelqu'un d'autre : rechargez la page.")
    if event.status is EventStatus.CANCELLED:
        raise EventError("Cet événement est annulé : il n'a pas de résultats.")
    if event.starts_at > utcnow():
        raise EventError("Les résultats se saisissent une fois l'événement commencé.")
    if candidates_attended < 0:
        raise EventError("Le nombre de candidats présents ne peut pas être négatif.")
    if event.capacity is not None and candidates_attended > event.capacity:
        raise EventError(
            f"{candidates_attended} candidats présents dépassent la capacité d'accueil ({event.capacity} personnes)."
        )
    participants = {participant.id: participant for participant in event.participants}
    if set(results) - set(participants):
        raise EventError("Une des entreprises ne participe pas à cet événement.")
    for participant_id, (interviews, hires) in results.items():
        participant = participants[participant_id]
        name = participant.employer.display_name
        if interviews < 0 or hires < 0:
            raise EventError(f"{name} : les entretiens et recrutements ne peuvent pas être négatifs.")
        if hires > participant.positions_offered:
            raise EventError(
                f"{name} : {plural(hires, 'recrutement', 'recrutements')} pour "
                f"{plural(participant.positions_offered, 'poste proposé', 'postes proposés')}."
            )
    hired_on = to_paris(event.starts_at).date()
    for participant_id, (interviews, hires) in results.items():
        participant = participants[participant_id]
        allocation = _new_allocation(participant, hires)
        # Take back before giving, so that a need is never over-filled midway.
        deltas = sorted(zip(participant.needs, allocation, strict=True), key=lambda pair: pair[1] - pair[0].hires)
        for link, credited in deltas:
            try:
                record_hires(link.need, credited - link.hires, author=author, hired_on=hired_on)
            except NeedError as error:
                raise EventError(f"{participant.employer.display_name} : {error}") from error
            link.hires = credited
        participant.interviews, participant.hires = interviews, hires
    event.candidates_attended = candidates_attended
    event.status = EventStatus.HELD
    event_results_recorded.send(event)
    return event


# --- Calendar feeds ------------------------------------------------------------------


def _feed_signature(secret_key: str, basin_id: int, generation: int) -> str:
    digest = hmac.new(secret_key.encode(), f"calendar-feed:{basin_id}:{generation}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def feed_token(secret_key: str, basin: Basin) -> str:
    """The secret part of the basin's feed URL: ``<basin code>.<HMAC>``."""
    feed = db.session.get(CalendarFeed, basin.id)
    generation = feed.generation if feed else 1
    return f"{basin.code}.{_feed_signature(secret_key, basin.id, generation)}"


def basin_for_feed_token(secret_key: str, token: str) -> Basin | None:
    code, _, signature = token.partition(".")
    basin = db.session.scalar(sa.select(Basin).where(Basin.code == code)) if code and signature else None
    if basin is None:
        return None
    feed = db.session.get(CalendarFeed, basin.id)
    expected = _feed_signature(secret_key, basin.id, feed.generation if feed else 1)
    return basin if hmac.compare_digest(expected, signature) else None


def rotate_feed(basin: Basin, *, author: User | None) -> CalendarFeed:
    """A new feed URL for the basin: every copy of the old one stops working."""
    feed = db.session.get(CalendarFeed, basin.id)
    if feed is None:
        feed = CalendarFeed(basin_id=basin.id, generation=1)
        db.session.add(feed)
    feed.generation += 1
    feed.rotated_at = utcnow()
    feed.rotated_by_id = author.id if author else None
    return feed

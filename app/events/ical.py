"""iCalendar (RFC 5545) output of events, for one event or a basin's subscribable feed."""

import icalendar

from app.events.enums import EventStatus
from app.events.models import Event
from app.timeutils import utcnow

PRODUCT_ID = "-//Relais Entreprises//Événements//FR"
UID_DOMAIN = "relais-entreprises.fr"


def _vevent(event: Event, url: str | None) -> icalendar.Event:
    vevent = icalendar.Event()
    # Stable across edits, so a calendar updates the event instead of adding a copy.
    vevent.add("uid", f"evenement-{event.id}@{UID_DOMAIN}")
    vevent.add("sequence", event.version)
    vevent.add("dtstamp", utcnow())
    vevent.add("last-modified", event.updated_at)
    vevent.add("dtstart", event.starts_at)
    vevent.add("dtend", event.ends_at)
    vevent.add("summary", f"{event.kind.label} : {event.title}")
    vevent.add("location", event.place)
    lines = [f"Public : {event.target_public.label}"]
    if event.organisers:
        lines.append(f"Co-organisé par : {', '.join(event.organisers)}")
    if event.capacity:
        lines.append(f"Capacité d'accueil : {event.capacity} personnes")
    if event.description:
        lines.extend(["", event.description])
    vevent.add("description", "\n".join(lines))
    vevent.add("categories", [event.kind.label])
    vevent.add("status", "CANCELLED" if event.status is EventStatus.CANCELLED else "CONFIRMED")
    if url:
        vevent.add("url", url)
    return vevent


def calendar_of(events: list[Event], *, name: str, url_for_event=None) -> bytes:
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODUCT_ID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    # An X- property has no declared type, so icalendar writes it as given: only as vText are
    # its line breaks and separators escaped (an event title with a line break names the file).
    calendar.add("x-wr-calname", icalendar.vText(name))
    calendar.add("x-wr-timezone", "Europe/Paris")
    for event in events:
        calendar.add_component(_vevent(event, url_for_event(event) if url_for_event else None))
    return calendar.to_ical()

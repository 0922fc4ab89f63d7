"""Events through the API: list and read with their participants and results (ETag); record the
results (If-Match) when the client's role may do it on the pages, through app/events/services.py."""

from flask import request
from marshmallow import EXCLUDE, fields, validate
from sqlalchemy.orm import joinedload

from app.api import bp
from app.api.authentication import current_client, require_write_scope
from app.api.conventions import (
    api_limit,
    cursor_page,
    json_body,
    json_response,
    load,
    make_etag,
    require_if_match,
    with_etag,
)
from app.api.input_fields import choice, integer, text
from app.api.lookups import require_page_right
from app.api.openapi_parts import (
    IF_MATCH,
    SECURED,
    etagged,
    list_path,
    path_id,
    problems,
    read_path,
)
from app.api.openapi_parts import (
    json_body as json_request,
)
from app.api.problems import ApiProblem
from app.api.schemas import NOT_INSTANT, StrictSchema
from app.audit.services import acting_as
from app.events.enums import EventKind, EventStatus
from app.events.models import Event
from app.events.queries import get_visible_event, visible_events
from app.events.services import record_results
from app.extensions import db


class EventListQuerySchema(StrictSchema):
    kind = choice(EventKind)
    status = choice(EventStatus)
    updated_since = fields.AwareDateTime(
        default_timezone=None,
        error_messages={**NOT_INSTANT, "naive": "Précisez le fuseau (Z ou +01:00)."},
        metadata={"description": "Les événements modifiés à partir de cet instant (UTC, ISO 8601)."},
    )
    cursor = text(200, metadata={"description": "Le curseur `next_cursor` de la page précédente."})


class ParticipantSchema(StrictSchema):
    id = fields.Integer()
    employer = fields.String(attribute="employer.url_key", metadata={"description": "SIRET, ou n<id>."})
    employer_name = fields.String(attribute="employer.display_name")
    positions_offered = fields.Integer()
    interviews = fields.Integer()
    hires = fields.Integer()
    need_ids = fields.Function(lambda participant: [link.need_id for link in participant.needs])


class EventSummarySchema(StrictSchema):
    id = fields.Integer()
    basin = fields.String(attribute="basin.code")
    kind = fields.Function(lambda event: event.kind.value)
    title = fields.String()
    starts_at = fields.DateTime(format="iso")
    ends_at = fields.DateTime(format="iso")
    place = fields.String()
    capacity = fields.Integer(allow_none=True)
    status = fields.Function(lambda event: event.status.value)
    candidates_expected = fields.Integer()
    candidates_attended = fields.Integer()
    version = fields.Integer()
    updated_at = fields.DateTime(format="iso")


class EventSchema(EventSummarySchema):
    participants = fields.List(fields.Nested(ParticipantSchema))


class EventPageSchema(StrictSchema):
    items = fields.List(fields.Nested(EventSummarySchema))
    next_cursor = fields.String(allow_none=True, metadata={"description": "null à la fin."})


class ParticipantResultSchema(StrictSchema):
    participant_id = integer(required=True)
    interviews = integer(0, 9999, required=True)
    hires = integer(0, 9999, required=True)


class ResultsInputSchema(StrictSchema):
    candidates_attended = integer(0, 99999, required=True)
    results = fields.List(
        fields.Nested(ParticipantResultSchema),
        load_default=list,
        validate=validate.Length(max=1000, error="1 000 entreprises au plus."),
        metadata={"description": "Par entreprise participante : entretiens et recrutements."},
    )


def event_etag(event: Event) -> str:
    return make_etag("event", event.id, event.version)


def _visible_event(event_id: int) -> Event:
    event = get_visible_event(current_client().principal, event_id)
    if event is None:
        raise ApiProblem(404, "Aucun événement de ce numéro parmi ceux que ce client peut voir.")
    return event


@bp.get("/events")
@api_limit
def events_list():
    require_page_right("events.index", "lire les événements")
    filters = load(EventListQuerySchema(unknown=EXCLUDE), request.args)
    query = visible_events(current_client().principal).options(joinedload(Event.basin))
    if filters.get("kind"):
        query = query.where(Event.kind == EventKind(filters["kind"]))
    if filters.get("status"):
        query = query.where(Event.status == EventStatus(filters["status"]))
    if filters.get("updated_since"):
        query = query.where(Event.updated_at >= filters["updated_since"])
    return json_response(EventPageSchema().dump(cursor_page(query, Event.id, filters)))


@bp.get("/events/<int:event_id>")
@api_limit
def event(event_id: int):
    require_page_right("events.detail", "lire les événements")
    found = _visible_event(event_id)
    return with_etag(EventSchema().dump(found), event_etag(found))


@bp.post("/events/<int:event_id>/results")
@api_limit
def record_event_results(event_id: int):
    """Attendance, and per employer interviews and hires, credited to the needs it brought."""
    require_write_scope()
    require_page_right("events.record", "saisir les résultats d'un événement")
    found = _visible_event(event_id)
    require_if_match(event_etag(found))
    data = load(ResultsInputSchema(), json_body())
    results = {item["participant_id"]: (item["interviews"], item["hires"]) for item in data["results"]}
    with acting_as(f"API : {current_client().name}"):
        record_results(
            found,
            candidates_attended=data["candidates_attended"],
            results=results,
            author=current_client().principal,
            expected_version=found.version,
        )
        db.session.flush()
    return json_response(EventSchema().dump(found), headers={"ETag": event_etag(found)})


EVENT_ID = path_id("event_id")
SCHEMAS = {
    "Participant": ParticipantSchema,
    "EventSummary": EventSummarySchema,
    "Event": EventSchema,
    "EventPage": EventPageSchema,
    "ResultsInput": ResultsInputSchema,
}
PATHS = {
    "/events": list_path(
        "Les événements des bassins du client (100 par page)",
        EventListQuerySchema,
        "EventPage",
        "Une page d'événements",
    ),
    "/events/{event_id}": read_path(
        "Lire un événement, ses entreprises participantes et ses résultats", EVENT_ID, "Event", "L'événement"
    ),
    "/events/{event_id}/results": {
        "post": {
            "summary": "Saisir les résultats d'un événement (If-Match obligatoire)",
            "security": SECURED,
            "parameters": [EVENT_ID, IF_MATCH],
            "requestBody": json_request("ResultsInput"),
            "responses": {
                "200": etagged("Event", "L'événement et ses résultats"),
                **problems(400, 401, 403, 404, 409, 412, 428, 429),
            },
        }
    },
}

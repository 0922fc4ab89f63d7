"""The domains' signals, written to the webhook outbox (app/api/webhooks.py) in the change's transaction.

Each event is offered to the subscriptions whose client may see its record, through the same
`get_visible_*` query as the API and the pages, run for the client's technical account.
"""

from app.api.webhooks import enqueue
from app.api.webhooks_models import WebhookEvent
from app.assignments.enums import HandoverStatus
from app.assignments.signals import handover_decided, privileged_contact_assigned
from app.employers.queries import get_visible_employer_by_id
from app.events.queries import get_visible_event
from app.events.signals import event_results_recorded
from app.leads.queries import get_visible_lead
from app.leads.signals import lead_accepted, lead_rejected
from app.needs.queries import get_visible_need
from app.needs.signals import need_created, need_status_changed


def _instant(value) -> str | None:
    return value.isoformat().replace("+00:00", "Z") if value else None


def _employer(employer) -> dict:
    return {"reference": employer.url_key, "siret": employer.siret, "name": employer.display_name}


def _on_assigned(assignment, **_) -> None:
    def data() -> dict:
        return {
            "employer": _employer(assignment.employer),
            "adviser_name": assignment.adviser.full_name,
            "operator": assignment.operator.name,
            "since": _instant(assignment.started_at),
        }

    enqueue(WebhookEvent.EMPLOYER_ASSIGNED, data, lambda user: _sees_employer(user, assignment.employer_id))


def _on_handover_decided(request, **_) -> None:
    if request.status is not HandoverStatus.APPROVED:
        return

    def data() -> dict:
        return {"employer": _employer(request.employer), "decided_at": _instant(request.decided_at)}

    enqueue(WebhookEvent.EMPLOYER_HANDED_OVER, data, lambda user: _sees_employer(user, request.employer_id))


def _sees_employer(user, employer_id: int) -> bool:
    return get_visible_employer_by_id(user, employer_id) is not None


def _need(need) -> dict:
    return {
        "id": need.id,
        "employer": _employer(need.employer),
        "title": need.title,
        "positions": need.positions,
        "positions_filled": need.positions_filled,
        "status": need.status.value,
    }


def _sees_need(need):
    return lambda user: get_visible_need(user, need.id) is not None


def _on_need_created(need, **_) -> None:
    enqueue(WebhookEvent.NEED_CREATED, lambda: _need(need), _sees_need(need))


def _on_need_status_changed(need, from_status, to_status, **_) -> None:
    event = WebhookEvent.NEED_STAGE_CHANGED if to_status.is_open else WebhookEvent.NEED_CLOSED
    enqueue(event, lambda: {**_need(need), "from_status": from_status.value}, _sees_need(need))


def _lead(lead) -> dict:
    return {"id": lead.id, "status": lead.status.value, "decided_at": _instant(lead.decided_at)}


def _sees_lead(lead):
    return lambda user: get_visible_lead(user, lead.id) is not None


def _on_lead_accepted(lead, need=None, **_) -> None:
    def data() -> dict:
        return {**_lead(lead), "need_id": need.id if need else None}

    enqueue(WebhookEvent.LEAD_ACCEPTED, data, _sees_lead(lead))


def _on_lead_rejected(lead, **_) -> None:
    def data() -> dict:
        return {**_lead(lead), "rejection_reason": lead.rejection_reason.value if lead.rejection_reason else None}

    enqueue(WebhookEvent.LEAD_REJECTED, data, _sees_lead(lead))


def _on_event_results(event, **_) -> None:
    def data() -> dict:
        return {
            "id": event.id,
            "title": event.title,
            "starts_at": _instant(event.starts_at),
            "candidates_attended": event.candidates_attended,
            "interviews": sum(participant.interviews for participant in event.participants),
            "hires": sum(participant.hires for participant in event.participants),
        }

    enqueue(WebhookEvent.EVENT_RESULTS, data, lambda user: get_visible_event(user, event.id) is not None)


def connect_receivers() -> None:
    privileged_contact_assigned.connect(_on_assigned)
    handover_decided.connect(_on_handover_decided)
    need_created.connect(_on_need_created)
    need_status_changed.connect(_on_need_status_changed)
    lead_accepted.connect(_on_lead_accepted)
    lead_rejected.connect(_on_lead_rejected)
    event_results_recorded.connect(_on_event_results)

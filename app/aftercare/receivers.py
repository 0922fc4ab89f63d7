"""How the after-the-hire follow-ups and the employer's e-mails react to the domains below
(connected by create_app)."""

from app.aftercare.introductions import introduce_privileged_contact
from app.aftercare.retention import schedule_retention_checks
from app.aftercare.surveys import send_event_surveys, send_need_survey
from app.assignments.models import Assignment
from app.assignments.signals import privileged_contact_assigned
from app.events.models import Event
from app.events.signals import event_results_recorded
from app.needs.models import RecruitmentNeed
from app.needs.signals import need_closed


def follow_closed_need(need: RecruitmentNeed, **_) -> None:
    schedule_retention_checks(need)
    send_need_survey(need)


def survey_event_participants(event: Event, **_) -> None:
    send_event_surveys(event)


def introduce_new_privileged_contact(assignment: Assignment, **_) -> None:
    introduce_privileged_contact(assignment)


def connect_receivers() -> None:
    need_closed.connect(follow_closed_need)
    event_results_recorded.connect(survey_event_participants)
    privileged_contact_assigned.connect(introduce_new_privileged_contact)

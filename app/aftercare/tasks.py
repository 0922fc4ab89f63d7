"""The after-the-hire periodic job (listed and scheduled in app/scheduler/registry.py)."""

from datetime import datetime

from app.aftercare.surveys import send_survey_reminders


def remind_unanswered_surveys(now: datetime) -> dict[str, int]:
    """A week after a survey left unanswered, its one reminder (rule 11)."""
    return send_survey_reminders(now)

"""Pages that compose several domains and are rendered by more than one view."""

from flask import render_template

from app.activity.forms import InteractionForm
from app.assignments.queries import contact_history, pending_handover_for
from app.employers.engagement_forms import engagement_section
from app.employers.models import Employer
from app.employers.queries import open_follow_ups, timeline
from app.needs.queries import EMPLOYER_PAGE_NEEDS, employer_mobilisations, employer_needs


def render_employer_page(employer: Employer, interaction_form: InteractionForm, **refused_forms) -> str:
    """The employer page: each section's data comes from its own domain's queries.

    Shown by employers.detail, and again by activity.log_contact with a refused contact form.
    """
    # The privileged contacts, read once: the current one, the timeline's and the history's.
    history = contact_history(employer.id)
    # The needs too, when the page's list holds all of them.
    needs = employer_needs(employer)
    every_need = needs if len(needs) < EMPLOYER_PAGE_NEEDS else None
    return render_template(
        "employers/detail.html",
        employer=employer,
        assignment=next((assignment for assignment in history if assignment.ended_at is None), None),
        follow_ups=open_follow_ups(employer),
        timeline=timeline(employer, assignments=history, needs=every_need),
        employer_needs=needs,
        employer_mobilisations=employer_mobilisations(employer),
        contact_history=history,
        pending_handover=pending_handover_for(employer.id),
        interaction_form=interaction_form,
        **engagement_section(employer, **refused_forms),
    )

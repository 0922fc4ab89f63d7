"""The in-app notifications that other domains' events give rise to (connected by create_app).

The domains below only announce what happened (their signals.py); who is told, and in which
words, is decided here.
"""

from app.activity.models import Interaction
from app.activity.signals import interaction_logged
from app.assignments.enums import HandoverStatus
from app.assignments.models import Assignment, HandoverRequest
from app.assignments.services import active_assignment_of, task_force_leads
from app.assignments.signals import (
    handover_decided,
    handover_requested,
    portfolio_released,
    privileged_contact_assigned,
)
from app.auth.enums import Role
from app.auth.models import User
from app.auth.queries import active_users
from app.employers.models import Employer
from app.formatting import of, plural
from app.leads.models import Lead
from app.leads.signals import lead_accepted, lead_merged, lead_rejected, lead_routed, lead_submitted
from app.needs.models import RecruitmentNeed
from app.notifications.services import app_path, notify


def _employer_link(employer: Employer) -> str:
    return app_path("employers.detail", siret=employer.url_key)


def tell_privileged_contact_of_interaction(interaction: Interaction, **_) -> None:
    employer = interaction.employer
    privileged = active_assignment_of(employer)
    if privileged is None or privileged.adviser_id == interaction.author_id:
        return
    notify(
        privileged.adviser,
        "interaction_logged",
        f"{interaction.author.full_name} a enregistré un échange ({interaction.channel.label.lower()}) avec "
        f"{employer.display_name} : {interaction.subject}"[:500],
        link=_employer_link(employer),
        employer_id=employer.id,
    )


def tell_new_privileged_contact(assignment: Assignment, **_) -> None:
    employer = assignment.employer
    notify(
        assignment.adviser,
        "assignment",
        f"Vous êtes désormais l'interlocuteur privilégié {of(employer.display_name)}.",
        link=_employer_link(employer),
        employer_id=employer.id,
    )


def tell_leads_of_released_portfolio(user: User, *, released_per_basin: dict[int, int], **_) -> None:
    for basin_id, count in released_per_basin.items():
        for lead in task_force_leads(basin_id):
            notify(
                lead,
                "portfolio_released",
                f"{plural(count, 'entreprise', 'entreprises')} {of(user.full_name)} "
                + ("attend" if count < 2 else "attendent")
                + " un nouvel interlocuteur privilégié.",
                link=app_path("assignments.queue"),
            )


def tell_of_handover_request(request: HandoverRequest, **_) -> None:
    employer = request.employer
    current_adviser = request.assignment.adviser
    message = (
        f"Demande de passation pour {employer.display_name} par {request.requested_by.full_name} : {request.reason}"
    )
    recipients = task_force_leads(employer.basin_id)
    if current_adviser.id != request.requested_by.id:
        recipients.append(current_adviser)
    for recipient in recipients:
        notify(
            recipient,
            "handover_requested",
            message[:500],
            link=app_path("assignments.handovers"),
            employer_id=employer.id,
        )


def tell_of_handover_decision(request: HandoverRequest, **_) -> None:
    employer = request.employer
    verdict = "acceptée" if request.status is HandoverStatus.APPROVED else "refusée"
    note = request.decision_note
    message = f"Passation {verdict} pour {employer.display_name}" + (f" : {note}" if note else ".")
    recipients = {request.assignment.adviser_id: request.assignment.adviser}
    if request.requested_by is not None:
        recipients[request.requested_by.id] = request.requested_by
    for recipient in recipients.values():
        notify(recipient, "handover_decided", message[:500], link=_employer_link(employer), employer_id=employer.id)


def tell_leads_of_new_lead(lead: Lead, *, by_employer: bool, **_) -> None:
    if lead.basin_id is None:
        # No basin's task force is concerned: the admins, who route it, are told.
        for admin in active_users(Role.ADMIN):
            notify(
                admin,
                "lead_outside_basins",
                f"Un besoin hors bassin attend d'être routé : {lead.job_title} chez {lead.employer_name}"
                f" ({lead.commune_name or 'commune inconnue'})."[:500],
                link=app_path("leads.outside_basins"),
            )
        return
    what = "Besoin déposé par un employeur" if by_employer else "Nouveau signalement"
    for lead_user in task_force_leads(lead.basin_id):
        notify(lead_user, "lead_submitted", f"{what} : {lead.job_title} chez {lead.employer_name}.")


def tell_leads_of_routed_lead(lead: Lead, **_) -> None:
    for lead_user in task_force_leads(lead.basin_id):
        notify(
            lead_user,
            "lead_submitted",
            f"Besoin déposé par un employeur, routé vers votre bassin : {lead.job_title} chez {lead.employer_name}."[
                :500
            ],
            link=app_path("leads.detail", lead_id=lead.id),
        )


def _tell_spotter(lead: Lead, message: str) -> None:
    if lead.spotter is not None and lead.spotter.is_active:
        notify(lead.spotter, "lead_decided", message[:500], link=app_path("leads.detail", lead_id=lead.id))


def tell_of_accepted_lead(lead: Lead, *, need: RecruitmentNeed, **_) -> None:
    employer = lead.employer
    contact = active_assignment_of(employer)
    if contact is not None:
        notify(
            contact.adviser,
            "lead_accepted",
            f"Nouveau besoin signalé pour {employer.display_name} : {need.title} ({plural(need.positions, 'poste', 'postes')}).",
            link=_employer_link(employer),
            employer_id=employer.id,
        )
    _tell_spotter(lead, f"Votre signalement « {lead.job_title} » chez {employer.display_name} a été accepté.")


def tell_spotter_of_rejection(lead: Lead, **_) -> None:
    explanation = f" : {lead.decision_note}" if lead.decision_note else "."
    _tell_spotter(
        lead,
        f"Votre signalement « {lead.job_title} » n'a pas été retenu ({lead.rejection_reason.label.lower()}){explanation}",
    )


def tell_spotter_of_merge(lead: Lead, **_) -> None:
    _tell_spotter(lead, f"Votre signalement « {lead.job_title} » rejoint un besoin déjà suivi par le réseau.")


def connect_receivers() -> None:
    interaction_logged.connect(tell_privileged_contact_of_interaction)
    privileged_contact_assigned.connect(tell_new_privileged_contact)
    portfolio_released.connect(tell_leads_of_released_portfolio)
    handover_requested.connect(tell_of_handover_request)
    handover_decided.connect(tell_of_handover_decision)
    lead_submitted.connect(tell_leads_of_new_lead)
    lead_routed.connect(tell_leads_of_routed_lead)
    lead_accepted.connect(tell_of_accepted_lead)
    lead_rejected.connect(tell_spotter_of_rejection)
    lead_merged.connect(tell_spotter_of_merge)

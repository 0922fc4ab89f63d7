"""Who may reach which page: the one place where access rules live.

Every endpoint must appear here; an endpoint that does not is refused to everyone
(tests/auth/test_access_matrix.py walks the URL map to keep this table complete).
Record-level rules (basin scope) live in the domain queries: see ``scoped_*`` helpers.
"""

from app.auth.enums import Role

PUBLIC = "public"
# The API's resources: no session, no role; the bearer token names a client, whose basins and
# scope its technical account holds (app/api/authentication.py). The session hook lets them through.
API_CLIENTS = "api_clients"

ADVISER, LEAD, MANAGER, ADMIN, SPOTTER = (
    Role.ADVISER,
    Role.TASKFORCE_LEAD,
    Role.MANAGER,
    Role.ADMIN,
    Role.SPOTTER,
)
EVERYONE = frozenset(Role)
STAFF = frozenset({ADVISER, LEAD, MANAGER, ADMIN})
FIELD = frozenset({ADVISER, LEAD, ADMIN})

ENDPOINT_ROLES: dict[str, frozenset[Role] | str] = {
    "static": PUBLIC,
    "main.health": PUBLIC,
    "main.readiness": PUBLIC,
    # The footer's pages: what the service is, who publishes it, what it does with personal data.
    "main.accessibility": PUBLIC,
    "main.legal_notice": PUBLIC,
    "main.personal_data": PUBLIC,
    "main.sitemap": PUBLIC,
    # Public for the scraper, which cannot log in; the view answers only METRICS_ALLOWED_IPS.
    "monitoring.metrics": PUBLIC,
    "auth.login": PUBLIC,
    "auth.proconnect_login": PUBLIC,
    "auth.proconnect_callback": PUBLIC,
    "auth.proconnect_logged_out": PUBLIC,
    "auth.logout": EVERYONE,
    "auth.change_password": EVERYONE,
    "auth.forgot_password": PUBLIC,
    "auth.set_password": PUBLIC,
    "main.home": EVERYONE,
    # The header's search: each group of results is shown to the roles that may open its records.
    "search.results": EVERYONE,
    "employers.index": STAFF,
    "needs.board": STAFF,
    "needs.index": STAFF,
    "needs.export": STAFF,
    "needs.detail": STAFF,
    "needs.move": FIELD,
    "needs.close": FIELD,
    "needs.reopen": FIELD,
    "needs.satisfaction": FIELD,
    "needs.add_need_service": FIELD,
    "needs.new": FIELD,
    "needs.edit": FIELD,
    # Each adviser their own operator's candidates; a lead or an admin any operator's (app/needs/sourcing.py).
    "needs.sourcing": FIELD,
    "needs.public_hires": FIELD,
    # The need form's job-title search.
    "referential.job_titles": FIELD,
    "dashboard.index": STAFF,
    "dashboard.drilldown": STAFF,
    "dashboard.export": STAFF,
    "employers.detail": STAFF,
    "activity.follow_ups": FIELD,
    "activity.follow_up_done": FIELD,
    "activity.follow_up_postpone": FIELD,
    "activity.portfolio": FIELD,
    "activity.log_contact": FIELD,
    "employers.export": STAFF,
    "employers.new": FIELD,
    "employers.edit": FIELD,
    "employers.contact_new": FIELD,
    "employers.contact_edit": FIELD,
    "employers.contact_opposition": FIELD,
    # A person's rights (export, erasure): the basin's task-force leads and admins only.
    "employers.contact_export": frozenset({LEAD, ADMIN}),
    "employers.contact_erase": frozenset({LEAD, ADMIN}),
    "employers.duplicates": frozenset({LEAD, ADMIN}),
    "employers.merge": frozenset({LEAD, ADMIN}),
    "employers.import_file": frozenset({LEAD, ADMIN}),
    "employers.import_run": frozenset({LEAD, ADMIN}),
    # Bulk tagging from the list, within the user's basins (the query scopes the employers).
    "employers.bulk_tag": FIELD,
    # Engagements for inclusive hiring: the club, the charter (app/employers/engagements.py).
    "employers.engagement_add": FIELD,
    "employers.engagement_end": FIELD,
    # Tags are shared by every basin: a lead may create one (an import's list needs it on
    # Monday), only an admin renames or archives one, which changes it for everyone.
    "employers.tags": frozenset({LEAD, ADMIN}),
    "employers.tag_edit": frozenset({ADMIN}),
    "employers.tag_status": frozenset({ADMIN}),
    # The services catalogue is shared by every basin: only admins keep it.
    "needs.catalogue": frozenset({ADMIN}),
    "needs.service_type_edit": frozenset({ADMIN}),
    "needs.service_type_status": frozenset({ADMIN}),
    # Solutions mobilised for an employer (on a need or not), within the user's basins.
    "needs.mobilisation_new": FIELD,
    "needs.mobilisation_edit": FIELD,
    "notifications.index": EVERYONE,
    "notifications.mark_read": EVERYONE,
    "notifications.mark_all_read": EVERYONE,
    "notifications.digest": STAFF,
    "notifications.preferences": STAFF,
    "notifications.monthly_reports": frozenset({MANAGER, ADMIN}),
    "notifications.monthly_report": frozenset({MANAGER, ADMIN}),
    "notifications.monthly_report_download": frozenset({MANAGER, ADMIN}),
    "notifications.admin_jobs": frozenset({ADMIN}),
    "notifications.admin_job_run": frozenset({ADMIN}),
    "notifications.admin_outbox": frozenset({ADMIN}),
    "notifications.admin_outbox_email": frozenset({ADMIN}),
    "monitoring.error_reports": frozenset({ADMIN}),
    "referential.shortage_jobs": STAFF,
    # A lead keeps the list of their own basins only (the view scopes the basin).
    "referential.shortage_job_add": frozenset({LEAD, ADMIN}),
    "referential.shortage_job_remove": frozenset({LEAD, ADMIN}),
    "referential.shortage_import": frozenset({LEAD, ADMIN}),
    "assignments.queue": frozenset({LEAD, ADMIN}),
    "assignments.assign": frozenset({LEAD, ADMIN}),
    "assignments.assign_employer": frozenset({LEAD, ADMIN}),
    "assignments.task_forces": frozenset({LEAD, MANAGER, ADMIN}),
    "assignments.task_force": frozenset({LEAD, MANAGER, ADMIN}),
    "assignments.task_force_create": frozenset({MANAGER, ADMIN}),
    # The lead of the basin (the view scopes the task force) or an admin.
    "assignments.task_force_rename": frozenset({LEAD, ADMIN}),
    "assignments.member_add": frozenset({MANAGER, ADMIN}),
    "assignments.member_update": frozenset({LEAD, MANAGER, ADMIN}),
    "assignments.member_remove": frozenset({MANAGER, ADMIN}),
    "assignments.handover_request": FIELD,
    "assignments.handovers": frozenset({LEAD, ADMIN}),
    "assignments.handover_decide": frozenset({LEAD, ADMIN}),
    "leads.index": frozenset({LEAD, MANAGER, ADMIN, SPOTTER}),
    "leads.new": frozenset({SPOTTER}),
    "leads.detail": frozenset({LEAD, MANAGER, ADMIN, SPOTTER}),
    "leads.accept": frozenset({LEAD, ADMIN}),
    "leads.reject": frozenset({LEAD, ADMIN}),
    "leads.merge": frozenset({LEAD, ADMIN}),
    "leads.contributions_page": frozenset({LEAD, MANAGER, ADMIN}),
    "leads.organisations": frozenset({MANAGER, ADMIN}),
    "leads.organisation_create": frozenset({MANAGER, ADMIN}),
    "leads.organisation_attach": frozenset({MANAGER, ADMIN}),
    "leads.organisation_edit": frozenset({MANAGER, ADMIN}),
    # Needs of no basin (public form): only admins, who see every basin, route them.
    "leads.outside_basins": frozenset({ADMIN}),
    "leads.route": frozenset({ADMIN}),
    "leads.public_form": PUBLIC,
    "leads.public_thanks": PUBLIC,
    "auth.admin_users": frozenset({ADMIN}),
    # Basins and their communes: admins only (app/referential/basins.py).
    "referential.admin_basins": frozenset({ADMIN}),
    "referential.admin_basin_create": frozenset({ADMIN}),
    "referential.admin_basins_import": frozenset({ADMIN}),
    "referential.admin_basin": frozenset({ADMIN}),
    "referential.admin_basin_rename": frozenset({ADMIN}),
    "referential.admin_basin_open_close": frozenset({ADMIN}),
    "referential.admin_basin_add_communes": frozenset({ADMIN}),
    "referential.admin_basin_remove_commune": frozenset({ADMIN}),
    "referential.admin_communes": frozenset({ADMIN}),
    # An invitation: a task-force lead invites advisers for their own basins (app/auth/services.py).
    "auth.admin_user_new": frozenset({LEAD, ADMIN}),
    "auth.admin_users_invite_file": frozenset({LEAD, ADMIN}),
    # Invitations not accepted yet, resent or cancelled by whoever may invite that person.
    "auth.pending_invitations": frozenset({LEAD, ADMIN}),
    "auth.admin_user_resend_invitation": frozenset({LEAD, ADMIN}),
    "auth.admin_user_cancel_invitation": frozenset({LEAD, ADMIN}),
    "auth.admin_user_edit": frozenset({ADMIN}),
    "auth.admin_user_deactivate": frozenset({ADMIN}),
    # The network's set-up: the entry page lists what each role may open there.
    "main.administration": frozenset({LEAD, MANAGER, ADMIN}),
    "referential.operators": frozenset({ADMIN}),
    "referential.operator_new": frozenset({ADMIN}),
    "referential.operator_edit": frozenset({ADMIN}),
    # Prospection plans: staff read them; task-force leads build and share them out.
    "plans.index": STAFF,
    "plans.detail": STAFF,
    "plans.targets": STAFF,
    "plans.drill": STAFF,
    "plans.new": frozenset({LEAD, ADMIN}),
    "plans.edit": frozenset({LEAD, ADMIN}),
    "plans.add_target": frozenset({LEAD, ADMIN}),
    "plans.delete_target": frozenset({LEAD, ADMIN}),
    "plans.add_relative_target": frozenset({LEAD, ADMIN}),
    "plans.build": frozenset({LEAD, ADMIN}),
    "plans.add_target_employer": frozenset({LEAD, ADMIN}),
    "plans.remove_target_employer": frozenset({LEAD, ADMIN}),
    "plans.assign": frozenset({LEAD, ADMIN}),
    "plans.share": frozenset({LEAD, ADMIN}),
    "plans.duplicate": frozenset({LEAD, ADMIN}),
    # Events: staff read them; the field (advisers, leads) organise them and record results.
    "events.index": STAFF,
    "events.detail": STAFF,
    "events.results": STAFF,
    "events.results_csv": STAFF,
    "events.event_ics": STAFF,
    "events.subscriptions": STAFF,
    "events.new": FIELD,
    "events.edit": FIELD,
    "events.add_employer": FIELD,
    "events.participant": FIELD,
    "events.remove_employer": FIELD,
    "events.record": FIELD,
    "events.public_hires": FIELD,
    "events.rotate": frozenset({LEAD, ADMIN}),
    # Calendar clients cannot log in: the URL's token (an HMAC per basin) is the secret.
    "events.feed": PUBLIC,
    # The API: a token for a client's credentials, and the API's description, need no token.
    "api.token": PUBLIC,
    "api.openapi": PUBLIC,
    # The API's interactive documentation: it documents and holds no data.
    "api.docs": PUBLIC,
    # The API's clients, registered by admins (the same services as `flask api clients`).
    "api_admin.clients": frozenset({ADMIN}),
    "api_admin.rotate": frozenset({ADMIN}),
    "api_admin.revoke": frozenset({ADMIN}),
    "api.employers": API_CLIENTS,
    "api.employer": API_CLIENTS,
    "api.privileged_contact": API_CLIENTS,
    "api.log_contact": API_CLIENTS,
    "api.employer_services": API_CLIENTS,
    "api.mobilise_service": API_CLIENTS,
    # The API's writes and remaining resources: each view also holds the client's account to what
    # its role may do on the pages (app/api/lookups.require_page_right).
    "api.create_employer_resource": API_CLIENTS,
    "api.update_employer_resource": API_CLIENTS,
    "api.assign": API_CLIENTS,
    "api.ask_handover": API_CLIENTS,
    "api.decide": API_CLIENTS,
    "api.needs_list": API_CLIENTS,
    "api.need": API_CLIENTS,
    "api.create_need_resource": API_CLIENTS,
    "api.update_need_resource": API_CLIENTS,
    "api.move_need_resource": API_CLIENTS,
    "api.close_need_resource": API_CLIENTS,
    "api.rome_codes": API_CLIENTS,
    "api.naf_codes": API_CLIENTS,
    "api.basins": API_CLIENTS,
    "api.operators": API_CLIENTS,
    "api.figures": API_CLIENTS,
    "api.events_list": API_CLIENTS,
    "api.event": API_CLIENTS,
    "api.record_event_results": API_CLIENTS,
    "api.leads_list": API_CLIENTS,
    "api.lead": API_CLIENTS,
    "api.submit_lead_resource": API_CLIENTS,
    # The webhooks: admins subscribe a client (the page's form), resume a paused subscription,
    # redeliver an event, rotate a signing secret and delete a subscription.
    "webhooks_admin.index": frozenset({ADMIN}),
    "webhooks_admin.rotate": frozenset({ADMIN}),
    "webhooks_admin.delete": frozenset({ADMIN}),
    "webhooks_admin.resume": frozenset({ADMIN}),
    "webhooks_admin.resend": frozenset({ADMIN}),
}

# After the hire and the employer's voice (app/aftercare).
ENDPOINT_ROLES.update(
    {
        "aftercare.retention": STAFF,
        "aftercare.answer_retention": FIELD,
        # The employer has no account: the signed link is the secret (app/aftercare/surveys.py).
        "aftercare.survey": PUBLIC,
        "aftercare.survey_thanks": PUBLIC,
        "aftercare.contact_details": frozenset({ADVISER, LEAD}),
    }
)


# Steering accounts (DREETS, Région, Département, préfecture): read-only, over the basins of their
# territory; never a contact person (no employer, need or contact page: the drill-down hides names).
STEERING = Role.STEERING
for _endpoint in (
    "dashboard.index",
    "dashboard.drilldown",
    "dashboard.export",
    "notifications.monthly_reports",
    "notifications.monthly_report",
    "notifications.monthly_report_download",
):
    ENDPOINT_ROLES[_endpoint] = ENDPOINT_ROLES[_endpoint] | {STEERING}
# The basins' committees (app/committees): their managers and task-force leads write, steering reads.
COMMITTEE_READERS = frozenset({LEAD, MANAGER, ADMIN, STEERING})
COMMITTEE_WRITERS = frozenset({LEAD, MANAGER, ADMIN})
ENDPOINT_ROLES.update(
    {
        "committees.index": COMMITTEE_READERS,
        "committees.basin": COMMITTEE_READERS,
        "committees.meeting": COMMITTEE_READERS,
        "committees.escalations": COMMITTEE_READERS,
        "committees.meeting_new": COMMITTEE_WRITERS,
        "committees.action_new": COMMITTEE_WRITERS,
        "committees.action_status": COMMITTEE_WRITERS,
        "committees.escalate": COMMITTEE_WRITERS,
        # The co-chairs who receive the monthly report (personal data): the basin's managers, admins.
        "committees.recipient_add": frozenset({MANAGER, ADMIN}),
        "committees.recipient_remove": frozenset({MANAGER, ADMIN}),
    }
)


def is_allowed(endpoint: str | None, role: Role | None) -> bool:
    rule = ENDPOINT_ROLES.get(endpoint or "")
    if rule is None:
        return False
    if rule == PUBLIC:
        return True
    if rule == API_CLIENTS:
        return False  # reached with a client's token, never with a person's session
    return role is not None and role in rule


def is_public(endpoint: str | None) -> bool:
    return ENDPOINT_ROLES.get(endpoint or "") == PUBLIC


def is_api_resource(endpoint: str | None) -> bool:
    return ENDPOINT_ROLES.get(endpoint or "") == API_CLIENTS

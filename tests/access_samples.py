"""URL parameters for every endpoint that takes some, used by the access matrix test.

Each entry maps an endpoint to a function of ``world`` returning the URL's keyword
arguments. ``world`` is a dict built in tests/auth/test_access_matrix.py: "basin" (the
test users' basin), "employer" (an employer of that basin), "users" (one per role, by
Role), "other_user" (an adviser of the same basin). Create further objects with the
factories inside the function when an endpoint needs them.
"""

SAMPLES = {
    "static": lambda world: {"filename": "css/app.css"},
    "employers.detail": lambda world: {"siret": world["employer"].siret},
    "api.employer": lambda world: {"siret": world["employer"].siret},
    "api.privileged_contact": lambda world: {"siret": world["employer"].siret},
    "api.log_contact": lambda world: {"siret": world["employer"].siret},
    "api.employer_services": lambda world: {"siret": world["employer"].siret},
    "api.mobilise_service": lambda world: {"siret": world["employer"].siret},
    "webhooks_admin.resume": lambda world: {"subscription_id": _webhook_delivery(world).subscription_id},
    "webhooks_admin.resend": lambda world: {"delivery_id": _webhook_delivery(world).id},
    "webhooks_admin.rotate": lambda world: {"subscription_id": _webhook_delivery(world).subscription_id},
    "webhooks_admin.delete": lambda world: {"subscription_id": _webhook_delivery(world).subscription_id},
    "employers.import_run": lambda world: {"run_id": _import_run(world).id},
    "auth.admin_user_edit": lambda world: {"user_id": world["other_user"].id},
    "auth.admin_user_deactivate": lambda world: {"user_id": world["other_user"].id},
    "auth.set_password": lambda world: {"token": _password_link(world)},
    "auth.admin_user_resend_invitation": lambda world: {"user_id": _invited_adviser(world).id},
    "auth.admin_user_cancel_invitation": lambda world: {"user_id": _invited_adviser(world).id},
}


def _invited_adviser(world):
    from app.auth.password_links import INVITATION_LIFETIME, issue_password_link
    from app.extensions import db
    from tests.factories import UserFactory

    # An invitation of the test users' basin, which its task-force lead may follow too.
    user = UserFactory(invited=True, basins=[world["basin"]])
    issue_password_link(user, INVITATION_LIFETIME)
    db.session.flush()
    return user


def _password_link(world):
    from app.auth.password_links import RESET_LIFETIME, issue_password_link
    from app.extensions import db
    from tests.factories import UserFactory

    # A user of its own: the admin's pass through the list deactivates world["other_user"].
    token = issue_password_link(UserFactory(), RESET_LIFETIME)
    db.session.flush()
    return token


def _import_run(world):
    from app.auth.enums import Role
    from app.employers.enums import ImportRunStatus
    from app.employers.models import ImportRun
    from app.extensions import db

    run = ImportRun(user=world["users"][Role.TASKFORCE_LEAD], filename="liste.csv", status=ImportRunStatus.DONE)
    db.session.add(run)
    db.session.flush()
    return run


def _sample_need(world):
    from tests.factories import RecruitmentNeedFactory

    return RecruitmentNeedFactory(employer=world["employer"])


def _sample_mobilisation(world):
    from tests.factories import ServiceMobilisationFactory

    return {"mobilisation_id": ServiceMobilisationFactory(employer=world["employer"]).id}


def _sample_service_type(world):
    from tests.factories import ServiceTypeFactory

    return {"service_type_id": ServiceTypeFactory().id}


SAMPLES.update(
    {
        "needs.detail": lambda world: {"need_id": _sample_need(world).id},
        "needs.move": lambda world: {"need_id": _sample_need(world).id},
        "needs.close": lambda world: {"need_id": _sample_need(world).id},
        "needs.reopen": lambda world: {"need_id": _sample_need(world).id},
        "needs.satisfaction": lambda world: {"need_id": _sample_need(world).id},
        "needs.add_need_service": lambda world: {"need_id": _sample_need(world).id},
        "needs.mobilisation_new": lambda world: {"siret": world["employer"].siret},
        "needs.mobilisation_edit": _sample_mobilisation,
        "needs.service_type_edit": _sample_service_type,
        "needs.service_type_status": _sample_service_type,
        "needs.edit": lambda world: {"need_id": _sample_need(world).id},
        "needs.new": lambda world: {"siret": world["employer"].siret},
        "needs.export": lambda world: {"fmt": "csv"},
        "dashboard.export": lambda world: {"fmt": "xlsx"},
    }
)


def _task_force_member(world):
    from tests.factories import TaskForceMemberFactory, UserFactory

    return TaskForceMemberFactory(user=UserFactory(basins=[world["basin"]]))


def _pending_handover(world):
    from tests.factories import AssignmentFactory, HandoverRequestFactory, UserFactory

    assignment = AssignmentFactory(adviser=UserFactory(basins=[world["basin"]]))
    return HandoverRequestFactory(assignment=assignment)


def _spotter_lead(world):
    from app.auth.enums import Role
    from tests.factories import LeadFactory

    return LeadFactory(basin=world["basin"], spotter=world["users"][Role.SPOTTER])


def _outside_basin_lead(world):
    from tests.factories import LeadFactory

    return LeadFactory(outside_basins=True)


def _organisation(world):
    from tests.factories import SpotterOrganisationFactory

    return SpotterOrganisationFactory(basin=world["basin"])


def _task_force(world):
    from tests.factories import task_force_for

    return task_force_for(world["basin"])


SAMPLES.update(
    {
        "assignments.task_force": lambda world: {"task_force_id": _task_force(world).id},
        "assignments.member_add": lambda world: {"task_force_id": _task_force(world).id},
        "assignments.member_update": lambda world: {"member_id": _task_force_member(world).id},
        "assignments.member_remove": lambda world: {"member_id": _task_force_member(world).id},
        "assignments.handover_request": lambda world: {"employer_id": world["employer"].id},
        "assignments.assign_employer": lambda world: {"employer_id": world["employer"].id},
        "assignments.handover_decide": lambda world: {"request_id": _pending_handover(world).id},
        "leads.detail": lambda world: {"lead_id": _spotter_lead(world).id},
        "leads.accept": lambda world: {"lead_id": _spotter_lead(world).id},
        "leads.reject": lambda world: {"lead_id": _spotter_lead(world).id},
        "leads.merge": lambda world: {"lead_id": _spotter_lead(world).id},
        "leads.route": lambda world: {"lead_id": _outside_basin_lead(world).id},
        "leads.organisation_attach": lambda world: {"organisation_id": _organisation(world).id},
    }
)


def _sample_contact(world):
    from tests.factories import EmployerContactFactory

    return {"siret": world["employer"].siret, "contact_id": EmployerContactFactory(employer=world["employer"]).id}


SAMPLES.update(
    {
        "employers.edit": lambda world: {"siret": world["employer"].siret},
        "employers.contact_new": lambda world: {"siret": world["employer"].siret},
        "employers.contact_edit": _sample_contact,
        "employers.contact_opposition": _sample_contact,
        "employers.contact_export": lambda world: {**_sample_contact(world), "fmt": "json"},
        "employers.contact_erase": _sample_contact,
        "activity.log_contact": lambda world: {"siret": world["employer"].siret},
    }
)


def _sample_monthly_report(world):
    from app.auth.enums import Role
    from tests.factories import MonthlyReportFactory

    return {"report_id": MonthlyReportFactory(manager=world["users"][Role.MANAGER]).id}


def _sample_monthly_report_download(world):
    from datetime import date

    from app.auth.enums import Role
    from tests.factories import MonthlyReportFactory

    # A month of its own: a manager has one report a month, and the page's sample has this one's.
    report = MonthlyReportFactory(manager=world["users"][Role.MANAGER], month=date(2020, 1, 1))
    return {"report_id": report.id, "fmt": "pdf"}


def _sample_outbox_email(world):
    from tests.factories import OutboxEmailFactory

    return {"email_id": OutboxEmailFactory().id}


SAMPLES.update(
    {
        "notifications.monthly_report": _sample_monthly_report,
        "notifications.monthly_report_download": _sample_monthly_report_download,
        "notifications.admin_job_run": lambda world: {"job_id": "morning_digest"},
        "notifications.admin_outbox_email": _sample_outbox_email,
    }
)


def _sample_plan(world):
    from tests.factories import ProspectionPlanFactory

    return {"plan_id": ProspectionPlanFactory(basin=world["basin"]).id}


def _sample_plan_target(world):
    from app.extensions import db
    from app.plans.enums import PlanIndicator
    from app.plans.models import PlanTarget
    from tests.factories import ProspectionPlanFactory

    plan = ProspectionPlanFactory(basin=world["basin"])
    plan.targets.append(PlanTarget(indicator=PlanIndicator.VISITS, target_value=10))
    db.session.flush()
    return {"plan_id": plan.id, "target_id": plan.targets[0].id}


def _sample_plan_entry(world):
    from tests.factories import PlanEmployerFactory, ProspectionPlanFactory

    entry = PlanEmployerFactory(plan=ProspectionPlanFactory(basin=world["basin"]), employer=world["employer"])
    return {"plan_id": entry.plan_id, "entry_id": entry.id}


def _sample_event(world):
    from tests.factories import EventFactory

    return {"event_id": EventFactory(basin=world["basin"]).id}


def _sample_event_participant(world):
    from tests.factories import EventFactory, EventParticipantFactory

    participant = EventParticipantFactory(event=EventFactory(basin=world["basin"]), employer=world["employer"])
    return {"event_id": participant.event_id, "participant_id": participant.id}


def _sample_feed(world):
    from flask import current_app

    from app.events.services import feed_token

    return {"token": feed_token(current_app.secret_key, world["basin"])}


SAMPLES.update(
    {
        "plans.detail": _sample_plan,
        "plans.edit": _sample_plan,
        "plans.targets": _sample_plan,
        "plans.drill": lambda world: {**_sample_plan(world), "indicator": "visits"},
        "plans.add_target": _sample_plan,
        "plans.delete_target": _sample_plan_target,
        "plans.add_relative_target": _sample_plan,
        "plans.build": _sample_plan,
        "plans.add_target_employer": _sample_plan,
        "plans.remove_target_employer": _sample_plan_entry,
        "plans.assign": _sample_plan_entry,
        "plans.share": _sample_plan,
        "plans.duplicate": _sample_plan,
        "events.detail": _sample_event,
        "events.edit": _sample_event,
        "events.results": _sample_event,
        "events.results_csv": _sample_event,
        "events.event_ics": _sample_event,
        "events.add_employer": _sample_event,
        "events.record": _sample_event,
        "events.public_hires": _sample_event,
        "events.participant": _sample_event_participant,
        "events.remove_employer": _sample_event_participant,
        "events.rotate": lambda world: {"basin_id": world["basin"].id},
        "events.feed": _sample_feed,
    }
)

SAMPLES.update(
    {
        "referential.shortage_jobs": lambda world: {"basin_id": world["basin"].id},
        "referential.shortage_job_add": lambda world: {"basin_id": world["basin"].id},
        "referential.shortage_job_remove": lambda world: {"basin_id": world["basin"].id},
        "referential.shortage_import": lambda world: {"basin_id": world["basin"].id},
        "referential.admin_basin": lambda world: {"basin_id": world["basin"].id},
        "referential.admin_basin_rename": lambda world: {"basin_id": world["basin"].id},
        "referential.admin_basin_open_close": lambda world: {"basin_id": world["basin"].id, "action": "fermer"},
        "referential.admin_basin_add_communes": lambda world: {"basin_id": world["basin"].id, "mode": "epci"},
        "referential.admin_basin_remove_commune": lambda world: {"basin_id": world["basin"].id},
    }
)


def _operator(world):
    from tests.factories import OperatorFactory

    # One of its own: an admin's submission may rename or deactivate it.
    return OperatorFactory(basins=[world["basin"]])


def _sample_tag(world):
    from tests.factories import TagFactory

    return {"tag_id": TagFactory().id}


SAMPLES.update(
    {
        "referential.operator_edit": lambda world: {"operator_id": _operator(world).id},
        "assignments.task_force_rename": lambda world: {"task_force_id": _task_force(world).id},
        "leads.organisation_edit": lambda world: {"organisation_id": _organisation(world).id},
        "employers.tag_edit": _sample_tag,
        "employers.tag_status": _sample_tag,
    }
)


SAMPLES.update(
    {
        "needs.sourcing": lambda world: {"need_id": _sample_need(world).id},
        "needs.public_hires": lambda world: {"need_id": _sample_need(world).id},
    }
)


# The API's writes and remaining resources (app/api/employers.py, assignments.py, needs.py).
SAMPLES.update(
    {
        "api.update_employer_resource": lambda world: {"siret": world["employer"].siret},
        "api.assign": lambda world: {"siret": world["employer"].siret},
        "api.ask_handover": lambda world: {"siret": world["employer"].siret},
        "api.decide": lambda world: {"request_id": _pending_handover(world).id},
        "api.create_need_resource": lambda world: {"siret": world["employer"].siret},
        "api.need": lambda world: {"need_id": _sample_need(world).id},
        "api.update_need_resource": lambda world: {"need_id": _sample_need(world).id},
        "api.move_need_resource": lambda world: {"need_id": _sample_need(world).id},
        "api.close_need_resource": lambda world: {"need_id": _sample_need(world).id},
        "api.event": _sample_event,
        "api.record_event_results": _sample_event,
        "api.lead": lambda world: {"lead_id": _spotter_lead(world).id},
        "api_admin.rotate": lambda world: {"client_id": _api_client(world).id},
        "api_admin.revoke": lambda world: {"client_id": _api_client(world).id},
    }
)


def _sample_engagement(world):
    from tests.factories import EmployerEngagementFactory

    engagement = EmployerEngagementFactory(employer=world["employer"])
    return {"siret": world["employer"].siret, "engagement_id": engagement.id}


SAMPLES.update(
    {
        "employers.engagement_add": lambda world: {"siret": world["employer"].siret},
        "employers.engagement_end": _sample_engagement,
    }
)


def _need_with_retention_check(world):
    from tests.factories import RecruitmentNeedFactory, RetentionCheckFactory

    return RetentionCheckFactory(need=RecruitmentNeedFactory(employer=world["employer"], filled=True)).need


def _survey_token(world):
    from app.aftercare.surveys import survey_token
    from tests.factories import EmployerSurveyFactory, RecruitmentNeedFactory

    return survey_token(EmployerSurveyFactory(need=RecruitmentNeedFactory(employer=world["employer"], filled=True)))


SAMPLES.update(
    {
        "aftercare.retention": lambda world: {"need_id": _need_with_retention_check(world).id},
        "aftercare.answer_retention": lambda world: {"need_id": _need_with_retention_check(world).id},
        "aftercare.survey": lambda world: {"token": _survey_token(world)},
    }
)


def _meeting(world):
    from tests.factories import CommitteeMeetingFactory

    return CommitteeMeetingFactory(basin=world["basin"])


def _action(world):
    from tests.factories import CommitteeActionFactory

    return CommitteeActionFactory(meeting=_meeting(world))


def _recipient(world):
    from tests.factories import ReportRecipientFactory

    return {"recipient_id": ReportRecipientFactory(basin=world["basin"]).id}


SAMPLES.update(
    {
        "committees.basin": lambda world: {"basin_id": world["basin"].id},
        "committees.meeting_new": lambda world: {"basin_id": world["basin"].id},
        "committees.recipient_add": lambda world: {"basin_id": world["basin"].id},
        "committees.meeting": lambda world: {"meeting_id": _meeting(world).id},
        "committees.action_new": lambda world: {"meeting_id": _meeting(world).id},
        "committees.escalate": lambda world: {"meeting_id": _meeting(world).id},
        "committees.action_status": lambda world: {"action_id": _action(world).id},
        "committees.recipient_remove": _recipient,
    }
)


def _api_client(world):
    from tests.factories import api_credentials

    return api_credentials(basins=[world["basin"]]).client


def _webhook_delivery(world):
    from app.api.webhooks_models import WebhookDelivery, WebhookEvent
    from app.extensions import db
    from app.timeutils import utcnow
    from tests.factories import webhook_subscription

    subscription = webhook_subscription(basins=[world["basin"]], is_active=False)
    delivery = WebhookDelivery(
        subscription=subscription,
        event_id="evt_sample",
        event_type=WebhookEvent.NEED_CREATED,
        occurred_at=utcnow(),
        data={},
    )
    db.session.add(delivery)
    db.session.flush()
    return delivery

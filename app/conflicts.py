"""Which refusals of the database mean "someone else changed it first", and which are bugs.

Two people saving the same record at once lose the race in two ways: a stale version (the
optimistic lock of the versioned models) or a uniqueness rule that a service checked in Python
and the database enforced when the other transaction won. Both are shown as a simultaneous
change (409). Any other refusal (a foreign key, a check, a NOT NULL) is a bug in the data the
application wrote: calling it a simultaneous change would hide it, so it is logged and is a 500.
"""

import sqlalchemy as sa
from sqlalchemy.orm.exc import StaleDataError

from app.dialects import violated_unique_rule

# The uniqueness rules that a user's action checks before writing, so that a violation means a
# concurrent write of the same thing. Jobs' rules (sent items, monthly reports) are not here: no
# request writes them.
CONCURRENT_CHANGE_RULES = frozenset(
    {
        "uq_employers_siret",
        "uq_users_email",
        "uq_operators_name",
        "uq_tags_code",
        "uq_assignments_employer_id_active",
        "uq_handover_requests_employer_id_pending",
        "uq_task_forces_basin_id",
        "uq_task_force_members_task_force_id_user_id",
        "uq_spotter_organisations_basin_id_name",
        "uq_leads_submitter_key_dedup_key_new",
        "uq_service_types_code",
        "uq_service_types_label",
        "uq_event_participants_event_employer",
        "uq_plan_employers_plan_employer",
        "uq_plan_segments_plan_kind_value",
        "uq_plan_targets_plan_indicator_operator",
        "uq_plan_targets_plan_indicator_network",
        "uq_job_runs_job_id_requested",
        # Two API requests sent at once with one Idempotency-Key: the second creates nothing.
        "uq_api_idempotency_keys_client_id_key",
        # A committee's meeting of a day, a need escalated, a co-chair's address (app/committees).
        "uq_committee_meetings_basin_id_held_on",
        "uq_need_escalations_need_id",
        "uq_report_recipients_basin_id_email",
    }
)


def is_concurrent_change(error: Exception) -> bool:
    if isinstance(error, StaleDataError):
        return True
    return isinstance(error, sa.exc.IntegrityError) and violated_unique_rule(error) in CONCURRENT_CHANGE_RULES

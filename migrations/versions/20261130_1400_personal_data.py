"""personal data: an audit trail nobody rewrites, retention everywhere

The personal values the trail copies move to audit_personal_values, the one part of the trail
that may change, and only to be blanked; triggers on both databases refuse every other UPDATE
and every DELETE. Leads record when their contact details were anonymised.

Revision ID: 1400_personal_data
Revises: 1300_error_reports
Create Date: 2026-11-30 14:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "1400_personal_data"
down_revision = "1300_error_reports"
branch_labels = None
depends_on = None

# The columns marked personal ("personal" or "names_people") when this migration was written.
PERSONAL_FIELDS = {
    "EmployerContact": ("first_name", "last_name", "job_title", "phone", "email"),
    "Lead": ("submitter_key", "details", "contact_name", "contact_phone", "contact_email"),
    "Interaction": ("subject", "summary", "outcome"),
}
# As an SQL string literal.
REFUSAL = "'Le journal d''audit ne se modifie pas'"
ALLOWED_REDACTION = (
    "NEW.id = OLD.id AND NEW.event_id = OLD.event_id AND NEW.field = OLD.field"
    " AND NEW.value IS NULL AND NEW.redacted_at IS NOT NULL"
)

events = sa.table(
    "audit_events",
    sa.column("id", sa.Integer),
    sa.column("entity_type", sa.String),
    sa.column("changes", sa.JSON),
)
personal_values = sa.table(
    "audit_personal_values",
    sa.column("event_id", sa.Integer),
    sa.column("field", sa.String),
    sa.column("value", sa.JSON(none_as_null=True)),
    sa.column("redacted_at", sa.DateTime(timezone=True)),
)


def _sqlite() -> bool:
    return op.get_bind().dialect.name == "sqlite"


def _create_triggers() -> None:
    if _sqlite():
        for table in ("audit_events", "audit_personal_values"):
            op.execute(
                f"CREATE TRIGGER {table}_no_delete BEFORE DELETE ON {table} BEGIN SELECT RAISE(ABORT, {REFUSAL}); END"
            )
        op.execute(
            f"CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events "
            f"BEGIN SELECT RAISE(ABORT, {REFUSAL}); END"
        )
        op.execute(
            "CREATE TRIGGER audit_personal_values_redaction_only BEFORE UPDATE ON audit_personal_values "
            f"WHEN NOT ({ALLOWED_REDACTION}) BEGIN SELECT RAISE(ABORT, {REFUSAL}); END"
        )
        return
    op.execute(
        f"""CREATE FUNCTION audit_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            RAISE EXCEPTION {REFUSAL} USING ERRCODE = 'insufficient_privilege';
        END $$"""
    )
    op.execute(
        f"""CREATE FUNCTION audit_allow_redaction_only() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF {ALLOWED_REDACTION} THEN
                RETURN NEW;
            END IF;
            RAISE EXCEPTION {REFUSAL} USING ERRCODE = 'insufficient_privilege';
        END $$"""
    )
    op.execute(
        "CREATE TRIGGER audit_events_unchangeable BEFORE UPDATE OR DELETE ON audit_events "
        "FOR EACH ROW EXECUTE FUNCTION audit_refuse_change()"
    )
    op.execute(
        "CREATE TRIGGER audit_personal_values_unchangeable BEFORE DELETE ON audit_personal_values "
        "FOR EACH ROW EXECUTE FUNCTION audit_refuse_change()"
    )
    op.execute(
        "CREATE TRIGGER audit_personal_values_redaction_only BEFORE UPDATE ON audit_personal_values "
        "FOR EACH ROW EXECUTE FUNCTION audit_allow_redaction_only()"
    )
    for table in ("audit_events", "audit_personal_values"):
        # TRUNCATE skips row triggers: refuse it too.
        op.execute(
            f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
            "FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_change()"
        )


def _drop_triggers() -> None:
    if _sqlite():
        for trigger in (
            "audit_events_no_delete",
            "audit_personal_values_no_delete",
            "audit_events_no_update",
            "audit_personal_values_redaction_only",
        ):
            op.execute(f"DROP TRIGGER {trigger}")
        return
    op.execute("DROP TRIGGER audit_personal_values_redaction_only ON audit_personal_values")
    for table in ("audit_events", "audit_personal_values"):
        op.execute(f"DROP TRIGGER {table}_unchangeable ON {table}")
        op.execute(f"DROP TRIGGER {table}_no_truncate ON {table}")
    op.execute("DROP FUNCTION audit_allow_redaction_only()")
    op.execute("DROP FUNCTION audit_refuse_change()")


def _set_action_check(actions: str) -> None:
    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_audit_events_action"), type_="check")
        batch_op.create_check_constraint(batch_op.f("ck_audit_events_action"), f"action IN ({actions})")


def upgrade() -> None:
    # First, while no table refers to audit_events: SQLite's batch mode rebuilds it.
    _set_action_check("'create', 'update', 'delete', 'purge', 'export', 'erase'")
    op.create_table(
        "audit_personal_values",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("field", sa.String(length=60), nullable=False),
        sa.Column("value", sa.JSON(none_as_null=True), nullable=True),
        sa.Column("redacted_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["event_id"],
            ["audit_events.id"],
            name=op.f("fk_audit_personal_values_event_id_audit_events"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_personal_values")),
    )
    with op.batch_alter_table("audit_personal_values", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_audit_personal_values_event_id"), ["event_id"], unique=False)
    with op.batch_alter_table("leads", schema=None) as batch_op:
        batch_op.add_column(sa.Column("contact_anonymised_at", sa.DateTime(timezone=True), nullable=True))

    # The personal values already in the trail move out of its events, before the triggers.
    connection = op.get_bind()
    rows = connection.execute(
        sa.select(events.c.id, events.c.entity_type, events.c.changes).where(events.c.entity_type.in_(PERSONAL_FIELDS))
    ).all()
    for event_id, entity_type, changes in rows:
        moved = {field: changes[field] for field in PERSONAL_FIELDS[entity_type] if field in (changes or {})}
        if not moved:
            continue
        kept = {field: value for field, value in changes.items() if field not in moved}
        connection.execute(events.update().where(events.c.id == event_id).values(changes=kept))
        connection.execute(
            personal_values.insert(),
            [{"event_id": event_id, "field": field, "value": value} for field, value in moved.items()],
        )
    _create_triggers()


def downgrade() -> None:
    _drop_triggers()
    connection = op.get_bind()
    merged: dict[int, dict] = {}
    for event_id, field, value in connection.execute(
        sa.select(personal_values.c.event_id, personal_values.c.field, personal_values.c.value)
    ):
        merged.setdefault(event_id, {})[field] = value
    for event_id, values in merged.items():
        changes = connection.scalar(sa.select(events.c.changes).where(events.c.id == event_id)) or {}
        connection.execute(events.update().where(events.c.id == event_id).values(changes={**changes, **values}))
    with op.batch_alter_table("leads", schema=None) as batch_op:
        batch_op.drop_column("contact_anonymised_at")
    with op.batch_alter_table("audit_personal_values", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_audit_personal_values_event_id"))
    op.drop_table("audit_personal_values")
    # Exports and erasures have no name before this revision: they leave the trail with it.
    connection.execute(sa.text("DELETE FROM audit_events WHERE action IN ('export', 'erase')"))
    _set_action_check("'create', 'update', 'delete', 'purge'")

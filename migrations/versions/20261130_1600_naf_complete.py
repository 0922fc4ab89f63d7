"""the complete NAF rév. 2 and NAF 2025 codes

Revision ID: 1600_naf_complete
Revises: 1500_rome_job_titles
Create Date: 2026-11-30 16:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "1600_naf_complete"
down_revision = "1500_rome_job_titles"
branch_labels = None
depends_on = None


OLD_LEVELS = "'section', 'division', 'subclass'"
NEW_LEVELS = "'section', 'division', 'group', 'class', 'subclass'"


def _sqlite() -> bool:
    return op.get_bind().dialect.name == "sqlite"


def _set_level_check(current: str, wanted: str) -> None:
    if not _sqlite():
        op.drop_constraint(op.f("ck_naf_codes_level"), "naf_codes", type_="check")
        op.create_check_constraint(op.f("ck_naf_codes_level"), "naf_codes", f"level IN ({wanted})")
        return
    # Batch mode would rebuild naf_codes, dropping the table employers refer to with the
    # foreign keys on (they cannot be turned off inside the migration's transaction): the
    # DROP fails. SQLite documents editing the stored schema for a CHECK change instead
    # (https://www.sqlite.org/lang_altertable.html#otheralter); the rows already satisfy it.
    bind = op.get_bind()
    version = bind.exec_driver_sql("PRAGMA schema_version").scalar()
    bind.exec_driver_sql("PRAGMA writable_schema = ON")
    bind.execute(
        sa.text(
            "UPDATE sqlite_master SET sql = replace(sql, :current, :wanted) WHERE type = 'table' AND name = 'naf_codes'"
        ),
        {"current": f"CHECK (level IN ({current}))", "wanted": f"CHECK (level IN ({wanted}))"},
    )
    bind.exec_driver_sql(f"PRAGMA schema_version = {version + 1}")
    bind.exec_driver_sql("PRAGMA writable_schema = OFF")


def upgrade() -> None:
    _set_level_check(OLD_LEVELS, NEW_LEVELS)
    op.add_column("employers", sa.Column("naf25_code", sa.String(length=6), nullable=True))


def downgrade() -> None:
    # SQLite drops a plain column in place (3.35+): batch mode would rebuild employers.
    op.drop_column("employers", "naf25_code")
    # Employers' activities are sub-classes: the groups and classes go before the CHECK narrows.
    op.execute(
        "UPDATE employers SET naf_code = NULL WHERE naf_code IN (SELECT code FROM naf_codes WHERE level IN ('group', 'class'))"
    )
    op.execute("UPDATE naf_codes SET parent_code = substr(code, 1, 2) WHERE level = 'subclass'")
    op.execute("DELETE FROM naf_codes WHERE level = 'class'")
    op.execute("DELETE FROM naf_codes WHERE level = 'group'")
    _set_level_check(NEW_LEVELS, OLD_LEVELS)

"""docs/DONNEES-PERSONNELLES.md stays true: every column marked as personal data is named there,
cleared by the retention job and included in a person's export."""

import json
from pathlib import Path

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.notifications.tasks import enforce_retention
from app.personal_data import personal_columns
from app.privacy.export import personal_export
from app.timeutils import utcnow
from tests.conftest import paris
from tests.factories import EmployerContactFactory, InteractionFactory, LeadFactory, ReportRecipientFactory

REGISTER = Path(__file__).parents[2] / "docs" / "DONNEES-PERSONNELLES.md"
MARKED = [f"{column.table.name}.{column.name}" for column in personal_columns(db.metadata)]


def test_the_models_mark_personal_data():
    assert {"employer_contacts.email", "leads.contact_email", "leads.submitter_key"} <= set(MARKED)


@pytest.mark.parametrize("column", MARKED)
def test_the_register_names_each_personal_column(column):
    assert f"`{column}`" in REGISTER.read_text(encoding="utf-8")


@pytest.fixture
def old_rows(travel):
    travel(paris(2021, 3, 1, 10, 0))
    contact = EmployerContactFactory(phone="06 00 00 00 01", email="ancien@employeur.fr")
    interaction = InteractionFactory(employer=contact.employer, contact=contact)
    lead = LeadFactory(
        submitter_key="public:ancien@employeur.fr", contact_email="ancien@employeur.fr", contact_phone="06 00 00 00 01"
    )
    # A committee's co-chair, receiving the monthly report without an account (app/notifications/report_recipients.py).
    recipient = ReportRecipientFactory(full_name="Ancienne Coprésidente", email="ancienne@region.fr")
    db.session.flush()
    return {"employer_contacts": contact, "leads": lead, "interactions": interaction, "report_recipients": recipient}


def _values(row) -> dict[str, object]:
    table = row.__table__
    stored = db.session.execute(sa.select(table).where(table.c.id == row.id)).one()._mapping
    return {f"{table.name}.{column.name}": stored[column] for column in table.columns if column.info.get("personal")}


def test_the_retention_job_clears_every_personal_column(old_rows, travel):
    before = {name: value for row in old_rows.values() for name, value in _values(row).items()}
    assert set(before) == set(MARKED) and all(before.values())
    travel(paris(2026, 12, 1, 3, 0))
    enforce_retention(utcnow())
    after = {name: value for row in old_rows.values() for name, value in _values(row).items()}
    for column in MARKED:
        assert after[column] != before[column], column
        assert not after[column] or str(before[column]) not in str(after[column]), column


def test_the_export_includes_every_personal_column(old_rows):
    contact = old_rows["employer_contacts"]
    exported = json.dumps(personal_export(contact), ensure_ascii=False)
    for name, value in {**_values(contact), **_values(old_rows["leads"])}.items():
        assert json.dumps(value, ensure_ascii=False).strip('"') in exported, name

"""The search page's current list, as a spreadsheet that opens cleanly in Excel."""

import itertools
from collections.abc import Iterator, Sequence

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from app.employers.models import Employer, EmployerContact
from app.employers.queries import row_facts
from app.extensions import db

EXPORT_LIMIT = 50_000
BATCH = 500
HEADERS = [
    "SIRET",
    "SIREN",
    "Raison sociale",
    "Enseigne",
    "Code NAF",
    "Activité",
    "Tranche d'effectif",
    "Adresse",
    "Code postal",
    "Commune",
    "Code commune INSEE",
    "Bassin",
    "Étiquettes",
    "Interlocuteur privilégié",
    "Opérateur",
    "Dernier contact",
    "Prochaine relance",
    "Interlocuteurs (hors oppositions)",
]


def _batches(query: sa.Select) -> Iterator[list[Employer]]:
    """Stream the employers by pages of ids, each page loaded with what the row shows."""
    ids = list(db.session.scalars(query.with_only_columns(Employer.id)))
    for start in range(0, len(ids), BATCH):
        chunk = ids[start : start + BATCH]
        employers = db.session.scalars(
            sa.select(Employer)
            .where(Employer.id.in_(chunk))
            .options(joinedload(Employer.basin), joinedload(Employer.naf), sa.orm.selectinload(Employer.tags))
        ).unique()
        by_id = {e.id: e for e in employers}
        yield [by_id[i] for i in chunk if i in by_id]


def _contacts_text(employer_ids: list[int]) -> dict[int, str]:
    # Opposed and anonymised people never leave the application (GDPR).
    contacts = db.session.scalars(
        sa.select(EmployerContact)
        .where(
            EmployerContact.employer_id.in_(employer_ids),
            EmployerContact.is_opposed_to_contact.is_(False),
            EmployerContact.anonymised_at.is_(None),
        )
        .order_by(EmployerContact.last_name)
    )
    texts: dict[int, list[str]] = {}
    for contact in contacts:
        parts = [contact.full_name, contact.job_title, contact.phone, contact.email]
        texts.setdefault(contact.employer_id, []).append(", ".join(p for p in parts if p))
    return {employer_id: " | ".join(items) for employer_id, items in texts.items()}


def _rows(query: sa.Select) -> Iterator[list]:
    for employers in _batches(query):
        ids = [e.id for e in employers]
        facts = row_facts(ids)
        contacts = _contacts_text(ids)
        for employer in employers:
            fact = facts[employer.id]
            assignment = fact.privileged_contact
            yield [
                employer.siret or "",
                employer.siren or "",
                employer.name,
                employer.enseigne or "",
                employer.naf_code or "",
                employer.naf.label if employer.naf else "",
                employer.headcount_band.label if employer.headcount_band else "",
                employer.street or "",
                employer.postcode or "",
                employer.commune_name or "",
                employer.commune_insee or "",
                employer.basin.name,
                ", ".join(tag.label for tag in employer.tags),
                assignment.adviser.full_name if assignment else "",
                assignment.operator.name if assignment else "",
                fact.last_contact_on,
                fact.next_follow_up_on,
                contacts.get(employer.id, ""),
            ]


def export_rows(query: sa.Select) -> Iterator[Sequence]:
    """The header, then the employers as the batches are read: the CSV streams them within the request."""
    return itertools.chain([HEADERS], _rows(query))

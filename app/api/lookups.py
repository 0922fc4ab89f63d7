"""What a request names, found among what the client may see (else 404), and each resource's ETag."""

from sqlalchemy.orm import joinedload

from app.api.authentication import current_client
from app.api.conventions import make_etag
from app.api.problems import ApiProblem
from app.assignments.models import Assignment
from app.auth.access import is_allowed
from app.employers.models import Employer
from app.employers.queries import visible_employer_by_key
from app.extensions import db


def visible_employer(reference: str) -> Employer:
    """The employer with its basin, what every resource shows of it (its contacts and tags load
    when a resource reads them: not one statement more for the others)."""
    query = visible_employer_by_key(current_client().principal, reference) if len(reference) <= 14 else None
    employer = db.session.scalar(query.options(joinedload(Employer.basin))) if query is not None else None
    if employer is None:
        raise ApiProblem(404, "Aucune entreprise de ce SIRET parmi celles que ce client peut voir.")
    return employer


def employer_etag(employer: Employer) -> str:
    return make_etag("employer", employer.id, employer.version, employer.updated_at.isoformat())


def privileged_contact_etag(employer: Employer, assignment: Assignment | None) -> str:
    # The privileged contact changes when its assignment does (assigned, ended, handed over).
    return make_etag("privileged-contact", employer.id, assignment.id if assignment else "aucun")


def require_page_right(endpoint: str, what: str) -> None:
    """The client's account may do what a person of its role may do on the pages, and no more."""
    if not is_allowed(endpoint, current_client().principal.role):
        raise ApiProblem(
            403, f"Ce client agit comme « {current_client().principal.role.label} » : il ne peut pas {what}."
        )

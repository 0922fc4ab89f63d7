"""The needs list's current filter, as rows for the spreadsheet writer (app/spreadsheets.py)."""

import itertools
from collections.abc import Iterator, Sequence

import sqlalchemy as sa

from app.auth.models import User
from app.extensions import db
from app.needs.queries import NeedFilters, exported_needs

HEADER = (
    "Identifiant",
    "Entreprise",
    "SIRET",
    "Bassin",
    "Code ROME",
    "Intitulé",
    "Contrat",
    "Publics visés",
    "Postes",
    "Postes pourvus",
    "Étape",
    "Identifié le",
    "Clôturé le",
    "Raison de clôture",
    "Satisfaction",
    "Interlocuteur privilégié",
)


def _need_rows(query: sa.Select) -> Iterator[list]:
    for need, privileged_contact in db.session.execute(query):
        employer = need.employer
        yield [
            need.id,
            employer.display_name,
            employer.siret or "",
            employer.basin.name,
            need.rome_code or "",
            need.title,
            need.contract.label,
            need.publics_label,
            need.positions,
            need.positions_filled,
            need.status.label,
            need.identified_on,
            need.closed_on,
            need.closed_reason or "",
            need.satisfaction_score,
            privileged_contact or "",
        ]


def export_rows(user: User, filters: NeedFilters) -> Iterator[Sequence]:
    """The header, then the needs as they are read.

    The query is built now, from the user of the request; it runs as the CSV streams, after the
    view has returned (in a session of its own: the request's objects are gone by then).
    """
    return itertools.chain([HEADER], _need_rows(exported_needs(user, filters)))

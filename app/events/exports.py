"""An event's results as rows, for the spreadsheet writer (app/spreadsheets.py): one line per
participating employer, then the totals."""

from app.events.models import Event
from app.formatting import plural
from app.timeutils import to_paris

HEADER = [
    "Événement",
    "Date",
    "Entreprise",
    "SIRET",
    "Besoins apportés",
    "Postes proposés",
    "Entretiens",
    "Recrutements",
]


def results_rows(event: Event) -> list[list]:
    """The header, the participants and the totals; the event comes with its participants loaded.

    A list, built before the view returns: the streamed CSV is written after the request's commit
    and session, which leave the event's loaded attributes unreadable (and an event's participants
    are few).
    """
    day = to_paris(event.starts_at).date()
    rows = [HEADER]
    rows += [
        [
            event.title,
            day,
            participant.employer.display_name,
            participant.employer.siret or "",
            ", ".join(link.need.title for link in participant.needs),
            participant.positions_offered,
            participant.interviews,
            participant.hires,
        ]
        for participant in event.participants
    ]
    rows.append(
        [
            event.title,
            day,
            "Total",
            "",
            plural(event.candidates_attended, "candidat présent", "candidats présents"),
            sum(p.positions_offered for p in event.participants),
            sum(p.interviews for p in event.participants),
            sum(p.hires for p in event.participants),
        ]
    )
    return rows

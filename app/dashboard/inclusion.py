"""Inclusion: employers engaged at the period's end (club, charter), and hires by public: of the hires of the needs closed (filled or not filled) in the period, how many
went to people of each public (app/needs/inclusion.py), and their share of those hires.

A person may count in several publics, so the shares may add up to more than 100 %. Each figure
is the set of needs with hires of that public (FIGURES, keyed by the public), whose hires it sums.
"""

from dataclasses import dataclass

import sqlalchemy as sa

from app.dashboard.queries import FIGURES, Figure, _employers, _needs, closed_in
from app.dashboard.scopes import Period
from app.employers.engagements import EmployerEngagement, EngagementKind, covering, engaged_on
from app.employers.models import Employer
from app.extensions import db
from app.needs.enums import Public
from app.needs.inclusion import NeedPublicHire
from app.needs.models import RecruitmentNeed


def _needs_with_public_hires(basin_ids: list[int], period: Period, public: str) -> sa.Select:
    return _needs(basin_ids, closed_in(period)).join(
        NeedPublicHire, sa.and_(NeedPublicHire.need_id == RecruitmentNeed.id, NeedPublicHire.public == Public(public))
    )


FIGURES["public_hires"] = Figure(
    "needs",
    "Besoins clôturés sur la période avec des embauches de ce public",
    _needs_with_public_hires,
    keyed=True,
)


def _engaged_employers(basin_ids: list[int], period: Period, kind: str) -> sa.Select:
    """Employers of the scope engaged on the period's last day (club or charter; one of them if keyed)."""
    return _employers(basin_ids).where(engaged_on(period.end, EngagementKind(kind) if kind else None))


FIGURES["engaged"] = Figure(
    "employers", "Entreprises engagées pour l'inclusion à la fin de la période", _engaged_employers, keyed=True
)


def engaged_counts(basin_ids: list[int], period: Period) -> dict[str, int]:
    """The engaged employers at the period's end, in all ("") and per kind: each figure's condition,
    counted over the scope's employers in one statement."""
    keys = ("", *(kind.value for kind in EngagementKind))
    if not basin_ids:
        return dict.fromkeys(keys, 0)
    # From the engagements covering that day (few), not an EXISTS per employer of the scope: a
    # région's 200,000 employers took 1.3 s.
    engaged = (
        sa.select(EmployerEngagement.employer_id, EmployerEngagement.kind)
        .join(Employer, Employer.id == EmployerEngagement.employer_id)
        .where(Employer.basin_id.in_(basin_ids), *covering(period.end))
        .subquery()
    )
    counts = db.session.execute(
        sa.select(
            sa.func.count(sa.distinct(engaged.c.employer_id)),
            *(
                sa.func.count(sa.distinct(sa.case((engaged.c.kind == EngagementKind(key), engaged.c.employer_id))))
                for key in keys[1:]
            ),
        )
    ).one()
    return dict(zip(keys, counts, strict=True))


@dataclass(frozen=True)
class PublicHires:
    public: Public
    hires: int
    needs: int  # the drill-down's rows
    share: float | None  # of all the hires of the needs closed in the period


def hires_by_public(basin_ids: list[int], period: Period) -> list[PublicHires]:
    """Every public, in the enum's order (0 when none), with its share of the period's hires, in one
    grouped query. A period without any hire by public has no share to give."""
    if not basin_ids:
        return []
    in_scope = (RecruitmentNeed.basin_id.in_(basin_ids), closed_in(period))
    # The same hires as the dashboard's "postes pourvus" (needs_decided): its own read of the needs.
    total = (
        sa.select(sa.func.coalesce(sa.func.sum(RecruitmentNeed.positions_filled), 0))
        .where(*in_scope)
        .correlate(None)
        .scalar_subquery()
    )
    rows = db.session.execute(
        sa.select(NeedPublicHire.public, sa.func.sum(NeedPublicHire.hires), sa.func.count(), total)
        .join(RecruitmentNeed, RecruitmentNeed.id == NeedPublicHire.need_id)
        .where(*in_scope)
        .group_by(NeedPublicHire.public)
    ).all()
    counted = {public: (int(hires), needs) for public, hires, needs, _ in rows}
    hires_total = rows[0][3] if rows else 0
    return [
        PublicHires(public, hires, needs, hires / hires_total if hires_total else None)
        for public in Public
        for hires, needs in [counted.get(public, (0, 0))]
    ]

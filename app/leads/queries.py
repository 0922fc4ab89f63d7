"""Read side of leads: who sees which lead, and what spotters contributed."""

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import joinedload, selectinload

from app.auth.enums import Role
from app.auth.models import User
from app.extensions import db
from app.leads.enums import LeadSource, LeadStatus
from app.leads.models import Lead, SpotterOrganisation
from app.needs.enums import NeedStatus
from app.needs.models import RecruitmentNeed
from app.referential.models import Basin, Commune


def visible_leads(user: User) -> sa.Select:
    """A spotter sees their own leads only (docs/RULES.md, rule 5); staff see their basins' leads.

    A lead of no basin is in no basin's list, not even an admin's: it waits in the « hors
    bassin » list (outside_basin_leads) until it is routed."""
    query = sa.select(Lead)
    if user.role is Role.SPOTTER:
        return query.where(Lead.spotter_id == user.id)
    if user.sees_all_basins:
        return query.where(Lead.basin_id.is_not(None))
    return query.where(Lead.basin_id.in_(user.basin_ids))


def lead_list(user: User, status: LeadStatus | None = None) -> sa.Select:
    query = visible_leads(user).options(
        joinedload(Lead.spotter_organisation), joinedload(Lead.basin), joinedload(Lead.spotter), joinedload(Lead.need)
    )
    if status is not None:
        query = query.where(Lead.status == status)
    if status is LeadStatus.NEW:
        return query.order_by(Lead.created_at, Lead.id)
    return query.order_by(Lead.created_at.desc(), Lead.id.desc())


def visible_organisations(user: User) -> sa.Select:
    """The spotter organisations of the user's basins, by name, with their members."""
    query = (
        sa.select(SpotterOrganisation)
        .options(selectinload(SpotterOrganisation.members), selectinload(SpotterOrganisation.basin))
        .order_by(SpotterOrganisation.name)
    )
    if not user.sees_all_basins:
        query = query.where(SpotterOrganisation.basin_id.in_(user.basin_ids))
    return query


def get_visible_organisation(user: User, organisation_id: int) -> SpotterOrganisation | None:
    return db.session.scalar(visible_organisations(user).where(SpotterOrganisation.id == organisation_id))


def get_visible_lead(user: User, lead_id: int) -> Lead | None:
    return db.session.scalar(
        visible_leads(user)
        .where(Lead.id == lead_id)
        .options(joinedload(Lead.need), joinedload(Lead.employer), joinedload(Lead.spotter_organisation))
    )


# --- Needs of no basin, for the admins to route ----------------------------------------------

OUTSIDE_BASINS = sa.and_(Lead.basin_id.is_(None), Lead.status == LeadStatus.NEW)


def outside_basin_leads() -> sa.Select:
    """The needs of no open basin waiting to be routed, oldest first, with their commune's département."""
    return (
        sa.select(Lead)
        .where(OUTSIDE_BASINS)
        .options(
            joinedload(Lead.commune).options(joinedload(Commune.departement), joinedload(Commune.basin)),
        )
        .order_by(Lead.created_at, Lead.id)
    )


def outside_basin_count() -> int:
    """How many needs wait to be routed: few, read from the (basin_id, status, created_at) index."""
    return db.session.scalar(sa.select(sa.func.count(Lead.id)).where(OUTSIDE_BASINS))


def get_outside_basin_lead(lead_id: int) -> Lead | None:
    return db.session.scalar(sa.select(Lead).where(Lead.id == lead_id, Lead.basin_id.is_(None)))


def open_basins() -> list[Basin]:
    """The basins a need can be routed to, by name."""
    return list(db.session.scalars(sa.select(Basin).where(Basin.closed_on.is_(None)).order_by(Basin.name)))


def suggested_basins(communes: list[Commune]) -> dict[str, int]:
    """For each commune, the open basin of its zone, when there is one: the open basin holding
    the most communes of its EPCI, else of its département ({INSEE code: basin id})."""
    suggestions: dict[str, int] = {}
    for column in (Commune.epci_code, Commune.departement_code):
        zones = {getattr(commune, column.key) for commune in communes} - {None}
        if not zones:
            continue
        rows = db.session.execute(
            sa.select(column, Commune.basin_id, sa.func.count())
            .join(Basin, Basin.id == Commune.basin_id)
            .where(column.in_(zones), Basin.closed_on.is_(None))
            .group_by(column, Commune.basin_id)
            .order_by(sa.func.count().desc(), Commune.basin_id)
        )
        best: dict[str, int] = {}
        for zone, basin_id, _count in rows:
            best.setdefault(zone, basin_id)
        for commune in communes:
            zone = getattr(commune, column.key)
            if commune.insee_code not in suggestions and zone in best:
                suggestions[commune.insee_code] = best[zone]
    return suggestions


@dataclass
class Contribution:
    label: str
    kind: str
    sent: int
    accepted: int
    filled: int

    @property
    def acceptance_rate(self) -> int | None:
        return round(100 * self.accepted / self.sent) if self.sent else None


def contributions(user: User) -> list[Contribution]:
    """Per spotter organisation (and the public form): leads sent, accepted, needs that ended filled."""
    accepted = sa.func.count(sa.case((Lead.status.in_([LeadStatus.ACCEPTED, LeadStatus.MERGED]), Lead.id)))
    filled = sa.func.count(sa.distinct(sa.case((RecruitmentNeed.status == NeedStatus.FILLED, RecruitmentNeed.id))))
    scope = None if user.sees_all_basins else user.basin_ids
    organisations = (
        sa.select(SpotterOrganisation.name, SpotterOrganisation.kind, sa.func.count(Lead.id), accepted, filled)
        .outerjoin(Lead, Lead.spotter_organisation_id == SpotterOrganisation.id)
        .outerjoin(RecruitmentNeed, RecruitmentNeed.id == Lead.need_id)
        .group_by(SpotterOrganisation.id, SpotterOrganisation.name, SpotterOrganisation.kind)
        .order_by(sa.func.count(Lead.id).desc(), SpotterOrganisation.name)
    )
    public = (
        sa.select(sa.func.count(Lead.id), accepted, filled)
        .outerjoin(RecruitmentNeed, RecruitmentNeed.id == Lead.need_id)
        .where(Lead.source == LeadSource.EMPLOYER)
    )
    if scope is not None:
        organisations = organisations.where(SpotterOrganisation.basin_id.in_(scope))
        public = public.where(Lead.basin_id.in_(scope))
    else:
        public = public.where(Lead.basin_id.is_not(None))
    rows = [
        Contribution(name, kind.label, sent, acc, fil)
        for name, kind, sent, acc, fil in db.session.execute(organisations)
    ]
    sent, acc, fil = db.session.execute(public).one()
    rows.append(Contribution("Employeurs (formulaire public)", "Dépôt direct", sent, acc, fil))
    return rows


def lead_status_counts(user: User) -> dict[LeadStatus, int]:
    """How many of the leads the user sees are at each status (a spotter: their own), in one query."""
    counts = dict.fromkeys(LeadStatus, 0)
    leads = visible_leads(user).subquery()
    for status, count in db.session.execute(sa.select(leads.c.status, sa.func.count()).group_by(leads.c.status)):
        counts[LeadStatus(status)] = count
    return counts

"""Read side of recruitment needs: the board, the list and its export, always scoped to the user's basins."""

import functools
from dataclasses import asdict, dataclass
from datetime import date, timedelta
from typing import NamedTuple

import sqlalchemy as sa
from sqlalchemy.orm import contains_eager, joinedload, selectinload
from werkzeug.datastructures import MultiDict

from app.assignments.models import Assignment
from app.auth.models import User
from app.converters import database_int
from app.employers.models import Employer
from app.extensions import db, plan_once
from app.needs.enums import (
    CLOSED_STATUSES,
    POE_CODES,
    TPE_HEADCOUNT_BANDS,
    ContractType,
    MobilisationStatus,
    NeedStatus,
    Public,
)
from app.needs.models import NeedPublic, NeedStatusChange, RecruitmentNeed, ServiceMobilisation, ServiceType
from app.referential.models import Basin
from app.text import normalize_for_search
from app.timeutils import today_paris

BOARD_CARDS_PER_COLUMN = 30
# Closed columns of the board only show recent closings: older ones live in the list view.
BOARD_CLOSED_WINDOW = timedelta(days=90)


def visible_needs(user: User) -> sa.Select:
    query = sa.select(RecruitmentNeed).join(RecruitmentNeed.employer)
    if not user.sees_all_basins:
        query = query.where(Employer.basin_id.in_(user.basin_ids))
    return query


def get_visible_need(user: User, need_id: int) -> RecruitmentNeed | None:
    return db.session.scalar(
        visible_needs(user)
        .where(RecruitmentNeed.id == need_id)
        .options(
            contains_eager(RecruitmentNeed.employer),
            selectinload(RecruitmentNeed.status_changes).joinedload(NeedStatusChange.changed_by),
            selectinload(RecruitmentNeed.services).joinedload(ServiceMobilisation.service_type),
            selectinload(RecruitmentNeed.public_rows),
        )
    )


def privileged_contact_name() -> sa.ScalarSelect:
    """The current privileged contact of the need's employer, as a column."""
    return (
        sa.select(User.full_name)
        .join(Assignment, Assignment.adviser_id == User.id)
        .where(Assignment.employer_id == RecruitmentNeed.employer_id, Assignment.ended_at.is_(None))
        .scalar_subquery()
    )


def _enum_arg(enum_cls, value):
    try:
        return enum_cls(value) if value else None
    except ValueError:
        return None


def _trimmed(text: str, limit: int) -> str:
    # Stripped after the cut too: the links that carry the filters back must read the same value.
    return text.strip()[:limit].rstrip()


# The needs list's "public" filter: one public, or the needs that target none ("all").
ALL_PUBLICS = "all"
TARGET_CHOICES = [*Public.choices(), (ALL_PUBLICS, "Tout public (aucun public particulier)")]


def targets_public(public: Public | None) -> sa.ColumnElement[bool]:
    """The need targets ``public``; None: it targets no public in particular (tout public)."""
    rows = sa.exists().where(NeedPublic.need_id == RecruitmentNeed.id)
    return rows.where(NeedPublic.public == public) if public is not None else ~rows


# The URL's keys are French (users read them); the attributes keep the code's names.
URL_KEYS = {"basin": "bassin", "status": "statut"}


@dataclass
class NeedFilters:
    """The board's and the list's filters, read from and written back to the URL."""

    basin: int | None = None
    status: str = ""
    contract: str = ""
    target: str = ""
    rome: str = ""
    q: str = ""
    mine: str = ""

    @classmethod
    def from_args(cls, args: MultiDict, basins: list[Basin]) -> "NeedFilters":
        basin = args.get(URL_KEYS["basin"], type=database_int)
        status = args.get(URL_KEYS["status"], "")
        return cls(
            basin=basin if basin in {b.id for b in basins} else None,
            status=status if _enum_arg(NeedStatus, status) else "",
            contract=args.get("contract", "") if _enum_arg(ContractType, args.get("contract")) else "",
            target=args.get("target", "") if args.get("target") in dict(TARGET_CHOICES) else "",
            rome=_trimmed(args.get("rome", "").upper(), 5),
            q=_trimmed(args.get("q", ""), 200),
            mine="1" if args.get("mine") == "1" else "",
        )

    def as_args(self, **changes) -> dict:
        return {URL_KEYS.get(key, key): value for key, value in {**asdict(self), **changes}.items() if value}

    def apply(self, query: sa.Select, user: User) -> sa.Select:
        if self.basin:
            query = query.where(Employer.basin_id == self.basin)
        if self.status:
            query = query.where(RecruitmentNeed.status == NeedStatus(self.status))
        if self.contract:
            query = query.where(RecruitmentNeed.contract == ContractType(self.contract))
        if self.target:
            query = query.where(targets_public(None if self.target == ALL_PUBLICS else Public(self.target)))
        if self.rome:
            query = query.where(RecruitmentNeed.rome_code.startswith(self.rome, autoescape=True))
        for word in normalize_for_search(self.q).split()[:8]:
            query = query.where(Employer.search_name.contains(word, autoescape=True))
        if self.mine:
            query = query.where(
                sa.exists().where(
                    Assignment.employer_id == RecruitmentNeed.employer_id,
                    Assignment.ended_at.is_(None),
                    Assignment.adviser_id == user.id,
                )
            )
        return query


def filtered_needs(user: User, filters: NeedFilters) -> sa.Select:
    """Needs with their employer and privileged contact, newest first."""
    query = filters.apply(visible_needs(user), user)
    return (
        query.add_columns(privileged_contact_name().label("privileged_contact"))
        .options(contains_eager(RecruitmentNeed.employer).joinedload(Employer.basin))
        .order_by(RecruitmentNeed.identified_on.desc(), RecruitmentNeed.id.desc())
    )


def exported_needs(user: User, filters: NeedFilters) -> sa.Select:
    """The list's rows for an export, read a thousand at a time once executed."""
    return (
        filtered_needs(user, filters)
        .options(selectinload(RecruitmentNeed.public_rows))
        .execution_options(yield_per=1000)
    )


@dataclass
class BoardColumn:
    status: NeedStatus
    count: int
    cards: list


def board_columns(user: User, filters: NeedFilters) -> list[BoardColumn]:
    """One column per stage: the oldest open needs first, closed ones only if recent."""
    base = filters.apply(visible_needs(user), user).where(
        sa.or_(
            RecruitmentNeed.status.not_in(CLOSED_STATUSES),
            RecruitmentNeed.closed_on >= today_paris() - BOARD_CLOSED_WINDOW,
        )
    )
    counts = dict(
        db.session.execute(
            base.with_only_columns(RecruitmentNeed.status, sa.func.count()).group_by(RecruitmentNeed.status)
        ).all()
    )
    rank = (
        sa.func.row_number()
        .over(partition_by=RecruitmentNeed.status, order_by=(RecruitmentNeed.identified_on, RecruitmentNeed.id))
        .label("rank")
    )
    ranked = base.with_only_columns(RecruitmentNeed.id, rank).subquery()
    cards = db.session.execute(
        sa.select(RecruitmentNeed, privileged_contact_name().label("privileged_contact"))
        .join(ranked, ranked.c.id == RecruitmentNeed.id)
        .join(RecruitmentNeed.employer)
        .where(ranked.c.rank <= BOARD_CARDS_PER_COLUMN)
        .options(contains_eager(RecruitmentNeed.employer))
        .order_by(RecruitmentNeed.identified_on, RecruitmentNeed.id)
    ).all()
    by_status: dict[NeedStatus, list] = {status: [] for status in NeedStatus}
    for card in cards:
        by_status[card.RecruitmentNeed.status].append(card)
    return [BoardColumn(status, counts.get(status, 0), by_status[status]) for status in NeedStatus]


def get_visible_mobilisation(user: User, mobilisation_id: int) -> ServiceMobilisation | None:
    """A mobilisation of an employer of the user's basins (another basin's answers None: a 404)."""
    query = (
        sa.select(ServiceMobilisation)
        .where(ServiceMobilisation.id == mobilisation_id)
        .options(joinedload(ServiceMobilisation.employer), joinedload(ServiceMobilisation.service_type))
    )
    if not user.sees_all_basins:
        query = query.where(ServiceMobilisation.basin_id.in_(user.basin_ids))
    return db.session.scalar(query)


def employer_mobilisations(employer: Employer) -> list[ServiceMobilisation]:
    """The services mobilised for an employer (on its needs or not), the latest proposed first."""
    return list(db.session.scalars(_employer_page_statements().mobilisations, {"employer_id": employer.id}))


EMPLOYER_PAGE_NEEDS = 50


def employer_needs(employer: Employer) -> list[RecruitmentNeed]:
    """The needs shown on an employer's page: open ones first, then the latest closed
    (``EMPLOYER_PAGE_NEEDS`` at most; fewer means all of them)."""
    return list(db.session.scalars(_employer_page_statements().needs, {"employer_id": employer.id}))


class EmployerPageStatements(NamedTuple):
    mobilisations: sa.Select
    needs: sa.Select


@functools.cache
def _employer_page_statements() -> EmployerPageStatements:
    # Built once per process and planned once, as each statement the employer page runs (app/employers/queries.py).
    employer_id = sa.bindparam("employer_id")
    return EmployerPageStatements(
        mobilisations=plan_once(
            sa.select(ServiceMobilisation)
            .where(ServiceMobilisation.employer_id == employer_id)
            .options(joinedload(ServiceMobilisation.service_type), joinedload(ServiceMobilisation.need))
            .order_by(ServiceMobilisation.proposed_on.desc(), ServiceMobilisation.id.desc())
            .limit(50)
        ),
        needs=plan_once(
            sa.select(RecruitmentNeed)
            .where(RecruitmentNeed.employer_id == employer_id)
            .order_by(
                RecruitmentNeed.closed_on.is_not(None), RecruitmentNeed.identified_on.desc(), RecruitmentNeed.id.desc()
            )
            .limit(EMPLOYER_PAGE_NEEDS)
        ),
    )


def my_open_needs(user: User) -> sa.Select:
    """The open needs of the employers whose privileged contact is the user, the longest open first."""
    return (
        NeedFilters(mine="1")
        .apply(visible_needs(user), user)
        .where(RecruitmentNeed.status.not_in(CLOSED_STATUSES))
        .options(contains_eager(RecruitmentNeed.employer))
        .order_by(RecruitmentNeed.identified_on, RecruitmentNeed.id)
    )


# --- Solutions delivered: one definition for the dashboard (app/dashboard/solutions.py) and the plans ---


def mobilised_between(start: date, end: date):
    """A mobilisation proposed or delivered within the dates (each counted once)."""
    return sa.or_(
        ServiceMobilisation.proposed_on.between(start, end), ServiceMobilisation.delivered_on.between(start, end)
    )


def delivered_between(start: date, end: date):
    """« Solutions apportées »: delivered within the dates."""
    return sa.and_(
        ServiceMobilisation.status == MobilisationStatus.DELIVERED,
        ServiceMobilisation.delivered_on.between(start, end),
    )


def poe_to_small_employers_between(start: date, end: date):
    """« POE présentées aux TPE »: a POE (POEI or POEC) proposed within the dates to an employer of fewer
    than 10 employees (INSEE headcount bands 00 to 03; an unknown band is not counted)."""
    return sa.and_(
        ServiceMobilisation.proposed_on.between(start, end),
        ServiceMobilisation.service_type_id.in_(sa.select(ServiceType.id).where(ServiceType.code.in_(POE_CODES))),
        ServiceMobilisation.employer_id.in_(
            sa.select(Employer.id).where(Employer.headcount_band.in_(TPE_HEADCOUNT_BANDS))
        ),
    )

"""The score of a target list: which signals count for an employer, and their points."""

from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa

from app.activity.models import Interaction
from app.assignments.models import Assignment
from app.employers.models import Employer, Tag, employer_tags
from app.extensions import db
from app.leads.enums import LeadStatus
from app.leads.models import Lead
from app.needs.enums import OPEN_STATUSES
from app.needs.models import RecruitmentNeed
from app.plans.enums import SegmentKind
from app.plans.models import ProspectionPlan
from app.referential.enums import HeadcountBand
from app.referential.models import NafCode, RomeCode
from app.referential.queries import shortage_jobs, shortage_sources
from app.timeutils import today_paris

SMALL_BUSINESS_BANDS = {HeadcountBand.B01, HeadcountBand.B02, HeadcountBand.B03}
MEDIUM_BUSINESS_BANDS = {HeadcountBand.B11, HeadcountBand.B12, HeadcountBand.B21, HeadcountBand.B22, HeadcountBand.B31}

# The points of each signal: few, round, and all shown next to the score.
POINTS_SEGMENT = 2
POINTS_SHORTAGE_JOB = 3
POINTS_SMALL_BUSINESS = 1
POINTS_MEDIUM_BUSINESS = 2
POINTS_RECENT_CREATION = 2
POINTS_OPEN_LEAD = 3
POINTS_OPEN_NEED = 2
POINTS_NO_PRIVILEGED_CONTACT = 2
RECENT_CREATION_DAYS = 2 * 365


@dataclass
class EmployerFacts:
    """What the score looks at for one employer."""

    employer_id: int
    naf_code: str | None = None
    headcount_band: HeadcountBand | None = None
    created_on: date | None = None
    tag_codes: set[str] = field(default_factory=set)
    need_rome_codes: set[str] = field(default_factory=set)
    open_need_rome_codes: set[str] = field(default_factory=set)
    has_open_need: bool = False
    has_open_lead: bool = False
    last_contact_on: date | None = None
    privileged_adviser_id: int | None = None

    @property
    def naf_division(self) -> str | None:
        return self.naf_code[:2] if self.naf_code else None


@dataclass
class ScoringContext:
    """The plan's segments and the basin's métiers en tension, labelled for the explanation."""

    today: date
    naf_divisions: dict[str, str] = field(default_factory=dict)
    headcount_bands: set[HeadcountBand] = field(default_factory=set)
    tags: dict[str, str] = field(default_factory=dict)
    shortage_jobs: dict[str, str] = field(default_factory=dict)
    # The basin's list (ROME code -> label) and where it comes from, shown with the points.
    basin_shortage_jobs: dict[str, str] = field(default_factory=dict)
    shortage_source: str | None = None


def contact_recency_signal(last_contact_on: date | None, today: date) -> tuple[str, int] | None:
    if last_contact_on is None:
        return ("Jamais contactée", 3)
    months = (today.year - last_contact_on.year) * 12 + today.month - last_contact_on.month
    if months >= 12:
        return (f"Pas de contact depuis {months} mois", 3)
    if months >= 6:
        return (f"Pas de contact depuis {months} mois", 2)
    if months >= 3:
        return (f"Pas de contact depuis {months} mois", 1)
    return None


def score_signals(facts: EmployerFacts, context: ScoringContext) -> list[tuple[str, int]]:
    """The signals that count for one employer, with their points; the score is their sum."""
    signals: list[tuple[str, int]] = []
    division = facts.naf_division
    if division in context.naf_divisions:
        signals.append((f"Segment : {context.naf_divisions[division]} (NAF {division})", POINTS_SEGMENT))
    if facts.headcount_band in context.headcount_bands:
        signals.append((f"Segment : {facts.headcount_band.label}", POINTS_SEGMENT))
    matching_tags = sorted(facts.tag_codes & set(context.tags))
    if matching_tags:
        labels = ", ".join(context.tags[code] for code in matching_tags)
        signals.append((f"Segment : {labels}", POINTS_SEGMENT))
    matching_jobs = sorted(facts.need_rome_codes & set(context.shortage_jobs))
    if matching_jobs:
        signals.append((f"Segment : recrute en {', '.join(matching_jobs)} (métier en tension)", POINTS_SEGMENT))
    in_shortage = sorted(facts.open_need_rome_codes & set(context.basin_shortage_jobs))
    if in_shortage:
        source = f" ; {context.shortage_source}" if context.shortage_source else ""
        signals.append(
            (f"Besoin ouvert sur un métier en tension ({', '.join(in_shortage)}{source})", POINTS_SHORTAGE_JOB)
        )
    if facts.headcount_band in SMALL_BUSINESS_BANDS:
        signals.append(("TPE (1 à 9 salariés)", POINTS_SMALL_BUSINESS))
    elif facts.headcount_band in MEDIUM_BUSINESS_BANDS:
        signals.append(("PME (10 à 249 salariés)", POINTS_MEDIUM_BUSINESS))
    if facts.created_on and (context.today - facts.created_on).days <= RECENT_CREATION_DAYS:
        signals.append(("Création récente (moins de 2 ans)", POINTS_RECENT_CREATION))
    if facts.has_open_lead:
        signals.append(("Signalement en cours", POINTS_OPEN_LEAD))
    if facts.has_open_need:
        signals.append(("Besoin de recrutement en cours", POINTS_OPEN_NEED))
    recency = contact_recency_signal(facts.last_contact_on, context.today)
    if recency:
        signals.append(recency)
    if facts.privileged_adviser_id is None:
        signals.append(("Sans interlocuteur privilégié", POINTS_NO_PRIVILEGED_CONTACT))
    return signals


def scoring_context(plan: ProspectionPlan, today: date | None = None) -> ScoringContext:
    divisions = plan.segment_values(SegmentKind.NAF_DIVISION)
    tag_codes = plan.segment_values(SegmentKind.TAG)
    job_codes = plan.segment_values(SegmentKind.SHORTAGE_JOB)
    return ScoringContext(
        today=today or today_paris(),
        naf_divisions=dict(
            db.session.execute(sa.select(NafCode.code, NafCode.label).where(NafCode.code.in_(divisions))).all()
        ),
        headcount_bands={HeadcountBand(value) for value in plan.segment_values(SegmentKind.HEADCOUNT_BAND)},
        tags=dict(db.session.execute(sa.select(Tag.code, Tag.label).where(Tag.code.in_(tag_codes))).all()),
        shortage_jobs=dict(
            db.session.execute(sa.select(RomeCode.code, RomeCode.label).where(RomeCode.code.in_(job_codes))).all()
        ),
        basin_shortage_jobs=shortage_jobs(plan.basin_id),
        shortage_source=shortage_sources([plan.basin_id]).get(plan.basin_id),
    )


def employer_facts(basin_id: int, employer_filter) -> dict[int, EmployerFacts]:
    """The facts of the basin's employers that pass ``employer_filter``, in a handful of queries."""
    in_scope = sa.select(Employer.id).where(Employer.basin_id == basin_id, employer_filter)
    facts = {
        row.id: EmployerFacts(row.id, row.naf_code, row.headcount_band, row.created_on)
        for row in db.session.execute(
            sa.select(Employer.id, Employer.naf_code, Employer.headcount_band, Employer.created_on).where(
                Employer.id.in_(in_scope)
            )
        )
    }
    for employer_id, code in db.session.execute(
        sa.select(employer_tags.c.employer_id, Tag.code)
        .join(Tag, Tag.id == employer_tags.c.tag_id)
        .where(employer_tags.c.employer_id.in_(in_scope))
    ):
        facts[employer_id].tag_codes.add(code)
    for employer_id, rome_code, status in db.session.execute(
        sa.select(RecruitmentNeed.employer_id, RecruitmentNeed.rome_code, RecruitmentNeed.status).where(
            RecruitmentNeed.employer_id.in_(in_scope)
        )
    ):
        if rome_code:
            facts[employer_id].need_rome_codes.add(rome_code)
        if status in OPEN_STATUSES:
            facts[employer_id].has_open_need = True
            if rome_code:
                facts[employer_id].open_need_rome_codes.add(rome_code)
    for employer_id, last_contact_on in db.session.execute(
        sa.select(Interaction.employer_id, sa.func.max(Interaction.occurred_on))
        .where(Interaction.employer_id.in_(in_scope))
        .group_by(Interaction.employer_id)
    ):
        facts[employer_id].last_contact_on = last_contact_on
    for employer_id, adviser_id in db.session.execute(
        sa.select(Assignment.employer_id, Assignment.adviser_id).where(
            Assignment.employer_id.in_(in_scope), Assignment.ended_at.is_(None)
        )
    ):
        facts[employer_id].privileged_adviser_id = adviser_id
    for (employer_id,) in db.session.execute(
        sa.select(Lead.employer_id).where(Lead.employer_id.in_(in_scope), Lead.status == LeadStatus.NEW).distinct()
    ):
        facts[employer_id].has_open_lead = True
    return facts


def scored(facts: EmployerFacts, context: ScoringContext) -> tuple[int, list[list]]:
    signals = score_signals(facts, context)
    return sum(points for _, points in signals), [[label, points] for label, points in signals]

"""The target list of a plan: the basin's best-scored employers, adjusted by hand."""

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa

from app.employers.models import Employer, Tag, employer_tags
from app.extensions import db
from app.needs.models import RecruitmentNeed
from app.plans.enums import SegmentKind
from app.plans.models import PlanEmployer, ProspectionPlan
from app.plans.scoring import employer_facts, scored, scoring_context
from app.plans.services import PlanError
from app.referential.enums import HeadcountBand
from app.timeutils import utcnow


def _candidate_filter(plan: ProspectionPlan):
    """Employers of the basin that match at least one segment (all of them without segments)."""
    conditions = []
    divisions = plan.segment_values(SegmentKind.NAF_DIVISION)
    if divisions:
        conditions.append(sa.func.substr(Employer.naf_code, 1, 2).in_(divisions))
    bands = plan.segment_values(SegmentKind.HEADCOUNT_BAND)
    if bands:
        conditions.append(Employer.headcount_band.in_([HeadcountBand(band) for band in bands]))
    tags = plan.segment_values(SegmentKind.TAG)
    if tags:
        conditions.append(
            Employer.id.in_(
                sa.select(employer_tags.c.employer_id)
                .join(Tag, Tag.id == employer_tags.c.tag_id)
                .where(Tag.code.in_(tags))
            )
        )
    jobs = plan.segment_values(SegmentKind.SHORTAGE_JOB)
    if jobs:
        conditions.append(
            Employer.id.in_(sa.select(RecruitmentNeed.employer_id).where(RecruitmentNeed.rome_code.in_(jobs)))
        )
    return sa.or_(*conditions) if conditions else sa.true()


@dataclass
class BuildResult:
    added: int
    removed: int
    kept: int


def build_target_list(plan: ProspectionPlan, today: date | None = None) -> BuildResult:
    """Rank the basin's employers that match the segments and keep the best ``target_list_size``.

    Entries added by hand stay; entries removed by hand stay removed; the others follow
    the new ranking (those that drop out of it leave the list).
    """
    context = scoring_context(plan, today)
    facts = employer_facts(plan.basin_id, _candidate_filter(plan))
    ranked = sorted(
        ((employer_id, *scored(f, context)) for employer_id, f in facts.items()),
        key=lambda row: (-row[1], row[0]),
    )
    existing = {
        entry.employer_id: entry
        for entry in db.session.scalars(sa.select(PlanEmployer).where(PlanEmployer.plan_id == plan.id))
    }
    excluded = {employer_id for employer_id, entry in existing.items() if entry.is_excluded}
    selected = [row for row in ranked if row[0] not in excluded][: plan.target_list_size]
    selected_ids = {row[0] for row in selected}
    added = kept = removed = 0
    for employer_id, score, details in selected:
        entry = existing.get(employer_id)
        if entry is None:
            db.session.add(PlanEmployer(plan=plan, employer_id=employer_id, score=score, score_details=details))
            added += 1
        else:
            entry.score, entry.score_details = score, details
            kept += 1
    # Manual and excluded entries outside the selection: rescored so the screen stays truthful.
    outside = [entry for employer_id, entry in existing.items() if employer_id not in selected_ids]
    rescore = employer_facts(plan.basin_id, Employer.id.in_([e.employer_id for e in outside])) if outside else {}
    for entry in outside:
        if entry.is_manual or entry.is_excluded:
            if entry.employer_id in rescore:
                entry.score, entry.score_details = scored(rescore[entry.employer_id], context)
        else:
            db.session.delete(entry)
            removed += 1
    plan.list_built_at = utcnow()
    return BuildResult(added=added, removed=removed, kept=kept)


def add_employer(plan: ProspectionPlan, employer: Employer, today: date | None = None) -> PlanEmployer:
    """Add an employer by hand (or bring back one removed by hand)."""
    if employer.basin_id != plan.basin_id:
        raise PlanError(f"{employer.display_name} n'est pas sur le bassin {plan.basin.name}.")
    entry = db.session.scalar(
        sa.select(PlanEmployer).where(PlanEmployer.plan_id == plan.id, PlanEmployer.employer_id == employer.id)
    )
    if entry is not None and not entry.is_excluded:
        raise PlanError(f"{employer.display_name} est déjà dans la liste cible.")
    facts = employer_facts(plan.basin_id, Employer.id == employer.id)[employer.id]
    score, details = scored(facts, scoring_context(plan, today))
    if entry is None:
        entry = PlanEmployer(plan=plan, employer=employer)
        db.session.add(entry)
    entry.is_manual, entry.is_excluded = True, False
    entry.score, entry.score_details = score, details
    return entry


def remove_employer(entry: PlanEmployer) -> None:
    """Take an employer off the list; it is not added back when the list is rebuilt."""
    if entry.is_excluded:
        raise PlanError("Cette entreprise est déjà retirée de la liste.")
    entry.is_excluded = True
    entry.adviser_id = None

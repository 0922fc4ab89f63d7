from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from app.assignments.models import TaskForce, TaskForceMember
from app.employers.models import Tag
from app.extensions import db
from app.plans.enums import PlanIndicator, SegmentKind
from app.plans.models import PlanEmployer
from app.plans.scoring import EmployerFacts, ScoringContext, score_signals
from app.plans.services import PlanError, duplicate_plan, next_period, save_plan, set_operator_target
from app.plans.share_out import assign_entry, balance, share_out
from app.plans.target_list import add_employer, build_target_list, remove_employer
from app.referential.enums import HeadcountBand
from app.referential.shortage import add_shortage_job
from tests.factories import (
    AssignmentFactory,
    BasinFactory,
    EmployerFactory,
    InteractionFactory,
    OperatorFactory,
    PlanEmployerFactory,
    ProspectionPlanFactory,
    RecruitmentNeedFactory,
    UserFactory,
    seeded_basin,
)

TODAY = date(2026, 11, 22)


def _plan(**segments):
    lead = UserFactory(lead=True)
    return save_plan(
        None,
        basin=seeded_basin(),
        title="Plan T1 2027",
        starts_on=date(2027, 1, 1),
        ends_on=date(2027, 3, 31),
        owners=[lead],
        targets={PlanIndicator.VISITS: 40},
        segments={kind: segments.get(kind.value, []) for kind in SegmentKind},
        author=lead,
    )


# --- The score ------------------------------------------------------------------------


def test_score_lists_each_signal_with_its_points():
    context = ScoringContext(
        today=TODAY,
        naf_divisions={"56": "Restauration"},
        headcount_bands={HeadcountBand.B11},
        tags={"growing": "En croissance"},
        shortage_jobs={"G1602": "Personnel de cuisine"},
        basin_shortage_jobs={"G1602": "Personnel de cuisine"},
        shortage_source="BMO 2026, France Travail, au 15/04/2026",
    )
    facts = EmployerFacts(
        employer_id=1,
        naf_code="56.10A",
        headcount_band=HeadcountBand.B11,
        created_on=TODAY - timedelta(days=300),
        tag_codes={"growing", "restructuring"},
        need_rome_codes={"G1602"},
        open_need_rome_codes={"G1602"},
        has_open_need=True,
        has_open_lead=True,
        last_contact_on=date(2026, 4, 10),
        privileged_adviser_id=None,
    )
    assert score_signals(facts, context) == [
        ("Segment : Restauration (NAF 56)", 2),
        ("Segment : 10 à 19 salariés", 2),
        ("Segment : En croissance", 2),
        ("Segment : recrute en G1602 (métier en tension)", 2),
        ("Besoin ouvert sur un métier en tension (G1602 ; BMO 2026, France Travail, au 15/04/2026)", 3),
        ("PME (10 à 249 salariés)", 2),
        ("Création récente (moins de 2 ans)", 2),
        ("Signalement en cours", 3),
        ("Besoin de recrutement en cours", 2),
        ("Pas de contact depuis 7 mois", 2),
        ("Sans interlocuteur privilégié", 2),
    ]


def test_a_recently_contacted_old_employer_with_a_contact_scores_little():
    facts = EmployerFacts(
        employer_id=1,
        naf_code="69.20Z",
        headcount_band=HeadcountBand.B01,
        created_on=date(1990, 1, 1),
        last_contact_on=TODAY - timedelta(days=10),
        privileged_adviser_id=7,
    )
    assert score_signals(facts, ScoringContext(today=TODAY)) == [("TPE (1 à 9 salariés)", 1)]


def test_never_contacted_counts_more_than_contacted_last_quarter():
    context = ScoringContext(today=TODAY)
    never = score_signals(EmployerFacts(1, privileged_adviser_id=1), context)
    recent = score_signals(EmployerFacts(2, last_contact_on=date(2026, 8, 1), privileged_adviser_id=1), context)
    assert never == [("Jamais contactée", 3)]
    assert recent == [("Pas de contact depuis 3 mois", 1)]


# --- Building the list ----------------------------------------------------------------


def test_the_target_list_keeps_matching_employers_ranked_by_score(travel):
    travel(TODAY)
    restaurant = EmployerFactory(naf_code="56.10A", headcount_band=HeadcountBand.B11)
    # The basin's métiers en tension are data (no more sector bonus by NAF): the restaurant
    # recruits a cook, on the list.
    add_shortage_job(
        seeded_basin(), "G1602", share=None, source="BMO 2026, France Travail", as_of=TODAY, author_id=None
    )
    RecruitmentNeedFactory(employer=restaurant, rome_code="G1602")
    busy_restaurant = EmployerFactory(naf_code="56.10A", headcount_band=HeadcountBand.B11)
    InteractionFactory(employer=busy_restaurant, occurred_on=TODAY - timedelta(days=5))
    AssignmentFactory(employer=busy_restaurant)
    accountant = EmployerFactory(naf_code="69.20Z")
    growing_accountant = EmployerFactory(naf_code="69.20Z")
    growing_accountant.tags = [db.session.scalar(sa.select(Tag).where(Tag.code == "growing"))]
    EmployerFactory(naf_code="56.10A", basin=BasinFactory())  # another basin
    plan = _plan(naf_division=["56"], tag=["growing"])
    db.session.flush()

    result = build_target_list(plan, today=TODAY)

    entries = db.session.scalars(
        sa.select(PlanEmployer).where(PlanEmployer.plan_id == plan.id).order_by(PlanEmployer.score.desc())
    ).all()
    assert result.added == 3
    assert [e.employer_id for e in entries] == [restaurant.id, growing_accountant.id, busy_restaurant.id]
    assert [e.score for e in entries] == [14, 8, 4]
    shortage = "Besoin ouvert sur un métier en tension (G1602 ; BMO 2026, France Travail, au 22/11/2026)"
    assert [shortage, 3] in entries[0].score_details
    assert accountant.id not in {e.employer_id for e in entries}


def test_rebuilding_keeps_manual_and_removed_entries(travel):
    travel(TODAY)
    first, second = EmployerFactory(naf_code="56.10A"), EmployerFactory(naf_code="56.10A")
    outsider = EmployerFactory(naf_code="69.20Z")
    plan = _plan(naf_division=["56"])
    db.session.flush()
    build_target_list(plan, today=TODAY)
    manual = add_employer(plan, outsider, today=TODAY)
    entry = db.session.scalar(sa.select(PlanEmployer).where(PlanEmployer.employer_id == first.id))
    remove_employer(entry)
    db.session.flush()

    result = build_target_list(plan, today=TODAY)

    assert (result.added, result.kept, result.removed) == (0, 1, 0)
    assert manual.is_manual and not manual.is_excluded
    assert entry.is_excluded
    assert {e.employer_id for e in plan_entries(plan) if not e.is_excluded} == {second.id, outsider.id}


def plan_entries(plan):
    return db.session.scalars(sa.select(PlanEmployer).where(PlanEmployer.plan_id == plan.id)).all()


def test_adding_an_employer_of_another_basin_or_twice_is_refused():
    plan = _plan()
    with pytest.raises(PlanError, match="n'est pas sur le bassin"):
        add_employer(plan, EmployerFactory(basin=BasinFactory()))
    employer = EmployerFactory()
    add_employer(plan, employer)
    db.session.flush()
    with pytest.raises(PlanError, match="déjà dans la liste"):
        add_employer(plan, employer)


# --- Bad inputs -----------------------------------------------------------------------


def test_a_plan_ending_before_it_starts_is_refused():
    with pytest.raises(PlanError, match="ne peut pas précéder son début"):
        save_plan(
            None,
            basin=seeded_basin(),
            title="Plan à l'envers",
            starts_on=date(2027, 3, 31),
            ends_on=date(2027, 1, 1),
            owners=[],
            targets={},
            segments={},
        )


def test_a_negative_target_is_refused():
    with pytest.raises(PlanError, match="ne peut pas être négatif"):
        save_plan(
            None,
            basin=seeded_basin(),
            title="Plan",
            starts_on=date(2027, 1, 1),
            ends_on=date(2027, 3, 31),
            owners=[],
            targets={PlanIndicator.VISITS: -5},
            segments={},
        )
    plan = _plan()
    with pytest.raises(PlanError, match="ne peut pas être négatif"):
        set_operator_target(plan, indicator=PlanIndicator.VISITS, operator=OperatorFactory(), value=-1)


def test_unknown_segments_and_foreign_owners_are_refused():
    with pytest.raises(PlanError, match="Segment inconnu"):
        _plan(naf_division=["00"])
    outsider = UserFactory(lead=True, basins=[BasinFactory()])
    with pytest.raises(PlanError, match="ne pilote pas"):
        save_plan(
            None,
            basin=seeded_basin(),
            title="Plan",
            starts_on=date(2027, 1, 1),
            ends_on=date(2027, 3, 31),
            owners=[outsider],
            targets={},
            segments={},
        )


# --- Sharing out ----------------------------------------------------------------------


def _entries(plan, count):
    return [PlanEmployerFactory(plan=plan, score=count - index) for index in range(count)]


@pytest.mark.parametrize("entries, advisers", [(10, 3), (7, 7), (3, 5), (100, 6)])
def test_balance_keeps_loads_within_one(entries, advisers):
    plan = ProspectionPlanFactory()
    rows = _entries(plan, entries)
    users = [UserFactory() for _ in range(advisers)]
    shares = balance(rows, users, privileged={})
    loads = [list(shares.values()).count(user.id) for user in users]
    assert max(loads) - min(loads) <= 1
    assert sum(loads) == entries


def test_balance_gives_an_employer_to_its_privileged_contact_within_the_fair_share():
    plan = ProspectionPlanFactory()
    rows = _entries(plan, 6)
    alice, bruno = UserFactory(full_name="Alice"), UserFactory(full_name="Bruno")
    # Alice is the privileged contact of four of them: she keeps her fair share (3).
    privileged = {row.employer_id: alice.id for row in rows[:4]}
    shares = balance(rows, [alice, bruno], privileged)
    assert [shares[row.id] for row in rows[:3]] == [alice.id] * 3
    assert list(shares.values()).count(alice.id) == 3
    assert list(shares.values()).count(bruno.id) == 3


def test_share_out_uses_the_task_force_advisers_present(travel):
    travel(TODAY)
    plan = ProspectionPlanFactory()
    present, absent, other = UserFactory(), UserFactory(), UserFactory()
    lead = UserFactory(lead=True)
    task_force = TaskForce(basin_id=plan.basin_id, name="Task force")
    task_force.members = [
        TaskForceMember(user=present),
        TaskForceMember(user=absent, absent_until=TODAY + timedelta(days=3)),
        TaskForceMember(user=lead, is_lead=True),
    ]
    db.session.add(task_force)
    _entries(plan, 4)
    db.session.flush()

    assert share_out(plan, today=TODAY) == 4

    assert {e.adviser_id for e in plan_entries(plan)} == {present.id}
    with pytest.raises(PlanError, match="ne fait pas partie"):
        assign_entry(plan, plan_entries(plan)[0], other, today=TODAY)


def test_share_out_without_task_force_uses_the_basin_advisers_and_only_fills_gaps():
    plan = ProspectionPlanFactory()
    first, second = UserFactory(full_name="A"), UserFactory(full_name="B")
    UserFactory(lead=True)
    UserFactory(basins=[BasinFactory()])
    rows = _entries(plan, 4)
    db.session.flush()
    share_out(plan)
    assign_entry(plan, rows[0], second)
    db.session.flush()
    assert share_out(plan) == 0
    assert [row.adviser_id for row in rows] == [second.id, second.id, first.id, second.id]
    share_out(plan, rebalance=True)
    loads = [row.adviser_id for row in rows]
    assert loads.count(first.id) == loads.count(second.id) == 2


def test_share_out_without_adviser_is_refused():
    plan = ProspectionPlanFactory(basin=BasinFactory())
    _entries(plan, 2)
    db.session.flush()
    with pytest.raises(PlanError, match="Aucun conseiller"):
        share_out(plan)


# --- Next period ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "period, expected",
    [
        ((date(2027, 1, 1), date(2027, 3, 31)), (date(2027, 4, 1), date(2027, 6, 30))),
        ((date(2026, 11, 1), date(2026, 12, 31)), (date(2027, 1, 1), date(2027, 2, 28))),
        ((date(2027, 1, 10), date(2027, 1, 19)), (date(2027, 1, 20), date(2027, 1, 29))),
    ],
)
def test_next_period(period, expected):
    assert next_period(*period) == expected


def test_duplicate_copies_targets_segments_and_owners_for_the_next_quarter():
    plan = _plan(naf_division=["56"], headcount_band=["11"])
    set_operator_target(plan, indicator=PlanIndicator.VISITS, operator=plan.owners[0].operator, value=10)
    db.session.flush()
    copy = duplicate_plan(plan, author=plan.owners[0])
    db.session.flush()
    assert (copy.starts_on, copy.ends_on) == (date(2027, 4, 1), date(2027, 6, 30))
    assert copy.owners == plan.owners
    assert {(t.indicator, t.operator_id, t.target_value) for t in copy.targets} == {
        (PlanIndicator.VISITS, None, 40),
        (PlanIndicator.VISITS, plan.owners[0].operator_id, 10),
    }
    assert {(s.kind, s.value) for s in copy.segments} == {(s.kind, s.value) for s in plan.segments}


def test_need_status_used_by_scoring_is_open():
    # An open need counts, a filled one does not.
    employer = EmployerFactory()
    RecruitmentNeedFactory(employer=employer, filled=True)
    plan = _plan()
    db.session.flush()
    entry = add_employer(plan, employer, today=TODAY)
    assert "Besoin de recrutement en cours" not in [label for label, _ in entry.score_details]

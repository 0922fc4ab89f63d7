"""The lead's queue: its filters, one employer's row reached from its page, a reason per row,
who is offered (nobody without capacity, not the lead), and the suggestion's words per public."""

import pytest
import sqlalchemy as sa

from app.assignments.models import Assignment
from app.assignments.queries import QueueFilters, queue_page, queue_query
from app.assignments.services import add_member, update_member
from app.assignments.suggestions import operator_kind_for
from app.extensions import db
from app.needs.enums import Public, QualificationLevel
from app.referential.enums import OperatorKind
from app.timeutils import today_paris, utcnow
from tests.factories import (
    AssignmentFactory,
    EmployerFactory,
    RecruitmentNeedFactory,
    TaskForceMemberFactory,
    UserFactory,
    seeded_basin,
    seeded_operator,
    task_force_for,
)


def queued_ids(user, **filters) -> list[int]:
    query = queue_query(user, today_paris(), QueueFilters(**filters))
    return [employer.id for employer, _ in db.session.execute(query)]


def active_assignment(employer) -> Assignment | None:
    db.session.expire_all()
    return db.session.scalar(
        sa.select(Assignment).where(Assignment.employer_id == employer.id, Assignment.ended_at.is_(None))
    )


# --- Filters ---------------------------------------------------------------------------------


def test_the_queue_filters_by_suggested_operator_reason_and_name_in_its_url(client, login):
    youth = RecruitmentNeedFactory(publics=[Public.YOUTH], employer=EmployerFactory(name="Boulangerie Guégan"))
    seniors = RecruitmentNeedFactory(publics=[Public.SENIORS], employer=EmployerFactory(name="Garage Le Goff"))
    left = AssignmentFactory(ended_at=utcnow(), employer=EmployerFactory(name="Boulangerie du port"))
    login(UserFactory(lead=True))

    def rows(query: str) -> set[int]:
        response = client.get(f"/affectations?{query}")
        assert response.status_code == 200
        html = response.get_data(as_text=True)
        return {e.id for e in (youth.employer, seniors.employer, left.employer) if f"queue-row-{e.id}" in html}

    assert rows("") == {youth.employer_id, seniors.employer_id, left.employer_id}
    assert rows("operateur=mission_locale") == {youth.employer_id}
    assert rows("operateur=france_travail") == {seniors.employer_id, left.employer_id}
    assert rows("motif=contact_left") == {left.employer_id}
    assert rows("motif=open_need") == {youth.employer_id, seniors.employer_id}
    assert rows("nom=boulangerie+guegan") == {youth.employer_id}
    assert rows("nom=boulangerie&operateur=france_travail") == {left.employer_id}
    assert rows("nom=zzz") == set()
    # Unknown values and punctuation are ignored, not a 500.
    assert rows("operateur=inconnu&motif=x&nom=%25") == {youth.employer_id, seniors.employer_id, left.employer_id}
    assert rows("operateur=inconnu&motif=inconnu") == {youth.employer_id, seniors.employer_id, left.employer_id}


def test_the_filter_form_keeps_its_values_and_assigning_keeps_the_filters(client, login, post):
    member = TaskForceMemberFactory()
    need = RecruitmentNeedFactory(employer=EmployerFactory(name="Menuiserie Kerbrat"))
    login(UserFactory(lead=True))

    html = client.get("/affectations?nom=kerbrat&motif=open_need").get_data(as_text=True)
    assert 'value="kerbrat"' in html and '<option value="open_need" selected>' in html
    response = post(
        "/affectations?nom=kerbrat&motif=open_need",
        {"only": need.employer_id, f"adviser_{need.employer_id}": member.user.id},
    )
    assert response.status_code == 302
    assert "nom=kerbrat" in response.location and "motif=open_need" in response.location


# No public, each public, and pairs where rule 3's order decides (cadres before jeunes before handicap).
PUBLIC_SETS = [
    [],
    *([public] for public in Public),
    [Public.YOUTH, Public.DISABLED],
    [Public.DISABLED, Public.EXECUTIVES],
]
PUBLICS_AND_LEVELS = [
    (publics, level)
    for publics in PUBLIC_SETS
    for level in (None, QualificationLevel.BAC_3_PLUS, QualificationLevel.BAC)
]


@pytest.mark.parametrize(("publics", "level"), PUBLICS_AND_LEVELS)
def test_the_operator_filter_agrees_with_the_suggestion_shown(publics, level):
    lead = UserFactory(lead=True)
    need = RecruitmentNeedFactory(publics=publics, qualification_level=level)

    row = next(r for r in queue_page(lead, today_paris(), 1).items if r.employer.id == need.employer_id)
    matching = [kind for kind in OperatorKind if need.employer_id in queued_ids(lead, operateur=kind.value)]

    assert matching == [row.operator.kind]


def test_the_operator_filter_falls_back_to_france_travail_where_the_basin_has_no_such_operator():
    seeded_operator(OperatorKind.APEC).is_active = False
    lead = UserFactory(lead=True)
    need = RecruitmentNeedFactory(publics=[Public.EXECUTIVES])
    db.session.flush()

    assert need.employer_id not in queued_ids(lead, operateur="apec")
    assert need.employer_id in queued_ids(lead, operateur="france_travail")


def test_the_operator_filter_reads_the_latest_open_need():
    lead = UserFactory(lead=True)
    employer = EmployerFactory()
    RecruitmentNeedFactory(employer=employer, publics=[Public.YOUTH], identified_on=today_paris().replace(day=1))
    RecruitmentNeedFactory(employer=employer, publics=[Public.DISABLED])

    assert employer.id in queued_ids(lead, operateur="cap_emploi")
    assert employer.id not in queued_ids(lead, operateur="mission_locale")


# --- One employer's row, from its page ----------------------------------------------------------


def test_the_employer_pages_affecter_opens_that_employers_row_even_far_down_the_queue(client, login, post):
    member = TaskForceMemberFactory(user=UserFactory(operator=seeded_operator(OperatorKind.CAP_EMPLOI)))
    for _ in range(55):  # three pages of 25
        RecruitmentNeedFactory()
    need = RecruitmentNeedFactory(publics=[Public.DISABLED], employer=EmployerFactory(name="Scierie Le Bihan"))
    lead = UserFactory(lead=True)
    assert need.employer_id not in [row.employer.id for row in queue_page(lead, today_paris(), 1).items]
    login(lead)

    employer_page = client.get(f"/entreprises/{need.employer.siret}").get_data(as_text=True)
    assert f'href="/affectations/entreprises/{need.employer_id}"' in employer_page

    page = client.get(f"/affectations/entreprises/{need.employer_id}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Affecter Scierie Le Bihan" in html and "personnes en situation de handicap : Cap emploi" in html
    assert f'<option selected value="{member.user.id}">' in html

    response = post(f"/affectations/entreprises/{need.employer_id}", {"adviser_id": member.user.id, "reason": ""})
    assert response.status_code == 302
    assert response.location.endswith(f"/entreprises/{need.employer.siret}")
    assignment = active_assignment(need.employer)
    assert assignment.adviser_id == member.user.id and assignment.reason == "Suggestion retenue"


def test_one_employers_row_keeps_the_rules_and_says_why_it_refuses(client, login, post):
    suggested = TaskForceMemberFactory()
    other = TaskForceMemberFactory()
    AssignmentFactory(adviser=other.user)  # more loaded: not suggested
    need = RecruitmentNeedFactory()
    url = f"/affectations/entreprises/{need.employer_id}"
    login(UserFactory(lead=True))

    refused = post(url, {"adviser_id": other.user.id, "reason": ""})
    assert refused.status_code == 400 and "indiquez pourquoi" in refused.get_data(as_text=True)
    assert post(url, {"adviser_id": "", "reason": ""}).status_code == 400
    assert "Choisissez un conseiller." in post(url, {"adviser_id": "", "reason": ""}).get_data(as_text=True)
    assert post(url, {"adviser_id": "999999", "reason": ""}).status_code == 400
    assert post(url, {"adviser_id": other.user.id, "reason": "x" * 501}).status_code == 400
    assert active_assignment(need.employer) is None

    assert post(url, {"adviser_id": other.user.id, "reason": "Connaît le gérant"}).status_code == 302
    assert active_assignment(need.employer).reason == "Connaît le gérant"
    assert suggested.user.id != other.user.id

    # Now assigned: the page says so, and a second assignment is a conflict.
    again = client.get(url)
    assert again.status_code == 200 and 'data-testid="already-assigned"' in again.get_data(as_text=True)
    assert post(url, {"adviser_id": suggested.user.id, "reason": "Autre"}).status_code == 409
    assert active_assignment(need.employer).adviser_id == other.user.id


def test_advisers_cannot_open_one_employers_row(client, login, post):
    here = RecruitmentNeedFactory()
    login(UserFactory())
    assert client.get(f"/affectations/entreprises/{here.employer_id}").status_code == 403
    assert post(f"/affectations/entreprises/{here.employer_id}", {"adviser_id": UserFactory().id}).status_code == 403
    assert active_assignment(here.employer) is None


def test_an_employer_of_another_basin_has_no_row_for_the_lead(client, login, post):
    elsewhere = EmployerFactory(basin=seeded_basin("5211"))
    login(UserFactory(lead=True))
    assert client.get(f"/affectations/entreprises/{elsewhere.id}").status_code == 404
    assert post(f"/affectations/entreprises/{elsewhere.id}", {"adviser_id": UserFactory().id}).status_code == 404


# --- A reason per row ------------------------------------------------------------------------


def test_each_row_of_the_queue_carries_its_own_reason(client, login, post):
    suggested, other = TaskForceMemberFactory(), TaskForceMemberFactory()
    AssignmentFactory(adviser=other.user)
    explained, unexplained, plain = (RecruitmentNeedFactory() for _ in range(3))
    login(UserFactory(lead=True))
    html = client.get("/affectations").get_data(as_text=True)
    assert f'name="reason_{explained.employer_id}"' in html

    data = {"employer_id": [explained.employer_id, unexplained.employer_id, plain.employer_id]}
    for need in (explained, unexplained):
        data[f"adviser_{need.employer_id}"] = other.user.id
        data[f"suggested_{need.employer_id}"] = suggested.user.id
    data[f"reason_{explained.employer_id}"] = "Suit déjà le groupe"
    data[f"adviser_{plain.employer_id}"] = suggested.user.id
    data[f"suggested_{plain.employer_id}"] = suggested.user.id
    data[f"reason_{plain.employer_id}"] = "Proche de l'agence"

    response = post("/affectations", data)

    assert response.status_code == 400
    assert f"Vous ne retenez pas le conseiller suggéré pour {unexplained.employer.display_name}" in response.get_data(
        as_text=True
    )
    assert active_assignment(explained.employer).reason == "Suit déjà le groupe"
    assert active_assignment(plain.employer).reason == "Proche de l'agence"
    assert active_assignment(unexplained.employer) is None


# --- Who is offered ----------------------------------------------------------------------------


def test_the_lead_is_neither_suggested_nor_offered_unless_given_a_capacity():
    lead = UserFactory(lead=True, operator=seeded_operator(OperatorKind.FRANCE_TRAVAIL))
    lead_member = add_member(task_force_for(lead.basins[0]), lead, is_lead=True)
    need = RecruitmentNeedFactory()
    db.session.flush()

    row = next(r for r in queue_page(lead, today_paris(), 1).items if r.employer.id == need.employer_id)
    assert row.adviser is None
    assert lead not in [m.user for m in row.choices]

    update_member(lead_member, capacity=5, absent_until=None)
    db.session.flush()
    row = next(r for r in queue_page(lead, today_paris(), 1).items if r.employer.id == need.employer_id)
    assert row.adviser.user == lead


def test_an_adviser_with_no_remaining_capacity_is_never_suggested(client, login):
    full = TaskForceMemberFactory(capacity=2)
    AssignmentFactory(adviser=full.user)
    AssignmentFactory(adviser=full.user)
    spare = TaskForceMemberFactory(capacity=50)
    for _ in range(10):
        AssignmentFactory(adviser=spare.user)  # a higher load, but room left
    need = RecruitmentNeedFactory()
    login(UserFactory(lead=True))

    html = client.get(f"/affectations/entreprises/{need.employer_id}").get_data(as_text=True)

    assert f'<option selected value="{spare.user.id}">' in html
    assert f"{full.user.full_name} — {full.user.operator.name} (2/2, complet)" in html


# --- The suggestion's words, for every public -----------------------------------------------------

EXPECTED_WHY = {
    Public.EXECUTIVES: "vise des cadres : l'APEC.",
    Public.YOUTH: "vise des jeunes de moins de 26 ans : la mission locale.",
    Public.DISABLED: "vise des personnes en situation de handicap : Cap emploi.",
    Public.RSA: "vise des allocataires du RSA : France Travail, qui accompagne ce public.",
    Public.SENIORS: "vise des seniors de 50 ans et plus : France Travail, qui accompagne ce public.",
    Public.QPV: "vise des résidents des quartiers prioritaires : France Travail, qui accompagne ce public.",
    Public.LONG_TERM_UNEMPLOYED: (
        "vise des demandeurs d'emploi de longue durée : France Travail, qui accompagne ce public."
    ),
}


@pytest.mark.parametrize("public", list(Public))
def test_the_suggestion_names_the_public_the_need_targets(public):
    need = RecruitmentNeedFactory(publics=[public], title="Agent d'entretien")
    kind, why = operator_kind_for(need)
    assert why == f"Le besoin « Agent d'entretien » {EXPECTED_WHY[public]}"


def test_a_need_for_every_public_says_so():
    kind, why = operator_kind_for(RecruitmentNeedFactory(publics=[], title="Agent d'entretien"))
    assert (kind, why) == (
        OperatorKind.FRANCE_TRAVAIL,
        "Le besoin « Agent d'entretien » s'adresse à tout public : France Travail.",
    )


@pytest.mark.parametrize(
    ("publics", "kind", "why"),
    [
        (
            [Public.DISABLED, Public.YOUTH],
            OperatorKind.MISSION_LOCALE,
            "vise des personnes en situation de handicap et des jeunes de moins de 26 ans : la mission locale "
            "(règle appliquée : des jeunes de moins de 26 ans).",
        ),
        (
            [Public.RSA, Public.DISABLED, Public.EXECUTIVES],
            OperatorKind.APEC,
            "vise des allocataires du RSA, des personnes en situation de handicap et des cadres : l'APEC "
            "(règle appliquée : des cadres).",
        ),
        (
            [Public.QPV, Public.DISABLED],
            OperatorKind.CAP_EMPLOI,
            "vise des personnes en situation de handicap et des résidents des quartiers prioritaires : Cap emploi "
            "(règle appliquée : des personnes en situation de handicap).",
        ),
        (
            [Public.RSA, Public.LONG_TERM_UNEMPLOYED],
            OperatorKind.FRANCE_TRAVAIL,
            "vise des allocataires du RSA et des demandeurs d'emploi de longue durée : France Travail, "
            "qui accompagne ces publics.",
        ),
    ],
)
def test_with_several_publics_the_first_of_rule_3_decides_and_the_reason_says_which(publics, kind, why):
    need = RecruitmentNeedFactory(publics=publics, title="Agent d'entretien")
    assert operator_kind_for(need) == (kind, f"Le besoin « Agent d'entretien » {why}")


def test_a_qualified_need_for_seniors_names_both_the_public_and_the_level():
    need = RecruitmentNeedFactory(
        publics=[Public.SENIORS], qualification_level=QualificationLevel.BAC_3_PLUS, title="Contrôleur"
    )
    kind, why = operator_kind_for(need)
    assert kind is OperatorKind.APEC
    assert (
        why
        == "Le besoin « Contrôleur » vise des seniors de 50 ans et plus et demande un niveau bac +3 et plus (profil cadre) : l'APEC."
    )

from datetime import date

import pytest
import sqlalchemy as sa

from app.activity.enums import FollowUpStatus
from app.auth.enums import Role
from app.employers.enums import EmployerSort
from app.employers.queries import EmployerFilters, parse_identifier, search_employers
from app.extensions import db
from app.needs.enums import OPEN_STATUSES, NeedStatus
from app.referential.enums import HeadcountBand
from tests.factories import (
    AssignmentFactory,
    BasinFactory,
    EmployerFactory,
    FollowUpFactory,
    InteractionFactory,
    RecruitmentNeedFactory,
    UserFactory,
)

TODAY = date(2026, 11, 22)


def _names(user, **filters):
    return [e.name for e in db.session.scalars(search_employers(user, EmployerFilters(**filters), TODAY))]


def test_search_is_accent_and_case_insensitive():
    user = UserFactory()
    EmployerFactory(name="Société Générale")
    EmployerFactory(name="Boulangerie Martin")
    assert _names(user, text="societe GENERALE") == ["Société Générale"]
    assert _names(user, text="générale") == ["Société Générale"]


def test_search_by_siret_or_siren_with_spaces():
    user = UserFactory()
    employer = EmployerFactory(name="Chantiers")
    EmployerFactory(name="Autre")
    siret = employer.siret
    assert _names(user, text=f"{siret[:3]} {siret[3:6]} {siret[6:9]} {siret[9:]}") == ["Chantiers"]
    assert _names(user, text=siret[:9]) == ["Chantiers"]
    assert parse_identifier("123 456 789") == ("siren", "123456789")
    assert parse_identifier("12345") is None


def test_search_by_commune_and_enseigne():
    user = UserFactory()
    EmployerFactory(name="SARL Dupont", enseigne="Le Fournil", commune_name="Pornichet")
    EmployerFactory(name="Garage")
    assert _names(user, text="fournil") == ["SARL Dupont"]
    assert _names(user, text="pornichet") == ["SARL Dupont"]


@pytest.mark.parametrize(
    ("hostile", "expected"),
    [
        # No wildcard, no injection, no error: a text matches only the names that contain it.
        ("' OR 1=1 --", []),
        ("é" * 300, []),
        # A text with no letter or digit once normalised (app/text.py) is no filter at all.
        ("%", ["Boulangerie"]),
        ("_", ["Boulangerie"]),
        ("\x00", ["Boulangerie"]),
        ("   ", ["Boulangerie"]),
    ],
)
def test_hostile_text_matches_nothing_unexpected(hostile, expected):
    user = UserFactory()
    EmployerFactory(name="Boulangerie")
    assert _names(user, text=hostile) == expected


def test_other_basin_is_invisible_and_admin_sees_all():
    user = UserFactory()
    EmployerFactory(name="Ici")
    EmployerFactory(name="Ailleurs", basin=BasinFactory())
    assert _names(user) == ["Ici"]
    assert sorted(_names(UserFactory(admin=True))) == ["Ailleurs", "Ici"]


def test_filters_combine():
    user = UserFactory()
    other = UserFactory()
    mine = EmployerFactory(name="Mienne", naf_code="56.10A", headcount_band=HeadcountBand.B11)
    AssignmentFactory(employer=mine, adviser=user)
    theirs = EmployerFactory(name="Sienne", naf_code="43.21A")
    AssignmentFactory(employer=theirs, adviser=other)
    EmployerFactory(name="Personne", naf_code="62.01Z")
    assert _names(user, privileged_contact="mine") == ["Mienne"]
    assert _names(user, privileged_contact="none") == ["Personne"]
    assert _names(user, privileged_contact=str(other.operator_id)) == ["Sienne"]
    assert _names(user, naf="56") == ["Mienne"]
    assert _names(user, naf="I") == ["Mienne"]  # section I holds division 56
    assert _names(user, headcount_band=HeadcountBand.B11) == ["Mienne"]


def test_idle_and_open_need_filters():
    user = UserFactory()
    recent = EmployerFactory(name="Récente")
    InteractionFactory(employer=recent, occurred_on=date(2026, 10, 1))
    old = EmployerFactory(name="Ancienne")
    InteractionFactory(employer=old, occurred_on=date(2025, 1, 1))
    never = EmployerFactory(name="Jamais")
    RecruitmentNeedFactory(employer=never, status=NeedStatus.SOURCING)
    RecruitmentNeedFactory(employer=old, filled=True)
    assert sorted(_names(user, idle_months=6)) == ["Ancienne", "Jamais"]
    assert _names(user, has_open_need=True) == ["Jamais"]


def test_shortage_need_filter_lists_open_needs_on_a_shortage_job_of_the_employers_basin():
    from app.referential.shortage import add_shortage_job

    here, elsewhere = BasinFactory(), BasinFactory()
    user = UserFactory(basins=[here, elsewhere])
    add_shortage_job(here, "G1602", share=None, source="BMO 2026", as_of=TODAY, author_id=None)
    add_shortage_job(elsewhere, "J1501", share=None, source="BMO 2026", as_of=TODAY, author_id=None)
    listed = EmployerFactory(name="En tension", basin=here)
    RecruitmentNeedFactory(employer=listed, rome_code="G1602", status=NeedStatus.SOURCING)
    closed = EmployerFactory(name="Besoin pourvu", basin=here)
    RecruitmentNeedFactory(employer=closed, rome_code="G1602", filled=True)
    other_job = EmployerFactory(name="Autre métier", basin=here)
    RecruitmentNeedFactory(employer=other_job, rome_code="J1501", status=NeedStatus.SOURCING)
    no_rome = EmployerFactory(name="Sans code", basin=here)
    RecruitmentNeedFactory(employer=no_rome, rome_code=None, status=NeedStatus.SOURCING)
    assert _names(user, shortage_need=True) == ["En tension"]
    assert _names(user, shortage_need=True, privileged_contact="none", sort=EmployerSort.COMMUNE) == ["En tension"]


def test_tag_filter_and_sorts():
    from app.employers.models import Tag

    user = UserFactory()
    tag = db.session.scalars(db.select(Tag)).first()
    tagged = EmployerFactory(name="B étiquetée", commune_name="Alpha")
    tagged.tags.append(tag)
    EmployerFactory(name="A simple", commune_name="Zeta")
    db.session.flush()
    assert _names(user, tag_ids=[tag.id]) == ["B étiquetée"]
    assert _names(user, sort=EmployerSort.NAME) == ["A simple", "B étiquetée"]
    assert _names(user, sort=EmployerSort.NAME_DESC) == ["B étiquetée", "A simple"]
    assert _names(user, sort=EmployerSort.COMMUNE) == ["B étiquetée", "A simple"]


def test_index_page_shows_rows_with_facts(client, login):
    user = UserFactory()
    employer = EmployerFactory(name="Boulangerie Martin")
    AssignmentFactory(employer=employer, adviser=user)
    FollowUpFactory(employer=employer, owner=user, due_on=date(2026, 12, 1), status=FollowUpStatus.OPEN)
    login(user)
    response = client.get("/entreprises?q=boulangerie&tri=-name&contact=mine")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Boulangerie Martin" in html and "01/12/2026" in html and user.full_name in html


@pytest.mark.parametrize(
    "query", ["idle=abc", "idle=0", "headcount=ZZ", "tri=drop", "bassin=999999", "q=" + "x" * 201, "tag=abc"]
)
def test_index_rejects_bad_filters_with_400(client, login, query):
    login(UserFactory())
    response = client.get(f"/entreprises?{query}")
    assert response.status_code == 400
    assert "invalides" in response.get_data(as_text=True)


def test_index_page_does_not_grow_queries_with_rows(client, login, count_queries):
    def add_employers(count: int) -> None:
        for index in range(count):
            employer = EmployerFactory(name=f"Entreprise {index}")
            AssignmentFactory(employer=employer, adviser=UserFactory())
            InteractionFactory(employer=employer)

    def statements_of_the_page() -> int:
        client.get("/entreprises")  # the filter form's reference lists, read once (app/reference_cache.py)
        with count_queries() as statements:
            assert client.get("/entreprises").status_code == 200
        # The test's own savepoint around the request is not the page's.
        return len([s for s in statements if "SAVEPOINT" not in s])

    login(UserFactory())
    add_employers(3)
    few = statements_of_the_page()
    add_employers(20)
    assert statements_of_the_page() == few
    # The user with their basins, operator and the bell's unread count, the page, its rows' facts
    # (last contact, next follow-up, privileged contact).
    assert few == 3


def test_spotter_sees_none_of_the_employer_pages(client, login, post):
    spotter = UserFactory(spotter=True)
    employer = EmployerFactory()
    login(spotter)
    for url in [
        "/entreprises",
        f"/entreprises/{employer.siret}",
        f"/entreprises/{employer.siret}/modifier",
        "/entreprises/nouvelle",
        "/entreprises/export?format=csv",
        "/entreprises/doublons",
        "/entreprises/import",
        "/relances",
        "/portefeuille",
    ]:
        assert client.get(url).status_code in (403, 404), url
    assert post(f"/entreprises/{employer.siret}/echanges", {"subject": "x"}).status_code in (403, 404)
    assert spotter.role is Role.SPOTTER


def test_typo_tolerant_fallback(client, login):
    EmployerFactory(name="Boulangerie Martin")
    EmployerFactory(name="Boulangerie Bréhier")
    EmployerFactory(name="Garage du Centre")
    login(UserFactory())
    html = client.get("/entreprises?q=boulangrie").get_data(as_text=True)
    assert "Boulangerie Martin" in html and "les plus proches" in html
    assert "Garage du Centre" not in html
    # Each word replaced by its nearest; a word that starts a name's word is kept.
    html = client.get("/entreprises?q=boulangrie+brehie").get_data(as_text=True)
    assert "Boulangerie Bréhier" in html and "Boulangerie Martin" not in html
    # No word near: nothing, and no "closest" message.
    html = client.get("/entreprises?q=xyzzyq").get_data(as_text=True)
    assert "Boulangerie" not in html and "les plus proches" not in html


@pytest.mark.sqlite_only
@pytest.mark.parametrize(
    ("filters", "picked"),
    [
        ({"text": "martin"}, "employers_fts MATCH"),
        ({"privileged_contact": "mine"}, "FROM assignments"),
        ({"has_open_need": True}, "FROM recruitment_needs"),
    ],
)
def test_sqlite_starts_from_the_narrow_list_not_from_the_basins(plan_of, filters, picked):
    # SQLite (which has no statistics: nothing runs ANALYZE) cannot size a list of ids (a name
    # search's word index matches, a portfolio, the open needs): it read every employer of the
    # user's basins from the basin index and looked each up in the list (27–130 ms at 200,000).
    user = UserFactory()
    for number in range(30):
        EmployerFactory(name=f"Garage {number}", basin=user.basins[0])
    martin = EmployerFactory(name="Boulangerie Martin", basin=user.basins[0])
    AssignmentFactory(employer=martin, adviser=user)
    RecruitmentNeedFactory(employer=martin)
    with plan_of(lambda statement: picked in statement and "ORDER BY" in statement) as plan:
        assert _names(user, **filters) == ["Boulangerie Martin"]
    assert "SEARCH employers USING INTEGER PRIMARY KEY" in plan[0], plan[0]
    # (A small scope's open needs are read by their basin: the employers never are.)
    assert "employers USING INDEX ix_employers_basin" not in plan[0], plan[0]
    assert "employers USING COVERING INDEX ix_employers_basin" not in plan[0], plan[0]


@pytest.mark.sqlite_only
@pytest.mark.parametrize("filters", [{}, {"idle_months": 6}])
def test_sqlite_lists_the_employers_of_several_basins_in_name_order_without_sorting_them_all(plan_of, filters):
    # An adviser of 3 basins: SQLite read every employer of the 3 from the basin index and sorted
    # them all for the first page (466 ms at 200,000; 770 ms with « sans contact depuis 6 mois »).
    user = UserFactory(basins=[BasinFactory(), BasinFactory(), BasinFactory()])
    for number in range(12):
        EmployerFactory(name=f"Garage {number:02d}", basin=user.basins[number % 3])
    with plan_of(lambda statement: "ORDER BY employers.search_name" in statement) as plan:
        assert _names(user, **filters)[:2] == ["Garage 00", "Garage 01"]
    assert "ix_employers_search_name_id" in plan[0], plan[0]
    assert "TEMP B-TREE" not in plan[0], plan[0]


@pytest.mark.sqlite_only
def test_sqlite_word_index_follows_every_write():
    triggers = set(db.session.scalars(sa.text("SELECT name FROM sqlite_master WHERE type = 'trigger'")))
    # A batch-mode rebuild of employers in a later migration would drop them silently.
    assert {"employers_fts_insert", "employers_fts_update", "employers_fts_delete"} <= triggers
    user = UserFactory()
    employer = EmployerFactory(name="Ancien Nom")
    employer.name = "Nouveau Nom"
    db.session.flush()
    assert _names(user, text="nouveau") == ["Nouveau Nom"]
    assert _names(user, text="ancien") == []
    db.session.delete(employer)
    db.session.flush()
    assert _names(user, text="nouveau") == []


@pytest.mark.postgresql_only
def test_the_count_of_idle_employers_with_an_open_need_reads_indexes(plan_of, monkeypatch):
    # An adviser of 14,697 employers at 2.5 M: the count read their heap pages for their ids (65 ms)
    # and every open need from the table (100 ms); migration 4200 indexes both. (A scope of fewer
    # than SMALL_SCOPE employers reads its open needs by their basin instead: the test below.)
    from app.employers import queries
    from app.employers.queries import matching_employers_query
    from app.pagination import bounded_count

    monkeypatch.setattr(queries, "SMALL_SCOPE", 0)

    basins = [BasinFactory(), BasinFactory()]
    user = UserFactory(basins=basins)
    for basin in basins:
        RecruitmentNeedFactory(employer=EmployerFactory(basin=basin))
    filters = EmployerFilters(idle_months=6, has_open_need=True)
    with plan_of(
        lambda statement: statement.startswith("SELECT count(*)") and "recruitment_needs" in statement
    ) as plan:
        assert bounded_count(matching_employers_query(user, filters, TODAY)).value == 2
    # Index-only once the table is vacuumed, which a test's transaction cannot do: the index holds the ids.
    # On a test's few rows, the other indexes led by the basin ids (migrations 4300, 4400) cost the same.
    assert "on ix_employers_basin_id" in plan[0], plan[0]
    assert "ix_recruitment_needs_open_employer_id" in plan[0], plan[0]
    definition = db.session.execute(
        sa.text("SELECT indexdef FROM pg_indexes WHERE indexname = 'ix_employers_basin_id'")
    ).scalar_one()
    assert definition.endswith("(basin_id, id)"), definition


@pytest.mark.postgresql_only
def test_the_open_needs_index_holds_the_open_statuses():
    definition = db.session.execute(
        sa.text("SELECT indexdef FROM pg_indexes WHERE indexname = 'ix_recruitment_needs_open_employer_id'")
    ).scalar_one()
    for status in NeedStatus:
        assert (f"'{status.value}'" in definition) == (status in OPEN_STATUSES), (status, definition)


@pytest.mark.postgresql_only
def test_an_activity_is_indexed_within_each_basin():
    # An adviser of 14,697 employers at 2.5 M, NAF 56: the bounded count ANDed the basins' bitmap
    # with the division's 374,658 entries of the NAF index (41 ms), the portfolio filter too (47 ms).
    # Read within each basin from this index: 0.4 and 8 ms (bench/employers_bench.py).
    definition = db.session.execute(
        sa.text("SELECT indexdef FROM pg_indexes WHERE indexname = 'ix_employers_basin_id_naf_code'")
    ).scalar_one_or_none()
    assert definition is not None and definition.endswith("(basin_id, naf_code)"), definition


def test_the_open_need_filter_reads_the_scope_s_needs_only(count_queries):
    # At 2.5 M its count hashed the register's 83,500 open needs for an adviser's 460 (24 ms); a
    # need's basin is its employer's, so the scope's needs are read by their basin.
    ours, theirs = BasinFactory(), BasinFactory()
    adviser, admin = UserFactory(basins=[ours]), UserFactory(admin=True)
    with_need = RecruitmentNeedFactory(employer=EmployerFactory(basin=ours, name="Avec besoin")).employer
    RecruitmentNeedFactory(employer=EmployerFactory(basin=theirs, name="Ailleurs"))
    EmployerFactory(basin=ours, name="Sans besoin")
    with count_queries() as statements:
        assert _names(adviser, has_open_need=True) == [with_need.name]
    assert any("recruitment_needs.basin_id IN" in statement for statement in statements), statements
    with count_queries() as statements:
        assert _names(admin, has_open_need=True) == ["Ailleurs", "Avec besoin"]
    assert not any("recruitment_needs.basin_id IN" in statement for statement in statements), statements

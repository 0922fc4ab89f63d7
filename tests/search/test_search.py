"""The header's search box: what /recherche finds, for whom, and with a typo."""

from datetime import date

import pytest
import sqlalchemy as sa

from app.employers import queries
from app.employers.models import Employer, EmployerContact
from app.employers.queries import EmployerFilters, search_employers
from app.extensions import db
from app.pagination import bounded_count
from app.search.queries import GROUP_SIZE, contact_phone_digits, search_everything
from app.search.services import RECENT_EMPLOYERS
from tests.factories import (
    BasinFactory,
    EmployerContactFactory,
    EmployerFactory,
    EventFactory,
    LeadFactory,
    RecruitmentNeedFactory,
    UserFactory,
)

TODAY = date(2026, 11, 30)


def _found(user, text):
    """{kind: [text of each item]} for the groups that found something."""
    labels = {
        "employers": lambda e: e.name,
        "contacts": lambda c: c.full_name,
        "needs": lambda n: n.title,
        "events": lambda e: e.title,
        "leads": lambda lead: lead.employer_name,
    }
    return {
        group.kind: [labels[group.kind](item) for item in group.items]
        for group in search_everything(user, text, TODAY)
        if group.items
    }


@pytest.mark.parametrize("typed", ["cabinet medcal guegan", "guegn", "Cabinet Médical Guégan", "GUEGAN", "médical"])
def test_a_typo_or_accents_still_find_the_employer(typed):
    EmployerFactory(name="Cabinet médical Guégan", commune_name="Lannion")
    EmployerFactory(name="Garage du Port", commune_name="Lannion")
    assert _found(UserFactory(), typed)["employers"] == ["Cabinet médical Guégan"]


def test_an_employer_is_found_by_enseigne_siret_siren_and_commune():
    employer = EmployerFactory(name="SARL Dupont", enseigne="Le Fournil", commune_name="Pornichet")
    EmployerFactory(name="Garage")
    user = UserFactory()
    for typed in ("fournil", employer.siret, employer.siret[:9], "pornichet"):
        assert _found(user, typed)["employers"] == ["SARL Dupont"], typed


def test_an_exact_match_is_not_drowned_by_near_ones():
    EmployerFactory(name="Boulangerie Martin")
    EmployerFactory(name="Boulangerie Martine")
    # "martin" starts both names; no typo pass, both shown, "near" not said.
    groups = {g.kind: g for g in search_everything(UserFactory(), "martin", TODAY)}
    assert len(groups["employers"].items) == 2 and not groups["employers"].near


def test_a_record_of_another_basin_never_appears():
    other_basin = BasinFactory()
    mine = EmployerFactory(name="Cabinet médical Guégan")
    theirs = EmployerFactory(name="Cabinet médical Guéguen", basin=other_basin)
    EmployerContactFactory(employer=theirs, first_name="Yann", last_name="Guégan")
    RecruitmentNeedFactory(employer=theirs, title="Secrétaire médicale Guégan")
    EventFactory(basin=other_basin, title="Job dating Guégan")
    adviser = UserFactory()
    for typed in ("guegan", "gueguen", "guegn", "yann"):
        found = _found(adviser, typed)
        assert all(name != theirs.name for name in found.get("employers", [])), typed
        assert "contacts" not in found and "needs" not in found and "events" not in found, (typed, found)
    assert _found(adviser, "guegan")["employers"] == [mine.name]
    # An admin sees every basin.
    admin_found = _found(UserFactory(admin=True), "guegan")
    assert admin_found["contacts"] == ["Yann Guégan"]
    assert admin_found["needs"] == ["Secrétaire médicale Guégan"]
    assert admin_found["events"] == ["Job dating Guégan"]


def test_contact_persons_by_name_email_and_phone_but_never_opposed_or_anonymised():
    employer = EmployerFactory(name="Hôtel de la Plage")
    EmployerContactFactory(
        employer=employer, first_name="Gwenaëlle", last_name="Le Goff", email="glg@plage.fr", phone="02 96 12 34 56"
    )
    EmployerContactFactory(employer=employer, first_name="Gwenaëlle", last_name="Le Bras", is_opposed_to_contact=True)
    anonymised = EmployerContactFactory(employer=employer, first_name="Gwenaëlle", last_name="Anonyme")
    from app.timeutils import utcnow

    anonymised.anonymised_at = utcnow()
    user = UserFactory()
    assert _found(user, "gwenaelle")["contacts"] == ["Gwenaëlle Le Goff"]
    assert _found(user, "glg@plage")["contacts"] == ["Gwenaëlle Le Goff"]
    assert _found(user, "0296123456")["contacts"] == ["Gwenaëlle Le Goff"]
    assert _found(user, "34 56")["contacts"] == ["Gwenaëlle Le Goff"]
    # Nor with a typo, the pass that reads more widely.
    assert _found(user, "gwenaele le bras").get("contacts") is None


# Names as advisers type them in: accents, hyphens, apostrophes, two-letter names, no first name,
# e-mails; and those the search must never show.
PEOPLE = [
    ("Gwenaëlle", "Le Goff", "glg@plage.fr", "02 96 12 34 56"),
    ("Anne-Sophie", "Bréhier", "as.brehier@exemple.fr", "06.12.34.56.78"),
    ("Loïc", "N'Diaye", None, "0612345600"),
    (None, "Ly", "ly@hotel.bzh", None),
    ("Élodie", "Ó Súilleabháin", "elodie@mer.ie", "+33 2 99 00 11 22"),
    ("Maël", "Martin", "mael.martin@exemple.fr", "02-99-00-11-23"),
    ("Yann", "Martineau", None, None),
    ("Bo", "Le Bras", "bo@exemple.fr", "02 96 00 00 01"),
    ("Hervé", "Lefèvre", "h.lefevre@exemple.fr", ""),
    ("Inès", "Dupont-Aignan", "", None),
]
TYPED = [
    "gwenaelle",
    "GWENAËLLE",
    "le",
    "ly",
    "bo",
    "l",
    "an",
    "rehi",
    "brehier bre",
    "anne sophie",
    "martin",
    "mael martin",
    "tine",
    "diaye",
    "n diaye",
    "exemple fr",
    "plage",
    "suilleabhain",
    "dupont aignan",
    "lefevre herve",
    "herve lefevre",
    "zz",
    "xyzzy",
    "96 12",
    "0612",
    "11 2",
    "99 00 11",
]


def _contacts_a_plain_scan_finds(people, typed):
    """The ids of the contact persons whose joined, folded names hold every typed word (phones: the digits)."""
    from app.search.queries import _phone_digits
    from app.text import normalize_for_search

    digits = _phone_digits(typed)
    found = set()
    for contact in people:
        if digits:
            holds = digits in "".join(c for c in contact.phone or "" if c not in " .-")
        else:
            names = normalize_for_search(
                " ".join(part or "" for part in (contact.first_name, contact.last_name, contact.email))
            )
            holds = all(word in names for word in normalize_for_search(typed).split())
        if holds:
            found.add(contact.id)
    return found


def test_contact_persons_found_are_those_a_plain_scan_finds():
    employer = EmployerFactory(name="Hôtel de la Plage")
    people = [
        EmployerContactFactory(employer=employer, first_name=first, last_name=last, email=email, phone=phone)
        for first, last, email, phone in PEOPLE
    ]
    # Never shown, whatever they hold: one opposed to contact, one of another basin.
    EmployerContactFactory(employer=employer, first_name="Gwenaëlle", last_name="Le Goff", is_opposed_to_contact=True)
    EmployerContactFactory(employer=EmployerFactory(basin=BasinFactory()), first_name="Gwenaëlle", last_name="Martin")
    user = UserFactory()
    for typed in TYPED:
        expected = _contacts_a_plain_scan_finds(people, typed)
        group = next(group for group in search_everything(user, typed, TODAY) if group.kind == "contacts")
        found = {contact.id for contact in group.items}
        if expected:
            assert not group.near and found <= expected and group.count.value == len(expected), typed
            assert len(found) == min(len(expected), GROUP_SIZE), typed
        else:
            assert group.near or not found, (typed, found)


@pytest.mark.sqlite_only
def test_sqlite_contacts_trigram_index_follows_every_write():
    from app.employers.tasks import anonymise_stale_contacts
    from app.privacy.erasure import erase_contact
    from app.timeutils import utcnow

    triggers = set(db.session.scalars(sa.text("SELECT name FROM sqlite_master WHERE type = 'trigger'")))
    # A batch-mode rebuild of employer_contacts in a later migration would drop them silently.
    assert {"employer_contacts_fts_insert", "employer_contacts_fts_update", "employer_contacts_fts_delete"} <= triggers

    def indexed(contact_id):
        row = sa.text("SELECT search_text, phone_digits FROM employer_contacts_fts WHERE rowid = :id")
        return db.session.execute(row, {"id": contact_id}).one_or_none()

    user = UserFactory()
    contact = EmployerContactFactory(first_name="Anne", last_name="Bréhier", email=None, phone="02 96 12 34 56")
    assert tuple(indexed(contact.id)) == ("anne brehier", "0296123456")
    contact.last_name, contact.phone = "Guégan", "06.11.22.33.44"
    db.session.flush()
    assert tuple(indexed(contact.id)) == ("anne guegan", "0611223344")
    assert _found(user, "guegan")["contacts"] == ["Anne Guégan"] and "contacts" not in _found(user, "brehier")
    assert _found(user, "11 22 33")["contacts"] == ["Anne Guégan"]

    # Anonymised by an erasure, and by the retention (Core UPDATEs): the names leave the index.
    erase_contact(contact)
    assert "guegan" not in indexed(contact.id).search_text and indexed(contact.id).phone_digits == ""
    stale = EmployerContactFactory(first_name="Yann", last_name="Le Goff", last_contacted_on=date(2020, 1, 1))
    anonymise_stale_contacts(utcnow())
    assert "goff" not in indexed(stale.id).search_text

    # Deleted with its employer (ON DELETE CASCADE fires the trigger too).
    kept = EmployerContactFactory(last_name="Martin")
    db.session.execute(sa.delete(Employer).where(Employer.id == kept.employer_id))
    assert indexed(kept.id) is None


def test_needs_by_title_and_events_by_title_with_a_typo():
    RecruitmentNeedFactory(title="Aide-soignant de nuit")
    EventFactory(title="Forum de l'emploi saisonnier")
    user = UserFactory()
    assert _found(user, "aide soignant")["needs"] == ["Aide-soignant de nuit"]
    assert _found(user, "aide soignnat")["needs"] == ["Aide-soignant de nuit"]
    assert _found(user, "saisonier")["events"] == ["Forum de l'emploi saisonnier"]


def test_a_need_is_found_by_the_words_of_its_title_and_of_its_job_title_together():
    # 10891 is « Aide-soignant / Aide-soignante » (seeds/reference): one word from each side.
    RecruitmentNeedFactory(rome_code="J1501", job_title_code="10891", title="Poste de nuit")
    RecruitmentNeedFactory(title="Veilleur de nuit")
    user = UserFactory()
    assert _found(user, "soignante nuit")["needs"] == ["Poste de nuit"]
    assert _found(user, "nuit")["needs"] == ["Veilleur de nuit", "Poste de nuit"]
    assert "needs" not in _found(user, "soignante jour")
    # A typo in the job title's word, and in the title's.
    assert _found(user, "soignnate nuit")["needs"] == ["Poste de nuit"]
    assert _found(user, "veileur")["needs"] == ["Veilleur de nuit"]


@pytest.mark.postgresql_only
def test_the_needs_group_reads_the_needs_from_indexes(plan_of):
    # Every visible need's title and job title were folded on each search (39 ms at 10,000 needs):
    # the needs holding the longest word now come from the title's trigram index (and the job titles').
    RecruitmentNeedFactory(title="Boulanger de nuit")
    with plan_of(lambda statement: "FROM recruitment_needs" in statement and "count(" not in statement) as plan:
        assert _found(UserFactory(), "boulanger nuit")["needs"] == ["Boulanger de nuit"]
    # The job titles' side depends on their count (a handful of needs here: walked by job title).
    assert "Bitmap Index Scan on ix_recruitment_needs_title_folded_trgm" in plan[0], plan[0]


@pytest.mark.postgresql_only
def test_a_phone_number_can_be_read_from_the_phones_trigram_index(count_queries, plan_of):
    # Every contact person's phone was stripped of its separators on each search (176 ms at 100,000):
    # the expression searched, written as the search writes it, is the one migration 4000 indexes.
    EmployerContactFactory(first_name="Anne", last_name="Le Goff", phone="02.96-12 34 56")
    with count_queries() as statements:
        assert _found(UserFactory(), "12 34 5")["contacts"] == ["Anne Le Goff"]
    indexed = "replace(replace(replace(employer_contacts.phone, ' ', ''), '.', ''), '-', '') LIKE"
    assert any(indexed in statement for statement in statements)
    phones = sa.select(EmployerContact.id).where(contact_phone_digits().like("%12345%"))
    with plan_of(lambda statement: statement.startswith("SELECT employer_contacts.id FROM")) as plan:
        db.session.execute(phones)
    assert "ix_employer_contacts_phone_digits_trgm" in plan[0], plan[0]


@pytest.mark.sqlite_only
@pytest.mark.parametrize("table", ["employer_contacts", "recruitment_needs"])
def test_sqlite_reads_the_matching_contacts_and_needs_before_their_employers(plan_of, table):
    # SQLite reached the needs through every visible employer (55 ms at 200,000), and listed every
    # visible employer's id to check the contacts' scope (twice: the rows, then their count).
    need = RecruitmentNeedFactory(title="Boulanger Guégan")
    EmployerContactFactory(employer=need.employer, last_name="Guégan")
    with plan_of(lambda statement: f"FROM {table} JOIN employers" in statement and "count(" not in statement) as plan:
        found = _found(UserFactory(), "guegan")
    assert found["needs"] == ["Boulanger Guégan"] and found["contacts"]
    assert "SEARCH employers USING INTEGER PRIMARY KEY" in plan[0], plan[0]
    assert "basin_id" not in plan[0], plan[0]


@pytest.mark.sqlite_only
def test_sqlite_reads_the_needs_near_a_typo_before_their_employers(plan_of):
    RecruitmentNeedFactory(title="Boulanger de nuit")
    picked = "FROM recruitment_needs JOIN employers"
    with plan_of(lambda statement: picked in statement and "search_near(" in statement) as plan:
        assert _found(UserFactory(), "boulnger")["needs"] == ["Boulanger de nuit"]
    assert "basin_id" not in plan[0], plan[0]


def test_a_spotter_finds_only_their_own_leads():
    spotter = UserFactory(spotter=True)
    LeadFactory(spotter=spotter, employer_name="Crêperie Guégan")
    LeadFactory(employer_name="Crêperie Guégan bis")  # another spotter's
    EmployerFactory(name="Crêperie Guégan")
    RecruitmentNeedFactory(title="Crêpier Guégan")
    groups = search_everything(spotter, "guegan", TODAY)
    assert [g.kind for g in groups] == ["leads"]
    assert [lead.employer_name for lead in groups[0].items] == ["Crêperie Guégan"]


def test_a_manager_sees_employers_needs_events_and_leads_of_their_basins():
    EmployerFactory(name="Crêperie Guégan")
    LeadFactory(employer_name="Crêperie Guégan")
    groups = search_everything(UserFactory(manager=True), "guegan", TODAY)
    assert [g.kind for g in groups] == ["employers", "contacts", "needs", "events", "leads"]
    assert [len(g.items) for g in groups] == [1, 0, 0, 0, 1]


def test_the_page_groups_results_under_headings_with_counts(client, login):
    user = UserFactory()
    for number in range(3):
        EmployerFactory(name=f"Cabinet médical Guégan {number}")
    login(user)
    html = client.get("/recherche?q=guegan").get_data(as_text=True)
    assert 'id="group-employers"' in html and "Employeurs" in html
    assert "(3 résultats)" in html
    assert "Cabinet médical Guégan 0" in html
    near = client.get("/recherche?q=guegn").get_data(as_text=True)
    assert "les plus proches" in near and "Cabinet médical Guégan 1" in near
    assert "Aucun résultat pour « zzzzqqq »" in client.get("/recherche?q=zzzzqqq").get_data(as_text=True)


def test_the_header_carries_the_search_box_on_every_page(client, login):
    login(UserFactory())
    for url in ("/", "/entreprises", "/besoins"):
        html = client.get(url).get_data(as_text=True)
        assert 'action="/recherche"' in html and 'name="q"' in html and "fr-search-bar" in html, url


def test_the_empty_box_shows_the_employers_opened_last(client, login):
    user = UserFactory()
    employers = [EmployerFactory(name=f"Ouvert {number}") for number in range(RECENT_EMPLOYERS + 2)]
    other_basin_employer = EmployerFactory(name="Ailleurs", basin=BasinFactory())
    login(user)
    for employer in employers:
        assert client.get(f"/entreprises/{employer.url_key}").status_code == 200
    assert client.get(f"/entreprises/{employers[0].url_key}").status_code == 200  # reopened: first again
    assert client.get(f"/entreprises/{other_basin_employer.url_key}").status_code == 404
    html = client.get("/recherche").get_data(as_text=True)
    assert 'data-testid="recent-employers"' in html
    shown = [e.name for e in employers if f">{e.name}<" in html]
    assert shown[0] == "Ouvert 0" and len(shown) == RECENT_EMPLOYERS
    assert ">Ouvert 1<" not in html and ">Ouvert 2<" not in html  # the oldest ones dropped
    assert html.index(">Ouvert 0<") < html.index(f">Ouvert {RECENT_EMPLOYERS + 1}<")
    assert "Ailleurs" not in html


@pytest.mark.postgresql_only
def test_opening_an_employer_writes_its_recent_list_in_one_statement(client, login, count_queries):
    # The upsert and the trim were two statements on every employer page, in a savepoint that
    # only SQLite's refused writes need.
    user = UserFactory()
    employers = [EmployerFactory() for _ in range(RECENT_EMPLOYERS + 1)]
    login(user)
    for employer in employers[:-1]:
        client.get(f"/entreprises/{employer.url_key}")
    with count_queries() as statements:
        assert client.get(f"/entreprises/{employers[-1].url_key}").status_code == 200
    writes = [s for s in statements if "recent_employers" in s]
    assert len(writes) == 1 and writes[0].startswith("WITH"), writes
    from app.search.queries import recent_employers

    assert [e.id for e in recent_employers(user)] == [e.id for e in reversed(employers[1:])]


def test_another_user_does_not_see_my_recent_employers(client, login):
    employer = EmployerFactory(name="Mon employeur")
    me, colleague = UserFactory(), UserFactory()
    login(me)
    client.get(f"/entreprises/{employer.url_key}")
    from app.search.queries import recent_employers

    assert [e.name for e in recent_employers(me)] == ["Mon employeur"]
    assert recent_employers(colleague) == []


@pytest.mark.parametrize("hostile", ["%", "_", "'", "\x00", "x" * 10_000, "😀", '"', "* OR 1", "a" * 300 + " guegan"])
def test_hostile_queries_answer_in_french_without_error(client, login, hostile):
    EmployerFactory(name="Cabinet médical Guégan")
    login(UserFactory())
    response = client.get("/recherche", query_string={"q": hostile})
    # A NUL byte is refused by the application for every request (app/hostile_input.py).
    assert response.status_code == (400 if hostile == "\x00" else 200)
    if hostile in ("%", "_", "'"):
        assert "Cabinet médical Guégan" not in response.get_data(as_text=True)


def test_anonymous_visitors_are_sent_to_login(client):
    assert client.get("/recherche?q=guegan").status_code in (302, 401)


def test_words_found_as_typed_are_not_searched_with_a_typo_elsewhere():
    EmployerFactory(name="Boulangerie Lemoine")
    EmployerContactFactory(first_name="Paul", last_name="Boulanger")
    found = _found(UserFactory(), "boulangerie")
    assert found == {"employers": ["Boulangerie Lemoine"]}
    # Nothing as typed anywhere: then near words are looked for in every group.
    assert _found(UserFactory(), "boulangere")["contacts"] == ["Paul Boulanger"]


def test_digits_alone_are_never_searched_with_a_typo():
    RecruitmentNeedFactory(title="Saisonniers 2024")
    user = UserFactory()
    assert _found(user, "2024")["needs"] == ["Saisonniers 2024"]
    # A number a digit away is another number: no near pass for a query without letters.
    assert _found(user, "2025") == {}
    assert _found(user, "saisonier 2024")["needs"] == ["Saisonniers 2024"]


def test_the_employers_group_is_the_first_page_of_the_employer_list(monkeypatch):
    # A window of one name: on PostgreSQL the page is found by the list's shorter ways (search_page).
    monkeypatch.setattr(queries, "LOOK_AHEAD_NAMES", 1)
    for number in range(GROUP_SIZE + 3):
        EmployerFactory(name=f"Garage {chr(ord('z') - number)}")
    EmployerFactory(name="Autogarage Leroy")  # the word inside the first one
    user = UserFactory()
    employers = search_everything(user, "garage", TODAY)[0]
    listed = search_employers(user, EmployerFilters(text="garage"), TODAY)
    assert employers.items == list(db.session.scalars(listed.limit(GROUP_SIZE)))
    assert employers.count == bounded_count(listed) and employers.count.value > GROUP_SIZE
    # A typo: the list's page of the words nearest to the typed ones.
    near = search_everything(user, "garrage", TODAY)[0]
    assert near.near and near.items == employers.items


@pytest.mark.postgresql_only
def test_the_employers_group_never_sorts_every_match(count_queries, monkeypatch):
    # A common word matches a tenth of the register: sorting all of it for 8 names read most of the table.
    # (A user of few employers sorts every match of their scope: app/employers/queries.py, SMALL_SCOPE;
    # and anyone a search of at most FEW_MATCHES, which this one stands for.)
    monkeypatch.setattr(queries, "SMALL_SCOPE", 0)
    monkeypatch.setattr(queries, "FEW_MATCHES", 0)
    for number in range(GROUP_SIZE + 3):
        EmployerFactory(name=f"Garage {number}")
    with count_queries() as statements:
        search_everything(UserFactory(), "garage", TODAY)
    # Sorted: the page's few ids, or (in a UNION with the range of names starting with the word)
    # the names holding it inside, which a common word seldom is.
    sorted_by_name = [statement for statement in statements if "search_name ||" in statement]
    assert sorted_by_name and all(
        "employers.id IN" in statement or "UNION" in statement for statement in sorted_by_name
    ), sorted_by_name

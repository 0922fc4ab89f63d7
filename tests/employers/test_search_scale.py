"""Searches that stay instant on a national register: a typo is matched to the nearest words of the
names, read from an index, then searched as typed; a SIRET or SIREN is one exact lookup, in the
employers' list and in the header's search."""

from datetime import date

import pytest
import sqlalchemy as sa

from app.employers.models import Employer
from app.employers.queries import EmployerFilters, corrected_text, search_employers
from app.extensions import db
from app.search.queries import search_everything
from tests.factories import EmployerContactFactory, EmployerFactory, RecruitmentNeedFactory, UserFactory
from tests.factories.employers import make_siret

TODAY = date(2026, 11, 30)
NAMES = [
    "Boulangerie Martin",
    "Boulangerie Martine",
    "Boulanger Dupont",
    "Boulangeries du Port",
    "Garage du Centre",
    "Pâtisserie Boulanger",
    "Restaurant La Boulange",
    "Café des Boulangers",
]


def _names(user, text: str, typo_tolerant: bool = False) -> list[str]:
    query = search_employers(user, EmployerFilters(text=text), TODAY, typo_tolerant=typo_tolerant)
    return [employer.name for employer in db.session.scalars(query).unique()]


def test_a_typo_searches_the_nearest_words_of_the_names_as_if_typed(client, login):
    for name in NAMES:
        EmployerFactory(name=name, commune_name="Saint-Nazaire")
    user = UserFactory()
    assert corrected_text("boulangrie") == "boulangerie"
    assert corrected_text("Boulangrie  MARTN") == "boulangerie martin"
    assert corrected_text("garage centre") == "garage centre"  # words the names hold stay
    assert corrected_text("zqxw") is None and corrected_text(make_siret()) is None
    for typed, corrected in (("boulangrie", "boulangerie"), ("boulangrie martn", "boulangerie martin")):
        assert _names(user, typed, typo_tolerant=True) == _names(user, corrected) != []
    login(user)
    html = client.get("/entreprises?q=boulangrie+martn").get_data(as_text=True)
    assert "les plus proches" in html and "Boulangerie Martin" in html and "Garage du Centre" not in html


@pytest.mark.postgresql_only
def test_the_words_follow_every_write():
    def words():
        return set(db.session.scalars(sa.text("SELECT word FROM employer_name_words")))

    employer = EmployerFactory(name="Quincaillerie Ozanne", commune_name="Pornichet")
    assert {"quincaillerie", "ozanne", "pornichet"} <= words()
    employer.name = "Droguerie Ozanne"
    db.session.flush()
    assert "droguerie" in words()
    # A Core statement (the imports' path) is followed too.
    db.session.execute(sa.update(Employer).where(Employer.id == employer.id).values(search_name="ferronnerie"))
    assert "ferronnerie" in words()


@pytest.mark.postgresql_only
def test_the_nearest_word_is_read_from_the_trigram_index():
    EmployerFactory(name="Boulangerie Martin")
    db.session.execute(sa.text("SET LOCAL enable_seqscan = off"))
    plan = "\n".join(
        db.session.scalars(
            sa.text(
                "EXPLAIN SELECT word FROM employer_name_words WHERE word % :w ORDER BY word <-> :w LIMIT 1"
            ).bindparams(w="boulangrie")
        )
    )
    assert "ix_employer_name_words_trgm" in plan and "Order By" in plan, plan


@pytest.mark.parametrize("kind", ["siret", "siren"])
def test_an_identifier_in_the_header_search_reads_employers_only(kind, count_queries):
    employer = EmployerFactory(name="Chantiers de l'Atlantique")
    digits = employer.siret if kind == "siret" else employer.siret[:9]
    # A contact whose phone and a need whose title hold the digits: a SIRET is no phone number.
    EmployerContactFactory(employer=employer, last_name="Le Goff", phone=digits)
    RecruitmentNeedFactory(employer=employer, title=f"Soudeur {digits}")
    unknown = make_siret() if kind == "siret" else make_siret()[:9]
    user = UserFactory()
    with count_queries() as statements:
        groups = {group.kind: group for group in search_everything(user, unknown, TODAY)}
    assert not any(group.items for group in groups.values())
    assert [s for s in statements if "employer_contacts" in s or "recruitment_needs" in s] == []
    groups = {group.kind: group for group in search_everything(user, digits, TODAY)}
    assert [e.name for e in groups["employers"].items] == ["Chantiers de l'Atlantique"]
    assert not groups["contacts"].items and not groups["needs"].items


def test_a_phone_number_in_the_header_search_reads_contact_persons_only(count_queries):
    # "02 96 12", read as the words "02", "96" and "12", made the employers and needs groups fold
    # every name and title they may see (100 ms at 200,000 employers) for nothing a user wants.
    employer = EmployerFactory(name="Garage 02 96 12")
    EmployerContactFactory(employer=employer, first_name="Anne", last_name="Le Goff", phone="02 96 12 34 56")
    RecruitmentNeedFactory(employer=employer, title="Mécanicien 02 96 12")
    with count_queries() as statements:
        groups = {group.kind: group for group in search_everything(UserFactory(), "02 96 12", TODAY)}
    assert [contact.full_name for contact in groups["contacts"].items] == ["Anne Le Goff"]
    assert not groups["employers"].items and not groups["needs"].items
    assert [s for s in statements if "FROM employers" in s.split("JOIN")[0] or "FROM recruitment_needs" in s] == []
    # One group of digits stays a word: a name may hold it.
    EmployerFactory(name="Garage 2000")
    assert [e.name for e in search_everything(UserFactory(), "2000", TODAY)[0].items] == ["Garage 2000"]

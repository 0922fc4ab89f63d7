"""The last words in French: NAF labels in the employer list, month names from Babel, plurals
without "(s)" and "de" elided before a vowel, in pages, flash messages and refusals."""

import html
from datetime import UTC, date, datetime

import pytest

from app.formatting import month_year
from app.needs.services import NeedError, record_hires, update_need
from app.notifications.reports import month_label
from tests.factories import EmployerFactory, EventFactory, RecruitmentNeedFactory, TagFactory, UserFactory


def _flashes(client) -> str:
    return html.unescape(client.get("/plan-du-site").get_data(as_text=True))


def test_month_names_come_from_babel():
    assert month_year(date(2026, 8, 1)) == "août 2026"
    assert month_year(datetime(2026, 12, 31, 23, 30, tzinfo=UTC)) == "janvier 2027"  # Paris day
    assert month_label(date(2027, 2, 1)) == "février 2027"


def test_the_calendar_names_its_month_in_french(client, login, travel):
    travel(datetime(2026, 7, 15, 8, tzinfo=UTC))
    EventFactory(starts_at=datetime(2026, 8, 10, 8, tzinfo=UTC))
    login(UserFactory())
    page = client.get("/evenements?vue=mois&mois=2026-08").get_data(as_text=True)
    assert "Août 2026" in page


def test_the_employer_list_shows_the_naf_label_not_the_code_alone(client, login):
    EmployerFactory(name="Bistrot Lenaf", naf_code="56.10A")
    login(UserFactory())
    page = html.unescape(client.get("/entreprises?q=lenaf").get_data(as_text=True))
    assert "56.10A — Restauration traditionnelle" in page


def test_one_employer_tagged_reads_in_the_singular(client, login, post):
    employer = EmployerFactory(name="Singulier Unique")
    tag = TagFactory(label="Saisonnier")
    login(UserFactory())
    post(
        "/entreprises/etiquetage?q=singulier", {"etiquette": tag.id, "action": "ajouter", "entreprises": [employer.id]}
    )
    page = html.unescape(client.get("/entreprises?q=singulier").get_data(as_text=True))
    assert "Étiquette « Saisonnier » posée sur 1 entreprise de plus." in page
    assert "(s)" not in page


def test_a_name_starting_with_a_vowel_is_elided(client, login, post):
    login(UserFactory(admin=True))
    adviser = UserFactory(full_name="Anne Imbert")
    page = html.unescape(post(f"/administration/utilisateurs/{adviser.id}/desactiver").get_data(as_text=True))
    assert "Désactiver le compte d'Anne Imbert" in page
    post(f"/administration/utilisateurs/{adviser.id}/desactiver", {"confirmation": "1"})
    assert "Le compte d'Anne Imbert est désactivé" in _flashes(client)


def test_refusals_agree_with_their_number():
    need = RecruitmentNeedFactory(positions=3, positions_filled=2)
    with pytest.raises(NeedError, match="^2 postes sont déjà pourvus : "):
        update_need(need, positions=1)
    one = RecruitmentNeedFactory(title="Plongeur", positions=1, positions_filled=1)
    with pytest.raises(NeedError, match="compte 1 poste, dont 1 déjà pourvu\\.$"):
        record_hires(one, 1, author=None, hired_on=date(2026, 1, 5))

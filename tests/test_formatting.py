"""Numbers, dates and words in French (app/formatting.py)."""

from datetime import UTC, date, datetime

import pytest

from app.formatting import date_fr, datetime_fr, day_month, days, long_date, number, of, percent, plural
from app.scheduler.registry import describe_counts

NBSP, NNBSP = "\N{NO-BREAK SPACE}", "\N{NARROW NO-BREAK SPACE}"


def test_numbers_take_a_decimal_comma_and_spaced_thousands():
    assert number(3.8, 1) == "3,8"
    assert number(3.75, 2) == "3,75"
    assert number(4, 1) == "4,0"
    assert number(1234567) == f"1{NNBSP}234{NNBSP}567"
    assert number(None) == "—"


def test_percentages_and_durations():
    assert percent(1 / 3) == f"33{NBSP}%"
    assert percent(0.5) == f"50{NBSP}%"
    assert percent(None) == "—"
    assert days(71.24) == f"71,2{NBSP}j"
    assert days(40.0) == f"40{NBSP}j"


def test_dates():
    assert day_month(date(2026, 9, 28)) == "28/09"
    assert date_fr(date(2026, 9, 28)) == "28/09/2026"
    # 22:30 UTC is already the next day in Paris.
    assert date_fr(datetime(2026, 9, 27, 22, 30, tzinfo=UTC)) == "28/09/2026"
    assert datetime_fr(datetime(2026, 9, 28, 12, 5, tzinfo=UTC)) == "28/09/2026 à 14:05"
    assert long_date(date(2026, 9, 28)) == "28 septembre 2026"


@pytest.mark.parametrize(
    ("count", "expected"),
    [(0, "0 poste pourvu"), (1, "1 poste pourvu"), (3, "3 postes pourvus"), (1000, f"1{NNBSP}000 postes pourvus")],
)
def test_plurals(count, expected):
    assert plural(count, "poste pourvu", "postes pourvus") == expected


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Auxerre", "d'Auxerre"),
        ("Laval", "de Laval"),
        ("Évry", "d'Évry"),
        ("Aide à domicile", "d'Aide à domicile"),
        ("Le Mans", "du Mans"),
        ("Les Sables-d'Olonne", "des Sables-d'Olonne"),
        ("La Rochelle", "de La Rochelle"),
        ("Haguenau", "de Haguenau"),
    ],
)
def test_elision(name, expected):
    assert of(name) == expected


def test_job_run_counts_read_as_words_not_codes():
    assert describe_counts({"sent": 3, "failed": 1}) == ["3 courriels envoyés", "1 envoi en échec"]
    assert describe_counts({"destinataires": 0, "deja_envoyes": 2, "jour_non_ouvre": 1}) == [
        "0 destinataire prévenu",
        "2 déjà envoyés plus tôt",
        "jour non ouvré, rien n'est envoyé",
    ]

"""The job-title search (/referentiel/metiers) and the complete ROME it reads."""

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.referential.job_titles import SEARCH_LIMIT, resolve_job
from app.referential.models import JobTitle, RomeCode
from tests.factories import UserFactory, seeded_basin

URL = "/referentiel/metiers"


@pytest.fixture
def adviser(login):
    user = UserFactory(basins=[seeded_basin("5219")])
    login(user)
    return user


def _search(client, q):
    response = client.get(URL, query_string={"q": q})
    assert response.status_code == 200
    return response.get_json()["results"]


def test_the_complete_rome_and_its_titles_are_loaded():
    jobs = sa.func.length(RomeCode.code) == 5
    assert db.session.scalar(sa.select(sa.func.count()).select_from(RomeCode).where(jobs)) == 532
    assert db.session.scalar(sa.select(sa.func.count()).select_from(JobTitle)) == 11061
    reception = db.session.get(RomeCode, "M1601")
    assert reception.label == "Accueil et renseignements"
    assert (reception.professional_domain_code, reception.domain) == ("M16", "M")
    assert reception.major_domain_label == "Support à l'entreprise"


@pytest.mark.parametrize(
    ("query", "label", "rome_code"),
    [
        ("aide soignant", "Aide-soignant / Aide-soignante", "J1501"),
        ("chaudronnier", "Chaudronnier / Chaudronnière", "H2902"),
        ("serveur", "Serveur / Serveuse en restauration", "G1803"),
        ("AIDE-SOIGNANT", "Aide-soignant / Aide-soignante", "J1501"),
        ("chaudronniére", "Chaudronnier / Chaudronnière", "H2902"),
    ],
)
def test_a_typed_title_finds_its_rome_code(client, adviser, query, label, rome_code):
    results = _search(client, query)
    assert {"label": label, "rome_code": rome_code} in [
        {"label": r["label"], "rome_code": r["rome_code"]} for r in results
    ]


def test_a_word_inside_the_title_matches_too(client, adviser):
    # "soignant" starts the second word of "Aide-soignant".
    assert any(r["rome_code"] == "J1501" for r in _search(client, "soignant"))


def test_titles_that_start_with_the_query_come_first(client, adviser):
    results = _search(client, "serveur")
    assert results[0]["label"].lower().startswith("serveur")


def test_the_results_stop_at_the_limit(client, adviser):
    assert len(_search(client, "agent")) == SEARCH_LIMIT


def test_a_rome_code_lists_its_titles(client, adviser):
    results = _search(client, "j1501")
    assert results and {r["rome_code"] for r in results} == {"J1501"}


@pytest.mark.parametrize("query", ["", "   ", "%", "_", "' OR 1=1 --", "é" * 5000, "<script>", "%%%%"])
def test_hostile_queries_answer_an_empty_or_plain_list(client, adviser, query):
    response = client.get(URL, query_string={"q": query})
    assert response.status_code == 200
    assert isinstance(response.get_json()["results"], list)


def test_a_nul_character_is_refused_like_everywhere_in_the_app(client, adviser):
    assert client.get(URL, query_string={"q": "serveur\x00"}).status_code == 400


def test_the_search_requires_a_login(client):
    response = client.get(URL, query_string={"q": "serveur"})
    assert response.status_code in (302, 401)
    assert "results" not in (response.get_json(silent=True) or {})


def test_the_search_reads_one_query(client, adviser, count_queries):
    with count_queries() as queries:
        _search(client, "aide soignant")
    assert len([q for q in queries if "job_titles" in q]) == 1


def test_resolving_a_typed_title_an_ambiguous_one_and_an_unknown_one():
    assert resolve_job("Aide-soignant / Aide-soignante").rome_code == "J1501"
    assert resolve_job("M1601 — Accueil et renseignements").rome_code == "M1601"
    assert resolve_job("").rome_code is None
    several = resolve_job("serveur")
    assert several.error and len(several.matches) > 1
    assert resolve_job("zzqxw").error
    assert resolve_job("Z9999").error == "Code ROME inconnu : choisissez un métier dans la liste."

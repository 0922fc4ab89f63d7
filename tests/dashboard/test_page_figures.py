"""The dashboard's figures kept a minute per scope and period (app/dashboard/page_figures.py)."""

import csv
import io
import logging
import pickle
import re
import secrets
from datetime import date, timedelta

import pytest
from flask_caching.backends.rediscache import RedisCache

from app.activity.enums import Channel
from app.dashboard.page_figures import DashboardFigures, cache_key, compute_dashboard_figures, dashboard_figures
from app.dashboard.scopes import Period
from app.extensions import cache
from tests.dashboard.conftest import TODAY
from tests.factories import InteractionFactory, UserFactory

Q3 = Period(date(2026, 7, 1), date(2026, 9, 30))
Q3_ARGS = "debut=2026-07-01&fin=2026-09-30"


@pytest.fixture
def kept_a_minute(app, monkeypatch):
    monkeypatch.setitem(app.config, "DASHBOARD_CACHE_SECONDS", 60)
    cache.clear()
    yield
    cache.clear()


def _contacts(page: str) -> str:
    """The scope's count of contacts, as the activity section links it."""
    return re.search(r'indicateur=contacts&amp;perimetre=[^"]*"[^>]*>([^<]+)</a>', page).group(1)


def _computed_at(page: str) -> str:
    return re.search(r'data-testid="computed-at">([^<]+)<', page).group(1)


def test_a_scope_figures_are_kept_a_minute_then_computed_again(client, login, dataset, kept_a_minute, travel):
    login(UserFactory(manager=True, basins=[dataset["basin_a"]]))
    url = f"/tableau-de-bord?perimetre=all&{Q3_ARGS}"
    first = client.get(url).get_data(as_text=True)
    assert _contacts(first) == "3"
    assert _computed_at(first) == "Chiffres calculés le 22/11/2026 à 11:00."
    assert "recalculés au plus toutes les 60 secondes" in first

    InteractionFactory(employer=dataset["employers"]["a3"], occurred_on=date(2026, 8, 1), channel=Channel.PHONE)
    travel(TODAY + timedelta(seconds=59))
    kept = client.get(url).get_data(as_text=True)
    assert _contacts(kept) == "3" and _computed_at(kept) == _computed_at(first)

    travel(TODAY + timedelta(seconds=61))
    again = client.get(url).get_data(as_text=True)
    assert _contacts(again) == "4"
    assert _computed_at(again) == "Chiffres calculés le 22/11/2026 à 11:01."


def test_the_export_carries_the_figures_the_page_shows(client, login, dataset, kept_a_minute):
    login(UserFactory(manager=True, basins=[dataset["basin_a"]]))
    assert _contacts(client.get(f"/tableau-de-bord?perimetre=all&{Q3_ARGS}").get_data(as_text=True)) == "3"
    InteractionFactory(employer=dataset["employers"]["a3"], occurred_on=date(2026, 8, 1), channel=Channel.PHONE)
    text = client.get(f"/tableau-de-bord/export.csv?perimetre=all&{Q3_ARGS}").get_data(as_text=True)
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))
    assert {(row[3], row[5]): row[6] for row in rows[1:]}[("Tout le périmètre", "Échanges sur la période")] == "3"


def test_without_keeping_every_view_counts_afresh(client, login, dataset):
    login(UserFactory(manager=True, basins=[dataset["basin_a"]]))
    url = f"/tableau-de-bord?perimetre=all&{Q3_ARGS}"
    assert _contacts(client.get(url).get_data(as_text=True)) == "3"
    InteractionFactory(employer=dataset["employers"]["a3"], occurred_on=date(2026, 8, 1), channel=Channel.PHONE)
    page = client.get(url).get_data(as_text=True)
    assert _contacts(page) == "4"
    assert "recalculés au plus" not in page


def test_kept_figures_are_never_shown_outside_their_scope(client, login, post, dataset, kept_a_minute):
    """The manager of both basins fills the cache for both; the adviser of Laval, asking for both or
    for Saint-Nazaire alone, still gets Laval's own figures: the scope is resolved before the cache."""
    login(UserFactory(manager=True, basins=[dataset["basin_a"], dataset["basin_b"]]))
    for scope in ("all", f"basin:{dataset['basin_a'].id}"):
        client.get(f"/tableau-de-bord?perimetre={scope}&{Q3_ARGS}")
    post("/deconnexion")
    login(UserFactory(basins=[dataset["basin_b"]]))
    for scope in ("all", f"basin:{dataset['basin_a'].id}"):
        page = client.get(f"/tableau-de-bord?perimetre={scope}&{Q3_ARGS}").get_data(as_text=True)
        assert "Saint-Nazaire" not in page
        assert _contacts(page) == "1"


def test_the_key_is_the_set_of_basins_and_the_period():
    assert cache_key([3, 1, 2], Q3) == cache_key([1, 2, 3], Q3)
    assert cache_key([1, 2], Q3) != cache_key([1, 2, 3], Q3)
    assert cache_key([1, 2], Q3) != cache_key([1, 2], Period(date(2026, 7, 1), date(2026, 9, 29)))
    # A région's hundred basins make a key of bounded length.
    assert len(cache_key(list(range(1, 101)), Q3)) < 100


def test_figures_hold_no_database_row(dataset):
    """Pickled, they are read back whole by another process (Redis): nothing in them needs the session."""
    figures = compute_dashboard_figures([dataset["basin_a"], dataset["basin_b"]], Q3)
    copy = pickle.loads(pickle.dumps(figures))  # noqa: S301  (what the test itself pickled)
    assert copy == figures
    assert [figures.basin.name for figures in copy.dashboard.basins] == ["Saint-Nazaire", "Laval"]
    assert copy.dashboard.total.contacts == figures.dashboard.total.contacts == 4


def test_figures_kept_in_redis_are_read_by_another_worker(app, dataset, monkeypatch):
    prefix = f"relais-test-{secrets.token_hex(6)}:"
    one_worker, another = (RedisCache(host="127.0.0.1", port=6379, db=1, key_prefix=prefix) for _ in range(2))
    monkeypatch.setitem(app.config, "DASHBOARD_CACHE_SECONDS", 60)
    monkeypatch.setitem(app.extensions["cache"], cache, one_worker)
    try:
        computed = dashboard_figures([dataset["basin_a"]], Q3)
        monkeypatch.setitem(app.extensions["cache"], cache, another)
        assert dashboard_figures([dataset["basin_a"]], Q3) == computed
        assert another.get(cache_key([dataset["basin_a"].id], Q3)) == computed
    finally:
        one_worker.clear()


def test_a_stopped_redis_leaves_the_page_up(client, login, app, dataset, monkeypatch, caplog):
    monkeypatch.setitem(app.config, "DASHBOARD_CACHE_SECONDS", 60)
    monkeypatch.setitem(app.extensions["cache"], cache, RedisCache(host="127.0.0.1", port=1, key_prefix="relais:"))
    login(UserFactory(manager=True, basins=[dataset["basin_a"]]))
    with caplog.at_level(logging.WARNING, logger="app.dashboard.page_figures"):
        response = client.get(f"/tableau-de-bord?perimetre=all&{Q3_ARGS}")
    assert response.status_code == 200
    assert _contacts(response.get_data(as_text=True)) == "3"
    assert "le cache ne répond pas" in caplog.text
    assert isinstance(compute_dashboard_figures([dataset["basin_a"]], Q3), DashboardFigures)

"""The load test: advisers logged in, on the mix of what they do all day (Locust).

Run by ``make load`` through ``bench/load_test.py``, which builds the database, starts gunicorn
with ``deploy/gunicorn.conf.py`` and runs Locust headless for a bounded time. Each simulated
user logs in with its own account, then, with a short think time, lists employers, searches
(a common word, two words, a SIRET, a commune, a typo), opens employer pages and the dashboard.
Static files are left out: nginx serves them in production (deploy/nginx/relais.conf).

The accounts and the sample of SIRETs, names and communes come from the environment that
load_test.py sets (LOAD_ACCOUNTS, LOAD_SAMPLE), so that the file runs as is under ``locust -f``.
With LOAD_TIMINGS, each request's end, duration and outcome are written to that file when Locust
stops: load_test.py reads from it the figures of the steady state, once every adviser has logged in.
"""

import itertools
import json
import os
import random
import re
import time
from datetime import datetime
from zoneinfo import ZoneInfo

from locust import between, events, task
from locust.contrib.fasthttp import FastHttpUser

PASSWORD = "Banc-d-essai-2026!"  # noqa: S105  (the throwaway accounts of bench/load_test.py)
ACCOUNTS = itertools.cycle(json.loads(os.environ.get("LOAD_ACCOUNTS", '["banc@exemple.fr"]')))
SAMPLE = json.loads(os.environ.get("LOAD_SAMPLE", '{"sirets": [], "names": [], "communes": []}'))
COMMON_WORDS = ["boulangerie", "garage", "transports", "restaurant", "coiffure", "plomberie"]
PARIS = ZoneInfo("Europe/Paris")
CSRF_TOKEN = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')
TIMINGS = os.environ.get("LOAD_TIMINGS")
timings: list[tuple[float, float, bool]] = []


@events.request.add_listener
def _record_timing(response_time, exception, **kwargs) -> None:
    # In memory during the run (a write per request would take the cores the server needs).
    timings.append((time.time(), response_time, exception is not None))


@events.quitting.add_listener
def _write_timings(**kwargs) -> None:
    if TIMINGS:
        with open(TIMINGS, "w") as out:
            out.writelines(f"{ended:.3f},{duration:.1f},{int(failed)}\n" for ended, duration, failed in timings)


class Adviser(FastHttpUser):
    # Think time: an adviser reads a page before the next click (the "with think time").
    wait_time = between(0.1, 0.3)

    def on_start(self) -> None:
        # Behind nginx each adviser has an address of their own (TRUSTED_PROXY_HOPS=1 in load_test.py):
        # the login's per-address limit applies to each, as in production.
        address = f"10.0.{random.randint(0, 255)}.{random.randint(1, 254)}"  # noqa: S311
        self.client.client.default_headers["X-Forwarded-For"] = address
        page = self.client.get("/connexion", name="connexion").text
        token = CSRF_TOKEN.search(page).group(1)
        response = self.client.post(
            "/connexion",
            data={"email": next(ACCOUNTS), "password": PASSWORD, "csrf_token": token},
            allow_redirects=False,
            name="connexion",
        )
        if response.status_code != 302:
            raise RuntimeError(f"connexion refusée ({response.status_code})")

    @task(4)
    def employer_list(self) -> None:
        self.client.get("/entreprises", name="liste des entreprises")

    @task(3)
    def search_common_word(self) -> None:
        self.client.get(f"/entreprises?q={random.choice(COMMON_WORDS)}", name="recherche : un mot courant")  # noqa: S311

    @task(2)
    def search_name(self) -> None:
        if SAMPLE["names"]:
            self.client.get("/entreprises", params={"q": random.choice(SAMPLE["names"])}, name="recherche : un nom")  # noqa: S311

    @task(2)
    def search_siret(self) -> None:
        if SAMPLE["sirets"]:
            self.client.get(f"/entreprises?q={random.choice(SAMPLE['sirets'])}", name="recherche : un SIRET")  # noqa: S311

    @task(1)
    def search_commune(self) -> None:
        if SAMPLE["communes"]:
            self.client.get(
                "/entreprises", params={"q": random.choice(SAMPLE["communes"])}, name="recherche : une commune"
            )  # noqa: S311

    @task(1)
    def search_typo(self) -> None:
        self.client.get("/entreprises?q=boulangrie", name="recherche : une faute de frappe")

    @task(1)
    def header_search(self) -> None:
        self.client.get(f"/recherche?q={random.choice(COMMON_WORDS)}", name="recherche générale")  # noqa: S311

    @task(4)
    def employer_page(self) -> None:
        if SAMPLE["sirets"]:
            self.client.get(f"/entreprises/{random.choice(SAMPLE['sirets'])}", name="fiche entreprise")  # noqa: S311

    @task(1)
    def filtered_list(self) -> None:
        self.client.get("/entreprises?contact=mine&naf=56", name="filtres : mon portefeuille")

    @task(1)
    def log_a_contact(self) -> None:
        """The one write of the mix: an adviser logs a phone call from the employer page."""
        if not SAMPLE["sirets"]:
            return
        siret = random.choice(SAMPLE["sirets"])  # noqa: S311
        page = self.client.get(f"/entreprises/{siret}", name="fiche entreprise").text
        token = CSRF_TOKEN.search(page).group(1)
        data = {
            "csrf_token": token,
            "occurred_on": datetime.now(PARIS).date().isoformat(),
            "channel": "phone",
            "subject": "Appel de suivi (test de charge)",
        }
        with self.client.post(
            f"/entreprises/{siret}/echanges",
            data=data,
            allow_redirects=False,
            name="noter un échange",
            catch_response=True,
        ) as response:
            if response.status_code != 302:
                response.failure(f"échange refusé ({response.status_code})")

    @task(1)
    def dashboard(self) -> None:
        self.client.get("/tableau-de-bord", name="tableau de bord")

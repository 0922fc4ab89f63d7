"""Every page looked at: screenshots of the demo, for each role, at 1366×900 and 375×800.

Not a test: a person looks at the pictures. Run from the repository root:

    .venv/bin/python tools/screenshots.py [--out test-artifacts/screens] [--roles admin,conseiller]

It builds the demo on a temporary SQLite database (``flask db upgrade``, ``flask seed reference``,
``flask seed demo``), serves it with ``flask run`` on a free port, logs in as each demo role of
Saint-Nazaire (README's accounts; password ``Relais-Demo-2026!``), opens every page of that role's
site map (``/plan-du-site``, read from ``app/main/sitemap.py``) plus the first employer, need, plan
and event linked from their lists, and saves ``<out>/<role>/<page>-1366.png`` and ``-375.png``
(full page). It prints, for each page, the width of the document at 375 px when it scrolls
sideways. Debian's Chromium (``/usr/bin/chromium``, or ``CHROMIUM_PATH``) is driven by Playwright.
"""

import argparse
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
FLASK = str(ROOT / ".venv" / "bin" / "flask")
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
PASSWORD = "Relais-Demo-2026!"  # noqa: S105  (the demo accounts' password, in the README)
DOMAIN = "demo.relais-entreprises.fr"
ROLES = {
    "admin": f"admin@{DOMAIN}",
    "conseiller": f"conseiller.saint-nazaire@{DOMAIN}",
    "pilote": f"pilote.saint-nazaire@{DOMAIN}",
    "manager": f"manager.saint-nazaire@{DOMAIN}",
    "repereur": f"repereur.saint-nazaire@{DOMAIN}",
}
SIZES = {"1366": {"width": 1366, "height": 900}, "375": {"width": 375, "height": 800}}
# One record of each kind, opened from its list: (list URL, link pattern, name).
RECORDS = [
    ("/entreprises", r"^/entreprises/(\d{14}|n\d+)$", "entreprise"),
    ("/besoins/liste", r"^/besoins/\d+$", "besoin"),
    ("/plans", r"^/plans/\d+$", "plan"),
    ("/evenements", r"^/evenements/\d+$", "evenement"),
]
SKIPPED = {"/deconnexion"}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def flask(env: dict, *args: str) -> None:
    subprocess.run([FLASK, *args], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)  # noqa: S603


def start_demo(workdir: Path) -> tuple[subprocess.Popen, str]:
    env = {
        **os.environ,
        "FLASK_APP": "wsgi",
        "DATABASE_URL": f"sqlite:///{workdir / 'demo.db'}",
        "SECRET_KEY": "capture-d-ecran-9f3KqZ2xLw7Rb5Tn8Vc1",
        "MAIL_BACKEND": "file",
        "RELAIS_ENV": "development",
    }
    print("Base de démonstration…", flush=True)
    flask(env, "db", "upgrade")
    flask(env, "seed", "reference")
    flask(env, "seed", "demo")
    port = free_port()
    server = subprocess.Popen(  # noqa: S603
        [FLASK, "run", "--host", "127.0.0.1", "--port", str(port)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            urllib.request.urlopen(f"{base}/sante", timeout=1)  # noqa: S310 (our own http server)
            return server, base
        except OSError:
            time.sleep(0.2)
    server.terminate()
    raise SystemExit("Le serveur de démonstration ne répond pas.")


def slug(path: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", path.lower()).strip("-") or "accueil"


def pages_of(page, base: str) -> list[tuple[str, str]]:
    """(name, path) of every page of the site map, then one record of each kind."""
    page.goto(f"{base}/plan-du-site")
    paths = []
    for href in page.locator("main a[href^='/']").evaluate_all("links => links.map(a => a.getAttribute('href'))"):
        if href not in paths and href not in SKIPPED:
            paths.append(href)
    named = [(slug(path), path) for path in paths]
    for list_path, pattern, name in RECORDS:
        if list_path not in paths:
            continue
        page.goto(f"{base}{list_path}")
        hrefs = page.locator("main a[href^='/']").evaluate_all("links => links.map(a => a.getAttribute('href'))")
        first = next((href for href in hrefs if re.match(pattern, href)), None)
        if first:
            named.append((name, first))
    return named


def log_in(page, base: str, email: str) -> None:
    page.goto(f"{base}/connexion")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", PASSWORD)
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_load_state()


def capture(browser, base: str, role: str, email: str, out: Path) -> list[str]:
    """Screenshots of one role's pages; the pages that scroll sideways at 375 px."""
    folder = out / role
    folder.mkdir(parents=True, exist_ok=True)
    contexts = {
        size: browser.new_context(locale="fr-FR", viewport=viewport, is_mobile=size == "375", has_touch=size == "375")
        for size, viewport in SIZES.items()
    }
    pages = {size: context.new_page() for size, context in contexts.items()}
    for page in pages.values():
        log_in(page, base, email)
    wide = []
    for name, path in pages_of(pages["1366"], base):
        for size, page in pages.items():
            response = page.goto(f"{base}{path}")
            page.wait_for_load_state("networkidle")
            page.screenshot(path=str(folder / f"{name}-{size}.png"), full_page=True)
            if response is not None and response.status >= 400:
                wide.append(f"{role} {path}: {response.status}")
            if size == "375":
                width = page.evaluate("document.documentElement.scrollWidth")
                if width > SIZES["375"]["width"]:
                    wide.append(f"{role} {path}: {width} px")
    for context in contexts.values():
        context.close()
    return wide


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=str(ROOT / "test-artifacts" / "screens"))
    parser.add_argument("--roles", default=",".join(ROLES), help="parmi : " + ", ".join(ROLES))
    args = parser.parse_args()
    out = Path(args.out)
    with tempfile.TemporaryDirectory(prefix="relais-ecrans-") as workdir:
        server, base = start_demo(Path(workdir))
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
                problems = []
                for role in args.roles.split(","):
                    print(f"{role}…", flush=True)
                    problems += capture(browser, base, role, ROLES[role], out)
                browser.close()
        finally:
            server.terminate()
            server.wait()
    print(f"Captures dans {out}")
    for problem in problems:
        print("  à voir :", problem)
    sys.exit(0)


if __name__ == "__main__":
    main()

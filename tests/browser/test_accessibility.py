"""Accessibility: axe-core, run in Chromium on every HTML page of every role, WCAG 2.1 A and AA.

For each role (and anonymous), every GET route the access table opens to it is visited with
its URL variables filled by real records (tests/access_samples.py, as the access matrix and the
hostile-input crawl do); a response that is not an HTML page (a CSV, a PDF, a calendar feed) is
left out. axe-core (npm, pinned in package.json, copied by `make assets`) is injected by the test
into each page: no page of the product loads it. Any violation fails, listed as page, rule and
the elements it targets.
"""

from pathlib import Path

import pytest

from app.auth.access import is_allowed, is_public
from app.auth.enums import Role
from tests.access_samples import SAMPLES
from tests.browser.conftest import _request_lock
from tests.factories import (
    AssignmentFactory,
    EmployerFactory,
    FollowUpFactory,
    LeadFactory,
    RecruitmentNeedFactory,
    UserFactory,
)

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
AXE_PATHS = [ROOT / "app/static/vendor/axe/axe.min.js", ROOT / "node_modules/axe-core/axe.min.js"]
WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]

ROLE_TRAITS = {
    Role.ADMIN: {"admin": True},
    Role.ADVISER: {},
    Role.TASKFORCE_LEAD: {"lead": True},
    Role.MANAGER: {"manager": True},
    Role.SPOTTER: {"spotter": True},
    Role.STEERING: {"steering": True},
}
ROLES = [*ROLE_TRAITS, None]  # None: anonymous

# Routes not visited, each with its reason.
NOT_VISITED = {
    "auth.logout": "ends the session the visit relies on",
    "main.readiness": "a JSON answer, 503 while no scheduler runs",
}
# Pages whose content a script renders after the load event: axe waits for it.
RENDERED_AFTER_LOAD = {"/api/v1/docs": ".opblock-summary-path"}


def _axe_script() -> Path:
    for path in AXE_PATHS:
        if path.exists():
            return path
    pytest.fail("axe-core absent : lancez « make assets » (npm install puis copie dans app/static/vendor/axe)")


@pytest.fixture
def world():
    users = {role: UserFactory(**traits) for role, traits in ROLE_TRAITS.items()}
    employer = EmployerFactory()
    adviser = users[Role.ADVISER]
    # A few records in each list, so that tables, badges and cards are on the pages, not only
    # their empty states.
    AssignmentFactory(employer=employer, adviser=adviser)
    FollowUpFactory(owner=adviser, employer=employer)
    RecruitmentNeedFactory(employer=employer)
    LeadFactory(basin=adviser.basins[0], spotter=users[Role.SPOTTER])
    return {"basin": adviser.basins[0], "employer": employer, "users": users, "other_user": UserFactory()}


def _may_open(endpoint: str, role: Role | None) -> bool:
    return is_public(endpoint) if role is None else is_allowed(endpoint, role)


def _urls(app, role, world) -> list[str]:
    samples: dict[frozenset, dict] = {}
    urls = []
    for rule in sorted(app.url_map.iter_rules(), key=lambda rule: rule.rule):
        if "GET" not in rule.methods or rule.endpoint in NOT_VISITED or rule.endpoint == "static":
            continue
        if not _may_open(rule.endpoint, role):
            continue
        key = frozenset(rule.arguments)
        if rule.arguments and key not in samples:
            samples[key] = SAMPLES[rule.endpoint](world)
        built = rule.build(samples.get(key, {}), append_unknown=False)
        urls.append(built[1])
    return urls


def _violations(page) -> list[str]:
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})",
        WCAG_21_AA,
    )
    return [
        f"{violation['id']} ({violation['impact']}): {violation['help']} → "
        + ", ".join(" ".join(node["target"]) for node in violation["nodes"][:5])
        for violation in result["violations"]
    ]


@pytest.mark.parametrize("role", ROLES, ids=lambda role: role.value if role else "anonymous")
def test_no_page_has_an_accessibility_violation(app, chromium, live_server, browser_login, world, role):
    axe_script = _axe_script()
    # The pages' Content-Security-Policy refuses an injected script: the test context bypasses it.
    context = chromium.new_context(
        base_url=live_server, locale="fr-FR", viewport={"width": 1280, "height": 900}, bypass_csp=True
    )
    context.add_init_script(path=str(axe_script))  # in every page, before the page's own scripts
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        # The samples are written on the connection the server thread uses: not while it serves a request.
        with _request_lock, app.test_request_context():
            urls = _urls(app, role, world)
        if role is not None:
            browser_login(page, world["users"][role])
        problems, visited = [], 0
        for url in urls:
            head = context.request.get(url, max_redirects=0)
            if head.status >= 500:
                problems.append(f"{url} : erreur {head.status}")
                continue
            if "text/html" not in head.headers.get("content-type", "") or "attachment" in head.headers.get(
                "content-disposition", ""
            ):
                continue  # a file to download, not a page
            page.goto(url)
            page.wait_for_load_state("load")
            if url in RENDERED_AFTER_LOAD:
                page.locator(RENDERED_AFTER_LOAD[url]).first.wait_for()
            visited += 1
            problems += [f"{url} : {violation}" for violation in _violations(page)]
        print(f"axe, {role or 'anonymous'}: {visited} pages")
        assert visited > 0
        assert problems == [], "\n".join(problems)
    finally:
        context.close()

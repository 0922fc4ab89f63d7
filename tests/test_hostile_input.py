"""The hostile-input crawl: every route, for every role that may open it, with hostile values.

For each role (and anonymous), every GET route of the URL map is visited with the URL
variables filled by real records the role can see (tests/access_samples.py), then with each
query parameter the view reads, and each text variable of its URL, replaced by hostile values.
Every POST route is then submitted with a valid CSRF token, starting from the fields of its form
as the GET pages render it, each field replaced in turn by those values. No response may be a
server error, and a refused submission (4xx) must leave every table as it was.

The parameters and fields a view reads are recorded while it runs (a recording MultiDict), so a
new filter or field is crawled without anyone listing it here. Every route × every value is
sent at least once per role (all of a GET's parameters at once; one field at a time, in turn,
for a form); every (parameter or field, value) pair is sent by one of the roles that may open
the route, so that the whole crawl stays within CI's budget.
"""

import itertools
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import quote, urlsplit

import pytest
import sqlalchemy as sa
from werkzeug.datastructures import ImmutableMultiDict
from werkzeug.routing import IntegerConverter

from app.auth.access import is_allowed, is_public
from app.auth.enums import Role
from app.extensions import db
from tests.access_samples import SAMPLES
from tests.factories import EmployerFactory, UserFactory

HOSTILE_VALUES = [
    "",
    "\x00",
    "x" * 10_000,
    "%",
    "_",
    "'",
    "😀",
    "\u202e",
    str(2**31),
    "-1",
    "9999-12-31",
    "0001-01-01",
    "2026-02-30",
    "31/12/20xx",
]

ROLE_TRAITS = {
    Role.ADMIN: {"admin": True},
    Role.ADVISER: {},
    Role.TASKFORCE_LEAD: {"lead": True},
    Role.MANAGER: {"manager": True},
    Role.SPOTTER: {"spotter": True},
    Role.STEERING: {"steering": True},
}
ROLES = [*ROLE_TRAITS, None]  # None: anonymous

# Routes not crawled, each with its reason; the test checks that they still exist.
NOT_CRAWLED = {
    "auth.logout": "ends the session the crawl relies on (tests/auth/test_sessions.py covers it)",
    "main.readiness": "reads no input; 503 by design while no scheduler runs (tests/monitoring/test_readiness.py)",
}

# Records that a refused request keeps on purpose (app.transactions.keep_changes).
KEPT_ON_REFUSAL = {"auth.login": {"login_attempts"}, "auth.change_password": {"login_attempts"}}


# --- What a view reads ---------------------------------------------------------------------

_read_keys: set[str] = set()


class RecordingMultiDict(ImmutableMultiDict):
    """request.args and request.form, noting every key a view or a form looks up."""

    def __getitem__(self, key):
        _read_keys.add(key)
        return super().__getitem__(key)

    def __contains__(self, key):
        _read_keys.add(key)
        return super().__contains__(key)

    def getlist(self, key, type=None):  # noqa: A002  (werkzeug's signature)
        _read_keys.add(key)
        return super().getlist(key, type)


class FormCollector(HTMLParser):
    """The POST forms of a page: their action and the fields they would send as rendered."""

    def __init__(self, page_path: str):
        super().__init__()
        self.page_path = page_path
        self.forms: dict[str, dict[str, str]] = {}
        self._form: dict[str, str] | None = None
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        name = attrs.get("name")
        if tag == "form" and (attrs.get("method") or "get").lower() == "post":
            action = urlsplit(attrs.get("action") or self.page_path).path
            self._form = self.forms.setdefault(action, {})
        elif self._form is None or not name:
            return
        elif tag == "input" and attrs.get("type") not in ("submit", "button", "file"):
            if attrs.get("type") in ("checkbox", "radio") and name in self._form:
                return
            self._form[name] = attrs.get("value") or ""
        elif tag == "select":
            self._select = name
            self._form.setdefault(name, "")
        elif tag == "option" and self._select and attrs.get("value"):
            if not self._form[self._select] or "selected" in attrs:
                self._form[self._select] = attrs["value"]
        elif tag == "textarea":
            self._textarea = name
            self._form[name] = ""

    def handle_data(self, data):
        if self._form is not None and self._textarea:
            self._form[self._textarea] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None


# --- The crawl -----------------------------------------------------------------------------


@dataclass
class Crawl:
    client: object
    post: object
    role: Role | None
    requests: int = 0
    problems: list[str] = field(default_factory=list)
    forms: dict[str, dict[str, str]] = field(default_factory=dict)
    samples: dict[frozenset, dict] = field(default_factory=dict)

    def url_arguments(self, rule, world) -> dict:
        # One record per kind of URL (a need, a plan…) for all the routes that take one, so that
        # a form shown on a record's page is submitted to that record's routes.
        if not rule.arguments:
            return {}
        key = frozenset(rule.arguments)
        if key not in self.samples:
            self.samples[key] = SAMPLES[rule.endpoint](world)
        return self.samples[key]

    def send(self, method: str, url: str, data: dict | None = None, endpoint: str = ""):
        _read_keys.clear()
        before = _row_counts() if method == "POST" else None
        shown = {key: (value[:20] + "…" if len(value) > 20 else value) for key, value in (data or {}).items()}
        self.requests += 1
        try:
            response = self.client.get(url) if method == "GET" else self.post(url, data)
        except Exception as error:  # TESTING propagates a view's exception: a 500 in production
            self.problems.append(f"{error!r} {self.role} {method} {url[:200]} {shown}")
            return set(_read_keys)
        response.close()
        status = response.status_code
        if status >= 500:
            self.problems.append(f"{status} {self.role} {method} {url[:200]} {shown}")
        elif before is not None and 400 <= status < 500:
            changed = {table for table, count in _row_counts().items() if count != before[table]} - KEPT_ON_REFUSAL.get(
                endpoint, set()
            )
            if changed:
                self.problems.append(f"refused ({status}) but changed {sorted(changed)}: {self.role} {url} {shown}")
        if method == "GET" and status == 200 and response.mimetype == "text/html":
            collector = FormCollector(urlsplit(url).path)
            collector.feed(response.get_data(as_text=True))
            for action, fields in collector.forms.items():
                self.forms.setdefault(action, fields)
        return set(_read_keys)


def _row_counts() -> dict[str, int]:
    tables = db.metadata.sorted_tables
    counts = ", ".join(f'(SELECT count(*) FROM "{table.name}")' for table in tables)
    row = db.session.execute(sa.text(f"SELECT {counts}")).one()
    return {table.name: count for table, count in zip(tables, row, strict=True)}


def _url(rule, kwargs: dict, hostile: tuple[str, str] | None = None) -> str:
    """The rule's URL with its variables filled, one of them replaced by a hostile value."""
    parts = []
    for is_variable, text in rule._trace:
        if not is_variable:
            parts.append(text)
        elif hostile and text == hostile[0]:
            parts.append(quote(hostile[1], safe=""))
        else:
            parts.append(quote(str(kwargs[text]), safe="/"))
    return "".join(parts).split("|", 1)[-1]


def _text_variables(rule) -> list[str]:
    return [name for name, converter in rule._converters.items() if not isinstance(converter, IntegerConverter)]


def _may_open(endpoint: str, role: Role | None) -> bool:
    return is_public(endpoint) if role is None else is_allowed(endpoint, role)


def _openers(endpoint: str) -> list[Role | None]:
    return [role for role in ROLES if _may_open(endpoint, role)]


def _mine(role, endpoint: str, pairs, *, first_block: bool = False):
    """The (name, value) pairs this role sends: pairs come in blocks that each hold every value
    once, shared out among the route's openers; with ``first_block`` every role sends the first."""
    openers = _openers(endpoint)
    for position, pair in enumerate(pairs):
        block = position // len(HOSTILE_VALUES)
        if (first_block and block == 0) or block % len(openers) == openers.index(role):
            yield pair


def _pairs(names) -> list[tuple[str, str]]:
    # Value-major, so that a slice of len(HOSTILE_VALUES) pairs holds every value once.
    names = sorted(names)
    return [(names[(i + j) % len(names)], value) for j in range(len(names)) for i, value in enumerate(HOSTILE_VALUES)]


def _crawl_gets(app, crawl: Crawl, world):
    for rule in sorted(app.url_map.iter_rules(), key=lambda rule: rule.rule):
        if "GET" not in rule.methods or rule.endpoint in NOT_CRAWLED or not _may_open(rule.endpoint, crawl.role):
            continue
        kwargs = crawl.url_arguments(rule, world)
        url = _url(rule, kwargs)
        params = crawl.send("GET", url) - {"csrf_token"}
        if params:
            for value in HOSTILE_VALUES:  # every value, in every parameter at once
                crawl.send("GET", url + "?" + "&".join(f"{quote(p)}={quote(value)}" for p in sorted(params)))
            for name, value in _mine(crawl.role, rule.endpoint, _pairs(params)):
                crawl.send("GET", f"{url}?{quote(name)}={quote(value)}")
        variables = _text_variables(rule)
        if variables:
            for name, value in _mine(crawl.role, rule.endpoint, _pairs(variables), first_block=True):
                crawl.send("GET", _url(rule, kwargs, (name, value)))


def _crawl_posts(app, crawl: Crawl, world):
    for rule in sorted(app.url_map.iter_rules(), key=lambda rule: rule.rule):
        if "POST" not in rule.methods or rule.endpoint in NOT_CRAWLED or not _may_open(rule.endpoint, crawl.role):
            continue
        kwargs = crawl.url_arguments(rule, world)
        url = _url(rule, kwargs)
        rendered = {k: v for k, v in crawl.forms.get(urlsplit(url).path, {}).items() if k != "csrf_token"}
        fields = (crawl.send("POST", url, rendered, rule.endpoint) | set(rendered)) - {"csrf_token"}
        if not fields:
            continue
        # A fresh record for each submission would cost factories per request: an accepted
        # change may alter the sample (a need closed), which the later submissions then meet.
        for name, value in _mine(crawl.role, rule.endpoint, _pairs(fields), first_block=True):
            crawl.send("POST", url, {**rendered, name: value}, rule.endpoint)
        for name, value in _mine(crawl.role, rule.endpoint, _pairs(_text_variables(rule)), first_block=True):
            crawl.send("POST", _url(rule, kwargs, (name, value)), rendered, rule.endpoint)


@pytest.fixture
def world():
    users = {role: UserFactory(**traits) for role, traits in ROLE_TRAITS.items()}
    return {
        "basin": users[Role.ADVISER].basins[0],
        "employer": EmployerFactory(),
        "users": users,
        "other_user": UserFactory(),
    }


@pytest.fixture
def recording(monkeypatch, app):
    monkeypatch.setattr(app.request_class, "parameter_storage_class", RecordingMultiDict)


def test_the_routes_left_out_still_exist(app):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    assert set(NOT_CRAWLED) <= endpoints


# GETs and POSTs crawled apart: two test items per role, which the test workers share.
@pytest.mark.parametrize("crawl_routes", [_crawl_gets, _crawl_posts], ids=["gets", "posts"])
@pytest.mark.parametrize("role", ROLES, ids=lambda role: role.value if role else "anonymous")
def test_no_hostile_value_gives_a_server_error(app, client, post, login, world, recording, role, crawl_routes):
    if role is not None:
        login(world["users"][role])
    crawl = Crawl(client, post, role)
    crawl_routes(app, crawl, world)
    print(f"hostile-input crawl, {role or 'anonymous'}, {crawl_routes.__name__}: {crawl.requests} requests")
    assert crawl.problems == [], "\n".join(crawl.problems[:60])
    assert crawl.requests > 0
    if role is not None:
        assert client.get("/").status_code == 200, "the crawl lost its session: later routes were not crawled"


def test_a_pair_is_sent_by_some_role_and_every_value_by_each():
    names = ["a", "b", "c"]
    openers = _openers("needs.board")
    sent = [pair for role in openers for pair in _mine(role, "needs.board", _pairs(names))]
    assert sorted(sent) == sorted(itertools.product(names, HOSTILE_VALUES))
    for role in openers:
        first = _mine(role, "needs.board", _pairs(names), first_block=True)
        assert {value for _, value in first} == set(HOSTILE_VALUES)

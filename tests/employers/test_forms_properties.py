"""Properties of the employer search's filters read from the URL (EmployerSearchForm, with the
choices set_choices gives it, as app/employers/views.py's _search_form reads them)."""

import re

import pytest
import sqlalchemy as sa
from flask_login import login_user
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from werkzeug.datastructures import MultiDict

from app.auth.queries import visible_basins
from app.employers.enums import EmployerSort, PrivilegedContactFilter
from app.employers.forms import SHORTAGE_NEED, EmployerSearchForm
from app.employers.models import Employer
from app.employers.queries import EmployerFilters
from app.employers.views import _search_form
from app.extensions import db
from app.fields import NUMBER_TOO_LARGE
from app.hostile_input import holds_control_characters
from app.referential.enums import HeadcountBand
from tests.factories import UserFactory
from tests.strategies import PROPERTY_SETTINGS, WHITESPACE, hostile_text

# The test's user and the database are set up once for all the examples, which only read.
READS_ONLY = settings(PROPERTY_SETTINGS, suppress_health_check=[HealthCheck.function_scoped_fixture])

FRENCH_ERRORS = {
    "200 caractères au plus.",
    "Entre 1 et 120 mois.",
    NUMBER_TOO_LARGE,
    "N'est pas un choix valide.",
    "N'est pas un entier valide.",
    "Choix non valide, ne peut pas être converti.",
    "Choix incorrect, une ou plusieurs saisies ne peuvent pas être converties.",
}
# SelectMultipleField names the values it refuses.
FRENCH_CHOICE_ERROR = re.compile(
    r"«\xa0.*\xa0» n'(est|sont) pas (un choix valide|des choix valides) pour ce champ\.", re.S
)


@pytest.fixture
def adviser():
    return UserFactory()


@pytest.fixture
def choices(app, adviser):
    """Each field's valid values, as the page offers them to this user."""
    with app.test_request_context():
        form = EmployerSearchForm(formdata=MultiDict())
        form.set_choices(adviser)
        return {
            name: [str(value) for value, *_ in field.choices]
            for name, field in form._fields.items()
            if getattr(field, "choices", None) is not None
        }


def query_strings(choices):
    """Query strings mixing the page's own values with hostile ones, under its keys and others."""
    valid = {**choices, "idle": ["1", "6", "120"], "open_need": ["y", "1", ""], "q": ["boulangerie", ""]}
    known_pair = st.sampled_from(sorted(valid)).flatmap(
        lambda key: st.tuples(st.just(key), st.sampled_from(valid[key]))
    )
    hostile_pair = st.tuples(st.sampled_from([*sorted(valid), "page"]) | hostile_text, hostile_text)
    return st.lists(known_pair | hostile_pair, max_size=8).map(MultiDict)


def _read(app, user, args: MultiDict):
    with app.test_request_context(query_string=args):
        login_user(user)
        return _search_form()


def _is_french(message: str) -> bool:
    return message in FRENCH_ERRORS or bool(FRENCH_CHOICE_ERROR.fullmatch(message))


@READS_ONLY
@given(data=st.data())
def test_any_query_string_gives_filters_in_their_domains_or_french_errors(app, adviser, choices, data):
    args = data.draw(query_strings(choices))
    form, filters = _read(app, adviser, args)
    if filters is None:
        messages = [message for errors in form.errors.values() for message in errors]
        assert messages and all(_is_french(message) for message in messages), messages
        return
    assert isinstance(filters.text, str) and len(filters.text) <= 200
    assert filters.basin_id is None or filters.basin_id in {basin.id for basin in visible_basins(adviser)}
    assert filters.naf is None or filters.naf in choices["naf"]
    assert filters.headcount_band is None or isinstance(filters.headcount_band, HeadcountBand)
    assert isinstance(filters.shortage_need, bool)
    assert set(filters.tag_ids) <= {int(tag) for tag in choices["tag"]}
    assert filters.privileged_contact is None or filters.privileged_contact in choices["contact"]
    assert filters.idle_months is None or 1 <= filters.idle_months <= 120
    assert isinstance(filters.has_open_need, bool)
    assert isinstance(filters.sort, EmployerSort)


def _query_string(filters: EmployerFilters) -> MultiDict:
    """The URL the search form sends back for these filters."""
    pairs = [
        ("q", filters.text),
        ("bassin", str(filters.basin_id or "")),
        ("naf", filters.naf or ""),
        ("headcount", filters.headcount_band.value if filters.headcount_band else ""),
        ("shortage", SHORTAGE_NEED if filters.shortage_need else ""),
        *(("tag", str(tag)) for tag in filters.tag_ids),
        ("contact", filters.privileged_contact or ""),
        ("idle", str(filters.idle_months or "")),
        ("tri", filters.sort.value),
    ]
    if filters.has_open_need:
        pairs.append(("open_need", "y"))
    return MultiDict(pairs)


@READS_ONLY
@given(data=st.data())
def test_accepted_filters_sent_again_read_the_same(app, adviser, choices, data):
    form, filters = _read(app, adviser, data.draw(query_strings(choices)))
    if filters is not None:
        _, again = _read(app, adviser, _query_string(filters))
        assert again == filters


@READS_ONLY
@given(data=st.data())
def test_every_valid_combination_is_accepted(app, adviser, choices, data):
    def one_of(key):
        return data.draw(st.sampled_from(choices[key]), label=key)

    args = MultiDict(
        [
            ("q", data.draw(st.text(max_size=200).filter(str.strip), label="q")),
            *((key, one_of(key)) for key in ("bassin", "naf", "headcount", "shortage", "contact", "tri")),
            *(("tag", tag) for tag in data.draw(st.lists(st.sampled_from(choices["tag"]), unique=True), label="tag")),
            ("idle", str(data.draw(st.integers(1, 120), label="idle"))),
        ]
    )
    form, filters = _read(app, adviser, args)
    assert filters is not None, form.errors
    assert {PrivilegedContactFilter.MINE.value, PrivilegedContactFilter.NONE.value} <= set(choices["contact"])


@pytest.fixture
def signed_in(client, login, adviser):
    login(adviser)
    return client


@settings(READS_ONLY, max_examples=60)
@given(data=st.data())
def test_the_search_page_and_its_export_never_fail(signed_in, choices, data):
    client = signed_in
    args = data.draw(query_strings(choices))
    page = client.get("/entreprises", query_string=args)
    assert page.status_code in (200, 400), page.status_code
    export = client.get("/entreprises/export", query_string=MultiDict([*args.items(multi=True), ("format", "csv")]))
    # Control characters are refused before any view (app/hostile_input.py); else invalid filters
    # send the export back to the page, with a message.
    refused = holds_control_characters(text for pair in args.items(multi=True) for text in pair)
    assert export.status_code in ((400,) if refused else (200, 302)), export.status_code


SELECTS = ("bassin", "naf", "headcount", "shortage", "contact", "tri")


@READS_ONLY
@given(st.sampled_from(SELECTS), st.text(alphabet=WHITESPACE, min_size=1, max_size=3))
def test_a_blank_choice_is_no_choice(app, adviser, name, blank):
    # Optional() stops before the choice is checked: a blank value once reached the view
    # unchecked, and an enum of it (the shortage sector, once) was a 500.
    assert _read(app, adviser, MultiDict([(name, blank)]))[1] == _read(app, adviser, MultiDict())[1]


def test_a_new_employer_with_blank_choices_has_none(client, login, post):
    login(UserFactory())
    data = {"name": "Boulangerie du Port", "commune_insee": "44184", "naf_code": " ", "headcount_band": " "}
    assert post("/entreprises/nouvelle", data).status_code == 302
    db.session.expire_all()
    employer = db.session.scalar(sa.select(Employer).where(Employer.name == "Boulangerie du Port"))
    assert (employer.naf_code, employer.headcount_band) == (None, None)

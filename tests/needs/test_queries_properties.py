"""Properties of the needs' list and board filters read from the URL (NeedFilters.from_args)."""

from hypothesis import given
from hypothesis import strategies as st
from werkzeug.datastructures import MultiDict

from app.needs.enums import ContractType, NeedStatus
from app.needs.queries import TARGET_CHOICES, NeedFilters
from app.referential.models import Basin
from tests.strategies import PROPERTY_SETTINGS, hostile_text

KEYS = ("bassin", "statut", "contract", "target", "rome", "q", "mine", "page")
basin_ids = st.lists(st.integers(min_value=1, max_value=2**31 - 1), max_size=4, unique=True)


def _valid_values(ids: list[int]):
    return st.one_of(
        st.sampled_from([str(i) for i in ids] or ["1"]),
        st.sampled_from([member.value for enum in (NeedStatus, ContractType) for member in enum]),
        st.sampled_from([value for value, _ in TARGET_CHOICES]),
        st.just("1"),
    )


@st.composite
def url_args(draw):
    """The basins the user may filter on, and a query string mixing valid and hostile values."""
    ids = draw(basin_ids)
    pairs = draw(
        st.lists(
            st.tuples(st.one_of(st.sampled_from(KEYS), hostile_text), st.one_of(hostile_text, _valid_values(ids))),
            max_size=10,
        )
    )
    return [Basin(id=i) for i in ids], MultiDict(pairs)


def _as_query_string(filters: NeedFilters) -> MultiDict:
    # What url_for puts in the links: every value as text.
    return MultiDict({key: str(value) for key, value in filters.as_args().items()})


@PROPERTY_SETTINGS
@given(url_args())
def test_any_query_string_reads_as_filters_within_their_domains(basins_and_args):
    basins, args = basins_and_args
    filters = NeedFilters.from_args(args, basins)
    assert filters.basin is None or filters.basin in {basin.id for basin in basins}
    assert filters.status in {""} | {status.value for status in NeedStatus}
    assert filters.contract in {""} | {contract.value for contract in ContractType}
    assert filters.target in {""} | {value for value, _ in TARGET_CHOICES}
    assert filters.mine in ("", "1")
    assert isinstance(filters.rome, str) and len(filters.rome) <= 5
    assert isinstance(filters.q, str) and len(filters.q) <= 200


@PROPERTY_SETTINGS
@given(url_args())
def test_filters_written_to_a_link_read_back_the_same(basins_and_args):
    # Pagination and export links carry the filters: they must find the same needs.
    basins, args = basins_and_args
    filters = NeedFilters.from_args(args, basins)
    assert NeedFilters.from_args(_as_query_string(filters), basins) == filters


@PROPERTY_SETTINGS
@given(
    basin_ids.flatmap(lambda ids: st.tuples(st.just(ids), st.sampled_from([None, *ids]))),
    st.sampled_from(["", *(status.value for status in NeedStatus)]),
    st.sampled_from(["", *(contract.value for contract in ContractType)]),
    st.sampled_from(["", *(value for value, _ in TARGET_CHOICES)]),
    st.from_regex(r"[A-N]([0-9]{0,4})?", fullmatch=True) | st.just(""),
    st.text(max_size=200).map(str.strip),
    st.sampled_from(["", "1"]),
)
def test_valid_filters_round_trip(basins_and_basin, status, contract, target, rome, q, mine):
    ids, basin = basins_and_basin
    filters = NeedFilters(basin, status, contract, target, rome, q, mine)
    assert NeedFilters.from_args(_as_query_string(filters), [Basin(id=i) for i in ids]) == filters

"""Read-side queries on employers, always scoped to what the user may see."""

import functools
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import NamedTuple

import sqlalchemy as sa
from sqlalchemy.orm import joinedload, selectinload

from app.activity.enums import FollowUpStatus
from app.activity.models import FollowUp, Interaction
from app.aftercare.models import EmployerIntroduction, EmployerSurvey
from app.assignments.models import Assignment
from app.auth.models import User
from app.dialects import byte_order, has_trigram_search, is_postgresql, seldom_narrows
from app.employers.engagements import engaged_on
from app.employers.enums import EmployerSort, PrivilegedContactFilter
from app.employers.inner_words import INNER_WORDS_TRIGGER
from app.employers.models import Employer, EmployerContact, Tag, employer_tags
from app.extensions import db, plan_once
from app.needs.enums import OPEN_STATUSES
from app.needs.models import NeedStatusChange, RecruitmentNeed
from app.pagination import COUNT_LIMIT, MAX_PAGE, Page, ResultCount, bounded_count, bounded_rows, page_count
from app.reference_cache import kept_value, reference_list
from app.referential.enums import HeadcountBand, NafLevel
from app.referential.models import Basin, Commune, NafCode, Operator, ShortageJob
from app.text import closest_words, normalize_for_search

MAX_SEARCH_WORDS = 8
# Below this, a "word" matches almost everything and only slows the scan down.
MIN_WORD_LENGTH = 1
# pg_trgm's word_similarity threshold for the typo-tolerant fallback.
TYPO_SIMILARITY = 0.5
# PostgreSQL name search: how many names, in sort order, are read first and at most in the hope
# of filling the page with them (a commune's employers, a surname inside names), and the deepest
# row a page found without the full sort may end at.
LOOK_AHEAD_NAMES = 20_000
MAX_LOOK_AHEAD_NAMES = 200_000
MAX_NAME_ORDER_ROW = 1_000
# A search of at most this many matches (counted first) sorts them all instead.
FEW_MATCHES = 1_000
# A user of more basins (a département's manager) lists from the whole register's name order.
MAX_BASINS_MERGED = 12
# Below this many employers, a user's name search sorts its matches instead of reading the
# register's first names (see _first_ids_by_name); the size is kept for a while per basin set.
SMALL_SCOPE = 50_000
SCOPE_SIZE_MAX_AGE = 600.0
# The searches whose look-ahead came up short, remembered per process (_short_look_aheads).
MAX_SHORT_LOOK_AHEADS = 10_000


def visible_employers(user: User, basins_seldom_narrow: bool = False) -> sa.Select:
    """The employers of the user's basins. ``basins_seldom_narrow`` for the employer list's
    statements (``seldom_narrows``): SQLite, which has no statistics, took a few basins for a
    handful of employers, read every one of them and sorted them all to show the first 25."""
    query = sa.select(Employer)
    if not user.sees_all_basins:
        in_scope = Employer.basin_id.in_(user.basin_ids)
        query = query.where(seldom_narrows(in_scope) if basins_seldom_narrow else in_scope)
    return query


@dataclass
class EmployerFilters:
    """What the search page's URL asks for; every field optional."""

    text: str = ""
    basin_id: int | None = None
    naf: str | None = None  # a section letter ("I") or a division ("56")
    headcount_band: HeadcountBand | None = None
    # An open need on one of the métiers en tension of the employer's own basin.
    shortage_need: bool = False
    tag_ids: list[int] = field(default_factory=list)
    privileged_contact: str | None = None  # "mine", "none" or an operator id as text
    idle_months: int | None = None
    has_open_need: bool = False
    sort: EmployerSort = EmployerSort.NAME
    # Engaged for inclusive hiring today: the club or the charter (app/employers/engagements.py).
    engaged: bool = False


def described_filters(filters: EmployerFilters) -> dict:
    """The filters that narrow the search (those left at their default omitted), for the audit trail."""
    described = {}
    for name, default in vars(EmployerFilters()).items():
        value = getattr(filters, name)
        if name != "sort" and value != default:
            described[name] = value.value if isinstance(value, HeadcountBand) else value
    return described


def parse_identifier(text: str) -> tuple[str, str] | None:
    """("siret", digits) or ("siren", digits) when the text is one, spaces allowed."""
    compact = "".join(text.split())
    # isdigit() alone accepts "٣" or "²", which name no SIRET and no index lookup can find.
    if compact.isascii() and compact.isdigit() and len(compact) in (9, 14):
        return ("siret" if len(compact) == 14 else "siren", compact)
    return None


def only_text_searched(filters: EmployerFilters) -> bool:
    """True when the search is the text alone (any sort): no filter could have hidden a match."""
    return filters == EmployerFilters(text=filters.text, sort=filters.sort)


def _division_range(first: str, last: str):
    # A range instead of LIKE '56%' so that the B-tree index serves it on both databases,
    # whatever PostgreSQL's collation.
    return sa.and_(Employer.naf_code >= first, Employer.naf_code < f"{int(last) + 1:02d}")


def _divisions_of_section(section: str) -> list[str]:
    return list(
        db.session.scalars(
            sa.select(NafCode.code).where(NafCode.level == NafLevel.DIVISION, NafCode.parent_code == section)
        )
    )


def _in_divisions(divisions) -> sa.ColumnElement[bool]:
    """Consecutive divisions become one range: industry (10 to 33) is one index range, not 24."""
    numbers = sorted({int(d) for d in divisions if d.isdigit() and len(d) == 2})
    ranges: list[list[int]] = []
    for number in numbers:
        if ranges and number == ranges[-1][1] + 1:
            ranges[-1][1] = number
        else:
            ranges.append([number, number])
    if not ranges:
        return sa.false()
    return sa.or_(*[_division_range(f"{first:02d}", f"{last:02d}") for first, last in ranges])


def _search_words(text: str) -> list[str]:
    return [w for w in normalize_for_search(text).split() if len(w) >= MIN_WORD_LENGTH][:MAX_SEARCH_WORDS]


def _contains_words(column, words: list[str]) -> sa.ColumnElement[bool]:
    return sa.and_(*[column.like(f"%{word}%") for word in words])


def _text_condition(text: str, user: User | None = None) -> sa.ColumnElement[bool] | None:
    """What the typed text asks for. ``user``: whose scope is searched, when it is known (see below)."""
    identifier = parse_identifier(text)
    if identifier:
        kind, digits = identifier
        return (Employer.siret if kind == "siret" else Employer.siren) == digits
    words = _search_words(text)
    if not words:
        return None
    # normalize_for_search leaves only [a-z0-9 ]: no LIKE wildcard nor FTS syntax can come from the user.
    if not has_trigram_search():
        # SQLite: words starting with the typed ones, from the FTS5 index (migration 0300),
        # instead of a substring scan of every name.
        match = " ".join(f'"{word}"*' for word in words)
        fts_rowids = sa.select(sa.column("rowid")).select_from(sa.table("employers_fts"))
        return Employer.id.in_(fts_rowids.where(sa.text("employers_fts MATCH :words").bindparams(words=match)))
    # PostgreSQL: substrings, served by the GIN trigram index. A user of few employers has them read
    # from their basins' names instead: an expression that no index holds, which PostgreSQL filters
    # while reading the (basin_id, search_name, id) index alone (migration 4400). For an adviser of
    # 14,697 employers at 2.5 M, 8 ms whatever the words, where the trigram bitmaps of common words
    # over the whole register took 30–55 ms (two words, a name and its town).
    if user is not None and _has_a_small_scope(user):
        return _contains_words(Employer.search_name + "", words)
    return _contains_words(Employer.search_name, words)


# PostgreSQL: the words of the register's names, each once (migration 3300, kept by triggers).
_NAME_WORDS = sa.table("employer_name_words", sa.column("word"))
# PostgreSQL: each name's words behind its first one, with the name and id (migration 4600), the
# shortest word it keeps (employer_inner_words()), and how many of them a searched word may be inside.
_INNER_WORDS = sa.table("employer_inner_words", sa.column("word"), sa.column("search_name"), sa.column("employer_id"))
INNER_WORD_MIN_LENGTH = 3
MAX_INNER_WORDS = 64
# How many rows of a word's runs are read to tell whether its matches exceed the count's limit.
INNER_ROWS_COUNTED = 4 * COUNT_LIMIT


def corrected_text(text: str) -> str | None:
    """The text with each word replaced by the nearest word the names hold (itself when a name
    holds it); None when a word has none near, or the text is a SIRET or SIREN.

    PostgreSQL reads the nearest word first from the words' trigram index (pg_trgm's ``%`` and
    ``<->``); SQLite from the FTS5 index's word list (``employers_fts_vocab``): a word that starts
    one of its terms is kept (the search matches prefixes), otherwise the closest term starting with
    the same letter — a typo is seldom the first letter, and one letter's terms cost milliseconds."""
    words = _search_words(text)
    if not words or parse_identifier(text):
        return None
    corrected = []
    for word in words:
        nearest = _nearest_name_word(word) if has_trigram_search() else _nearest_fts_term(word)
        if nearest is None:
            return None
        corrected.append(nearest)
    return " ".join(corrected)


def _nearest_name_word(word: str) -> str | None:
    return db.session.scalar(
        sa.select(_NAME_WORDS.c.word)
        .where(_NAME_WORDS.c.word.op("%")(word))
        .order_by(_NAME_WORDS.c.word.op("<->")(word))
        .limit(1)
    )


_FTS_TERMS = sa.table("employers_fts_vocab", sa.column("term"))


def _nearest_fts_term(word: str) -> str | None:
    starting = sa.and_(_FTS_TERMS.c.term >= word, _FTS_TERMS.c.term < _next_prefix(word))
    if db.session.scalar(sa.select(_FTS_TERMS.c.term).where(starting).limit(1)) is not None:
        return word
    same_letter = sa.and_(_FTS_TERMS.c.term >= word[0], _FTS_TERMS.c.term < _next_prefix(word[0]))
    near = closest_words(word, list(db.session.scalars(sa.select(_FTS_TERMS.c.term).where(same_letter))), limit=1)
    return near[0] if near else None


def _with_active_assignment(*conditions) -> sa.ColumnElement[bool]:
    # IN (…) rather than a correlated EXISTS: both databases can then start from the
    # (small) set of assigned employers instead of probing every employer.
    return Employer.id.in_(sa.select(Assignment.employer_id).where(Assignment.ended_at.is_(None), *conditions))


def _apply_filters(query: sa.Select, user: User, filters: EmployerFilters, today: date) -> sa.Select:
    if filters.basin_id:
        query = query.where(Employer.basin_id == filters.basin_id)
    if filters.naf:
        if filters.naf.isdigit():
            query = query.where(_in_divisions([filters.naf]))
        else:
            query = query.where(_in_divisions(_divisions_of_section(filters.naf)))
    if filters.headcount_band:
        query = query.where(Employer.headcount_band == filters.headcount_band)
    if filters.shortage_need:
        # IN (…) from the open needs on a shortage job of their basin (a need's basin is its
        # employer's), not an EXISTS probed per employer: with a LIMIT and no match, PostgreSQL
        # walked the sort's index through the whole register (49 s at 2.5 M employers).
        query = query.where(
            Employer.id.in_(
                sa.select(RecruitmentNeed.employer_id)
                .join(
                    ShortageJob,
                    sa.and_(
                        ShortageJob.rome_code == RecruitmentNeed.rome_code,
                        ShortageJob.basin_id == RecruitmentNeed.basin_id,
                    ),
                )
                .where(RecruitmentNeed.status.in_(OPEN_STATUSES))
            )
        )
    for tag_id in filters.tag_ids:
        # Every chosen tag must be present (narrowing, like the other filters).
        query = query.where(
            sa.select(employer_tags.c.employer_id)
            .where(employer_tags.c.employer_id == Employer.id, employer_tags.c.tag_id == tag_id)
            .exists()
        )
    if filters.privileged_contact == PrivilegedContactFilter.MINE:
        query = query.where(_with_active_assignment(Assignment.adviser_id == user.id))
    elif filters.privileged_contact == PrivilegedContactFilter.NONE:
        # NOT EXISTS, never NOT IN: PostgreSQL turns it into an anti-join, whereas a NOT IN
        # whose list outgrows work_mem is re-scanned for every employer.
        query = query.where(
            ~sa.select(Assignment.id)
            .where(Assignment.employer_id == Employer.id, Assignment.ended_at.is_(None))
            .exists()
        )
    elif filters.privileged_contact and filters.privileged_contact.isdigit():
        query = query.where(_with_active_assignment(Assignment.operator_id == int(filters.privileged_contact)))
    if filters.idle_months:
        since = _months_before(today, filters.idle_months)
        query = query.where(
            ~sa.select(Interaction.id)
            .where(Interaction.employer_id == Employer.id, Interaction.occurred_on >= since)
            .exists()
        )
    if filters.engaged:
        query = query.where(engaged_on(today))
    if filters.has_open_need:
        # IN (…) from the open needs, as for the shortage filter: SQLite probed every employer of
        # the scope with an EXISTS (260 ms at 200,000) where the open needs are a few thousand.
        open_needs = sa.select(RecruitmentNeed.employer_id).where(RecruitmentNeed.status.in_(OPEN_STATUSES))
        if _has_a_small_scope(user):
            # A need's basin is its employer's (copies_employer_basin): a small scope's few open needs,
            # not the register's (83,500 hashed at 2.5 M for an adviser's 460: 24 ms). Not for a scope
            # of most of the register: SQLite read 200,000 employers' needs by their basin (67 → 78 ms).
            open_needs = open_needs.where(RecruitmentNeed.basin_id.in_(user.basin_ids))
        query = query.where(Employer.id.in_(open_needs))
    return query


def _months_before(day: date, months: int) -> date:
    month_index = day.year * 12 + day.month - 1 - months
    year, month = divmod(month_index, 12)
    return date(year, month + 1, min(day.day, 28))


def _ordering(sort: EmployerSort, name_column=Employer.search_name, id_column=Employer.id) -> tuple:
    """The list's order; the name sorts on other columns too (a derived table of names and ids)."""
    if sort is EmployerSort.NAME:
        return (byte_order(name_column), id_column)
    if sort is EmployerSort.NAME_DESC:
        return (byte_order(name_column).desc(), id_column.desc())
    if sort is EmployerSort.COMMUNE:
        return (Employer.commune_name, Employer.search_name, Employer.id)
    return (Employer.id.desc(),)


def _matching_employers(user: User, filters: EmployerFilters, today: date, condition) -> sa.Select:
    query = visible_employers(user, basins_seldom_narrow=True)
    if condition is not None:
        query = query.where(condition)
    return _apply_filters(query, user, filters, today)


def _in_a_portfolio(filters: EmployerFilters) -> bool:
    """Whether the list keeps the employers someone is the privileged contact of: a few, read first."""
    return filters.privileged_contact not in (None, PrivilegedContactFilter.NONE)


def search_employers(user: User, filters: EmployerFilters, today: date, typo_tolerant: bool = False) -> sa.Select:
    """The employers matching the filters, sorted; ``typo_tolerant`` searches the
    words of the names nearest to the typed ones instead (``corrected_text``)."""
    if typo_tolerant:
        corrected = corrected_text(filters.text)
        condition = _text_condition(corrected, user) if corrected else sa.false()
    else:
        condition = _text_condition(filters.text, user)
    query = _matching_employers(user, filters, today, condition).options(
        Basin.joined_alone(Employer.basin), joinedload(Employer.naf)
    )
    narrowed = condition is not None or _in_a_portfolio(filters)
    if narrowed and filters.sort in (EmployerSort.NAME, EmployerSort.NAME_DESC):
        # Sort on an expression, not the indexed column: otherwise the planner walks the
        # name index hoping to meet the matches early, and since names cluster by trade
        # ("Garage …", "Restaurant …") that walk can read millions of rows. This way it
        # starts from the matches (text index, portfolio) and sorts only those.
        key = byte_order(Employer.search_name + "")
        return query.order_by(key.desc() if filters.sort is EmployerSort.NAME_DESC else key, Employer.id)
    return query.order_by(*_ordering(filters.sort))


def matching_employer_ids(user: User, filters: EmployerFilters, today: date) -> sa.Subquery:
    """The ids of every employer ``search_employers`` lists (exact words), unsorted: what a
    bulk action on "all the results" applies to. A derived table, so that a statement on
    ``employers`` or ``employer_tags`` around it cannot correlate its inner conditions away."""
    return (
        _matching_employers(user, filters, today, _text_condition(filters.text, user))
        .with_only_columns(Employer.id)
        .subquery()
    )


def matching_employers_query(user: User, filters: EmployerFilters, today: date) -> sa.Select:
    """The ids ``search_employers`` lists, unsorted and unloaded: what their count reads."""
    return sa.select(matching_employer_ids(user, filters, today).c.id)


def visible_employer_ids(user: User, employer_ids: list[int]) -> sa.Subquery:
    """Those of ``employer_ids`` that the user may see, as a derived table (see ``matching_employer_ids``)."""
    return visible_employers(user).where(Employer.id.in_(employer_ids)).with_only_columns(Employer.id).subquery()


def search_page(user: User, filters: EmployerFilters, today: date, page: int | None, per_page: int) -> Page:
    """One page of ``search_employers``: the same rows in the same order, found faster when it can,
    with how many rows the list holds (``page_count``; counted first by some ways of finding it).

    On PostgreSQL a common word ("garage", a commune) matches a tenth of the register, and
    sorting every match to show 25 of them reads most of the table (see ``_first_ids_by_name``).
    """
    query = search_employers(user, filters, today)
    number = min(max(page or 1, 1), MAX_PAGE)
    skipped = (number - 1) * per_page
    # One row more than the page, to know if there is a next one.
    wanted = skipped + per_page + 1
    ids, count = _first_ids_by_name(user, filters, today, wanted)
    first_ids = None
    if ids is None:
        # PostgreSQL's merge of each basin's names, or SQLite's activity index: at most one applies.
        first_ids = _first_ids_by_basin(user, filters, today, wanted)
        if first_ids is None:
            first_ids = _first_ids_of_an_activity(user, filters, today, wanted)
    # The whole list (each basin's first names), or one SIRET or SIREN (a key lookup): the same best
    # plan for every user and value. Filters and words are planned for their values (plan_once).
    same_plan_for_all = only_text_searched(filters) and (not filters.text or parse_identifier(filters.text))
    if first_ids is not None:
        # The page's few ids as a subquery of its statement: one round trip, not two.
        statement = query.where(Employer.id.in_(first_ids.offset(sa.literal(skipped, literal_execute=True))))
    elif ids is None:
        statement = query.limit(per_page + 1).offset(skipped)
    elif ids[skipped:]:
        # The page's rows by their ids: read by primary key whatever the words and filters.
        statement, same_plan_for_all = query.where(Employer.id.in_(ids[skipped:])), True
    else:
        statement = None
    if statement is None:
        rows = []
    else:
        rows = list(db.session.scalars(plan_once(statement) if same_plan_for_all else statement).unique())
    found = Page(items=rows[:per_page], number=number, per_page=per_page, has_next=len(rows) > per_page, count=count)
    if found.count is None:
        found.count = page_count(found, matching_employers_query(user, filters, today))
    return found


def _first_ids_by_name(
    user: User, filters: EmployerFilters, today: date, wanted: int
) -> tuple[list[int] | None, ResultCount | None]:
    """The ids of the first ``wanted`` matches of a name search, without sorting every match, and
    the matches' count when it was needed to choose the way.

    None when this cannot be done (SQLite's word index is fast enough, other sorts, deep pages)
    or is not worth it (several words that the first names do not hold: sorting their matches is
    cheap). Names are compared byte-wise (``_byte_order``), as ``search_employers`` sorts them.
    0. A user of few employers (``SMALL_SCOPE``): every match of their basins, read from an index.
    1. The register's scope: the matches are counted first, as the page shows (``bounded_count``).
       At most ``FEW_MATCHES``, read with their count, are sorted whole; none is an empty page.
    2. Words spread over the register (a commune, a surname): the first names in sort order hold
       the page, or enough of them to hold it at the density of matches they show.
    3. One word: every match either starts with it, and those names are one range of the name
       index, read in order; or has it inside its first word or in its other words (the
       repeats of the first word left out: "garage martin garage du port"), which the trigram
       indexes of migration 0300 find among few rows.
    """
    words = [] if parse_identifier(filters.text) else _search_words(filters.text)
    if (
        not words
        or wanted > MAX_NAME_ORDER_ROW
        or filters.sort not in (EmployerSort.NAME, EmployerSort.NAME_DESC)
        or not has_trigram_search()
    ):
        return None, None

    def in_order(id_column, name_column):
        # As search_employers orders a narrowed search: ties by ascending id either way.
        name_column = byte_order(name_column)
        return (name_column.desc() if filters.sort is EmployerSort.NAME_DESC else name_column, id_column)

    matching = _matching_employers(user, filters, today, _text_condition(filters.text, user))
    # A small scope's matches are few: its names are read from its basins' index alone
    # (_text_condition), whatever the words, and sorted. The register's first names would hold a
    # handful of its employers (120 of 20,000 for an adviser of 15,000 at 2.5 M).
    if _has_a_small_scope(user):
        return list(
            db.session.scalars(
                matching.with_only_columns(Employer.id)
                .order_by(*in_order(Employer.id, Employer.search_name))
                .limit(wanted)
            )
        ), None
    # A name typed in full matches a handful of employers: the register's first names held none of
    # them, and reading those names cost more (6 ms at 200,000) than sorting the handful. Their ids
    # and names come with their count: the words' trigram bitmaps are read once, not again for the
    # page (at 2.5 M, 21–36 ms each for two words or a name typed in full).
    # One word's matches behind the first word of names, listed by employer_inner_words: read once.
    holding_words = _inner_words_containing(words[0]) if len(set(words)) == 1 else None
    matches, count = _matches_counted(user, filters, today, words, holding_words)
    if matches is not None and len(matches) <= FEW_MATCHES:
        # Sorted here as search_employers sorts them: by name compared byte-wise (the code points'
        # order), ties by ascending id either way. Ordered by PostgreSQL, an IN list of 1,500 ids
        # was read by walking the name index (250 ms at 2.5 M).
        ordered = sorted(matches, key=lambda match: match.id)
        ordered.sort(key=lambda match: match.search_name, reverse=filters.sort is EmployerSort.NAME_DESC)
        return [match.id for match in ordered[:wanted]], count
    # A trade's name starts with it (« garage … »): those names come long after the window, which
    # held too few of them (6–8 ms at 200,000 to find that out). Remembered, the same search goes
    # straight to the other ways until the memory is renewed.
    search = _search_key(user, filters, words, wanted)
    if search is None or search not in _short_look_aheads():

        def look_ahead(names: int) -> list[int]:
            # The window is read from the name index alone; only its matches are looked up. The walk
            # stops at the page's last match, so a larger window costs only when it comes up short.
            window = (
                sa.select(Employer.id, Employer.search_name)
                .order_by(*in_order(Employer.id, Employer.search_name))
                .limit(names)
                .subquery()
            )
            return list(
                db.session.scalars(
                    matching.with_only_columns(Employer.id)
                    .join(window, window.c.id == Employer.id)
                    .where(_contains_words(window.c.search_name, words))
                    .order_by(*in_order(window.c.id, window.c.search_name))
                    .limit(wanted)
                )
            )

        found = look_ahead(LOOK_AHEAD_NAMES)
        # Some matches, too few: they are spread over the register (« denis » at 2.5 M, 24 in the
        # first 20,000 names for a page of 26, where the union read all 25,000: 90 ms), and a window
        # holding about twice the page is read. None: they cluster further on (« restaurant martin »).
        if found and len(found) < wanted:
            names = min(2 * LOOK_AHEAD_NAMES * wanted // len(found), MAX_LOOK_AHEAD_NAMES)
            if names > LOOK_AHEAD_NAMES:
                found = look_ahead(names)
        if len(found) == wanted:
            return found, count
        if search is not None and len(_short_look_aheads()) < MAX_SHORT_LOOK_AHEADS:
            _short_look_aheads().add(search)
    if len(set(words)) > 1:
        return None, count
    word = words[0]
    # Either way the name holds the word, so the word's LIKE on the whole name is left out: PostgreSQL
    # ANDed its trigram bitmap with the range's few rows (125,000 entries for « boulangerie » at 2.5 M:
    # 46 ms), or with those of the words inside names (72,000 for « martin »: 31 ms more).
    candidates = _matching_employers(user, filters, today, None).with_only_columns(Employer.id, Employer.search_name)
    starting_with_word = (
        candidates.where(_name_starts_with(word)).order_by(*in_order(Employer.id, Employer.search_name)).limit(wanted)
    )
    pattern = f"%{word}%"
    # Inside the first word, the trigram index finds few names.
    inside = sa.func.employer_first_word_tail(Employer.search_name).like(pattern)
    runs = []
    if holding_words is None:
        inside = sa.or_(inside, sa.func.employer_other_words(Employer.search_name).like(pattern))
    else:
        # Behind the first word, the word is inside one of the vocabulary's words: each of those
        # words' employers, a range of employer_inner_words in name order (« coiffure » behind
        # « salon de » at 2.5 M: 125,000 matches read and sorted in 400 ms, where the runs hold the
        # page).
        runs = [
            candidates.join(_INNER_WORDS, _INNER_WORDS.c.employer_id == Employer.id)
            .where(_INNER_WORDS.c.word == inner_word)
            .order_by(*in_order(_INNER_WORDS.c.employer_id, _INNER_WORDS.c.search_name))
            .limit(wanted)
            for inner_word in holding_words
        ]
    elsewhere = (
        candidates.where(inside)
        # On an expression, as in search_employers: start from the (few) matches, not the name index.
        .order_by(*in_order(Employer.id, Employer.search_name + ""))
        .limit(wanted)
    )
    union = sa.union(starting_with_word, elsewhere, *runs).subquery()
    return list(
        db.session.scalars(sa.select(union.c.id).order_by(*in_order(union.c.id, union.c.search_name)).limit(wanted))
    ), count


def _inner_words_containing(word: str) -> list[str] | None:
    """The vocabulary's words holding ``word`` (``employer_name_words``), whose employers
    ``employer_inner_words`` lists when the word stands behind a name's first word (migration 4600).

    None when that table cannot serve: a word shorter than the words it keeps, more than
    MAX_INNER_WORDS words holding it (a few letters), or the table being rebuilt after a first load
    (its insert trigger off, app/employers/inner_words.py)."""
    if len(word) < INNER_WORD_MIN_LENGTH:
        return None
    kept, words = db.session.execute(
        sa.text(
            "SELECT (SELECT tgenabled <> 'D' FROM pg_trigger WHERE tgname = :trigger"
            " AND tgrelid = CAST('employers' AS regclass)),"
            " ARRAY(SELECT word FROM employer_name_words WHERE word LIKE :pattern LIMIT :limit)"
        ),
        {"trigger": INNER_WORDS_TRIGGER, "pattern": f"%{word}%", "limit": MAX_INNER_WORDS + 1},
    ).one()
    if not kept or len(words) > MAX_INNER_WORDS:
        return None
    return sorted(words)


def _search_key(user: User, filters: EmployerFilters, words: list[str], wanted: int) -> tuple | None:
    """What a text searched alone reads: its words and sort in the user's scope, up to ``wanted``."""
    if not only_text_searched(filters):
        return None
    scope = None if user.sees_all_basins else tuple(sorted(set(user.basin_ids)))
    return scope, tuple(words), filters.sort, wanted


def _short_look_aheads() -> set[tuple]:
    """The searches (``_search_key``) whose look-ahead came up short in this process lately:
    forgotten every SCOPE_SIZE_MAX_AGE seconds, as the scopes' sizes are (a stale memory only
    changes the way a page is found, never its rows)."""
    return kept_value("employers.short_look_aheads", set, SCOPE_SIZE_MAX_AGE)


def _matches_counted(
    user: User, filters: EmployerFilters, today: date, words: list[str], holding_words: list[str] | None = None
) -> tuple[list[sa.Row] | None, ResultCount]:
    """The search's matches (``matching_employers_query``) counted as ``bounded_count`` counts them,
    with the ids and names of them all when they were read to count them.

    A word searched alone matches every name starting with it, one range of the name index: when
    that range holds more than the count's limit, so do the matches, and the trigram bitmap of
    every match is not read (« garage »: 1.3 ms where the bitmap of its 10,000 matches took 4–8 ms
    at 200,000). Other filters could leave few of the range's rows: they count the usual way.
    ``holding_words``: the vocabulary's words holding that word (``_inner_words_containing``)."""
    if len(words) == 1 and only_text_searched(filters):
        starting = _matching_employers(user, filters, today, _name_starts_with(words[0]))
        count = bounded_count(starting.with_only_columns(Employer.id))
        if count.exceeded:
            return None, count
        # So do the names holding it behind their first word, when the first rows of its words' runs
        # hold more than the limit in the user's scope (« coiffure » at 2.5 M: 1,001 rows of the
        # runs instead of the trigram bitmap of its 125,000 names, 78 ms).
        if holding_words:
            first_rows = (
                sa.select(_INNER_WORDS.c.employer_id)
                .where(_INNER_WORDS.c.word.in_(holding_words))
                .limit(INNER_ROWS_COUNTED)
            )
            count = bounded_count(
                visible_employers(user).with_only_columns(Employer.id).where(Employer.id.in_(first_rows))
            )
            if count.exceeded:
                return None, count
    # The rows matching_employers_query counts, with their names to sort them by.
    matches = _matching_employers(user, filters, today, _text_condition(filters.text, user))
    rows, count = bounded_rows(matches.with_only_columns(Employer.id, Employer.search_name))
    return (None if count.exceeded else rows), count


def _name_starts_with(word: str) -> sa.ColumnElement[bool]:
    """The names starting with ``word``: a range of the name indexes, compared byte-wise as they are."""
    return sa.and_(byte_order(Employer.search_name) >= word, byte_order(Employer.search_name) < _next_prefix(word))


def _has_a_small_scope(user: User) -> bool:
    """Whether the user sees fewer than SMALL_SCOPE employers: a bounded count of their basins'
    employers, kept SCOPE_SIZE_MAX_AGE seconds (a basin's size moves slowly, and a stale answer
    only changes the way a page is found, never its rows)."""
    if user.sees_all_basins:
        return False
    basin_ids = sorted(set(user.basin_ids))

    def count() -> bool:
        scope = visible_employers(user).with_only_columns(Employer.id)
        return not bounded_count(scope, SMALL_SCOPE).exceeded

    return kept_value(f"employers.small_scope:{basin_ids}", count, SCOPE_SIZE_MAX_AGE)


def _first_ids_by_basin(user: User, filters: EmployerFilters, today: date, wanted: int) -> sa.Select | None:
    """PostgreSQL, a user of a few basins listing by name without a text: the statement of the
    first ``wanted`` ids of each basin in its own name order (``ix_employers_basin_id_search_name``),
    merged.

    None for one basin (its index already gives the order), every basin, a portfolio, another sort
    or a deep page.
    With several basins, PostgreSQL (before 17) cannot keep an index's order through ``basin_id IN``:
    it walked the whole register's name index, reading the rows of every basin to keep the user's
    (172,000 rows for an adviser of 3 basins of 5,000 at 2.5 M, 500 ms), and further still when
    a filter matches names late in the alphabet (« restaurant » for NAF 56: 500,000 rows, 1.4 s).
    Each basin's walk is bounded by the basin's size."""
    basin_ids = sorted(set(user.basin_ids))
    if (
        not has_trigram_search()
        or user.sees_all_basins
        or filters.basin_id
        or _in_a_portfolio(filters)
        or _text_condition(filters.text) is not None
        or not 1 < len(basin_ids) <= MAX_BASINS_MERGED
        or wanted > MAX_NAME_ORDER_ROW
        or filters.sort not in (EmployerSort.NAME, EmployerSort.NAME_DESC)
    ):
        return None
    # Each basin's employers as the list filters them, without the scope (one basin is in it), in
    # the list's own order (_ordering: ties by id the same way), then merged in that order.
    # The row counts written out: a plan kept for every value (plan_once, search_page) knows how
    # few rows each walk reads; with parameters PostgreSQL guessed a tenth of each basin, and kept
    # planning the statement for its values.
    limit = sa.literal(wanted, literal_execute=True)
    each_basin = [
        _apply_filters(sa.select(Employer.id, Employer.search_name), user, filters, today)
        .where(Employer.basin_id == basin_id)
        .order_by(*_ordering(filters.sort))
        .limit(limit)
        .subquery()
        for basin_id in basin_ids
    ]
    merged = sa.union_all(*[sa.select(basin.c.id, basin.c.search_name) for basin in each_basin]).subquery()
    return sa.select(merged.c.id).order_by(*_ordering(filters.sort, merged.c.search_name, merged.c.id)).limit(limit)


def _first_ids_of_an_activity(user: User, filters: EmployerFilters, today: date, wanted: int) -> sa.Select | None:
    """SQLite, a list filtered by an activity (« NAF 56 ») without a text, by name: the statement of
    its first ``wanted`` ids, read from the index of the activities' basins, names and ids alone
    (migration 4500).

    None on PostgreSQL (``_first_ids_by_basin`` and migration 4300), with a text or a portfolio
    (fewer rows, found from them), for another sort or a deep page.
    SQLite, without statistics, read every employer of the activity (30,000 of 200,000 for NAF 56)
    with its basin and activity rows, then kept the first 25 in name order: 60–100 ms. The ids alone
    come from the index, and only the page's rows are read."""
    if (
        not filters.naf
        or is_postgresql()
        or _text_condition(filters.text) is not None
        or _in_a_portfolio(filters)
        or wanted > MAX_NAME_ORDER_ROW
        or filters.sort not in (EmployerSort.NAME, EmployerSort.NAME_DESC)
    ):
        return None
    return (
        _matching_employers(user, filters, today, None)
        .with_only_columns(Employer.id)
        .order_by(*_ordering(filters.sort))
        .limit(wanted)
    )


def _next_prefix(word: str) -> str:
    """The first string after every string starting with ``word`` (whose characters are [a-z0-9])."""
    return word[:-1] + chr(ord(word[-1]) + 1)


@dataclass
class EmployerRowFacts:
    last_contact_on: date | None = None
    next_follow_up_on: date | None = None
    privileged_contact: Assignment | None = None


@functools.cache
def _row_facts_statement() -> sa.Select:
    """``row_facts``'s statement, built once per process (it runs on every list page)."""
    last_contact_on = (
        sa.select(sa.func.max(Interaction.occurred_on))
        .where(Interaction.employer_id == Employer.id)
        .correlate(Employer)
        .scalar_subquery()
    )
    next_follow_up_on = (
        sa.select(sa.func.min(FollowUp.due_on))
        .where(FollowUp.employer_id == Employer.id, FollowUp.status == FollowUpStatus.OPEN)
        .correlate(Employer)
        .scalar_subquery()
    )
    return plan_once(
        sa.select(Employer.id, last_contact_on, next_follow_up_on, Assignment)
        .outerjoin(Assignment, sa.and_(Assignment.employer_id == Employer.id, Assignment.ended_at.is_(None)))
        .where(Employer.id.in_(sa.bindparam("employer_ids", expanding=True)))
        .options(joinedload(Assignment.adviser), joinedload(Assignment.operator))
    )


def row_facts(employer_ids: list[int]) -> dict[int, EmployerRowFacts]:
    """Last contact, next follow-up and privileged contact of a page of employers, in one statement
    (each was a statement of its own: three round trips on every list page)."""
    facts = {employer_id: EmployerRowFacts() for employer_id in employer_ids}
    if not employer_ids:
        return facts
    rows = db.session.execute(_row_facts_statement(), {"employer_ids": employer_ids})
    for employer_id, last_on, due_on, assignment in rows:
        facts[employer_id] = EmployerRowFacts(last_on, due_on, assignment)
    return facts


def visible_employer_by_key(user: User, key: str) -> sa.Select | None:
    """The query of the employer behind a URL key (SIRET, or ``n<id>`` without one) among those the
    user may see; None when the key names no employer. The caller loads what it shows."""
    parsed = _parse_key(key)
    if parsed is None:
        return None
    return visible_employers(user).where(_key_condition(*parsed))


def _parse_key(key: str) -> tuple[bool, str | int] | None:
    """(whether it is a SIRET, the SIRET or the id) of a URL key; None when it names no employer."""
    if key.isdigit() and len(key) == 14:
        return True, key
    if key.startswith("n") and key[1:].isdigit() and len(key) < 12:
        return False, int(key[1:])
    return None


def _key_condition(is_siret: bool, value) -> sa.ColumnElement[bool]:
    if is_siret:
        return Employer.siret == value
    return sa.and_(Employer.id == value, Employer.siret.is_(None))


def get_visible_employer(user: User, key: str) -> Employer | None:
    """The employer behind a URL key, if the user may see it, with what its page shows."""
    parsed = _parse_key(key)
    if parsed is None:
        return None
    is_siret, value = parsed
    in_basins = not user.sees_all_basins
    parameters = {"key": value, "basin_ids": list(user.basin_ids)} if in_basins else {"key": value}
    return db.session.scalar(_employer_page_statement(is_siret, in_basins), parameters)


@functools.cache
def _employer_page_statement(is_siret: bool, in_basins: bool) -> sa.Select:
    """``get_visible_employer``'s statement, built once per process for each kind of key and scope
    (the employer page is the most opened of all): ``visible_employer_by_key``'s, with what the
    page shows."""
    query = sa.select(Employer).where(_key_condition(is_siret, sa.bindparam("key")))
    if in_basins:
        query = query.where(Employer.basin_id.in_(sa.bindparam("basin_ids", expanding=True)))
    return plan_once(
        query.options(
            Basin.joined_alone(Employer.basin),
            joinedload(Employer.naf),
            selectinload(Employer.tags),
            selectinload(Employer.contacts),
        )
    )


def get_visible_employer_by_id(user: User, employer_id: int) -> Employer | None:
    return db.session.scalar(visible_employers(user).where(Employer.id == employer_id))


def get_visible_employers_by_id(user: User, employer_ids: list[int]) -> dict[int, Employer]:
    """The employers among ``employer_ids`` that the user may see, by id."""
    return {
        employer.id: employer
        for employer in db.session.scalars(visible_employers(user).where(Employer.id.in_(employer_ids)))
    }


def get_employer_contact(employer: Employer, contact_id: int) -> EmployerContact | None:
    """One of the employer's contact persons."""
    return db.session.scalar(
        sa.select(EmployerContact).where(EmployerContact.id == contact_id, EmployerContact.employer_id == employer.id)
    )


def active_assignment(employer: Employer) -> Assignment | None:
    return db.session.scalar(
        sa.select(Assignment)
        .where(Assignment.employer_id == employer.id, Assignment.ended_at.is_(None))
        .options(joinedload(Assignment.adviser), joinedload(Assignment.operator))
    )


def open_follow_ups(employer: Employer) -> list[FollowUp]:
    return list(db.session.scalars(_open_follow_ups_statement(), {"employer_id": employer.id}))


@functools.cache
def _open_follow_ups_statement() -> sa.Select:
    return plan_once(
        sa.select(FollowUp)
        .where(FollowUp.employer_id == sa.bindparam("employer_id"), FollowUp.status == FollowUpStatus.OPEN)
        .options(joinedload(FollowUp.owner))
        .order_by(FollowUp.due_on, FollowUp.id)
    )


@dataclass
class TimelineEntry:
    """One line of an employer's history, whatever its kind."""

    kind: str  # "interaction", "need", "need_status", "assignment", "assignment_end"
    happened_at: datetime | date
    sort_key: tuple
    record: object
    detail: str = ""


TIMELINE_LIMIT = 60


def timeline(
    employer: Employer,
    limit: int = TIMELINE_LIMIT,
    assignments: list[Assignment] | None = None,
    needs: list[RecruitmentNeed] | None = None,
) -> list[TimelineEntry]:
    """Interactions, needs and their stage changes, privileged contacts: newest first.

    Each source is read with its own bounded, indexed query, then merged in Python:
    a UNION of four differently-shaped tables would be harder to read and no faster.
    ``assignments``: the employer's privileged contacts, newest first, when the page has read
    them already (its contact history), with their adviser and operator. ``needs``: every need of
    the employer, in any order, when the page has read them all already.
    """
    entries: list[TimelineEntry] = []
    of_employer = {"employer_id": employer.id, "limit": limit}
    for interaction in db.session.scalars(_timeline_statements().interactions, of_employer):
        entries.append(TimelineEntry("interaction", interaction.occurred_on, (interaction.occurred_on, 1), interaction))
    needs_with_changes = set()
    for change in db.session.scalars(_timeline_statements().status_changes, of_employer):
        needs_with_changes.add(change.need_id)
        kind = "need" if change.from_status is None else "need_status"
        entries.append(TimelineEntry(kind, change.changed_at, (change.changed_at.date(), 2), change))
    if needs is None:
        needs = db.session.scalars(_timeline_statements().needs, of_employer)
    else:
        needs = sorted(needs, key=lambda need: (need.identified_on, need.id), reverse=True)[:limit]
    for need in needs:
        if need.id not in needs_with_changes:  # needs recorded before stage changes were kept
            entries.append(TimelineEntry("need", need.identified_on, (need.identified_on, 2), need))
    if assignments is None:
        assignments = db.session.scalars(_timeline_statements().assignments, of_employer)
    for assignment in list(assignments)[:limit]:
        entries.append(
            TimelineEntry("assignment", assignment.started_at, (assignment.started_at.date(), 3), assignment)
        )
        if assignment.ended_at:
            entries.append(
                TimelineEntry("assignment_end", assignment.ended_at, (assignment.ended_at.date(), 3), assignment)
            )
    # The e-mails that introduced its privileged contacts, and its answers to the surveys (app/aftercare).
    for row in db.session.scalars(_timeline_statements().introductions, of_employer):
        entries.append(TimelineEntry("introduction", row.sent_at, (row.sent_at.date(), 3), row))
    for row in db.session.scalars(_timeline_statements().survey_answers, of_employer):
        entries.append(TimelineEntry("survey_answer", row.answered_at, (row.answered_at.date(), 2), row))
    entries.sort(key=lambda entry: entry.sort_key, reverse=True)
    return entries[:limit]


class TimelineStatements(NamedTuple):
    interactions: sa.Select
    status_changes: sa.Select
    needs: sa.Select
    assignments: sa.Select
    introductions: sa.Select
    survey_answers: sa.Select


@functools.cache
def _timeline_statements() -> TimelineStatements:
    """The timeline's statements, built once per process with the employer and the limit as
    parameters, and planned once: building one and its cache key cost a quarter of a millisecond,
    PostgreSQL's planning it half a millisecond, on every employer page."""
    employer_id, limit = sa.bindparam("employer_id"), sa.bindparam("limit")
    statements = TimelineStatements(
        interactions=sa.select(Interaction)
        .where(Interaction.employer_id == employer_id)
        .options(joinedload(Interaction.author), joinedload(Interaction.contact))
        .order_by(Interaction.occurred_on.desc(), Interaction.id.desc())
        .limit(limit),
        status_changes=sa.select(NeedStatusChange)
        .join(NeedStatusChange.need)
        .where(RecruitmentNeed.employer_id == employer_id)
        .options(joinedload(NeedStatusChange.need))
        .order_by(NeedStatusChange.changed_at.desc(), NeedStatusChange.id.desc())
        .limit(limit),
        needs=sa.select(RecruitmentNeed)
        .where(RecruitmentNeed.employer_id == employer_id)
        .order_by(RecruitmentNeed.identified_on.desc(), RecruitmentNeed.id.desc())
        .limit(limit),
        assignments=sa.select(Assignment)
        .where(Assignment.employer_id == employer_id)
        .options(joinedload(Assignment.adviser), joinedload(Assignment.operator))
        .order_by(Assignment.started_at.desc())
        .limit(limit),
        introductions=sa.select(EmployerIntroduction)
        .where(EmployerIntroduction.employer_id == employer_id)
        .options(
            joinedload(EmployerIntroduction.assignment).joinedload(Assignment.adviser),
            joinedload(EmployerIntroduction.contact),
        )
        .order_by(EmployerIntroduction.sent_at.desc())
        .limit(limit),
        survey_answers=sa.select(EmployerSurvey)
        .where(EmployerSurvey.employer_id == employer_id, EmployerSurvey.answered_at.is_not(None))
        .options(joinedload(EmployerSurvey.need), joinedload(EmployerSurvey.event))
        .order_by(EmployerSurvey.answered_at.desc())
        .limit(limit),
    )
    return TimelineStatements(*(plan_once(statement) for statement in statements))


# --- The choices of the employer forms -------------------------------------------------------


def naf_choices(levels: list[NafLevel]) -> list[tuple[str, str, NafLevel]]:
    """(code, label, level) of the NAF codes of these levels, by code."""
    return list(
        db.session.execute(
            sa.select(NafCode.code, NafCode.label, NafCode.level)
            .where(NafCode.level.in_(levels))
            .order_by(NafCode.code)
        ).tuples()
    )


def all_tags() -> list[Tag]:
    """Every tag, the active ones first (a search may still look for an archived one)."""
    return list(db.session.scalars(sa.select(Tag).order_by(Tag.is_active.desc(), Tag.label)))


def active_tags(keep_ids=()) -> list[Tag]:
    """The tags offered for tagging; ``keep_ids`` adds archived ones a record already carries."""
    condition = Tag.is_active | Tag.id.in_(list(keep_ids)) if keep_ids else Tag.is_active
    return list(db.session.scalars(sa.select(Tag).where(condition).order_by(Tag.label)))


def get_tag(tag_id: int) -> Tag | None:
    return db.session.get(Tag, tag_id)


def tags_with_counts(user: User) -> sa.Select:
    """(tag, number of the user's visible employers carrying it): the tags admin's list."""
    carriers = sa.select(employer_tags.c.tag_id, sa.func.count().label("employers")).group_by(employer_tags.c.tag_id)
    if not user.sees_all_basins:
        carriers = carriers.join(Employer, Employer.id == employer_tags.c.employer_id).where(
            Employer.basin_id.in_(user.basin_ids)
        )
    counts = carriers.subquery()
    return (
        sa.select(Tag, sa.func.coalesce(counts.c.employers, 0))
        .outerjoin(counts, counts.c.tag_id == Tag.id)
        .order_by(Tag.is_active.desc(), Tag.label, Tag.id)
    )


class TagChoice(NamedTuple):
    id: int
    label: str
    is_active: bool


@reference_list("tags")
def tag_choices() -> tuple[TagChoice, ...]:
    """``all_tags`` as plain values, kept per process (``app/reference_cache.py``): the active ones
    first, by label, so that the active ones alone are in ``active_tags``'s order."""
    return tuple(TagChoice(t.id, t.label, t.is_active) for t in all_tags())


@reference_list("operators")
def active_operator_choices() -> tuple[tuple[int, str], ...]:
    """(id, name) of the active operators, by name, kept per process (``app/reference_cache.py``)."""
    return tuple(
        db.session.execute(sa.select(Operator.id, Operator.name).where(Operator.is_active).order_by(Operator.name))
    )


def basin_communes(basin_ids: list[int]) -> list[tuple[str, str, str]]:
    """(INSEE code, commune name, basin name) of the basins' communes, by commune name."""
    return list(
        db.session.execute(
            sa.select(Commune.insee_code, Commune.name, Basin.name)
            .join(Commune.basin)
            .where(Commune.basin_id.in_(basin_ids))
            .order_by(Commune.name)
        ).tuples()
    )

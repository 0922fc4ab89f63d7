"""The header's search: employers, contact persons, needs, events and leads, each as its user may see them.

Every group starts from its domain's ``visible_*`` query (basin scope, rule 5 for spotters) and
is shown only to the roles that may open its records (app/auth/access.py). Words are matched as
each list matches them (employers: their search indexes; the smaller tables: substrings of the
folded text); a group that finds nothing is searched again with a typo allowed per word:
pg_trgm on PostgreSQL, and on SQLite the employer names' word list (``employers_fts_vocab``)
read for the words close to the typed ones, or RapidFuzz over the few rows of the other tables.
Contact persons are read from a trigram index of their folded names on both databases.
"""

from dataclasses import dataclass, field, replace
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import contains_eager, joinedload

from app.auth.access import is_allowed
from app.auth.models import User
from app.dialects import contains_words, has_trigram_search, may_be_near, near_words, tolerate_typos
from app.employers.models import Employer, EmployerContact
from app.employers.queries import (
    TYPO_SIMILARITY,
    EmployerFilters,
    corrected_text,
    parse_identifier,
    search_page,
    visible_employers,
)
from app.events.models import Event
from app.events.queries import visible_events
from app.extensions import db
from app.leads.models import Lead
from app.leads.queries import visible_leads
from app.needs.models import RecruitmentNeed
from app.needs.queries import visible_needs
from app.pagination import ResultCount, bounded_count
from app.referential.models import JobTitle
from app.search.models import RecentEmployer
from app.search.services import RECENT_EMPLOYERS
from app.text import normalize_for_search

MAX_QUERY_LENGTH = 200
MAX_WORDS = 8
# Each group shows its first few; the employers' group links to the full list.
GROUP_SIZE = 8
# A phone number is searched by its digits once the query holds this many.
MIN_PHONE_DIGITS = 4
# SQLite: rows of the smaller tables read for a typo (see _near).
NEAR_CANDIDATES = 2_000


@dataclass
class Group:
    kind: str  # "employers", "contacts", "needs", "events", "leads"
    heading: str
    items: list = field(default_factory=list)
    count: ResultCount = field(default_factory=lambda: ResultCount(0))
    near: bool = False  # found with a typo allowed


# A group's first rows and their count.
Found = tuple[list, ResultCount]


def search_words(text: str) -> list[str]:
    return normalize_for_search(text[:MAX_QUERY_LENGTH]).split()[:MAX_WORDS]


def search_everything(user: User, text: str, today: date) -> list[Group]:
    """The groups this user may see, in a fixed order, each with what matches ``text``."""
    text = text[:MAX_QUERY_LENGTH]
    words = search_words(text)
    if not words:
        return []
    searches = [
        ("employers.detail", "employers", "Employeurs", lambda typo: _employers(user, text, today, typo)),
        ("employers.detail", "contacts", "Personnes", lambda typo: _first_rows(_contacts(user, text, words, typo))),
        ("needs.detail", "needs", "Besoins de recrutement", lambda typo: _first_rows(_needs(user, words, typo))),
        ("events.detail", "events", "Événements", lambda typo: _first_rows(_events(user, words, typo))),
        ("leads.detail", "leads", "Signalements", lambda typo: _first_rows(_leads(user, words, typo))),
    ]
    allowed = [search for search in searches if is_allowed(search[0], user.role)]
    groups = [Group(kind, heading) for _, kind, heading, _ in allowed]
    # A typo is in the query, not in one kind of record: the near pass runs only when no group
    # found the words as typed (a common word found among employers is not a typo among people).
    # Digits alone (a phone number, a SIRET) have no typo to forgive: digits a typo away are
    # another number, and the near pass would read every table for nothing.
    passes = (False, True) if any(character.isalpha() for character in text) else (False,)
    # A SIRET or SIREN names an establishment or a company: one index lookup among employers. Read
    # as a phone number or as words, it made every other group scan its whole table for nothing.
    # Likewise digits in several groups ("02 96 12") are a phone number: read as the words "02",
    # "96" and "12", they made the employers and needs groups fold every name and title.
    if parse_identifier(text):
        only = "employers"
    elif len(words) > 1 and _phone_digits(text):
        only = "contacts"
    else:
        only = None
    for typo in passes:
        if typo:
            tolerate_typos(TYPO_SIMILARITY)
        for group, (_, _, _, find) in zip(groups, allowed, strict=True):
            found = None if only not in (None, group.kind) else find(typo)
            if found is None:
                continue
            group.items, group.count = found
            group.near = typo
        if any(group.items for group in groups):
            break
    return groups


def _each_word(words: list[str], *columns) -> sa.ColumnElement[bool]:
    """Every word inside one of the columns, accents and case aside."""
    # normalize_for_search leaves only [a-z0-9]: no LIKE wildcard can come from the user.
    return contains_words(words, *columns)


def _near(query: sa.Select, key, words: list[str], text: sa.ColumnElement[str]) -> sa.Select:
    """The rows of ``query`` whose text holds every word, a typo allowed in each.

    Unindexed: on SQLite RapidFuzz reads, per row, what pg_trgm does in C, so it reads only the
    first ``NEAR_CANDIDATES`` rows that may match (``may_be_near``): a miss is possible in a huge
    basin, never a wrong match."""
    candidates = may_be_near(words, text)
    if candidates is not None:
        query = query.where(
            key.in_(query.with_only_columns(key).where(candidates).order_by(None).limit(NEAR_CANDIDATES))
        )
    return query.where(near_words(words, text))


def _all_rows_planned(query: sa.Select | sa.CompoundSelect, name: str) -> sa.CTE:
    """PostgreSQL: ``query`` as a MATERIALIZED CTE, planned to be read whole, so by its trigram
    index; a LIMIT around it (a group's first rows, a bounded count) made the planner expect
    to meet enough rows early in a scan of the whole table, each row a costly ``<%``."""
    return query.cte(name).prefix_with("MATERIALIZED")


def _joined(*columns) -> sa.ColumnElement[str]:
    """The columns as one text, an empty column left out (NULL would blank the whole text).

    Constants written in the SQL: migration 2500 indexes the contacts' text by this expression."""
    empty, space = sa.literal_column("''"), sa.literal_column("' '")
    joined = sa.func.coalesce(columns[0], empty)
    for column in columns[1:]:
        joined = joined.op("||")(space).op("||")(sa.func.coalesce(column, empty))
    return joined


# Employers: their own search (app/employers/queries.py), and typos.


def _employers(user: User, text: str, today: date, typo: bool) -> Found | None:
    """The employer list's own first page (``search_page``: the first names found without sorting
    every match) and count; with a typo, the names holding the words nearest to the typed ones."""
    filters = EmployerFilters(text=text)
    if typo:
        if parse_identifier(text):
            return None  # digits a typo away name another establishment, not a near one
        corrected = corrected_text(text)
        if corrected is None:
            return [], ResultCount(0)
        filters = replace(filters, text=corrected)
    page = search_page(user, filters, today, 1, GROUP_SIZE)
    return page.items, page.count


def _first_rows(query: sa.Select | None) -> Found | None:
    """A group's first rows of ``query``, and how many there are."""
    if query is None:
        return None
    items = list(db.session.scalars(query.limit(GROUP_SIZE)).unique())
    # Fewer than a group's size: they are all there, no count to run.
    count = bounded_count(query) if len(items) == GROUP_SIZE else ResultCount(len(items))
    return items, count


# The smaller tables: substrings of the folded text, or every word a typo away.


def _contacts(user: User, text: str, words: list[str], typo: bool) -> sa.Select | None:
    """Contact persons of the employers the user may see; never one opposed to contact, nor anonymised."""
    # Each matching contact's employer looked up among the visible ones (one key lookup), checked
    # after the text: as a list (IN), SQLite built the list of every visible employer on each
    # search (200,000 ids, twice with the count); joined, it probed the contacts of each of them.
    in_scope = (
        visible_employers(user).where(Employer.id == EmployerContact.employer_id).correlate(EmployerContact).exists()
    )
    query = (
        sa.select(EmployerContact)
        .join(EmployerContact.employer)
        .where(
            EmployerContact.is_opposed_to_contact.is_(False),
            EmployerContact.anonymised_at.is_(None),
        )
        .options(contains_eager(EmployerContact.employer))
        .order_by(EmployerContact.last_name, EmployerContact.first_name, EmployerContact.id)
    )
    digits = _phone_digits(text)
    if digits:
        if typo:
            return None
        if has_trigram_search():
            return query.where(contact_phone_digits().like(f"%{digits}%"), in_scope)
        phones_holding = sa.select(_CONTACTS_FTS.c.rowid).where(_CONTACTS_FTS.c.phone_digits.like(f"%{digits}%"))
        return query.where(EmployerContact.id.in_(phones_holding), in_scope)
    names = _joined(EmployerContact.first_name, EmployerContact.last_name, EmployerContact.email)
    # The scope after the text: SQLite checks the conditions in this order, the text first.
    if typo and has_trigram_search():
        near = _all_rows_planned(sa.select(EmployerContact.id).where(near_words(words, names)), "near_contacts")
        return query.where(EmployerContact.id.in_(sa.select(near)), in_scope)
    if typo:
        # As _near: RapidFuzz checks the first candidates only, here read from the trigram index.
        candidates = _contacts_fts_holding(words, typo=True).limit(NEAR_CANDIDATES)
        return query.where(EmployerContact.id.in_(candidates), near_words(words, names), in_scope)
    if has_trigram_search():
        return query.where(_each_word(words, names), in_scope)
    return query.where(EmployerContact.id.in_(_contacts_fts_holding(words, typo=False)), in_scope)


# SQLite: the contact persons' names joined and folded as ``names`` above, and their phones'
# digits (``contact_phone_digits``), in an FTS5 table of trigrams kept by triggers (migration
# 4100): each of their substrings of three characters or more is read from its index, a shorter
# one by a LIKE over that table's folded text, not over every contact.
_CONTACTS_FTS = sa.table(
    "employer_contacts_fts", sa.column("rowid"), sa.column("search_text"), sa.column("phone_digits")
)
TRIGRAM_LENGTH = 3


def _contacts_fts_holding(words: list[str], typo: bool) -> sa.Select:
    """The ids of the contact persons whose folded names hold every word; with a typo, one half
    of each word (``may_be_near``'s rule), for RapidFuzz to check.

    Words are normalize_for_search's [a-z0-9]: no FTS5 syntax nor LIKE wildcard comes from the user."""
    pieces = [(word[: len(word) // 2], word[len(word) // 2 :]) if typo else (word,) for word in words]
    indexed = [piece for piece in pieces if all(len(part) >= TRIGRAM_LENGTH for part in piece)]
    # FTS5's query syntax: ("a" OR "b") for either half, AND between groups for all of them.
    match = " AND ".join("(" + " OR ".join(f'"{part}"' for part in piece) + ")" for piece in indexed)
    holding = sa.select(_CONTACTS_FTS.c.rowid)
    if match:
        holding = holding.where(sa.text("employer_contacts_fts MATCH :match").bindparams(match=match))
    for piece in pieces:
        if piece not in indexed:
            holding = holding.where(sa.or_(*[_CONTACTS_FTS.c.search_text.like(f"%{part}%") for part in piece]))
    return holding


def _phone_digits(text: str) -> str | None:
    """The digits of ``text`` when it may be (part of) a phone number: no letter, enough digits."""
    if any(character.isalpha() for character in text):
        return None
    digits = "".join(character for character in text if character.isascii() and character.isdigit())
    return digits if len(digits) >= MIN_PHONE_DIGITS else None


def contact_phone_digits() -> sa.ColumnElement[str]:
    """A contact person's phone without its separators.

    Constants written in the SQL: migration 4000 indexes the phones by this expression (PostgreSQL);
    migration 4100's triggers store it in SQLite's trigram index."""
    digits = EmployerContact.phone
    for separator in (" ", ".", "-"):
        digits = sa.func.replace(digits, sa.literal_column(f"'{separator}'"), sa.literal_column("''"))
    return digits


def _needs(user: User, words: list[str], typo: bool) -> sa.Select:
    query = (
        visible_needs(user)
        .outerjoin(RecruitmentNeed.job_title)
        .options(contains_eager(RecruitmentNeed.employer), contains_eager(RecruitmentNeed.job_title))
        .order_by(RecruitmentNeed.id.desc())
    )
    holding = _needs_holding(words, typo)
    if typo:
        text = _joined(RecruitmentNeed.title, JobTitle.label)
        # The needs near the longest word are the few to check: _near's own candidates, read
        # through the visible employers, made SQLite start again from every one of them.
        return (
            query.where(*holding, near_words(words, text)) if holding else _near(query, RecruitmentNeed.id, words, text)
        )
    return query.where(*holding, _each_word(words, RecruitmentNeed.title, JobTitle.label))


def _needs_holding(words: list[str], typo: bool) -> list[sa.ColumnElement[bool]]:
    """The needs whose title or job title holds the longest word (or a word a typo away from it),
    read first, so that only they are scoped, folded and checked for every word.

    PostgreSQL reads them from the trigram indexes of the folded titles and of the job titles
    (folding every visible need took 39 ms at 10,000, a typo 45 ms); SQLite from a LIKE on each
    table, where it went through every visible employer to reach their needs (55 ms at 200,000
    employers). A word too short for a trigram narrows nothing on PostgreSQL.
    """
    word = max(words, key=len)
    if has_trigram_search() and len(word) < 3:
        return []
    # The job titles' stored search label holds the same words as their folded label (app.text).
    if typo and has_trigram_search():
        title_holds = near_words([word], RecruitmentNeed.title)
        label_holds = sa.literal(word).op("<%")(JobTitle.search_label)
    elif typo:  # SQLite: those holding half of the word at least, for near_words to check
        title_holds = may_be_near([word], RecruitmentNeed.title)
        label_holds = may_be_near([word], JobTitle.search_label)
    else:
        title_holds = contains_words([word], RecruitmentNeed.title)
        label_holds = JobTitle.search_label.like(f"%{word}%")
    by_title = sa.select(RecruitmentNeed.id).where(title_holds)
    job_titles = sa.select(JobTitle.code).where(label_holds)
    by_job_title = sa.select(RecruitmentNeed.id).where(RecruitmentNeed.job_title_code.in_(job_titles))
    holding = sa.union(by_title, by_job_title)
    if has_trigram_search():
        holding = sa.select(_all_rows_planned(holding, "needs_holding_word"))
    elif typo:
        # As _near: half of a short word is in most titles, and RapidFuzz checks the first candidates only.
        holding = holding.limit(NEAR_CANDIDATES)
    return [RecruitmentNeed.id.in_(holding)]


def _events(user: User, words: list[str], typo: bool) -> sa.Select:
    query = visible_events(user).order_by(Event.starts_at.desc(), Event.id.desc())
    if typo:
        return _near(query, Event.id, words, Event.title)
    return query.where(_each_word(words, Event.title))


def _leads(user: User, words: list[str], typo: bool) -> sa.Select:
    query = visible_leads(user).order_by(Lead.created_at.desc(), Lead.id.desc())
    if typo:
        return _near(query, Lead.id, words, _joined(Lead.employer_name, Lead.job_title))
    return query.where(_each_word(words, Lead.employer_name, Lead.job_title))


def recent_employers(user: User) -> list[Employer]:
    """The employers the user opened last, most recent first, among those they may still see."""
    return list(
        db.session.scalars(
            visible_employers(user)
            .join(RecentEmployer, RecentEmployer.employer_id == Employer.id)
            .where(RecentEmployer.user_id == user.id)
            .options(joinedload(Employer.basin))
            .order_by(RecentEmployer.opened_at.desc(), RecentEmployer.employer_id.desc())
            .limit(RECENT_EMPLOYERS)
        )
    )

"""Keyset-free pagination: fetch one row more than a page to know if there is a next one.

Exact ``COUNT(*)`` over large tables is what makes list pages slow; users need
"next" and "previous", not the number of the last page. How many rows a list holds is counted
up to ``COUNT_LIMIT`` only (``bounded_count``): "plus de 1 000" says enough beyond.
"""

from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from flask import current_app

from app.extensions import db

MAX_PAGE = 10_000
# Lists say how many rows they hold exactly up to this, "plus de 1 000" beyond.
COUNT_LIMIT = 1_000


@dataclass(frozen=True)
class ResultCount:
    """How many rows a list holds, counted no further than ``COUNT_LIMIT``."""

    value: int  # exact when not ``exceeded``
    exceeded: bool = False

    @property
    def label(self) -> str:
        if self.exceeded:
            return f"plus de {_thousands(COUNT_LIMIT)} résultats"
        if self.value == 0:
            return "Aucun résultat"
        return f"{_thousands(self.value)} résultat{'s' if self.value > 1 else ''}"


def _thousands(value: int) -> str:
    # French groups thousands with a space (app.formatting, a domain-free module, is not imported here).
    return f"{value:,}".replace(",", "\u202f")


def page_count(page: "Page", query: sa.Select) -> ResultCount:
    """How many rows ``query`` holds, ``page`` being its page: a first page without a next one
    holds them all, and counting them again would be one query for nothing."""
    if page.number == 1 and not page.has_next:
        return ResultCount(len(page.items))
    return bounded_count(query)


def bounded_count(query: sa.Select, limit: int = COUNT_LIMIT) -> ResultCount:
    """The rows of ``query``, counted by one query that reads ``limit + 1`` of them at most."""
    rows = (
        query.order_by(None)
        .limit(limit + 1)
        .offset(None)
        .with_only_columns(sa.literal_column("1"), maintain_column_froms=True)
        .subquery()
    )
    return _bounded(db.session.scalar(sa.select(sa.func.count()).select_from(rows)), limit)


def bounded_rows(query: sa.Select, limit: int = COUNT_LIMIT) -> tuple[list[sa.Row], ResultCount]:
    """``query``'s rows, ``limit + 1`` at most and in no order, with the same count as
    ``bounded_count``: when they are few, one read gives both their count and what to sort a page by."""
    rows = list(db.session.execute(query.order_by(None).limit(limit + 1).offset(None)))
    return rows, _bounded(len(rows), limit)


def _bounded(found: int, limit: int) -> ResultCount:
    return ResultCount(min(found, limit), exceeded=found > limit)


@dataclass
class Page:
    items: list[Any]
    number: int
    per_page: int
    has_next: bool
    count: ResultCount | None = None

    @property
    def has_prev(self) -> bool:
        return self.number > 1

    @property
    def first_index(self) -> int:
        return (self.number - 1) * self.per_page + 1


def paginate(
    query: sa.Select, page: int | None, per_page: int | None = None, scalars: bool = True, counted: bool = False
) -> Page:
    """One page of ``query``; ``counted`` adds how many rows it holds (``bounded_count``)."""
    per_page = per_page or current_app.config["ITEMS_PER_PAGE"]
    number = min(max(page or 1, 1), MAX_PAGE)
    limited = query.limit(per_page + 1).offset((number - 1) * per_page)
    result = db.session.scalars(limited) if scalars else db.session.execute(limited)
    rows = list(result.unique() if scalars else result)
    page = Page(items=rows[:per_page], number=number, per_page=per_page, has_next=len(rows) > per_page)
    if counted:
        page.count = page_count(page, query)
    return page


@dataclass
class Preview:
    """The first items of a list and how many it holds: a home page block."""

    total: int
    items: list[Any]


def preview(query: sa.Select, limit: int = 5, scalars: bool = True) -> Preview:
    """The first ``limit`` rows of a list and its total, in one statement: the total is a window
    count, computed before the LIMIT. For lists bounded by their owner (a user's follow-ups, a
    basin's queue), never for a table-wide list."""
    rows = db.session.execute(query.add_columns(sa.func.count().over().label("preview_total")).limit(limit)).all()
    if not rows:
        return Preview(total=0, items=[])
    items = [row[0] if scalars else tuple(row[:-1]) for row in rows]
    return Preview(total=rows[0][-1], items=items)

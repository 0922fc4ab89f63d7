"""Keyset-free, count-free pagination: fetch one row more than a page to know if there is a next one.

Exact ``COUNT(*)`` over large tables is what makes list pages slow; users need
"next" and "previous", not the number of the last page.
"""

from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from flask import current_app

from app.extensions import db

MAX_PAGE = 10_000


@dataclass
class Page:
    items: list[Any]
    number: int
    per_page: int
    has_next: bool

    @property
    def has_prev(self) -> bool:
        return self.number > 1

    @property
    def first_index(self) -> int:
        return (self.number - 1) * self.per_page + 1


def paginate(query: sa.Select, page: int | None, per_page: int | None = None, scalars: bool = True) -> Page:
    per_page = per_page or current_app.config["ITEMS_PER_PAGE"]
    number = min(max(page or 1, 1), MAX_PAGE)
    limited = query.limit(per_page + 1).offset((number - 1) * per_page)
    result = db.session.scalars(limited) if scalars else db.session.execute(limited)
    rows = list(result.unique() if scalars else result)
    return Page(items=rows[:per_page], number=number, per_page=per_page, has_next=len(rows) > per_page)


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

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

"""Instants are stored in UTC and shown in Europe/Paris."""

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import sqlalchemy as sa

PARIS = ZoneInfo("Europe/Paris")


def utcnow() -> datetime:
    return datetime.now(UTC)


def today_paris() -> date:
    return utcnow().astimezone(PARIS).date()


def to_paris(value: datetime | None) -> datetime | None:
    if value is None:
        return None
    return value.astimezone(PARIS)


class UTCDateTime(sa.types.TypeDecorator):
    """A timezone-aware datetime on both databases (SQLite stores naive UTC)."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime: use an aware one (timeutils.utcnow())")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)

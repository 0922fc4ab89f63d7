"""URL converters registered for the whole app."""

from flask import Flask
from werkzeug.routing import IntegerConverter

# Every id is a database INTEGER (PostgreSQL: 4 bytes, signed). A larger number in a URL names
# no record: it is a 404 before any query, not an "integer out of range" error from the server.
INTEGER_MAX = 2**31 - 1


class DatabaseIdConverter(IntegerConverter):
    def __init__(self, map, fixed_digits: int = 0, min: int | None = None, max: int | None = INTEGER_MAX) -> None:  # noqa: A002  (werkzeug's keyword names)
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max)


def init_app(app: Flask) -> None:
    # Before any blueprint is registered: a rule binds its converters when it is added.
    app.url_map.converters["int"] = DatabaseIdConverter


def database_int(value: str) -> int:
    """``request.args.get(name, type=database_int)``: a number beyond a database INTEGER is
    refused like any text that is no number (werkzeug then gives the default), not sent to the
    server, which would answer "integer out of range"."""
    number = int(value)
    if not -INTEGER_MAX - 1 <= number <= INTEGER_MAX:
        raise ValueError(f"{value} does not fit a database integer")
    return number

"""Values no person types, refused before any view sees them.

A NUL byte cannot be stored in a PostgreSQL text column (the driver raises, a 500), and the
other control characters (escape, bell, backspace…) only come from broken clients or probes.
They are refused rather than stripped: silently changing what was sent could store a value the
sender never saw, and a 400 tells the sender exactly what is wrong. Tab, carriage return and
line feed are ordinary text (a multi-line comment) and pass.
"""

import re
from datetime import date

from flask import Flask, render_template, request
from werkzeug.exceptions import BadRequest

from app.api.problems import is_api_request, problem_response
from app.fields import DATE_OUT_OF_RANGE, within_date_range

# C0 controls except tab (\x09), line feed (\x0a) and carriage return (\x0d), and DEL.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")

MESSAGE = (
    "La demande contient des caractères invisibles (caractères de contrôle) qui ne peuvent pas être "
    "enregistrés. Retirez-les (par exemple en retapant le texte copié) et recommencez."
)


class RefusedValue(BadRequest):
    """A value sent that the service cannot use: a 400 whose description is the French message."""


def bounded_date(value: date) -> date:
    """A date read from the URL, refused if date arithmetic on it could overflow."""
    if not within_date_range(value):
        raise RefusedValue(DATE_OUT_OF_RANGE)
    return value


def holds_control_characters(values) -> bool:
    return any(CONTROL_CHARACTERS.search(value) for value in values)


def _sent_values():
    yield request.path
    for key, value in request.args.items(multi=True):
        yield key
        yield value
    if request.method in ("POST", "PUT", "PATCH"):
        for key, value in request.form.items(multi=True):
            yield key
            yield value
        for key, upload in request.files.items(multi=True):
            yield key
            yield upload.filename or ""


def refuse_control_characters() -> None:
    if holds_control_characters(value for value in _sent_values() if isinstance(value, str)):
        raise RefusedValue(MESSAGE)


def _refused(error: RefusedValue):
    # Under /api an URL that matches no route is the application's to answer: as Problem Details too.
    if is_api_request():
        return problem_response(400, error.description)
    return render_template("errors/error.html", code=400, title="Requête invalide", message=error.description), 400


def init_app(app: Flask) -> None:
    # First of the before_request functions: nothing (session, access rules, CSRF) reads a
    # value before it is checked.
    app.before_request_funcs.setdefault(None, []).insert(0, refuse_control_characters)
    app.register_error_handler(RefusedValue, _refused)

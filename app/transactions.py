"""One unit of work per request, per job and per command: the only places that commit.

Views and services only add and flush. A request is committed once after its view returns a
response below 400 and rolled back otherwise (a refused form, a 404, an exception): a refused
submission leaves the data as it was. Jobs and CLI commands use `transaction()`.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from flask import Flask, flash, g
from flask_wtf import FlaskForm

from app.errors import DomainError
from app.extensions import db
from app.write_intent import writing


class RelaisFlask(Flask):
    def dispatch_request(self):
        response = self.make_response(super().dispatch_request())
        # Raised here, a commit's error (a stale version, a uniqueness rule) still reaches the
        # error handlers, as if the view had raised it.
        if response.status_code < 400 or g.get("keep_changes"):
            db.session.commit()
        else:
            db.session.rollback()
        return response


def keep_changes() -> None:
    """Commit this request's changes even though it answers with an error status.

    For the few records that must outlive a refusal: a failed login counts for the throttle.
    """
    g.keep_changes = True


@dataclass
class Outcome:
    error: DomainError | None = None

    @property
    def refused(self) -> bool:
        return self.error is not None


@contextmanager
def refusal_shown(form: FlaskForm | None = None) -> Iterator[Outcome]:
    """Run a change in a savepoint; a DomainError undoes it and is shown to the user.

    The message becomes an error at the top of `form`, or a flash message without a form. The
    view reads `outcome.refused` to answer with the form again (4xx) or move on.
    """
    outcome = Outcome()
    try:
        with db.session.begin_nested():
            yield outcome
    except DomainError as error:
        outcome.error = error
        if form is not None:
            form.form_errors.append(str(error))
        else:
            flash(str(error), "error")


@contextmanager
def transaction() -> Iterator[None]:
    """A job's or a command's unit of work: committed if the block ends, rolled back if it raises.

    On SQLite its transaction starts with BEGIN IMMEDIATE (app.write_intent): it waits for the
    write lock instead of failing with "database is locked" when a request writes meanwhile.
    """
    with writing():
        # A read before the block (a listing, an expired attribute) may have begun a plain
        # BEGIN transaction, which could not wait for the write lock: end it, so that the
        # block's transaction begins with its first statement, as a writer.
        db.session.commit()
        try:
            yield
        except BaseException:
            db.session.rollback()
            raise
        db.session.commit()

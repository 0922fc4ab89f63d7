"""The base of every factory: rows flushed into the test's transaction, visible to its requests."""

import factory

from app.extensions import db


class BaseFactory(factory.alchemy.SQLAlchemyModelFactory):
    class Meta:
        abstract = True
        sqlalchemy_session_factory = lambda: db.session  # noqa: E731
        sqlalchemy_session_persistence = "flush"

    @classmethod
    def _after_postgeneration(cls, instance, create, results=None):
        # Post-generation hooks (basins…) run after the first flush: flush them too,
        # so that requests, which use their own session, see them.
        if create:
            db.session.flush()

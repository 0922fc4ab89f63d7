"""Basins, communes and operators; the pilot basins and operators come from the reference seed."""

import factory
import sqlalchemy as sa

from app.extensions import db
from app.referential.enums import OperatorKind
from app.referential.models import Basin, Commune, Operator
from tests.factories.base import BaseFactory


def seeded_basin(code: str = "5219") -> Basin:
    """One of the pilot basins loaded by the reference seed."""
    return db.session.scalar(sa.select(Basin).where(Basin.code == code))


def seeded_operator(kind: OperatorKind, basin_code: str = "5219") -> Operator:
    """The seeded operator of that kind serving that pilot basin."""
    basin = seeded_basin(basin_code)
    return next(op for op in db.session.scalars(sa.select(Operator).where(Operator.kind == kind)) if basin in op.basins)


class BasinFactory(BaseFactory):
    class Meta:
        model = Basin

    code = factory.Sequence(lambda n: f"9{n:03d}")
    name = factory.Sequence(lambda n: f"Bassin test {n}")
    departement_code = "44"
    region_code = "52"


class CommuneFactory(BaseFactory):
    class Meta:
        model = Commune

    # Outside the Code officiel géographique (no département 99): never one of the loaded communes.
    insee_code = factory.Sequence(lambda n: f"99{n:03d}")
    name = factory.Sequence(lambda n: f"Commune {n}")
    basin = factory.SubFactory(BasinFactory)


class OperatorFactory(BaseFactory):
    class Meta:
        model = Operator

    name = factory.Sequence(lambda n: f"France Travail test {n}")
    kind = OperatorKind.FRANCE_TRAVAIL

    @factory.post_generation
    def basins(self, create, extracted, **kwargs):
        self.basins = list(extracted or [seeded_basin()])

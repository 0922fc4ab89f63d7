"""The complete NAF rév. 2, loaded from seeds/reference/naf.csv."""

import sqlalchemy as sa

from app.extensions import db
from app.referential.enums import NafLevel
from app.referential.models import NafCode
from seeds.reference import load_naf


def _codes(level: NafLevel) -> dict[str, NafCode]:
    return {naf.code: naf for naf in db.session.scalars(sa.select(NafCode).where(NafCode.level == level))}


def test_every_level_of_naf_rev2_is_loaded_with_its_labels():
    counts = {level: len(_codes(level)) for level in NafLevel}
    assert counts == {
        NafLevel.SECTION: 21,
        NafLevel.DIVISION: 88,
        NafLevel.GROUP: 272,
        NafLevel.CLASS: 615,
        NafLevel.SUBCLASS: 732,
    }
    subclasses = _codes(NafLevel.SUBCLASS)
    assert subclasses["47.11F"].label == "Hypermarchés"
    assert subclasses["86.23Z"].label == "Pratique dentaire"
    assert all(naf.label.strip() for naf in subclasses.values())


def test_each_code_hangs_from_the_level_above():
    everything = {naf.code: naf for naf in db.session.scalars(sa.select(NafCode))}
    above = {
        NafLevel.DIVISION: NafLevel.SECTION,
        NafLevel.GROUP: NafLevel.DIVISION,
        NafLevel.CLASS: NafLevel.GROUP,
        NafLevel.SUBCLASS: NafLevel.CLASS,
    }
    for naf in everything.values():
        if naf.level is NafLevel.SECTION:
            assert naf.parent_code is None
            continue
        parent = everything[naf.parent_code]
        assert parent.level is above[naf.level], naf.code
        if parent.level is not NafLevel.SECTION:
            assert naf.code.startswith(parent.code), naf.code
    chain = [everything["47.11F"]]
    while chain[-1].parent_code:
        chain.append(everything[chain[-1].parent_code])
    assert [naf.code for naf in chain] == ["47.11F", "47.11", "47.1", "47", "G"]


def test_loading_again_changes_nothing():
    assert load_naf() == 0


def test_loading_brings_the_former_short_list_up_to_date():
    # The former list hung sub-classes from their division.
    db.session.execute(sa.update(NafCode).where(NafCode.code == "56.10A").values(parent_code="56", label="Ancien"))
    assert load_naf() == 1
    db.session.expire_all()
    restaurant = db.session.get(NafCode, "56.10A")
    assert (restaurant.parent_code, restaurant.label) == ("56.10", "Restauration traditionnelle")

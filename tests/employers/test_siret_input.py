"""A SIRET as people paste it: split by tabs or by the non-breaking spaces that French
spreadsheets put between digit groups."""

import pytest
import sqlalchemy as sa

from app.employers.models import Employer
from app.employers.services import clean_siret
from app.extensions import db
from tests.factories import UserFactory, make_siret


def _split(siret: str, separator: str) -> str:
    return separator.join([siret[:3], siret[3:6], siret[6:9], siret[9:]])


@pytest.mark.parametrize("separator", ["\t", "\xa0", "\u202f", " \t", "\u2009"], ids=repr)
def test_a_siret_split_by_any_whitespace_is_accepted(separator):
    siret = make_siret()
    assert clean_siret(_split(siret, separator)) == siret


def test_an_employer_created_with_a_siret_copied_from_a_spreadsheet_keeps_its_14_digits(client, login, post):
    login(UserFactory())
    siret = make_siret()
    pasted = f"{siret[:3]}\t{siret[3:6]}\xa0{siret[6:9]}\u202f{siret[9:]}"
    response = post("/entreprises/nouvelle", {"name": "Boulangerie du Port", "commune_insee": "44184", "siret": pasted})
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    db.session.expire_all()
    assert db.session.scalar(sa.select(Employer.siret).where(Employer.name == "Boulangerie du Port")) == siret

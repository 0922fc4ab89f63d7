import io

import sqlalchemy as sa
from openpyxl import load_workbook

from app.activity.models import Interaction
from app.employers.models import Employer, EmployerContact
from app.extensions import db
from tests.factories import (
    AssignmentFactory,
    EmployerContactFactory,
    EmployerFactory,
    InteractionFactory,
    RecruitmentNeedFactory,
    UserFactory,
)


def test_csv_export_follows_filters_and_leaves_out_opposed_people(client, login):
    employer = EmployerFactory(name="=Boulangerie")
    EmployerContactFactory(employer=employer, last_name="Visible")
    EmployerContactFactory(employer=employer, last_name="Opposé", is_opposed_to_contact=True)
    EmployerFactory(name="Garage")
    login(UserFactory())
    response = client.get("/entreprises/export?q=boulangerie&format=csv")
    assert response.status_code == 200 and "attachment" in response.headers["Content-Disposition"]
    body = response.data.decode("utf-8")
    assert body.startswith("\ufeffSIRET;SIREN;Raison sociale")
    assert "'=Boulangerie" in body and "Garage" not in body
    assert "Visible" in body and "Opposé" not in body


def test_xlsx_export_keeps_siret_as_text(client, login):
    employer = EmployerFactory(name="Boulangerie")
    login(UserFactory(manager=True))
    response = client.get("/entreprises/export?format=xlsx")
    sheet = load_workbook(io.BytesIO(response.data)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][2] == "Raison sociale"
    assert (employer.siret, "Boulangerie") in [(r[0], r[2]) for r in rows[1:]]


def test_duplicates_page_lists_look_alikes_and_merge_keeps_history(client, login, post):
    kept = EmployerFactory(name="Boulangerie Martin")
    merged = EmployerFactory(name="Boulangerie Martin SARL", siret=None, siren=None)
    InteractionFactory(employer=merged, subject="Ancien échange")
    EmployerContactFactory(employer=merged, last_name="Durand")
    RecruitmentNeedFactory(employer=merged)
    AssignmentFactory(employer=kept)
    AssignmentFactory(employer=merged)
    merged_id, kept_id = merged.id, kept.id
    login(UserFactory(lead=True))
    html = client.get("/entreprises/doublons").get_data(as_text=True)
    assert "Boulangerie Martin SARL" in html
    response = post(
        "/entreprises/fusion",
        {"kept": kept.siret, "merged": merged.url_key, "reason": "Même boulangerie", "confirmation": "1"},
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.scalar(sa.select(Employer.id).where(Employer.id == merged_id)) is None
    assert (
        db.session.scalar(sa.select(Interaction.employer_id).where(Interaction.subject == "Ancien échange")) == kept_id
    )
    assert (
        db.session.scalar(sa.select(EmployerContact.employer_id).where(EmployerContact.last_name == "Durand"))
        == kept_id
    )


def test_merge_bad_inputs(client, login, post):
    first, second = EmployerFactory(), EmployerFactory()
    login(UserFactory(admin=True))
    assert (
        post(
            "/entreprises/fusion", {"kept": first.siret, "merged": second.siret, "reason": "x", "confirmation": "1"}
        ).status_code
        == 409
    )
    assert (
        post(
            "/entreprises/fusion", {"kept": first.siret, "merged": first.siret, "reason": "x", "confirmation": "1"}
        ).status_code
        == 409
    )
    assert post("/entreprises/fusion", {"kept": first.siret}).status_code == 400
    assert (
        post(
            "/entreprises/fusion", {"kept": first.siret, "merged": "n999999", "reason": "x", "confirmation": "1"}
        ).status_code
        == 404
    )
    db.session.expire_all()
    assert db.session.get(Employer, second.id) is not None


def test_adviser_cannot_merge(client, login, post):
    login(UserFactory())
    assert client.get("/entreprises/doublons").status_code == 403


def test_same_siren_and_address_is_listed_and_mergeable(client, login, post):
    from stdnum import luhn

    old = EmployerFactory(name="Menuiserie Roux", street="3 rue du Port")
    nic_body = "0002"
    new_siret = old.siren + nic_body + luhn.calc_check_digit(old.siren + nic_body)
    new = EmployerFactory(siret=new_siret, name="Menuiserie Roux", street="3 rue du Port")
    InteractionFactory(employer=old, subject="Avant le changement de SIRET")
    login(UserFactory(lead=True))
    assert "Même SIREN et même adresse" in client.get("/entreprises/doublons").get_data(as_text=True)
    response = post(
        "/entreprises/fusion", {"kept": new.siret, "merged": old.siret, "reason": "Nouveau SIRET", "confirmation": "1"}
    )
    assert response.status_code == 302
    db.session.expire_all()
    subject = "Avant le changement de SIRET"
    assert db.session.scalar(sa.select(Interaction.employer_id).where(Interaction.subject == subject)) == new.id

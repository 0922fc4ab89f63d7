"""The network's operators kept by the admins: list, create, edit, the basins they serve in the
audit trail, and a deactivated operator no longer offered for a new account."""

import pytest
import sqlalchemy as sa

from app.audit.models import AuditEvent
from app.auth.bulk_invitations import invite_rows
from app.auth.enums import Role
from app.auth.models import User
from app.auth.services import AuthError, invite_user, update_user
from app.extensions import db
from app.referential.enums import OperatorKind
from app.referential.models import Operator
from app.referential.services import OperatorError, OperatorNameTaken, create_operator, update_operator
from tests.factories import BasinFactory, OperatorFactory, UserFactory, seeded_basin

NEW = "/administration/operateurs/nouveau"


def _edit_url(operator):
    return f"/administration/operateurs/{operator.id}"


def _form(**overrides):
    data = {"name": "Mission locale du vignoble", "kind": "mission_locale", "basin_ids": [], "is_active": "y"}
    data.update(overrides)
    return data


def _operator(name):
    db.session.expire_all()
    return db.session.scalar(sa.select(Operator).where(Operator.name == name))


def _events(operator):
    db.session.expire_all()
    return list(
        db.session.scalars(
            sa.select(AuditEvent)
            .where(AuditEvent.entity_type == "Operator", AuditEvent.entity_id == str(operator.id))
            .order_by(AuditEvent.id)
        )
    )


# --- The pages ---------------------------------------------------------------------------------


def test_an_admin_lists_operators_with_their_kind_basins_and_state(client, login):
    basin = BasinFactory(name="Vignoble nantais")
    OperatorFactory(name="Cap emploi 44", kind=OperatorKind.CAP_EMPLOI, basins=[basin])
    OperatorFactory(name="APEC Nantes fermée", kind=OperatorKind.APEC, is_active=False)
    login(UserFactory(admin=True))
    page = client.get("/administration/operateurs")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Cap emploi 44" in html and "Vignoble nantais" in html
    assert "APEC Nantes fermée" in html and "Désactivé" in html


def test_an_admin_creates_an_operator_serving_two_basins(client, login, post):
    first, second = seeded_basin("5219"), BasinFactory(name="Vignoble nantais")
    login(UserFactory(admin=True))
    assert client.get(NEW).status_code == 200
    response = post(NEW, _form(basin_ids=[str(first.id), str(second.id)]))
    assert response.status_code == 302, response.get_data(as_text=True)[:800]
    operator = _operator("Mission locale du vignoble")
    assert operator.kind is OperatorKind.MISSION_LOCALE and operator.is_active
    assert {basin.id for basin in operator.basins} == {first.id, second.id}
    created, attached = _events(operator)
    assert created.action == "create" and created.changes["name"] == "Mission locale du vignoble"
    assert attached.changes == {"basins": [[], sorted([first.code, second.code])]}


def test_an_admin_edits_an_operator_and_the_trail_keeps_each_change(client, login, post):
    kept, added = seeded_basin("5219"), BasinFactory()
    operator = OperatorFactory(name="France Travail Nantes", basins=[kept])
    admin = UserFactory(admin=True)
    login(admin)
    form = client.get(_edit_url(operator)).get_data(as_text=True)
    assert (
        'value="France Travail Nantes"' in form
        and f'id="basin-{kept.id}" name="basin_ids" value="{kept.id}" checked' in form
    )
    response = post(
        _edit_url(operator),
        _form(name="France Travail Nantes Est", kind="france_travail", basin_ids=[str(added.id)], is_active=""),
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:800]
    operator = _operator("France Travail Nantes Est")
    assert not operator.is_active and [basin.id for basin in operator.basins] == [added.id]
    events = [event for event in _events(operator) if event.action == "update"]
    assert events[0].changes == {
        "name": ["France Travail Nantes", "France Travail Nantes Est"],
        "is_active": [True, False],
    }
    assert events[1].changes == {"basins": [[kept.code], [added.code]]}
    assert {event.actor_id for event in events} == {admin.id}


def test_only_the_basins_change_is_audited_too(client, login, post):
    served = BasinFactory()
    operator = OperatorFactory(name="Cap emploi 44", kind=OperatorKind.CAP_EMPLOI, basins=[served])
    basin = seeded_basin()
    login(UserFactory(admin=True))
    chosen = [str(served.id), str(basin.id)]
    response = post(_edit_url(operator), _form(name="Cap emploi 44", kind="cap_emploi", basin_ids=chosen))
    assert response.status_code == 302
    updates = [event.changes for event in _events(operator) if event.action == "update"]
    assert updates == [{"basins": [[served.code], sorted([served.code, basin.code])]}]


def test_a_duplicate_name_is_said_on_the_field_and_nothing_changes(client, login, post):
    OperatorFactory(name="Mission locale Nantes")
    operator = OperatorFactory(name="Mission locale Rezé", kind=OperatorKind.MISSION_LOCALE)
    login(UserFactory(admin=True))
    response = post(NEW, _form(name="  mission locale NANTES "))
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert 'id="name-error">Un opérateur porte déjà ce nom : « Mission locale Nantes ».' in html
    assert (
        db.session.scalar(sa.select(sa.func.count()).select_from(Operator).where(Operator.name.ilike("%nantes%"))) == 1
    )

    before = _events(operator)
    response = post(_edit_url(operator), _form(name="Mission locale Nantes", kind="apec", is_active=""))
    assert response.status_code == 400
    assert "Un opérateur porte déjà ce nom" in response.get_data(as_text=True)
    operator = _operator("Mission locale Rezé")
    assert operator.kind is OperatorKind.MISSION_LOCALE and operator.is_active
    assert _events(operator) == before


@pytest.mark.parametrize(
    "overrides, message",
    [
        ({"name": ""}, "Ce champ est obligatoire."),
        ({"name": "x" * 161}, "160"),
        ({"kind": "pole_emploi"}, "est pas un choix valide"),
        ({"basin_ids": ["999999"]}, "est pas un choix valide pour ce champ"),
        ({"basin_ids": ["abc"]}, "ne peuvent pas être converties"),
    ],
)
def test_bad_input_is_refused_in_french_and_nothing_is_written(client, login, post, overrides, message):
    login(UserFactory(admin=True))
    response = post(NEW, _form(**overrides))
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert _operator("Mission locale du vignoble") is None


@pytest.mark.parametrize("role", ["lead", "manager", "spotter", None])
def test_only_admins_reach_the_operators(client, login, post, role):
    operator = OperatorFactory(name="France Travail Pornic test")
    traits = {role: True} if role else {}
    login(UserFactory(**traits))
    assert client.get("/administration/operateurs").status_code == 403
    assert client.get(NEW).status_code == 403
    assert post(NEW, _form()).status_code == 403
    assert post(_edit_url(operator), _form(name="Renommé")).status_code == 403
    assert _operator("Renommé") is None and _operator("Mission locale du vignoble") is None
    assert _operator("France Travail Pornic test") is not None


def test_an_unknown_operator_is_not_found(client, login):
    login(UserFactory(admin=True))
    assert client.get("/administration/operateurs/2147483647").status_code == 404


# --- The services ------------------------------------------------------------------------------


def test_the_services_check_the_name():
    OperatorFactory(name="APEC Vendée test")
    with pytest.raises(OperatorNameTaken):
        create_operator(name="apec vendée TEST", kind=OperatorKind.APEC, basins=[])
    with pytest.raises(OperatorError, match="Indiquez le nom"):
        create_operator(name="   ", kind=OperatorKind.APEC, basins=[])
    operator = create_operator(name="  APEC   Ouest test ", kind=OperatorKind.APEC, basins=[])
    assert operator.name == "APEC Ouest test"
    # Keeping its own name is not a duplicate.
    update_operator(operator, name="APEC Ouest test", kind=OperatorKind.APEC, basins=[], is_active=False)
    assert not operator.is_active


# --- A deactivated operator: its users keep working, nobody new joins it -------------------------


def test_a_deactivated_operator_is_not_offered_for_a_new_account(client, login, post):
    active = OperatorFactory(name="France Travail ouverte")
    closed = OperatorFactory(name="France Travail fermée", is_active=False)
    for inviter in (UserFactory(admin=True), UserFactory(lead=True)):
        login(inviter)
        html = client.get("/administration/utilisateurs/nouveau").get_data(as_text=True)
        assert f'value="{active.id}"' in html and "France Travail ouverte" in html
        assert "France Travail fermée" not in html
        response = post(
            "/administration/utilisateurs/nouveau",
            {
                "email": "nouveau@exemple.fr",
                "full_name": "Nouveau Conseiller",
                "role": "adviser",
                "operator_id": str(closed.id),
                "basin_ids": [str(seeded_basin().id)],
            },
        )
        assert response.status_code == 400
        db.session.expire_all()
        assert db.session.scalar(sa.select(User).where(User.email == "nouveau@exemple.fr")) is None


def test_a_user_of_a_deactivated_operator_keeps_it_and_keeps_working(client, login, post):
    operator = OperatorFactory(name="Mission locale fermée", kind=OperatorKind.MISSION_LOCALE)
    adviser = UserFactory(operator=operator)
    operator.is_active = False
    db.session.flush()
    login(adviser)
    assert client.get("/entreprises").status_code == 200

    post("/deconnexion")
    login(UserFactory(admin=True))
    html = client.get(f"/administration/utilisateurs/{adviser.id}").get_data(as_text=True)
    assert f'<option selected value="{operator.id}">Mission locale fermée</option>' in html
    response = post(
        f"/administration/utilisateurs/{adviser.id}",
        {
            "email": adviser.email,
            "full_name": "Nom corrigé",
            "role": "adviser",
            "operator_id": str(operator.id),
            "basin_ids": [str(seeded_basin().id)],
            "is_active": "y",
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:800]
    db.session.expire_all()
    assert adviser.full_name == "Nom corrigé" and adviser.operator_id == operator.id


def test_the_account_services_refuse_a_deactivated_operator_for_someone_new():
    closed = OperatorFactory(name="Cap emploi fermé", kind=OperatorKind.CAP_EMPLOI, is_active=False)
    admin = UserFactory(admin=True)
    with pytest.raises(AuthError, match="« Cap emploi fermé » est désactivé"):
        invite_user(
            email="x@exemple.fr",
            full_name="X",
            role=Role.ADVISER,
            operator=closed,
            basins=[seeded_basin()],
            invited_by=admin,
        )
    other = UserFactory()
    with pytest.raises(AuthError, match="est désactivé"):
        update_user(other, full_name="Y", role=Role.ADVISER, operator=closed, basins=[seeded_basin()], is_active=True)


def test_an_invitation_file_naming_a_deactivated_operator_is_refused_on_its_line():
    OperatorFactory(name="Cap emploi fermé", kind=OperatorKind.CAP_EMPLOI, is_active=False)
    OperatorFactory(name="Cap emploi ouvert", kind=OperatorKind.CAP_EMPLOI)
    rows = [
        (1, ["Ana Fermé", "ana@exemple.fr", "Cap emploi fermé", "conseiller", "5219"]),
        (2, ["Bea Ouvert", "bea@exemple.fr", "Cap emploi ouvert", "conseiller", "5219"]),
    ]
    refused, invited = invite_rows(rows, UserFactory(admin=True))
    assert (
        refused.user is None
        and refused.message == "L'opérateur « Cap emploi fermé » est désactivé : choisissez-en un autre."
    )
    assert invited.user is not None and invited.user.operator.name == "Cap emploi ouvert"

"""Spotter organisations kept by managers and admins: name, kind, activation; audited. An inactive
organisation stays in the list, greyed, and takes no new spotter."""

import pytest
import sqlalchemy as sa

from app.audit.models import AuditEvent
from app.extensions import db
from app.leads.enums import SpotterKind
from app.leads.models import SpotterOrganisation
from app.leads.services import LeadError, attach_spotter
from tests.factories import BasinFactory, SpotterOrganisationFactory, UserFactory


def _url(organisation):
    return f"/repereurs/{organisation.id}"


def _reloaded(organisation) -> SpotterOrganisation:
    db.session.expire_all()
    return db.session.get(SpotterOrganisation, organisation.id)


def _updates(organisation):
    db.session.expire_all()
    return list(
        db.session.scalars(
            sa.select(AuditEvent.changes).where(
                AuditEvent.entity_type == "SpotterOrganisation",
                AuditEvent.entity_id == str(organisation.id),
                AuditEvent.action == "update",
            )
        )
    )


@pytest.mark.parametrize("role", ["manager", "admin"])
def test_a_manager_or_an_admin_edits_and_deactivates_an_organisation(client, login, post, role):
    organisation = SpotterOrganisationFactory(name="CCI Nantes", kind=SpotterKind.CCI)
    login(UserFactory(**{role: True}))
    form = client.get(_url(organisation))
    assert form.status_code == 200 and 'value="CCI Nantes"' in form.get_data(as_text=True)
    response = post(_url(organisation), {"name": "CCI Nantes Saint-Nazaire", "kind": "opco", "is_active": ""})
    assert response.status_code == 302, response.get_data(as_text=True)[:800]
    organisation = _reloaded(organisation)
    assert (organisation.name, organisation.kind, organisation.is_active) == (
        "CCI Nantes Saint-Nazaire",
        SpotterKind.OPCO,
        False,
    )
    (changes,) = _updates(organisation)
    assert changes["name"] == ["CCI Nantes", "CCI Nantes Saint-Nazaire"]
    assert changes["kind"] == ["cci", "opco"] and changes["is_active"] == [True, False]

    html = client.get("/repereurs").get_data(as_text=True)
    row = html.split(f'data-testid="organisation-{organisation.id}"', 1)[1].split("</tr>", 1)[0]
    assert 'class="inactive-row"' in html and "Désactivée" in row and "Rattacher" not in row


def test_a_name_taken_on_the_basin_is_said_on_the_field_and_nothing_changes(client, login, post):
    SpotterOrganisationFactory(name="OPCO EP")
    organisation = SpotterOrganisationFactory(name="OPCO Akto", kind=SpotterKind.OPCO)
    login(UserFactory(admin=True))
    response = post(_url(organisation), {"name": "OPCO EP", "kind": "cci", "is_active": "y"})
    assert response.status_code == 409
    assert 'id="name-error">L&#39;organisation « OPCO EP » existe déjà sur ce bassin.' in response.get_data(
        as_text=True
    )
    organisation = _reloaded(organisation)
    assert (organisation.name, organisation.kind) == ("OPCO Akto", SpotterKind.OPCO)
    assert _updates(organisation) == []
    # The same name on another basin is another organisation.
    elsewhere = SpotterOrganisationFactory(name="OPCO Akto", basin=BasinFactory())
    assert post(_url(organisation), {"name": "OPCO Akto", "kind": "opco", "is_active": ""}).status_code == 302
    assert _reloaded(elsewhere).is_active


@pytest.mark.parametrize(
    "data, message",
    [({"name": "", "kind": "cci"}, "Ce champ est obligatoire."), ({"name": "CCI", "kind": "banque"}, "choix valide")],
)
def test_bad_input_is_refused_in_french(client, login, post, data, message):
    organisation = SpotterOrganisationFactory(name="CCI Loire")
    login(UserFactory(manager=True))
    response = post(_url(organisation), data)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert _reloaded(organisation).name == "CCI Loire"


@pytest.mark.parametrize("role", ["lead", "spotter", None])
def test_other_roles_may_not_edit(client, login, post, role):
    organisation = SpotterOrganisationFactory(name="CCI Loire")
    login(UserFactory(**({role: True} if role else {})))
    assert client.get(_url(organisation)).status_code == 403
    assert post(_url(organisation), {"name": "Pris", "kind": "cci"}).status_code == 403
    assert _reloaded(organisation).name == "CCI Loire"


def test_a_manager_of_another_basin_does_not_find_it(client, login, post):
    organisation = SpotterOrganisationFactory(name="CCI ailleurs", basin=BasinFactory())
    login(UserFactory(manager=True))
    assert client.get(_url(organisation)).status_code == 404
    assert post(_url(organisation), {"name": "Pris", "kind": "cci"}).status_code == 404
    assert _reloaded(organisation).name == "CCI ailleurs"


def test_no_spotter_joins_an_inactive_organisation(client, login, post):
    organisation = SpotterOrganisationFactory(name="Intérim fermé", is_active=False)
    spotter = UserFactory(spotter=True)
    with pytest.raises(LeadError, match="désactivée"):
        attach_spotter(organisation, spotter)
    login(UserFactory(admin=True))
    assert post(f"/repereurs/{organisation.id}/membres", {"user_id": spotter.id}).status_code == 400
    db.session.expire_all()
    assert spotter.spotter_organisation_id is None

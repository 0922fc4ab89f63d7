"""Bulk tagging from the employer list: the ticked rows or every result of the search, within the
user's basins, in a few statements, one audit event per action."""

import re

import pytest
import sqlalchemy as sa

from app.audit.models import AuditEvent
from app.employers.models import Employer, employer_tags
from app.extensions import db
from tests.factories import EmployerFactory, TagFactory, UserFactory, seeded_basin


def _tagged(tag) -> set[int]:
    return set(db.session.scalars(sa.select(employer_tags.c.employer_id).where(employer_tags.c.tag_id == tag.id)))


def _bulk_events(tag) -> list[AuditEvent]:
    return list(
        db.session.scalars(
            sa.select(AuditEvent)
            .where(AuditEvent.entity_type == "Tag", AuditEvent.entity_id == str(tag.id), AuditEvent.action == "update")
            .order_by(AuditEvent.id)
        )
    )


@pytest.fixture
def two_basins():
    """Employers named « Bulk … » in Saint-Nazaire (5219) and in Laval (5211)."""
    nazaire = [EmployerFactory(name=f"Bulk Nazaire {n}", basin=seeded_basin("5219")) for n in range(3)]
    laval = [
        EmployerFactory(name=f"Bulk Laval {n}", basin=seeded_basin("5211"), commune_insee="53130", commune_name="Laval")
        for n in range(2)
    ]
    return nazaire, laval


@pytest.mark.parametrize("traits", [{}, {"lead": True}], ids=["adviser", "lead"])
def test_ticked_rows_are_tagged_and_the_action_is_audited(client, login, post, traits, two_basins):
    nazaire, _ = two_basins
    tag = TagFactory(label="En développement")
    login(UserFactory(basins=[seeded_basin("5219")], **traits))
    response = post(
        "/entreprises/etiquetage?q=bulk",
        {"etiquette": tag.id, "action": "ajouter", "entreprises": [nazaire[0].id, nazaire[1].id]},
    )
    assert response.status_code == 302 and response.headers["Location"].endswith("/entreprises?q=bulk")
    assert _tagged(tag) == {nazaire[0].id, nazaire[1].id}
    [event] = _bulk_events(tag)
    assert event.changes == {
        "bulk": "add",
        "tag": tag.code,
        "employers": 2,
        "scope": "selection",
        "selected": 2,
    }
    assert event.actor_id is not None
    page = client.get("/entreprises?q=bulk").get_data(as_text=True)
    assert "Étiquette « En développement » posée sur 2 entreprises de plus." in page


def test_all_results_of_the_search_are_tagged_but_never_another_basins(client, login, post, two_basins):
    nazaire, laval = two_basins
    tag = TagFactory()
    laval[0].tags.append(TagFactory())  # another tag, untouched
    db.session.flush()
    login(UserFactory(basins=[seeded_basin("5219")]))
    response = post("/entreprises/etiquetage?q=bulk", {"etiquette": tag.id, "action": "ajouter_tout"})
    assert response.status_code == 302
    assert _tagged(tag) == {employer.id for employer in nazaire}
    [event] = _bulk_events(tag)
    assert event.changes["employers"] == 3 and event.changes["filters"] == {"text": "bulk"}
    # A selection naming another basin's employer (a forged form) tags nothing there either.
    other = TagFactory()
    post("/entreprises/etiquetage", {"etiquette": other.id, "action": "ajouter", "entreprises": [laval[1].id]})
    assert _tagged(other) == set()


def test_filters_narrow_the_tagging_and_an_admin_reaches_every_basin(client, login, post, two_basins):
    nazaire, laval = two_basins
    growing, chosen = TagFactory(), TagFactory()
    nazaire[2].tags.append(growing)
    laval[1].tags.append(growing)
    db.session.flush()
    login(UserFactory(admin=True))
    # Every result carrying « growing », in whichever basin.
    post(f"/entreprises/etiquetage?q=bulk&tag={growing.id}", {"etiquette": chosen.id, "action": "ajouter_tout"})
    assert _tagged(chosen) == {nazaire[2].id, laval[1].id}
    # And within one basin only.
    basin = seeded_basin("5211")
    post(f"/entreprises/etiquetage?q=bulk&bassin={basin.id}", {"etiquette": growing.id, "action": "retirer_tout"})
    assert _tagged(growing) == {nazaire[2].id}


def test_tagging_twice_is_harmless_and_removal_takes_only_that_tag(client, login, post, two_basins):
    nazaire, _ = two_basins
    tag, kept = TagFactory(), TagFactory()
    nazaire[0].tags.extend([tag, kept])
    db.session.flush()
    login(UserFactory(basins=[seeded_basin("5219")]))
    assert post("/entreprises/etiquetage?q=bulk", {"etiquette": tag.id, "action": "ajouter_tout"}).status_code == 302
    assert post("/entreprises/etiquetage?q=bulk", {"etiquette": tag.id, "action": "ajouter_tout"}).status_code == 302
    assert _tagged(tag) == {employer.id for employer in nazaire}
    assert [event.changes["employers"] for event in _bulk_events(tag)] == [2, 0]
    ids = [nazaire[0].id, nazaire[1].id]
    assert (
        post("/entreprises/etiquetage", {"etiquette": tag.id, "action": "retirer", "entreprises": ids}).status_code
        == 302
    )
    assert _tagged(tag) == {nazaire[2].id} and _tagged(kept) == {nazaire[0].id}
    assert _bulk_events(tag)[-1].changes["bulk"] == "remove" and _bulk_events(tag)[-1].changes["employers"] == 2


def test_thousands_of_employers_are_tagged_in_a_few_statements(client, login, post, count_queries):
    basin = seeded_basin("5219")
    db.session.execute(
        sa.insert(Employer),
        [
            {"name": f"Masse {n}", "search_name": f"masse {n}", "basin_id": basin.id, "commune_insee": "44184"}
            for n in range(2000)
        ],
    )
    tag = TagFactory()
    login(UserFactory(basins=[basin]))
    with count_queries() as statements:
        response = post("/entreprises/etiquetage", {"etiquette": tag.id, "action": "ajouter_tout"})
    assert response.status_code == 302
    assert len(_tagged(tag)) >= 2000
    writes = [s for s in statements if re.match(r"\s*(INSERT|DELETE|UPDATE)", s, re.I)]
    assert len(writes) <= 3, writes  # the INSERT … SELECT, the audit event (and the session's touch)
    assert len(statements) < 30


@pytest.mark.parametrize("traits", [{"manager": True}, {"spotter": True}], ids=["manager", "spotter"])
def test_managers_and_spotters_may_not_tag(client, login, post, traits, two_basins):
    nazaire, _ = two_basins
    tag = TagFactory()
    login(UserFactory(basins=[seeded_basin("5219")], **traits))
    response = post("/entreprises/etiquetage?q=bulk", {"etiquette": tag.id, "action": "ajouter_tout"})
    assert response.status_code == 403
    assert _tagged(tag) == set() and _bulk_events(tag) == []
    if traits.get("manager"):
        page = client.get("/entreprises?q=bulk").get_data(as_text=True)
        assert "Étiqueter la sélection" not in page and 'name="entreprises"' not in page


@pytest.mark.parametrize(
    ("data", "query", "message"),
    [
        ({"action": "ajouter_tout"}, "", "Choisissez une étiquette."),
        ({"etiquette": "TAG", "action": "ajouter"}, "", "Cochez au moins une entreprise"),
        ({"etiquette": "TAG", "action": "tout_effacer"}, "", "pas un choix valide"),
        ({"etiquette": "TAG", "action": "ajouter", "entreprises": ["x" * 50]}, "", "ne peuvent pas être converties"),
        ({"etiquette": "TAG", "action": "ajouter_tout"}, "?idle=9999", "Les filtres de la recherche sont invalides"),
        ({"etiquette": "ARCHIVED", "action": "ajouter_tout"}, "", "pas un choix valide"),
    ],
    ids=["no tag", "nothing ticked", "unknown action", "bad id", "bad filter", "archived tag"],
)
def test_refused_submission_says_why_and_changes_nothing(client, login, post, two_basins, data, query, message):
    tag, archived = TagFactory(), TagFactory(archived=True)
    values = {"TAG": tag.id, "ARCHIVED": archived.id}
    data = {key: values.get(value, value) if isinstance(value, str) else value for key, value in data.items()}
    login(UserFactory(basins=[seeded_basin("5219")]))
    response = post(f"/entreprises/etiquetage{query}", data)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert _tagged(tag) == set() and _tagged(archived) == set()
    assert _bulk_events(tag) == [] and _bulk_events(archived) == []


def test_the_service_refuses_an_archived_tag():
    from app.employers.queries import visible_employer_ids
    from app.employers.tags import TagError, add_tag_to_employers

    archived = TagFactory(archived=True)
    employer = EmployerFactory()
    with pytest.raises(TagError, match="archivée"):
        add_tag_to_employers(archived, visible_employer_ids(UserFactory(admin=True), [employer.id]), {})
    assert _tagged(archived) == set()


def test_saving_the_employer_form_keeps_the_tags_set_in_bulk(client, login, post):
    tag = TagFactory(label="Posée en masse")
    employer = EmployerFactory(tags=[tag])
    login(UserFactory())
    page = client.get(f"/entreprises/{employer.siret}/modifier").get_data(as_text=True)
    checkbox = re.search(rf'<input[^>]*name="tag_ids"[^>]*value="{tag.id}"[^>]*>', page)
    assert checkbox and "checked" in checkbox.group(0)
    form = {
        "siret": employer.siret,
        "name": employer.name,
        "commune_insee": employer.commune_insee,
        "naf_code": employer.naf_code,
        "headcount_band": employer.headcount_band.value,
        "postcode": employer.postcode,
        "version": employer.version,
        "tag_ids": [tag.id],
    }
    assert post(f"/entreprises/{employer.siret}/modifier", form).status_code == 302
    assert _tagged(tag) == {employer.id}

"""The tags admin: create (admins and task-force leads), rename and archive (admins), audited."""

import re

import pytest
import sqlalchemy as sa

from app.audit.models import AuditEvent
from app.employers.models import Tag
from app.employers.queries import active_tags
from app.employers.tags import TagError, create_tag, tag_code
from app.extensions import db
from tests.factories import EmployerFactory, ProspectionPlanFactory, TagFactory, UserFactory, seeded_basin


def _offered(response, name: str) -> list[str]:
    """The labels a page offers for the field ``name``: a select's options, or its checkboxes' labels."""
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    select = re.search(rf'<select[^>]*name="{name}"[^>]*>(.*?)</select>', html, re.S)
    if select:
        return re.findall(r"<option[^>]*>(.*?)</option>", select.group(1))
    ids = re.findall(rf'<input[^>]*id="([^"]+)"[^>]*name="{name}"', html)
    assert ids, f"no field {name}"
    return [re.search(rf'<label[^>]*for="{id_}"[^>]*>(.*?)</label>', html).group(1) for id_ in ids]


def _tag_by_label(label: str) -> Tag | None:
    return db.session.scalar(sa.select(Tag).where(Tag.label == label))


def test_code_is_the_label_slug_and_a_taken_one_is_numbered():
    assert tag_code("  Entreprises en développement ! ") == "entreprises_en_developpement"
    first = create_tag("Entreprises en développement")
    first.label = "Ancien libellé"  # renamed: its code stays, a new label may slug to it
    db.session.flush()
    second = create_tag("Entreprises en développement")
    assert (first.code, second.code) == ("entreprises_en_developpement", "entreprises_en_developpement_2")


def test_a_label_that_exists_is_refused_whatever_its_accents_and_case():
    TagFactory(label="Économie sociale")
    try:
        create_tag("economie SOCIALE")
    except TagError as error:
        assert "existe déjà" in str(error)
    else:
        raise AssertionError("a second « Économie sociale » was created")


def test_admin_lists_tags_with_their_employers_and_creates_one(client, login, post):
    tag = TagFactory(label="Liste de la Région")
    EmployerFactory(tags=[tag])
    EmployerFactory(tags=[tag])
    db.session.flush()
    login(UserFactory(admin=True))
    page = client.get("/administration/etiquettes").get_data(as_text=True)
    assert "Liste de la Région" in page and 'data-label="Entreprises">2</td>' in page
    response = post("/administration/etiquettes", {"label": "Entreprises en développement"})
    assert response.status_code == 302
    created = _tag_by_label("Entreprises en développement")
    assert created.code == "entreprises_en_developpement" and created.is_active
    event = db.session.scalar(
        sa.select(AuditEvent).where(
            AuditEvent.entity_type == "Tag", AuditEvent.entity_id == str(created.id), AuditEvent.action == "create"
        )
    )
    assert event.changes["code"] == "entreprises_en_developpement"


def test_lead_counts_only_the_employers_of_their_basins(client, login):
    tag = TagFactory(label="Compté par bassin")
    EmployerFactory(basin=seeded_basin("5219"), tags=[tag])
    EmployerFactory(basin=seeded_basin("5211"), tags=[tag])
    db.session.flush()
    login(UserFactory(lead=True, basins=[seeded_basin("5219")]))
    page = client.get("/administration/etiquettes").get_data(as_text=True)
    row = page.split("Compté par bassin", 1)[1].split("</tr>", 1)[0]
    assert 'data-label="Entreprises">1</td>' in row
    assert "Renommer" not in page  # renaming and archiving are the admins'


def test_lead_creates_a_tag_but_may_not_rename_nor_archive(client, login, post):
    tag = TagFactory(label="Intouchable")
    login(UserFactory(lead=True))
    assert post("/administration/etiquettes", {"label": "Créée par un pilote"}).status_code == 302
    assert _tag_by_label("Créée par un pilote") is not None
    assert post(f"/administration/etiquettes/{tag.id}", {"label": "Renommée"}).status_code == 403
    assert post(f"/administration/etiquettes/{tag.id}/etat", {"active": "0"}).status_code == 403
    db.session.refresh(tag)
    assert tag.label == "Intouchable" and tag.is_active


@pytest.mark.parametrize("traits", [{}, {"manager": True}, {"spotter": True}], ids=["adviser", "manager", "spotter"])
def test_advisers_managers_and_spotters_cannot_open_the_tags_admin(client, login, post, traits):
    tag = TagFactory(label="Hors de portée")
    login(UserFactory(**traits))
    assert client.get("/administration/etiquettes").status_code == 403
    assert post("/administration/etiquettes", {"label": "Interdite"}).status_code == 403
    assert post(f"/administration/etiquettes/{tag.id}/etat", {"active": "0"}).status_code == 403
    assert _tag_by_label("Interdite") is None
    db.session.refresh(tag)
    assert tag.is_active


def test_refused_creation_says_why_and_creates_nothing(client, login, post):
    TagFactory(label="Déjà là")
    login(UserFactory(admin=True))
    count = db.session.scalar(sa.select(sa.func.count()).select_from(Tag))
    for label, message in (
        ("", "obligatoire"),
        ("déjà LÀ", "existe déjà"),
        ("x" * 121, "120 caractères"),
        ("!!!", "lettre"),
    ):
        response = post("/administration/etiquettes", {"label": label})
        assert response.status_code == 400 and message in response.get_data(as_text=True), label
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Tag)) == count


def test_admin_renames_a_tag_its_code_stays_and_the_change_is_audited(client, login, post):
    tag = TagFactory(code="growing_test", label="En croissance (test)")
    login(UserFactory(admin=True))
    assert client.get(f"/administration/etiquettes/{tag.id}").status_code == 200
    assert post(f"/administration/etiquettes/{tag.id}", {"label": "En forte croissance"}).status_code == 302
    db.session.refresh(tag)
    assert (tag.code, tag.label) == ("growing_test", "En forte croissance")
    event = db.session.scalar(
        sa.select(AuditEvent).where(
            AuditEvent.entity_type == "Tag", AuditEvent.entity_id == str(tag.id), AuditEvent.action == "update"
        )
    )
    assert event.changes["label"] == ["En croissance (test)", "En forte croissance"]
    assert client.get("/administration/etiquettes/2147483647").status_code == 404


def test_archived_tag_stays_on_its_employers_but_is_no_longer_offered(client, login, post):
    tag = TagFactory(label="Bientôt archivée")
    employer = EmployerFactory(tags=[tag])
    login(UserFactory(admin=True))
    assert post(f"/administration/etiquettes/{tag.id}/etat", {"active": "0"}).status_code == 302
    db.session.refresh(tag)
    db.session.refresh(employer)
    assert not tag.is_active and tag in employer.tags
    assert tag not in active_tags()
    # Not offered to bulk tagging, the import, a new employer, a new plan…
    for url, name in (
        ("/entreprises", "etiquette"),
        ("/entreprises/import", "tag"),
        ("/entreprises/nouvelle", "tag_ids"),
        ("/plans/nouveau", "tags"),
    ):
        offered = _offered(client.get(url), name)
        assert "Étiquette de test" in " ".join(offered) or offered, url
        assert not any("Bientôt archivée" in label for label in offered), url
    # …but kept on the employer that carries it (its form keeps it ticked), and still searchable.
    assert "Bientôt archivée (archivée)" in _offered(client.get(f"/entreprises/{employer.siret}/modifier"), "tag_ids")
    assert "Bientôt archivée (archivée)" in _offered(client.get("/entreprises"), "tag")
    assert post(f"/administration/etiquettes/{tag.id}/etat", {"active": "1"}).status_code == 302
    db.session.refresh(tag)
    assert tag.is_active


def test_a_plan_that_targets_an_archived_tag_keeps_it_offered():
    from app.plans.enums import SegmentKind
    from app.plans.models import PlanSegment
    from app.plans.queries import segment_choices

    tag = TagFactory(label="Ciblée puis archivée", archived=True)
    plan = ProspectionPlanFactory(basin=seeded_basin())
    plan.segments.append(PlanSegment(kind=SegmentKind.TAG, value=tag.code))
    db.session.flush()
    assert tag.code not in dict(segment_choices([plan.basin_id])[SegmentKind.TAG])
    kept = dict(segment_choices([plan.basin_id], plan.segment_values(SegmentKind.TAG))[SegmentKind.TAG])
    assert kept[tag.code] == "Ciblée puis archivée (archivée)"


def test_bad_status_changes_nothing(client, login, post):
    tag = TagFactory()
    login(UserFactory(admin=True))
    assert post(f"/administration/etiquettes/{tag.id}/etat", {"active": "peut-être"}).status_code == 400
    db.session.refresh(tag)
    assert tag.is_active

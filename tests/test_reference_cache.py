"""The reference lists kept per process (app/reference_cache.py): read once, yet never stale for
the admin who changes them, and at most a few seconds for the other workers."""

import re
from datetime import date

import pytest
import sqlalchemy as sa
from wtforms import Form, SelectField

from app import reference_cache
from app.employers.models import Tag
from app.extensions import db
from app.fields import LongListSelect
from app.referential.enums import OperatorKind
from app.referential.shortage import add_shortage_job
from tests.factories import OperatorFactory, TagFactory, UserFactory, seeded_basin

REFERENCE_LISTS = (
    "FROM naf_codes WHERE naf_codes.level",
    "FROM tags ORDER BY",
    "FROM operators WHERE operators.is_active",
    "FROM shortage_jobs",
)


def _tag_labels(html: str) -> list[str]:
    ids = re.findall(r'<input[^>]*id="([^"]+)"[^>]*name="tag"', html)
    return [re.search(rf'<label[^>]*for="{id_}"[^>]*>(.*?)</label>', html).group(1).strip() for id_ in ids]


def _operators_offered(html: str) -> list[str]:
    select = re.search(r'<select[^>]*name="contact"[^>]*>(.*?)</select>', html, re.S).group(1)
    return re.findall(r"<option[^>]*>Opérateur : (.*?)</option>", select)


@pytest.fixture
def admin(login):
    user = UserFactory(admin=True)
    login(user)
    return user


def test_the_list_reads_its_reference_lists_once(client, login, count_queries):
    login(UserFactory())
    assert client.get("/entreprises").status_code == 200
    with count_queries() as statements:
        again = client.get("/entreprises?naf=56")
    assert again.status_code == 200
    flat = [" ".join(statement.split()) for statement in statements]
    assert [s for s in flat if any(list_ in s for list_ in REFERENCE_LISTS)] == []
    assert '<option selected value="56">' in again.text


def test_an_admin_renaming_a_tag_sees_the_new_name_at_once(client, post, admin):
    tag = TagFactory(label="En croissance (test)")
    assert "En croissance (test)" in _tag_labels(client.get("/entreprises").text)
    assert post(f"/administration/etiquettes/{tag.id}", {"label": "En forte croissance"}).status_code == 302
    labels = _tag_labels(client.get("/entreprises").text)
    assert "En forte croissance" in labels and "En croissance (test)" not in labels
    assert post(f"/administration/etiquettes/{tag.id}/etat", {"active": "0"}).status_code == 302
    assert "En forte croissance (archivée)" in _tag_labels(client.get("/entreprises").text)


def test_an_admin_renaming_or_deactivating_an_operator_sees_it_at_once(client, post, admin):
    operator = OperatorFactory(name="Mission locale du test")
    assert "Mission locale du test" in _operators_offered(client.get("/entreprises").text)
    form = {"name": "Mission locale renommée", "kind": OperatorKind.MISSION_LOCALE.value, "is_active": "y"}
    assert post(f"/administration/operateurs/{operator.id}", form).status_code == 302
    offered = _operators_offered(client.get("/entreprises").text)
    assert "Mission locale renommée" in offered and "Mission locale du test" not in offered
    assert post(f"/administration/operateurs/{operator.id}", {**form, "is_active": ""}).status_code == 302
    assert "Mission locale renommée" not in _operators_offered(client.get("/entreprises").text)


def test_a_new_shortage_list_shows_its_source_at_once(client, admin):
    basin = seeded_basin()
    assert "BMO 2031" not in client.get("/entreprises").text
    add_shortage_job(basin, "G1602", share=None, source="BMO 2031", as_of=date(2031, 4, 15), author_id=None)
    db.session.commit()
    assert "BMO 2031, au 15/04/2031" in client.get("/entreprises").text


def test_a_statement_through_the_session_and_a_rollback_forget_the_list(client, admin):
    TagFactory(label="Avant la mise à jour")
    client.get("/entreprises")
    db.session.execute(sa.update(Tag).where(Tag.label == "Avant la mise à jour").values(label="Après"))
    assert "Après" in _tag_labels(client.get("/entreprises").text)
    nested = db.session.begin_nested()
    db.session.execute(sa.update(Tag).where(Tag.label == "Après").values(label="Annulée"))
    assert "Annulée" in _tag_labels(client.get("/entreprises").text)
    nested.rollback()
    labels = _tag_labels(client.get("/entreprises").text)
    assert "Après" in labels and "Annulée" not in labels


def test_another_process_change_shows_once_the_list_is_older_than_its_max_age(app, client, admin, monkeypatch):
    tag = TagFactory(label="Vue par ce processus")
    client.get("/entreprises")
    # Another worker's change: this process's session never wrote it.
    with app.app_context():
        kept = app.extensions[reference_cache.EXTENSION_KEY]
        name = next(name for name in kept if name.endswith("tag_choices"))
        expires, labels = kept[name]
        kept[name] = (expires, tuple(t._replace(label="Ancien nom") if t.id == tag.id else t for t in labels))
    assert "Ancien nom" in _tag_labels(client.get("/entreprises").text)
    now = reference_cache.time.monotonic()
    monkeypatch.setattr(reference_cache.time, "monotonic", lambda: now + reference_cache.EDITED_MAX_AGE + 1)
    assert "Vue par ce processus" in _tag_labels(client.get("/entreprises").text)


class _NafForm(Form):
    naf = SelectField(widget=LongListSelect())
    plain = SelectField()


@pytest.mark.parametrize("value", [None, "", "56", "99-inconnu"], ids=["nothing", "empty", "chosen", "no-choice"])
def test_a_long_list_select_renders_as_wtforms_does(value):
    choices = (("", "Toutes"), ("A", "A — Agriculture"), ("56", "56 — Restauration <&>"))
    form = _NafForm(data={"naf": value, "plain": value})
    form.naf.choices = form.plain.choices = choices
    expected = str(form.plain(class_="fr-select")).replace('id="plain" name="plain"', 'id="naf" name="naf"')
    assert str(form.naf(class_="fr-select")) == expected
    assert str(form.naf(class_="fr-select")) == expected  # the kept rendering, the second time

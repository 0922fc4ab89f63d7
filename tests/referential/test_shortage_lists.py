"""Each basin's métiers en tension: who keeps the list, its import, and what follows it."""

import io
from datetime import date

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.plans.scoring import employer_facts, scored, scoring_context
from app.plans.target_list import build_target_list
from app.referential.models import ShortageJob
from app.referential.shortage import ShortageListError, add_shortage_job, import_shortage_list
from tests.factories import (
    BasinFactory,
    EmployerFactory,
    ProspectionPlanFactory,
    RecruitmentNeedFactory,
    UserFactory,
    seeded_basin,
)

SOURCE = "BMO 2026, France Travail"
AS_OF = date(2026, 4, 15)
SHOWN = "BMO 2026, France Travail, au 15/04/2026"


def _url(basin, action=""):
    return f"/plans/bassins/{basin.id}/metiers-en-tension" + (f"/{action}" if action else "")


def _codes(basin) -> set[str]:
    return set(db.session.scalars(sa.select(ShortageJob.rome_code).where(ShortageJob.basin_id == basin.id)))


def _add_form(code="J1501", share="72,5"):
    return {"ajout-rome_code": code, "ajout-share": share, "ajout-source": SOURCE, "ajout-as_of": "2026-04-15"}


def _put(basin, code):
    add_shortage_job(basin, code, share=None, source=SOURCE, as_of=AS_OF, author_id=None)


# --- Who keeps the list ----------------------------------------------------------------


@pytest.mark.parametrize("role", ["lead", "admin"])
def test_the_basins_lead_or_an_admin_adds_and_removes_a_job(client, login, post, role):
    basin = seeded_basin()
    login(UserFactory(**{role: True}))
    response = post(_url(basin, "ajouter"), _add_form())
    assert response.status_code == 302, response.get_data(as_text=True)[:800]
    job = db.session.scalar(sa.select(ShortageJob).where(ShortageJob.basin_id == basin.id))
    assert (job.rome_code, str(job.difficult_hires_share), job.source, job.as_of) == ("J1501", "72.5", SOURCE, AS_OF)
    page = client.get(_url(basin)).get_data(as_text=True)
    assert f"Métiers en tension : {SHOWN}" in page and "72,5 %" in page
    assert post(_url(basin, "retirer"), {"rome_code": "J1501"}).status_code == 302
    assert _codes(basin) == set()


@pytest.mark.parametrize(
    ("user", "status"),
    [
        (lambda: UserFactory(), 403),  # an adviser of the basin
        (lambda: UserFactory(manager=True), 403),
        (lambda: UserFactory(lead=True, basins=[BasinFactory()]), 404),  # a lead of another basin
    ],
    ids=["adviser", "manager", "lead-of-another-basin"],
)
def test_others_may_not_change_the_list(client, login, post, user, status):
    basin = seeded_basin()
    _put(basin, "G1602")
    login(user())
    assert post(_url(basin, "ajouter"), _add_form()).status_code == status
    assert post(_url(basin, "retirer"), {"rome_code": "G1602"}).status_code == status
    upload = {"import-file": (io.BytesIO(b"J1501;72,5\n"), "bmo.csv"), "import-source": SOURCE}
    assert post(_url(basin, "importer"), {**upload, "import-as_of": "2026-04-15"}).status_code == status
    assert _codes(basin) == {"G1602"}


def test_an_unknown_rome_code_is_refused_in_french(client, login, post):
    basin = seeded_basin()
    login(UserFactory(lead=True))
    response = post(_url(basin, "ajouter"), _add_form(code="X9999"))
    assert response.status_code == 400
    assert "Code ROME inconnu : « X9999 »" in response.get_data(as_text=True)
    response = post(_url(basin, "ajouter"), _add_form(share="beaucoup"))
    assert response.status_code == 400
    assert "Part de recrutements difficiles illisible" in response.get_data(as_text=True)
    assert _codes(basin) == set()


# --- The import ------------------------------------------------------------------------


def _import(post, basin, content: bytes, replace=False):
    data = {
        "import-file": (io.BytesIO(content), "bmo.csv"),
        "import-source": SOURCE,
        "import-as_of": "2026-04-15",
    }
    if replace:
        data["import-replace"] = "y"
    return post(_url(basin, "importer"), data, content_type="multipart/form-data")


def test_an_import_with_bad_lines_imports_nothing_and_names_each_line(client, login, post):
    basin = seeded_basin()
    _put(basin, "G1602")
    login(UserFactory(lead=True))
    content = b"code ROME;part\nJ1501;72,5\nX9999;50\nF1703;120\nK1302;abc\nJ1501;10\n\nN4101\n"
    response = _import(post, basin, content)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Rien n&#39;a été importé : 4 lignes refusées" in page
    assert "ligne 3 : Code ROME inconnu : « X9999 »" in page
    assert "ligne 4 : la part de recrutements difficiles doit être comprise entre 0 et 100" in page
    assert "ligne 5 : part de recrutements difficiles illisible (« abc »)" in page
    assert "ligne 6 : J1501 figure déjà ligne 2" in page
    assert _codes(basin) == {"G1602"}


def test_an_import_adds_the_codes_or_replaces_the_list(client, login, post):
    basin = seeded_basin()
    _put(basin, "G1602")
    login(UserFactory(lead=True))
    assert _import(post, basin, "J1501;72,5\nn4101;\n".encode("cp1252")).status_code == 302
    assert _codes(basin) == {"G1602", "J1501", "N4101"}
    shares = dict(db.session.execute(sa.select(ShortageJob.rome_code, ShortageJob.difficult_hires_share)).all())
    assert str(shares["J1501"]) == "72.5" and shares["N4101"] is None
    assert _import(post, basin, b"F1703,80.1\n", replace=True).status_code == 302
    assert _codes(basin) == {"F1703"}


def test_an_import_refuses_a_file_of_another_kind(client, login, post):
    basin = seeded_basin()
    login(UserFactory(lead=True))
    data = {"import-file": (io.BytesIO(b"J1501"), "bmo.pdf"), "import-source": SOURCE, "import-as_of": "2026-04-15"}
    response = post(_url(basin, "importer"), data, content_type="multipart/form-data")
    assert response.status_code == 400
    assert "Format non pris en charge" in response.get_data(as_text=True)


def test_the_service_refuses_an_empty_file():
    with pytest.raises(ShortageListError, match="aucun code ROME"):
        import_shortage_list(seeded_basin(), iter([(1, ["code rome"])]), source=SOURCE, as_of=AS_OF, author_id=None)


# --- What follows the list --------------------------------------------------------------


def test_the_employer_filter_follows_the_basins_list(client, login):
    basin = seeded_basin()
    hiring = EmployerFactory(name="Cuisine Centrale")
    RecruitmentNeedFactory(employer=hiring, rome_code="G1602")
    RecruitmentNeedFactory(employer=EmployerFactory(name="Aides Filled"), rome_code="G1602", filled=True)
    elsewhere = EmployerFactory(name="Cuisine Ailleurs", basin=BasinFactory())
    RecruitmentNeedFactory(employer=elsewhere, rome_code="G1602")
    login(UserFactory(admin=True))

    def matches():
        page = client.get("/entreprises", query_string={"shortage": "besoin"})
        assert page.status_code == 200
        return [name for name in ("Cuisine Centrale", "Aides Filled", "Cuisine Ailleurs") if name in page.text]

    assert matches() == []
    _put(basin, "G1602")
    assert matches() == ["Cuisine Centrale"]  # an open need, on a job in shortage in its own basin
    assert SHOWN in client.get("/entreprises").text
    db.session.execute(sa.delete(ShortageJob))
    assert matches() == []


def test_the_plan_score_follows_the_basins_list():
    basin = seeded_basin()
    plan = ProspectionPlanFactory(basin=basin)
    employer = EmployerFactory()
    RecruitmentNeedFactory(employer=employer, rome_code="J1501")

    def shortage_points():
        facts = employer_facts(basin.id, EmployerFactory._meta.model.id == employer.id)[employer.id]
        _, details = scored(facts, scoring_context(plan, date(2026, 11, 22)))
        return [(label, points) for label, points in details if "en tension" in label]

    assert shortage_points() == []
    _put(basin, "J1501")
    assert shortage_points() == [(f"Besoin ouvert sur un métier en tension (J1501 ; {SHOWN})", 3)]
    build_target_list(plan, date(2026, 11, 22))
    db.session.execute(sa.delete(ShortageJob))
    assert shortage_points() == []


def test_the_plan_form_offers_the_basins_list_with_its_source(client, login):
    _put(seeded_basin(), "J1501")
    login(UserFactory(lead=True))
    page = client.get("/plans/nouveau").text
    assert 'value="J1501"' in page and f"Métiers en tension : {SHOWN}" in page
    assert 'value="G1602"' not in page

"""Spreadsheet imports run outside the request: a run row, its page, its author only; fast per row."""

import collections
import io
import random
import re
import string

import pytest
import sqlalchemy as sa

from app.employers.enums import ImportRunStatus
from app.employers.import_runs import SPREADSHEET_IMPORT_JOB
from app.employers.models import Employer, ImportRun
from app.employers.spreadsheet_import import import_spreadsheet
from app.extensions import db
from app.jobs.enums import QueuedJobStatus
from app.jobs.models import QueuedJob
from app.jobs.queue import work
from tests.factories import EmployerFactory, UserFactory


def _upload(text: str, name: str = "liste.csv") -> dict:
    return {"file": (io.BytesIO(text.encode()), name)}


def _run_id(response) -> int:
    return int(re.search(r"/entreprises/import/(\d+)$", response.headers["Location"]).group(1))


def test_upload_creates_a_run_that_its_page_reports(client, login, post):
    lead = UserFactory(lead=True)
    login(lead)
    response = post(
        "/entreprises/import",
        _upload("Raison sociale;Code commune INSEE\nCafé;44184\nSans commune;\n"),
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    run = db.session.get(ImportRun, _run_id(response))
    assert run.user_id == lead.id and run.filename == "liste.csv" and run.status is ImportRunStatus.DONE
    assert (run.rows_read, run.rows_imported, run.rows_rejected) == (2, 1, 1)
    assert run.rejections == [{"line": 3, "siret": "", "reason": "commune inconnue ou hors de vos bassins"}]
    assert run.started_at is not None and run.finished_at >= run.started_at
    assert run.stored_name is None  # the uploaded file is deleted once read
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Import terminé" in page and "Créés : 1" in page and "data-refresh-seconds" not in page


def test_a_run_in_progress_refreshes_itself(client, login):
    lead = UserFactory(lead=True)
    run = ImportRun(user=lead, filename="liste.csv", status=ImportRunStatus.RUNNING, rows_read=1200)
    db.session.add(run)
    db.session.flush()
    login(lead)
    page = client.get(f"/entreprises/import/{run.id}").get_data(as_text=True)
    assert "data-refresh-seconds" in page and "js/refresh.js" in page and "1200" in page and "en cours" in page


def test_only_the_author_and_admins_see_a_run(client, login):
    run = ImportRun(user=UserFactory(lead=True), filename="liste.csv", status=ImportRunStatus.DONE)
    db.session.add(run)
    db.session.flush()
    login(UserFactory(lead=True))
    assert client.get(f"/entreprises/import/{run.id}").status_code == 404


def test_an_admin_sees_any_run(client, login):
    run = ImportRun(user=UserFactory(lead=True), filename="liste.csv", status=ImportRunStatus.DONE)
    db.session.add(run)
    db.session.flush()
    login(UserFactory(admin=True))
    assert client.get(f"/entreprises/import/{run.id}").status_code == 200


def test_with_workers_the_request_only_queues_the_run(app, client, login, post, monkeypatch):
    monkeypatch.setitem(app.config, "JOBS_RUNNER", "worker")
    login(UserFactory(lead=True))
    response = post(
        "/entreprises/import",
        _upload("Raison sociale;Commune\nCafé;Saint-Nazaire\n"),
        content_type="multipart/form-data",
    )
    run_id = _run_id(response)
    run = db.session.get(ImportRun, run_id)
    assert run.status is ImportRunStatus.QUEUED and run.stored_name
    job = db.session.scalars(sa.select(QueuedJob).where(QueuedJob.kind == SPREADSHEET_IMPORT_JOB)).one()
    assert job.payload == {"run_id": run_id} and job.status is QueuedJobStatus.QUEUED
    assert work("test-worker") == 1
    db.session.expire_all()
    assert db.session.get(ImportRun, run_id).status is ImportRunStatus.DONE
    assert job.status is QueuedJobStatus.DONE
    assert db.session.scalar(sa.select(Employer.id).where(Employer.name == "Café")) is not None


def test_an_unreadable_file_fails_the_run_with_its_reason(client, login, post):
    login(UserFactory(lead=True))
    response = post("/entreprises/import", _upload("a;b\n1;2\n"), content_type="multipart/form-data")
    run = db.session.get(ImportRun, _run_id(response))
    assert run.status is ImportRunStatus.FAILED and "Colonnes attendues" in run.error
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Colonnes attendues" in page and "Rien n'a été enregistré" in page


@pytest.mark.parametrize("rows", [2000])
def test_rows_without_siret_cost_a_bounded_number_of_queries(count_queries, rows):
    EmployerFactory(name="Boulangerie Existante", siret=None, siren=None)
    rng = random.Random(11)
    names = {"".join(rng.choices(string.ascii_lowercase, k=12)) for _ in range(rows)}
    lines = ["Raison sociale;Code commune INSEE"] + [f"{name};44184" for name in names]
    lines.append("Boulangerie existante;44184")
    with count_queries() as statements:
        report = import_spreadsheet(UserFactory(), io.BytesIO("\n".join(lines).encode()), "liste.csv")
    assert (report.created, report.unchanged) == (len(names), 1)
    # One duplicate check per row was 2,000 SELECTs; SQLite's driver still inserts row by row.
    selects = [statement for statement in statements if statement.lstrip().upper().startswith("SELECT")]
    assert len(selects) < 20, collections.Counter(s[:90] for s in selects).most_common(4)

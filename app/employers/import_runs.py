"""Spreadsheet imports run outside the request, with progress that their author follows.

The request stores the upload under ``<instance>/imports/``, records an ``ImportRun`` and
answers at once with the run's page, which reloads itself until the run is finished. The
run itself is a job of the queue (``app/jobs``), enqueued in the request's transaction and
run by a worker (``flask jobs work``): it reads the whole file (an unreadable file changes
nothing), then commits each batch with the run's progress, so that other writers wait a batch,
not the whole import. A run already started is never started again (its status says so).
"""

import logging
import uuid
from pathlib import Path

import sqlalchemy as sa
from flask import current_app
from werkzeug.datastructures import FileStorage

from app.audit.services import acting_as
from app.auth.enums import Role
from app.auth.models import User
from app.employers.enums import ImportRunStatus
from app.employers.establishments import ImportReport
from app.employers.import_cells import printable
from app.employers.models import ImportRun, Tag
from app.employers.readers import ImportFileError
from app.employers.spreadsheet_import import import_spreadsheet
from app.extensions import db
from app.jobs.queue import enqueue, handler
from app.timeutils import utcnow
from app.transactions import transaction
from app.write_intent import writing

logger = logging.getLogger(__name__)

ACCEPTED_SUFFIXES = (".csv", ".xlsx")
RECENT_RUNS_SHOWN = 5
SPREADSHEET_IMPORT_JOB = "spreadsheet_import"


def _imports_dir() -> Path:
    return Path(current_app.instance_path) / "imports"


def queue_import(user: User, upload: FileStorage, tag: Tag | None = None) -> ImportRun:
    """Store the upload and record its run, queued, with the tag to add to every line; enqueue
    the job that runs it. Does not commit."""
    filename = printable(upload.filename or "").strip()[:255] or "fichier"
    suffix = Path(filename).suffix.lower()
    if suffix not in ACCEPTED_SUFFIXES:
        raise ImportFileError("Format non pris en charge : envoyez un fichier .csv ou .xlsx.")
    directory = _imports_dir()
    directory.mkdir(parents=True, exist_ok=True)
    stored_name = f"{uuid.uuid4().hex}{suffix}"
    upload.save(directory / stored_name)
    run = ImportRun(user=user, filename=filename, stored_name=stored_name, status=ImportRunStatus.QUEUED, tag=tag)
    db.session.add(run)
    db.session.flush()
    # Once: a second attempt would find the file gone. The run records its own failures.
    enqueue(SPREADSHEET_IMPORT_JOB, {"run_id": run.id}, max_attempts=1)
    return run


@handler(SPREADSHEET_IMPORT_JOB)
def run_import(run_id: int) -> None:
    """Run a queued import to its end, committing each batch with the run's progress."""
    # Every batch writes: on SQLite each of its transactions must take the write lock at BEGIN
    # (app/write_intent.py), or a request writing meanwhile would make it fail as "locked".
    with writing():
        _run_import(run_id)


def _run_import(run_id: int) -> None:
    with transaction():
        run = db.session.get(ImportRun, run_id)
        if run is None or run.status is not ImportRunStatus.QUEUED:
            return
        run.status = ImportRunStatus.RUNNING
        run.started_at = run.updated_at = utcnow()
    path = _imports_dir() / run.stored_name

    def progress(report: ImportReport) -> None:
        _count(run, report)
        db.session.commit()

    try:
        with acting_as(f"import tableur de {run.user.email if run.user else 'un compte supprimé'}"):
            with path.open("rb") as binary:
                report = import_spreadsheet(run.user, binary, run.filename, after_batch=progress, tag=run.tag)
            _count(run, report)
            run.summary = report.summary_lines()
            run.rejections = [{"line": r.line, "siret": r.siret, "reason": r.reason} for r in report.rejected]
            _finish(run, ImportRunStatus.DONE)
    except ImportFileError as error:
        db.session.rollback()
        run.error = str(error)
        _finish(run, ImportRunStatus.FAILED)
    except Exception:
        db.session.rollback()
        logger.exception("L'import tableur %s a échoué", run_id)
        run.error = "Une erreur inattendue a interrompu l'import ; elle est inscrite dans le journal du serveur."
        _finish(run, ImportRunStatus.FAILED)
    finally:
        path.unlink(missing_ok=True)


def _count(run: ImportRun, report: ImportReport) -> None:
    run.rows_read = report.read
    run.rows_imported = report.created + report.updated
    run.rows_rejected = report.rejected_count
    run.updated_at = utcnow()


def _finish(run: ImportRun, status: ImportRunStatus) -> None:
    with transaction():
        run.status = status
        run.stored_name = None
        run.finished_at = run.updated_at = utcnow()


def visible_import_run(user: User, run_id: int) -> ImportRun | None:
    """The run, for its author or an admin only."""
    run = db.session.get(ImportRun, run_id)
    if run is None or (run.user_id != user.id and not user.has_role(Role.ADMIN)):
        return None
    return run


def recent_import_runs(user: User) -> list[ImportRun]:
    return list(
        db.session.scalars(
            sa.select(ImportRun)
            .where(ImportRun.user_id == user.id)
            .order_by(ImportRun.created_at.desc(), ImportRun.id.desc())
            .limit(RECENT_RUNS_SHOWN)
        )
    )

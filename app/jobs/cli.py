"""``flask jobs work``: a worker of the job queue. Start as many as the load needs, on any server
that reaches the database (deploy/systemd/relais-worker@.service)."""

import signal
import time

import click
from flask.cli import AppGroup

from app.extensions import db
from app.jobs.queue import claim, run_claimed, worker_name

jobs_cli = AppGroup("jobs", help="La file des tâches longues (imports, exports, rapports).")


class _Stop:
    requested = False


@jobs_cli.command("work")
@click.option("--poll-seconds", default=2.0, show_default=True, help="Attente quand la file est vide.")
@click.option("--once", is_flag=True, help="Vider la file puis s'arrêter.")
def work_command(poll_seconds: float, once: bool) -> None:
    """Exécuter les tâches de la file, l'une après l'autre, jusqu'à l'arrêt (SIGTERM)."""
    worker = worker_name()
    stop = _Stop()

    def request_stop(signum, frame):
        # The running job finishes; the loop stops before claiming another.
        stop.requested = True

    previous_handler = signal.signal(signal.SIGTERM, request_stop)
    click.echo(f"Exécutant de tâches démarré ({worker}).")
    ran = 0
    try:
        while not stop.requested:
            job = claim(worker)
            if job is None:
                db.session.remove()
                if once:
                    break
                time.sleep(poll_seconds)
                continue
            run_claimed(job)
            ran += 1
    except KeyboardInterrupt:
        pass
    finally:
        signal.signal(signal.SIGTERM, previous_handler)
    click.echo(f"Exécutant de tâches arrêté : {ran} tâche(s) exécutée(s).")

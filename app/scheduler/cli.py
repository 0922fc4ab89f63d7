"""``flask scheduler run``: the one process that runs the periodic jobs."""

import logging
import signal
import time

import click
from apscheduler.schedulers.blocking import BlockingScheduler
from flask import current_app
from flask.cli import AppGroup

from app.scheduler.locks import make_lock
from app.scheduler.registry import JOBS
from app.scheduler.runner import build_scheduler, close_interrupted_runs

scheduler_cli = AppGroup("scheduler", help="Le planificateur des tâches périodiques.")


@scheduler_cli.command("run")
@click.option("--retry-seconds", default=30, show_default=True, help="Attente entre deux essais du verrou.")
def run_scheduler(retry_seconds: int) -> None:
    """Lancer LE planificateur (un seul processus en production ; un second attend son tour)."""
    app = current_app._get_current_object()
    lock = make_lock()
    waiting = False
    while not lock.acquire():
        if not waiting:
            click.echo("Un autre planificateur tourne : attente du verrou (relève automatique s'il s'arrête).")
            waiting = True
        time.sleep(retry_seconds)
    click.echo(f"Planificateur démarré ({lock.holder}) : {len(JOBS)} tâches.")
    if interrupted := close_interrupted_runs():
        click.echo(f"{interrupted} exécution(s) interrompue(s) par un arrêt : elles seront rattrapées.")
    # Every run is in job_runs; APScheduler's line per execution (every 15 s) is noise.
    logging.getLogger("apscheduler.executors.default").setLevel(logging.WARNING)
    scheduler = build_scheduler(app, BlockingScheduler, lock)
    previous_handler = signal.signal(signal.SIGTERM, _stop_on_signal)
    try:
        scheduler.start()
    except (KeyboardInterrupt, SystemExit):
        pass
    finally:
        signal.signal(signal.SIGTERM, signal.SIG_IGN)  # a second signal must not cut the clean-up short
        if scheduler.running:
            scheduler.shutdown(wait=False)
        lock.release()
        signal.signal(signal.SIGTERM, previous_handler)
        click.echo("Planificateur arrêté.")


def _stop_on_signal(signum, frame):
    # systemd or the container runtime stops the process with SIGTERM: leave the main loop.
    raise SystemExit(0)

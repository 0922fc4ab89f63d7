"""The deployment files stay true to the code: every environment variable the app reads is in
deploy/relais.env.example and in the README's table, gunicorn accepts its configuration (and its
workers freeze their built app out of the garbage collector), and nginx matches the app's upload limit and hides the metrics."""

import gc
import os
import re
import runpy
import subprocess
import sys
from pathlib import Path

from config import Config

ROOT = Path(__file__).resolve().parents[1]
DEPLOY = ROOT / "deploy"
READ_FROM_ENVIRONMENT = re.compile(r"""os\.(?:environ\.get\(|environ\[|getenv\()\s*["']([A-Z][A-Z0-9_]*)["']""")


def _variables_read() -> dict[str, set[str]]:
    """Each variable read from the environment, with the files that read it."""
    sources = [ROOT / "config.py", ROOT / "wsgi.py", DEPLOY / "gunicorn.conf.py", *sorted((ROOT / "app").rglob("*.py"))]
    found: dict[str, set[str]] = {}
    for source in sources:
        for name in READ_FROM_ENVIRONMENT.findall(source.read_text(encoding="utf-8")):
            found.setdefault(name, set()).add(str(source.relative_to(ROOT)))
    return found


def _example_variables() -> set[str]:
    text = (DEPLOY / "relais.env.example").read_text(encoding="utf-8")
    return set(re.findall(r"^#?([A-Z][A-Z0-9_]*)=", text, flags=re.MULTILINE))


def test_every_variable_the_app_reads_is_in_the_example_environment():
    read = _variables_read()

    missing = {name: files for name, files in read.items() if name not in _example_variables()}

    assert "SECRET_KEY" in read and "DATABASE_URL" in read
    assert missing == {}, "add them to deploy/relais.env.example, with a one-line comment"


def test_every_variable_of_the_example_has_a_comment_and_a_line_in_the_readme_table():
    lines = (DEPLOY / "relais.env.example").read_text(encoding="utf-8").splitlines()
    readme = (ROOT / "README.md").read_text(encoding="utf-8")

    for number, line in enumerate(lines):
        if name := re.match(r"^#?([A-Z][A-Z0-9_]*)=", line):
            assert lines[number - 1].startswith("# "), f"{name[1]} has no comment above it"
            assert f"| `{name[1]}` |" in readme, f"{name[1]} is not in the README's table"


def test_gunicorn_accepts_its_configuration():
    gunicorn = Path(sys.executable).parent / "gunicorn"
    environment = {**os.environ, "RELAIS_ENV": "testing"}

    result = subprocess.run(  # noqa: S603
        [str(gunicorn), "--check-config", "--config", "deploy/gunicorn.conf.py", "wsgi:app"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

    assert result.returncode == 0, result.stdout + result.stderr


def test_nginx_stops_uploads_at_the_apps_limit_and_hides_the_metrics():
    nginx = (DEPLOY / "nginx" / "relais.conf").read_text(encoding="utf-8")

    size = re.search(r"client_max_body_size (\d+)m;", nginx)
    assert size and int(size[1]) * 1024 * 1024 == Config.MAX_CONTENT_LENGTH
    assert re.search(r"location = /metrics \{\s*return 404;", nginx)
    assert "proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;" in nginx
    assert "proxy_set_header X-Forwarded-Proto $scheme;" in nginx


def test_each_service_reads_the_same_environment_file():
    units = sorted((DEPLOY / "systemd").glob("*.service"))

    assert [unit.name for unit in units] == [
        "relais-backup.service",
        "relais-scheduler.service",
        "relais-web.service",
        "relais-worker@.service",
    ]
    for unit in units:
        assert "EnvironmentFile=/etc/relais/relais.env\n" in unit.read_text(encoding="utf-8"), unit.name


def test_a_worker_freezes_its_built_app_out_of_the_garbage_collector():
    settings = runpy.run_path(str(DEPLOY / "gunicorn.conf.py"))
    gc.unfreeze()
    thresholds = gc.get_threshold()
    try:
        settings["post_worker_init"](worker=None)
        assert gc.get_freeze_count() > 0
        # Fewer collections of what requests allocate: the defaults (700, 10, 10) took 0.50 ms a page.
        assert gc.get_threshold() == settings["COLLECTOR_THRESHOLDS"] and gc.get_threshold()[0] >= 10_000
    finally:
        gc.unfreeze()
        gc.set_threshold(*thresholds)

"""Load test on gunicorn: builds the database once, starts ``deploy/gunicorn.conf.py``, runs
``bench/locustfile.py`` headless for a bounded time, prints Locust's table, its summary line and
the steady state's (the requests ended after the warm-up, logins done).

    .venv/bin/python bench/load_test.py --database-url postgresql+psycopg://postgres@127.0.0.1:5432/bench_load
    .venv/bin/python bench/load_test.py --database-url sqlite:////tmp/relais-load.db --users 10 --employers 20000
    make load           # PostgreSQL, 30 users, 60 s;  make load-sqlite: 10 users

The database is built (employers_bench.build: employers, activity, 100 advisers who see every
basin) when it holds no users yet, or with --rebuild. ``--profile`` records every gunicorn worker
with py-spy during the run and prints where their time goes (the functions of the most samples).
The server runs the development settings (plain-HTTP cookies) with what production changes for
speed: JSON logs, the limiter's counters and the dashboard's kept figures in Redis when it answers,
one proxy hop trusted.
"""

import argparse
import collections
import csv
import json
import os
import re
import resource
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import psutil
import redis
import sqlalchemy as sa

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.employers_bench import bench_app, build  # noqa: E402

BIN = Path(sys.executable).parent


def database_ready(url: str) -> bool:
    engine = sa.create_engine(url)
    try:
        with engine.connect() as connection:
            return bool(connection.execute(sa.text("SELECT count(*) FROM users")).scalar())
    except sa.exc.SQLAlchemyError:
        return False
    finally:
        engine.dispose()


def prepare(url: str, employers: int, seed: int, rebuild: bool) -> None:
    if rebuild or not database_ready(url):
        app = bench_app(url, reuse=False)
        build(app, employers, seed)
    engine = sa.create_engine(url)
    with engine.begin() as connection:
        # employers_bench's colleagues see no basin; here every account works on all of them.
        connection.execute(
            sa.text(
                "INSERT INTO user_basins (user_id, basin_id) SELECT u.id, b.id FROM users u CROSS JOIN basins b "
                "WHERE NOT EXISTS (SELECT 1 FROM user_basins x WHERE x.user_id = u.id AND x.basin_id = b.id)"
            )
        )
    engine.dispose()


def sample(url: str) -> dict:
    engine = sa.create_engine(url)
    with engine.connect() as connection:

        def column(query: str) -> list[str]:
            return [row[0] for row in connection.execute(sa.text(query))]

        picked = {
            "sirets": column("SELECT siret FROM employers WHERE siret IS NOT NULL ORDER BY random() LIMIT 300"),
            "names": column("SELECT name FROM employers ORDER BY random() LIMIT 100"),
            "communes": column("SELECT name FROM communes WHERE basin_id IS NOT NULL ORDER BY random() LIMIT 30"),
            "accounts": column("SELECT email FROM users WHERE role = 'adviser' ORDER BY id LIMIT 30"),
        }
    engine.dispose()
    return picked


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def redis_answers() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=0.5):
            return True
    except OSError:
        return False


def start_gunicorn(url: str, port: int, workers: int | None, threads: int | None, log_path: Path):
    redis_up = redis_answers()
    environment = {
        **os.environ,
        "RELAIS_ENV": "development",
        "DATABASE_URL": url,
        "SECRET_KEY": secrets.token_hex(32),
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "TRUSTED_PROXY_HOPS": "1",
        "LOG_FORMAT": "json",
        "RATELIMIT_STORAGE_URI": "redis://127.0.0.1:6379/15" if redis_up else "memory://",
    }
    if redis_up:
        # As in production, the dashboard's figures kept in Redis, shared by the workers; a run
        # starts with none kept (nor any limiter's counter) from the run before.
        environment |= {"CACHE_TYPE": "RedisCache", "CACHE_REDIS_URL": "redis://127.0.0.1:6379/15"}
        redis.Redis.from_url(environment["CACHE_REDIS_URL"]).flushdb()
    if workers:
        environment["WEB_CONCURRENCY"] = str(workers)
    if threads:
        environment["WEB_THREADS"] = str(threads)
    log = log_path.open("w")
    server = subprocess.Popen(  # noqa: S603
        [str(BIN / "gunicorn"), "--config", "deploy/gunicorn.conf.py", "wsgi:app"],
        cwd=ROOT,
        env=environment,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    # Workers build their app in parallel: slow on a busy machine.
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/sante", timeout=2) as response:  # noqa: S310
                if response.status == 200:
                    return server
        except OSError:
            time.sleep(0.5)
    server.terminate()
    raise SystemExit(f"gunicorn n'a pas démarré : voir {log_path}")


def gunicorn_cpu_seconds(pid: int) -> float:
    """CPU time of gunicorn's master and workers, including the workers already replaced."""
    master = psutil.Process(pid)
    times = master.cpu_times()
    seconds = times.user + times.system + times.children_user + times.children_system
    for worker in master.children(recursive=True):
        try:
            worker_times = worker.cpu_times()
        except psutil.NoSuchProcess:
            continue
        seconds += worker_times.user + worker_times.system
    return seconds


def database_cpu_seconds(url: str) -> float:
    """CPU time of the PostgreSQL backends serving this database (the server is on this machine)."""
    parsed = sa.engine.make_url(url)
    if parsed.get_backend_name() != "postgresql":
        return 0.0
    engine = sa.create_engine(url)
    with engine.connect() as connection:
        pids = connection.execute(
            sa.text("SELECT pid FROM pg_stat_activity WHERE datname = :name AND pid <> pg_backend_pid()"),
            {"name": parsed.database},
        ).scalars()
        seconds = 0.0
        for pid in pids:
            try:
                times = psutil.Process(pid).cpu_times()
            except psutil.Error:
                continue
            seconds += times.user + times.system
    engine.dispose()
    return seconds


class MeasureWindow:
    """CPU time and requests served between the end of the warm-up (logins, first templates) and the end."""

    def __init__(self, pid: int, url: str, log: Path):
        self.pid, self.url, self.log = pid, url, log
        self.start: tuple[int, float, float] | None = None
        self.opened_at: float | None = None

    def _now(self) -> tuple[int, float, float]:
        served = sum(1 for line in self.log.read_text(errors="replace").splitlines() if " request_id=" in line)
        return served, gunicorn_cpu_seconds(self.pid), database_cpu_seconds(self.url)

    def open(self) -> None:
        self.opened_at = time.time()
        self.start = self._now()

    def close(self) -> tuple[int, float, float] | None:
        if self.start is None:
            return None
        end = self._now()
        requests = end[0] - self.start[0]
        return (requests, end[1] - self.start[1], end[2] - self.start[2]) if requests else None


def steady_state(timings: Path, since: float | None) -> tuple[int, float, float, float, int] | None:
    """Requests, req/s, p50 and p95 (ms, as Locust measured them) and failures of the requests that
    ended after ``since``: the steady state, once every adviser has logged in (a login costs 0.3 s of
    CPU, Argon2id, and 30 of them slow the first seconds; Locust's own table counts them)."""
    if since is None or not timings.exists():
        return None
    rows = [line.split(",") for line in timings.read_text().splitlines()]
    kept = sorted(
        (float(ended), float(duration), failed == "1") for ended, duration, failed in rows if float(ended) >= since
    )
    if len(kept) < 2:
        return None
    durations = sorted(duration for _, duration, _ in kept)
    elapsed = kept[-1][0] - since
    failures = sum(1 for *_, failed in kept if failed)
    return (
        len(kept),
        len(kept) / elapsed,
        statistics.median(durations),
        durations[min(len(durations) - 1, int(0.95 * len(durations)))],
        failures,
    )


def _children_cpu_seconds() -> float:
    """CPU time of this script's children already waited for (Locust once it has ended; gunicorn
    is waited for last)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def profile_summary(raw: Path, top: int = 25) -> str:
    """The functions of app/, flask, sqlalchemy… that hold the most samples (self and total)."""
    own: collections.Counter = collections.Counter()
    total: collections.Counter = collections.Counter()
    samples = 0
    for line in raw.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        frames = [frame for frame in stack.split(";") if not frame.startswith(("process ", "thread "))]
        if not frames or not count.isdigit():
            continue
        samples += int(count)
        own[frames[-1]] += int(count)
        for frame in set(frames):
            total[frame] += int(count)
    lines = [f"{samples} échantillons ; fonctions les plus présentes (temps propre) :"]
    lines += [f"  {n / samples:6.1%}  {frame}" for frame, n in own.most_common(top)]
    lines.append("Temps total (fonction et ce qu'elle appelle), hors points d'entrée :")
    interesting = [(f, n) for f, n in total.most_common() if "/app/" in f or "sqlalchemy" in f or "jinja" in f]
    lines += [f"  {n / samples:6.1%}  {frame}" for frame, n in interesting[:top]]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", default="postgresql+psycopg://postgres@127.0.0.1:5432/bench_load")
    parser.add_argument("--employers", type=int, default=200_000)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--rebuild", action="store_true", help="rebuild the database even if it exists")
    parser.add_argument("--users", type=int, default=30)
    parser.add_argument("--spawn-rate", type=float, default=10)
    parser.add_argument("--duration", default="60s", help="Locust's --run-time (60s, 2m…)")
    parser.add_argument("--workers", type=int, help="WEB_CONCURRENCY (default: gunicorn.conf.py's)")
    parser.add_argument("--threads", type=int, help="WEB_THREADS (default: gunicorn.conf.py's)")
    parser.add_argument("--warmup", type=float, default=20, help="seconds before the CPU is measured")
    parser.add_argument("--profile", action="store_true", help="record the workers with py-spy")
    parser.add_argument(
        "--out",
        default="/tmp/relais-load",  # noqa: S108  (a benchmark's scratch folder)
        help="folder of the CSV, logs and profile",
    )
    args = parser.parse_args()

    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    prepare(args.database_url, args.employers, args.seed, args.rebuild)
    picked = sample(args.database_url)
    port = free_port()
    server = start_gunicorn(args.database_url, port, args.workers, args.threads, out / "gunicorn.log")
    profiler = None
    # Every worker builds its app after the first answers: wait until they are idle.
    cpu_at_start = gunicorn_cpu_seconds(server.pid)
    for _ in range(120):
        time.sleep(1)
        previous, cpu_at_start = cpu_at_start, gunicorn_cpu_seconds(server.pid)
        if cpu_at_start - previous < 0.05:
            break
    try:
        if args.profile:
            profiler = subprocess.Popen(  # noqa: S603
                [str(BIN / "py-spy"), "record", "--pid", str(server.pid), "--subprocesses", "--idle", "--format", "raw",
                 "--rate", "50", "--output", str(out / "profile.txt"), "--nonblocking"],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )  # fmt: skip
        window = MeasureWindow(server.pid, args.database_url, out / "gunicorn.log")
        timer = threading.Timer(args.warmup, window.open)
        timer.start()
        environment = {
            **os.environ,
            "LOAD_ACCOUNTS": json.dumps(picked.pop("accounts")),
            "LOAD_SAMPLE": json.dumps(picked),
            "LOAD_TIMINGS": str(out / "timings.csv"),
        }
        # Locust runs on the same cores: its CPU is what the server could not have.
        locust_cpu = _children_cpu_seconds()
        subprocess.run(  # noqa: S603
            [str(BIN / "locust"), "-f", str(ROOT / "bench" / "locustfile.py"), "--headless",
             "--users", str(args.users), "--spawn-rate", str(args.spawn_rate), "--run-time", args.duration,
             "--host", f"http://127.0.0.1:{port}", "--csv", str(out / "load"), "--only-summary",
             "--stop-timeout", "5", "--loglevel", "WARNING"],
            env=environment,
            check=False,
        )  # fmt: skip
        locust_cpu = _children_cpu_seconds() - locust_cpu
        timer.cancel()
        measured = window.close()
    finally:
        if profiler is not None:
            profiler.send_signal(signal.SIGINT)
            profiler.wait(timeout=60)
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=60)

    with (out / "load_stats.csv").open() as stats:
        total = next(row for row in csv.DictReader(stats) if row["Name"] == "Aggregated")
    log = (out / "gunicorn.log").read_text(errors="replace")
    locked = log.count("database is locked")
    server_errors = len(re.findall(r'HTTP/1\.\d" 5\d\d ', log))
    print(
        f"\n{sa.engine.make_url(args.database_url).get_backend_name()} · {args.users} utilisateurs · "
        f"{float(total['Requests/s']):.1f} req/s · p50 {total['50%']} ms · p95 {total['95%']} ms · "
        f"{total['Request Count']} requêtes · {total['Failure Count']} échecs · {server_errors} réponses 5xx · "
        f"« database is locked » : {locked}"
    )
    steady = steady_state(out / "timings.csv", window.opened_at)
    if steady is not None:
        count, rate, median, p95, failures = steady
        print(
            f"En régime établi (après {args.warmup:.0f} s, connexions faites) : {rate:.1f} req/s · p50 {median:.0f} ms · "
            f"p95 {p95:.0f} ms · {count} requêtes · {failures} échecs"
        )
    if measured is not None:
        requests, app_cpu, database_cpu = measured
        per_request = (app_cpu + database_cpu) * 1000 / requests
        print(
            f"Après {args.warmup} s de mise en route (connexions faites), {requests} requêtes : CPU par requête "
            f"{app_cpu * 1000 / requests:.1f} ms gunicorn + {database_cpu * 1000 / requests:.1f} ms PostgreSQL = "
            f"{per_request:.1f} ms, soit au plus {psutil.cpu_count() * 1000 / per_request:.0f} req/s si les "
            f"{psutil.cpu_count()} cœurs servaient l'application seule (charge de la machine : {os.getloadavg()[0]:.1f})"
        )
    print(
        f"Locust (le générateur de charge, sur les mêmes cœurs) : {locust_cpu:.1f} s de CPU, "
        f"{locust_cpu * 1000 / int(total['Request Count']):.1f} ms par requête envoyée"
    )
    if args.profile and (out / "profile.txt").exists():
        print(profile_summary(out / "profile.txt"))


if __name__ == "__main__":
    main()

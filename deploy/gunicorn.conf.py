"""Gunicorn settings for Relais Entreprises (deploy/systemd/relais-web.service runs
``gunicorn -c deploy/gunicorn.conf.py wsgi:app``).

Read at start; the environment (deploy/relais.env.example) may change the address, the number
of workers and the trusted proxies without editing this file.
"""

import gc
import multiprocessing
import os

# nginx, on the same server, is the only client: the port is never reachable from outside.
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")

# One request at a time per worker (gunicorn's sync workers: nginx buffers the slow clients), two
# workers per core plus one, so that a core has another worker to run while one waits for
# PostgreSQL. A page's Python holds the interpreter most of its time: threads of one worker queued
# behind each other's requests (3 workers × 4 threads: p95 261–300 ms under `make load`, 5 × 1:
# 178 ms; the measures in docs/DEPLOYMENT.md). WEB_THREADS above 1 makes them gthread workers.
# Each worker holds at most one database connection per thread: workers × threads per server.
workers = int(os.environ.get("WEB_CONCURRENCY", 2 * multiprocessing.cpu_count() + 1))
threads = int(os.environ.get("WEB_THREADS", "1"))

# The slowest pages (a région's dashboard, an export) answer within a few seconds; a spreadsheet
# import runs in a worker of the job queue (flask jobs work). A worker stuck longer than this is killed and
# replaced, and its request gets a 502 from nginx.
timeout = 60
graceful_timeout = 30
# Kept-alive connections from nginx: gthread workers only (WEB_THREADS above 1); sync workers close each.
keepalive = 5

# A worker is replaced after about ten thousand requests, so slow memory growth cannot build up;
# not more often: each new worker builds its app again (about 3 s of CPU).
max_requests = 10000
max_requests_jitter = 1000

# Not preloaded: each worker builds its own app, its own database connections and its own
# import thread pool, none of which survive a fork.
preload_app = False

# Only nginx, on this server, may say which scheme the client used (X-Forwarded-Proto).
# The client's address is the app's business: TRUSTED_PROXY_HOPS and Werkzeug's ProxyFix.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")

# Both logs go to standard output, that is to the journal under systemd.
accesslog = "-"
errorlog = "-"
loglevel = "info"
# The client as nginx saw it (X-Forwarded-For), the request id when the app sent one, and the
# duration in milliseconds (%(M)s), so a slow page can be found from the access log alone.
access_log_format = (
    '%({x-forwarded-for}i)s %(l)s %(u)s %(t)s "%(r)s" %(s)s %(b)s "%(f)s" "%(a)s" '
    "%(M)sms request_id=%({x-request-id}o)s"
)


# The cyclic garbage collector's thresholds in a worker: a young collection every 20,000 objects
# (700 by default), an older one every 20, the oldest every 50 (10 and 10). A page allocates tens
# of thousands of objects that its end frees by reference counting: with the defaults the
# collector ran several times a page and took 0.50 ms of it, 0.15 ms with these
# (bench/request_cost.py, PostgreSQL, 200,000 employers).
COLLECTOR_THRESHOLDS = (20_000, 20, 50)


def post_worker_init(worker):
    """The worker's app is built: its modules, models, routes and settings live as long as the
    worker. Frozen out of the garbage collector's generations, they are no longer walked by each
    of its collections, which then see only what requests allocate, and less often
    (``COLLECTOR_THRESHOLDS``; bench/request_cost.py)."""
    gc.freeze()
    gc.set_threshold(*COLLECTOR_THRESHOLDS)


def child_exit(server, worker):
    """Drop a dead worker's live figures from the shared metrics (prometheus-client multiprocess mode)."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)

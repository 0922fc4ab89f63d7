"""The job queue: long jobs (imports, exports, monthly reports, webhook deliveries) run by worker
processes, never by a web worker.

- ``models``: ``queued_jobs``, one row per job, claimed with ``FOR UPDATE SKIP LOCKED``;
- ``queue``: ``enqueue`` (in the caller's transaction), the handlers by kind (``@handler``),
  ``claim`` and ``run_one``;
- ``cli``: ``flask jobs work``, the worker (deploy/systemd/relais-worker@.service).

A shared module: it imports no domain. A domain registers its handlers with ``@handler("kind")``
in the module that enqueues them, which create_app imports.
"""

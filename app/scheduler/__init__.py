"""The periodic jobs, and how exactly one scheduler runs them.

- ``registry``: the ONE list of jobs, each pointing to its domain's tasks function;
- ``runner``: each run recorded in ``job_runs``, the catch-up, the admins' "run now" queue and
  the APScheduler process;
- ``locks``: the database lock that lets one scheduler process run the jobs;
- ``cli``: ``flask scheduler run``.

The scheduler imports the domains' tasks; no task imports the scheduler.
"""

"""Watching the application run: request ids and logs, unhandled errors recorded and told to the
admins, readiness checks and Prometheus metrics."""

from flask import Blueprint

bp = Blueprint("monitoring", __name__, template_folder="templates")

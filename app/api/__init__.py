"""The REST API for the operators' and partners' systems: /api/v1/, JSON, OAuth 2 client credentials."""

from flask import Blueprint

bp = Blueprint("api", __name__, url_prefix="/api/v1", template_folder="templates")

from flask import Blueprint

bp = Blueprint("referential", __name__, template_folder="templates")

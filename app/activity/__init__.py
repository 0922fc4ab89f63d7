from flask import Blueprint

bp = Blueprint("activity", __name__, template_folder="templates")

from flask import Blueprint

bp = Blueprint("committees", __name__, template_folder="templates")

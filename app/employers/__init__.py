from flask import Blueprint

bp = Blueprint("employers", __name__, template_folder="templates")

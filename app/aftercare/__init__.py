"""After the hire and the employer's own voice: retention checks, satisfaction surveys, the
e-mail that introduces an employer's privileged contact (docs/RULES.md, rules 10 to 12)."""

from flask import Blueprint

bp = Blueprint("aftercare", __name__, template_folder="templates")

"""The API's interactive documentation: Swagger UI, served from app/static/vendor (no CDN), reading
/api/v1/openapi.json. It documents, holds no data and needs no token: it is public."""

from flask import render_template

from app.api import bp


@bp.get("/docs")
def docs():
    return render_template("api/docs.html")

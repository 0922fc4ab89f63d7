from flask import jsonify, request

from app.referential import bp
from app.referential.job_titles import search_job_titles


@bp.route("/referentiel/metiers")
def job_titles():
    """The job titles matching ?q=, for the need form's combobox (app/static/js/job-combobox.js)."""
    titles = search_job_titles(request.args.get("q", ""))
    return jsonify(
        {"results": [{"code": title.code, "label": title.label, "rome_code": title.rome_code} for title in titles]}
    )

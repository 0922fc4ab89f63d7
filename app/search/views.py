"""/recherche: what the header's search box finds, grouped by kind; the recently opened employers when empty."""

from flask import render_template, request
from flask_login import current_user

from app.auth.access import is_allowed
from app.replica import replica_reads
from app.search import bp
from app.search.queries import MAX_QUERY_LENGTH, recent_employers, search_everything
from app.timeutils import today_paris


@bp.route("/recherche")
@replica_reads
def results():
    # Cut before anything reads it: a 10,000-character query is a mistake, not a search.
    text = request.args.get("q", "")[:MAX_QUERY_LENGTH].replace("\x00", "").strip()
    groups = search_everything(current_user, text, today_paris())
    recent = (
        recent_employers(current_user)
        if not groups and not text and is_allowed("employers.detail", current_user.role)
        else []
    )
    return render_template("search/results.html", text=text, groups=groups, recent=recent)

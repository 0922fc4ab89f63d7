import ipaddress

from flask import Response, abort, current_app, render_template, request
from prometheus_client import CONTENT_TYPE_LATEST

from app.converters import database_int
from app.monitoring import bp
from app.monitoring.metrics import exposition
from app.monitoring.queries import error_reports_query
from app.pagination import paginate


@bp.route("/administration/erreurs")
def error_reports():
    page = paginate(error_reports_query(), request.args.get("page", type=database_int))
    return render_template("monitoring/error_reports.html", page=page)


def metrics_allowed(address: str | None) -> bool:
    """Whether the caller may read the metrics: public (no login, for the scraper), but only from
    the addresses of METRICS_ALLOWED_IPS. Behind nginx, ProxyFix has put the client's address in
    remote_addr: a request from outside, whatever its headers, is not 127.0.0.1."""
    try:
        caller = ipaddress.ip_address(address or "")
    except ValueError:
        return False
    allowed = current_app.config["METRICS_ALLOWED_IPS"]
    return any(
        caller in ipaddress.ip_network(network.strip(), strict=False)
        for network in allowed.split(",")
        if network.strip()
    )


@bp.route("/metrics")
def metrics():
    if not metrics_allowed(request.remote_addr):
        abort(403)
    return Response(exposition(), content_type=CONTENT_TYPE_LATEST)

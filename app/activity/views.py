from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from app.activity import bp
from app.activity.enums import Channel
from app.activity.forms import InteractionForm, PostponeForm
from app.activity.models import FollowUp
from app.activity.queries import PORTFOLIO_SORTS, get_own_follow_up, my_follow_ups, my_portfolio
from app.activity.services import ContactLog, log_interaction, mark_follow_up_done, postpone_follow_up
from app.converters import database_int
from app.employers.queries import get_visible_employer
from app.forms import Refusal
from app.main.pages import render_employer_page
from app.pagination import paginate
from app.timeutils import today_paris
from app.transactions import refusal_shown
from app.urls import safe_next_url


@bp.route("/entreprises/<siret>/echanges", methods=["POST"])
def log_contact(siret: str):
    employer = get_visible_employer(current_user, siret)
    if employer is None:
        abort(404)
    form = InteractionForm()
    form.prepare(employer, today_paris())
    if form.validate():
        log = ContactLog(
            occurred_on=form.occurred_on.data,
            channel=Channel(form.channel.data),
            subject=form.subject.data,
            summary=form.summary.data or "",
            outcome=form.outcome.data or "",
            contact_id=form.contact_id.data,
            next_follow_up_on=form.next_follow_up_on.data,
            next_follow_up_title=form.next_follow_up_title.data or "",
        )
        with refusal_shown(form) as outcome:
            log_interaction(current_user, employer, log)
        if not outcome.refused:
            flash("L'échange a été enregistré.", "success")
            return redirect(url_for("employers.detail", siret=employer.url_key))
    # The employer page again, with the refused form.
    return render_employer_page(employer, form), 400


@bp.route("/relances")
def follow_ups():
    return _render_follow_ups()


def _render_follow_ups(refused: Refusal | None = None, status: int = 200):
    upcoming = request.args.get("a_venir") == "1"
    page = paginate(my_follow_ups(current_user, today_paris(), upcoming), request.args.get("page", type=database_int))
    return render_template(
        "activity/follow_ups.html",
        page=page,
        today=today_paris(),
        upcoming=upcoming,
        form=PostponeForm(formdata=None),
        refused=refused,
    ), status


def _follow_up_or_404() -> FollowUp:
    """The user's own follow-up named by the form (ids travel in the body, not the URL)."""
    follow_up_id = request.form.get("follow_up_id", type=database_int)
    if follow_up_id is None:
        abort(400)
    follow_up = get_own_follow_up(current_user, follow_up_id)
    if follow_up is None:
        abort(404)
    return follow_up


def _list_with_error(message: str, status: int):
    return _render_follow_ups(Refusal(message), status)


def _back_to_list():
    return redirect(safe_next_url(request.form.get("next"), url_for("activity.follow_ups")))


@bp.route("/relances/faite", methods=["POST"])
def follow_up_done():
    follow_up = _follow_up_or_404()
    refused = Refusal()
    with refusal_shown(refused) as outcome:
        mark_follow_up_done(current_user, follow_up)
    if outcome.refused:
        return _render_follow_ups(refused, 409)
    flash(f"Relance « {follow_up.title} » faite.", "success")
    return _back_to_list()


@bp.route("/relances/reporter", methods=["POST"])
def follow_up_postpone():
    follow_up = _follow_up_or_404()
    form = PostponeForm()
    if not form.validate():
        return _list_with_error("Le report doit être de 1 à 365 jours.", 400)
    refused = Refusal()
    with refusal_shown(refused) as outcome:
        postpone_follow_up(current_user, follow_up, form.days.data)
    if outcome.refused:
        return _render_follow_ups(refused, 409)
    flash(f"Relance reportée au {follow_up.due_on:%d/%m/%Y}.", "success")
    return _back_to_list()


@bp.route("/portefeuille")
def portfolio():
    sort = request.args.get("tri", "name")
    if sort not in PORTFOLIO_SORTS:
        sort = "name"
    page = paginate(my_portfolio(current_user, sort), request.args.get("page", type=database_int), scalars=False)
    return render_template("activity/portfolio.html", page=page, sort=sort, sorts=PORTFOLIO_SORTS)

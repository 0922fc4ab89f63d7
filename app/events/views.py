from datetime import UTC, date, datetime

from flask import Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from app.auth.queries import get_visible_basin, visible_basins
from app.confirmation import ask_confirmation, confirmed
from app.converters import database_int
from app.employers.queries import get_visible_employer
from app.events import bp
from app.events.enums import EventKind, EventStatus
from app.events.exports import results_rows
from app.events.forms import EventForm, ParticipantForm, ParticipantNeedsForm, ResultsForm
from app.events.ical import calendar_of
from app.events.inclusion import event_hires, event_public_hires, record_event_public_hires
from app.events.models import Event, EventParticipant
from app.events.queries import (
    events_in_period,
    events_list,
    feed_events,
    filtered_events,
    get_visible_event,
    month_calendar,
    participant_need_choices,
)
from app.events.services import (
    EventConflict,
    EventError,
    add_participant,
    basin_for_feed_token,
    create_event,
    feed_token,
    record_results,
    remove_participant,
    rotate_feed,
    update_event,
    update_participant,
)
from app.formatting import plural
from app.forms import Refusal
from app.hostile_input import bounded_date
from app.needs.enums import TargetPublic
from app.needs.forms import PublicHiresForm
from app.pagination import paginate
from app.referential.models import Operator
from app.referential.queries import active_operators
from app.spreadsheets import spreadsheet_response
from app.timeutils import PARIS, to_paris, today_paris, utcnow
from app.transactions import refusal_shown


def _event_or_404(event_id: int) -> Event:
    return get_visible_event(current_user, event_id) or abort(404)


def _status_for(error: EventError) -> int:
    return 409 if isinstance(error, EventConflict) else 400


# --- Calendar ------------------------------------------------------------------------


def _month_arg() -> date:
    value = request.args.get("mois", "")
    try:
        year, month = (int(part) for part in value.split("-"))
        first_day = date(year, month, 1)
    except (ValueError, OverflowError):  # a year past the C integers overflows, before any range check
        return today_paris().replace(day=1)
    return bounded_date(first_day)


@bp.route("/evenements")
def index():
    basin_ids = [basin_id for basin_id in request.args.getlist("bassin", type=database_int) if basin_id]
    kind = request.args.get("type", "")
    status = request.args.get("statut", "")
    query = filtered_events(
        current_user,
        basin_ids,
        EventKind(kind) if kind in EventKind._value2member_map_ else None,
        EventStatus(status) if status in EventStatus._value2member_map_ else None,
    )
    basin_id = basin_ids[0] if len(basin_ids) == 1 else None
    filters = {"basins": visible_basins(current_user), "basin_id": basin_id, "kind": kind, "kinds": EventKind}
    if request.args.get("vue") == "mois":
        return render_template("events/month.html", calendar=month_calendar(query, _month_arg()), **filters)
    start, end = _date_arg("du"), _date_arg("au")
    if start and end:
        # A period (the dashboard's drill-down): its events, in date order.
        page = paginate(events_in_period(query, start, end), request.args.get("page", type=database_int))
        return render_template("events/index.html", page=page, past=None, period=(start, end), **filters)
    past = request.args.get("periode") == "passes"
    page = paginate(events_list(query, past=past, now=utcnow()), request.args.get("page", type=database_int))
    return render_template("events/index.html", page=page, past=past, period=None, **filters)


def _date_arg(name: str) -> date | None:
    try:
        day = date.fromisoformat(request.args.get(name, ""))
    except ValueError:
        return None
    return bounded_date(day)


# --- Organising ----------------------------------------------------------------------


def _event_form(event: Event | None = None) -> tuple[EventForm, list[Operator]]:
    """The event's form, and the operators it offers."""
    form = EventForm(obj=event)
    basins = [event.basin] if event else visible_basins(current_user)
    form.basin_id.choices = [(basin.id, basin.name) for basin in basins]
    operators = active_operators([basin.id for basin in basins])
    form.operator_ids.choices = [(operator.id, operator.name) for operator in operators]
    if request.method == "GET" and event is not None:
        starts, ends = to_paris(event.starts_at), to_paris(event.ends_at)
        form.day.data, form.start_time.data, form.end_time.data = starts.date(), starts.time(), ends.time()
        form.operator_ids.data = [operator.id for operator in event.operators]
        form.kind.data, form.status.data = event.kind.value, event.status.value
        form.target_public.data = event.target_public.value
        form.version.data = str(event.version)
    return form, operators


def _event_fields(form: EventForm, operators: list[Operator]) -> dict:
    chosen_ids = set(form.operator_ids.data or [])
    starts_at = datetime.combine(form.day.data, form.start_time.data, tzinfo=PARIS).astimezone(UTC)
    ends_at = datetime.combine(form.day.data, form.end_time.data, tzinfo=PARIS).astimezone(UTC)
    return {
        "kind": EventKind(form.kind.data),
        "title": form.title.data,
        "starts_at": starts_at,
        "ends_at": ends_at,
        "place": form.place.data,
        "capacity": form.capacity.data,
        "target_public": TargetPublic(form.target_public.data),
        "operators": [operator for operator in operators if operator.id in chosen_ids],
        "partner_names": form.partner_names.data or "",
        "description": form.description.data or "",
        "candidates_expected": form.candidates_expected.data,
    }


@bp.route("/evenements/nouveau", methods=["GET", "POST"])
def new():
    form, operators = _event_form()
    if form.validate_on_submit():
        with refusal_shown(form) as outcome:
            event = create_event(
                basin=get_visible_basin(current_user, form.basin_id.data),
                author=current_user,
                **_event_fields(form, operators),
            )
        if not outcome.refused:
            flash("Événement créé. Ajoutez les entreprises participantes.", "success")
            return redirect(url_for("events.detail", event_id=event.id))
    status = 400 if form.errors or form.form_errors else 200
    return render_template("events/form.html", form=form, event=None), status


@bp.route("/evenements/<int:event_id>/modifier", methods=["GET", "POST"])
def edit(event_id: int):
    event = _event_or_404(event_id)
    form, operators = _event_form(event)
    status = 200
    if form.validate_on_submit():
        with refusal_shown(form) as outcome:
            update_event(
                event,
                expected_version=form.expected_version(),
                status=EventStatus(form.status.data),
                **_event_fields(form, operators),
            )
        if outcome.refused:
            status = _status_for(outcome.error)
        else:
            flash("Événement enregistré.", "success")
            return redirect(url_for("events.detail", event_id=event.id))
    if form.errors:
        status = 400
    return render_template("events/form.html", form=form, event=event), status


def _render_detail(event: Event, status: int = 200, refused: Refusal | None = None):
    return render_template(
        "events/detail.html", event=event, participant_form=ParticipantForm(), now=utcnow(), refused=refused
    ), status


@bp.route("/evenements/<int:event_id>")
def detail(event_id: int):
    return _render_detail(_event_or_404(event_id))


# --- Participants --------------------------------------------------------------------


@bp.route("/evenements/<int:event_id>/participants", methods=["POST"])
def add_employer(event_id: int):
    event = _event_or_404(event_id)
    form = ParticipantForm()
    if not form.validate_on_submit():
        return _render_detail(
            event, 400, Refusal("Indiquez le SIRET de l'entreprise participante, ou la référence de sa fiche.")
        )
    employer = get_visible_employer(current_user, form.employer.data)
    if employer is None:
        message = f"Aucune entreprise de vos bassins n'a le SIRET ou la référence « {form.employer.data} »."
        return _render_detail(event, 400, Refusal(message))
    refused = Refusal()
    with refusal_shown(refused) as outcome:
        participant = add_participant(event, employer, needs=[])
    if outcome.refused:
        return _render_detail(event, 409, refused)
    flash(f"{employer.display_name} participe. Indiquez les besoins qu'elle apporte.", "success")
    return redirect(url_for("events.participant", event_id=event.id, participant_id=participant.id))


def _participant_or_404(event: Event, participant_id: int) -> EventParticipant:
    for participant in event.participants:
        if participant.id == participant_id:
            return participant
    abort(404)


@bp.route("/evenements/<int:event_id>/participants/<int:participant_id>", methods=["GET", "POST"])
def participant(event_id: int, participant_id: int):
    event = _event_or_404(event_id)
    participant = _participant_or_404(event, participant_id)
    linked_ids = {link.need_id for link in participant.needs}
    choosable = participant_need_choices(participant)
    form = ParticipantNeedsForm()
    form.need_ids.choices = [
        (
            need.id,
            f"{need.title} — {plural(need.positions - need.positions_filled, 'poste ouvert', 'postes ouverts')} sur {need.positions}",
        )
        for need in choosable
    ]
    status = 200
    if request.method == "GET":
        form.need_ids.data = sorted(linked_ids)
        # A participant just added (no need, no position) gets the default: the needs' open positions.
        if participant.needs or participant.positions_offered:
            form.positions_offered.data = participant.positions_offered
    elif form.validate_on_submit():
        chosen = [need for need in choosable if need.id in set(form.need_ids.data or [])]
        with refusal_shown(form) as outcome:
            update_participant(participant, needs=chosen, positions_offered=form.positions_offered.data)
        if outcome.refused:
            status = 409
        else:
            flash(f"{participant.employer.display_name} : besoins et postes enregistrés.", "success")
            return redirect(url_for("events.detail", event_id=event.id))
    else:
        status = 400
    return render_template("events/participant.html", event=event, participant=participant, form=form), status


@bp.route("/evenements/<int:event_id>/participants/<int:participant_id>/retirer", methods=["POST"])
def remove_employer(event_id: int, participant_id: int):
    event = _event_or_404(event_id)
    participant = _participant_or_404(event, participant_id)
    if not confirmed():
        return ask_confirmation(
            title=f"Retirer {participant.employer.display_name} de l'événement",
            consequences=(
                f"{participant.employer.display_name} ne participera plus à « {event.title} » ; "
                "ses besoins apportés et ses résultats à l'événement seront effacés."
            ),
            action_label="Retirer de l'événement",
            cancel_url=url_for("events.detail", event_id=event.id),
        )
    refused = Refusal()
    with refusal_shown(refused) as outcome:
        remove_participant(event, participant)
    if outcome.refused:
        return _render_detail(event, 409, refused)
    flash(f"{participant.employer.display_name} ne participe plus.", "success")
    return redirect(url_for("events.detail", event_id=event.id))


# --- Results -------------------------------------------------------------------------


def _render_results(
    event: Event,
    form: ResultsForm,
    entered: dict | None = None,
    status: int = 200,
    public_hires_form: PublicHiresForm | None = None,
):
    counted = event_public_hires(event)
    return render_template(
        "events/results.html",
        event=event,
        form=form,
        entered=entered or {},
        started=event.starts_at <= utcnow(),
        event_hires=event_hires(event),
        public_hires=counted,
        public_hires_form=public_hires_form
        or PublicHiresForm(formdata=None, prefix="public-hires", data={p.value: n for p, n in counted.items()}),
    ), status


@bp.route("/evenements/<int:event_id>/resultats")
def results(event_id: int):
    event = _event_or_404(event_id)
    form = ResultsForm(candidates_attended=event.candidates_attended, version=str(event.version))
    return _render_results(event, form)


def _parse_results(event: Event) -> tuple[dict[int, tuple[int, int]], dict, list[str]]:
    results, entered, errors = {}, {}, []
    for participant in event.participants:
        values = []
        for name in ("interviews", "hires"):
            raw = request.form.get(f"{name}_{participant.id}", "0").strip() or "0"
            entered[f"{name}_{participant.id}"] = raw
            try:
                values.append(int(raw))
            except ValueError:
                errors.append(f"{participant.employer.display_name} : « {raw} » n'est pas un nombre.")
                values.append(0)
        results[participant.id] = (values[0], values[1])
    return results, entered, errors


@bp.route("/evenements/<int:event_id>/resultats/saisir", methods=["POST"])
def record(event_id: int):
    event = _event_or_404(event_id)
    form = ResultsForm()
    results, entered, errors = _parse_results(event)
    if not form.validate_on_submit() or errors:
        form.form_errors.extend(errors)
        return _render_results(event, form, entered, 400)
    with refusal_shown(form) as outcome:
        record_results(
            event,
            candidates_attended=form.candidates_attended.data,
            results=results,
            author=current_user,
            expected_version=form.expected_version(),
        )
    if outcome.refused:
        return _render_results(event, form, entered, _status_for(outcome.error))
    flash("Résultats enregistrés ; les postes pourvus des besoins liés sont à jour.", "success")
    return redirect(url_for("events.results", event_id=event.id))


@bp.route("/evenements/<int:event_id>/resultats/publics", methods=["POST"])
def public_hires(event_id: int):
    """Of the event's hires, how many per public (app/events/inclusion.py)."""
    event = _event_or_404(event_id)
    form = PublicHiresForm(prefix="public-hires")
    if form.validate_on_submit():
        with refusal_shown(form) as outcome:
            record_event_public_hires(event, form.hires())
        if not outcome.refused:
            flash("Les recrutements par public sont enregistrés.", "success")
            return redirect(url_for("events.results", event_id=event.id))
    return _render_results(
        event,
        ResultsForm(formdata=None, candidates_attended=event.candidates_attended, version=str(event.version)),
        status=400,
        public_hires_form=form,
    )


@bp.route("/evenements/<int:event_id>/resultats.csv")
def results_csv(event_id: int):
    event = _event_or_404(event_id)
    return spreadsheet_response(results_rows(event), "csv", f"resultats-evenement-{event.id}.csv", "Résultats")


# --- iCalendar -----------------------------------------------------------------------


def _ics_response(body: bytes, filename: str) -> Response:
    return Response(
        body,
        mimetype="text/calendar",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


@bp.route("/evenements/<int:event_id>.ics")
def event_ics(event_id: int):
    event = _event_or_404(event_id)
    body = calendar_of(
        [event],
        name=event.title,
        url_for_event=lambda e: url_for("events.detail", event_id=e.id, _external=True),
    )
    return _ics_response(body, f"evenement-{event.id}.ics")


@bp.route("/evenements/flux/<token>.ics")
def feed(token: str):
    """Public on purpose: calendar clients cannot log in; the token is the secret."""
    basin = basin_for_feed_token(current_app.secret_key, token[:200])
    if basin is None:
        abort(404)
    body = calendar_of(
        feed_events(basin.id, utcnow()),
        name=f"Événements emploi — {basin.name}",
        url_for_event=lambda e: url_for("events.detail", event_id=e.id, _external=True),
    )
    response = _ics_response(body, f"evenements-{basin.code}.ics")
    response.headers["Cache-Control"] = "private, max-age=900"
    return response


@bp.route("/evenements/abonnement")
def subscriptions():
    feeds = [
        (basin, url_for("events.feed", token=feed_token(current_app.secret_key, basin), _external=True))
        for basin in visible_basins(current_user)
    ]
    return render_template("events/subscriptions.html", feeds=feeds)


@bp.route("/evenements/abonnement/<int:basin_id>/renouveler", methods=["POST"])
def rotate(basin_id: int):
    basin = get_visible_basin(current_user, basin_id) or abort(404)
    rotate_feed(basin, author=current_user)
    flash(f"Nouvelle adresse d'abonnement pour {basin.name} : l'ancienne ne fonctionne plus.", "success")
    return redirect(url_for("events.subscriptions"))

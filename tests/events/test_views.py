from datetime import UTC, datetime, timedelta

import icalendar
import sqlalchemy as sa
from flask import current_app

from app.events.enums import EventStatus
from app.events.models import Event, EventParticipantNeed
from app.events.services import feed_token
from app.extensions import db
from app.needs.enums import NeedStatus
from app.plans.enums import PlanIndicator
from app.plans.queries import indicator_value
from tests.factories import (
    BasinFactory,
    EmployerFactory,
    EventFactory,
    EventParticipantFactory,
    OperatorFactory,
    ProspectionPlanFactory,
    RecruitmentNeedFactory,
    UserFactory,
    seeded_basin,
)

NOW = datetime(2026, 11, 22, 10, 0, tzinfo=UTC)


def _event_form(**overrides):
    data = {
        "kind": "job_dating",
        "title": "Job dating BTP",
        "basin_id": str(seeded_basin().id),
        "day": "2026-12-10",
        "start_time": "09:00",
        "end_time": "12:30",
        "place": "Salle Jacques Brel",
        "capacity": "30",
        "target_public": "all",
        "candidates_expected": "25",
        "partner_names": "CCI\nVille de Saint-Nazaire",
    }
    data.update(overrides)
    return data


def test_organise_a_double_banner_job_dating(client, login, post, travel):
    travel(NOW)
    operators = [OperatorFactory(), OperatorFactory()]
    login(UserFactory(lead=True))
    response = post("/evenements/nouveau", _event_form(operator_ids=[str(o.id) for o in operators]))
    assert response.status_code == 302
    db.session.expire_all()
    event = db.session.scalar(sa.select(Event).where(Event.title == "Job dating BTP"))
    # 09:00 in Paris in December is 08:00 UTC.
    assert event.starts_at == datetime(2026, 12, 10, 8, 0, tzinfo=UTC)
    html = client.get(f"/evenements/{event.id}").get_data(as_text=True)
    for name in [operators[0].name, operators[1].name, "CCI", "Ville de Saint-Nazaire"]:
        assert f"<li>{name}</li>" in html


def test_an_event_over_capacity_is_refused(login, post):
    login(UserFactory())
    response = post("/evenements/nouveau", _event_form(candidates_expected="45"))
    assert response.status_code == 400
    assert "45 candidats attendus dépassent la capacité d&#39;accueil (30 personnes)." in response.get_data(
        as_text=True
    )
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Event)) == 0


def test_results_update_needs_and_feed_the_plan(client, login, post, travel):
    travel(NOW)
    event = EventFactory(starts_at=NOW - timedelta(days=1), capacity=40)
    need = RecruitmentNeedFactory(positions=2, identified_on=(NOW - timedelta(days=30)).date())
    participant = EventParticipantFactory(event=event, employer=need.employer, positions_offered=2)
    login(UserFactory(lead=True))
    assert (
        post(
            f"/evenements/{event.id}/participants/{participant.id}",
            {"need_ids": [str(need.id)], "positions_offered": ""},
        ).status_code
        == 302
    )

    too_many = post(
        f"/evenements/{event.id}/resultats/saisir",
        {"candidates_attended": "20", f"interviews_{participant.id}": "4", f"hires_{participant.id}": "3"},
    )
    assert too_many.status_code == 400
    assert "3 recrutements pour 2 postes proposés" in too_many.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Event, event.id).status is EventStatus.PLANNED

    response = post(
        f"/evenements/{event.id}/resultats/saisir",
        {"candidates_attended": "20", f"interviews_{participant.id}": "4", f"hires_{participant.id}": "2"},
    )
    assert response.status_code == 302
    db.session.expire_all()
    need = db.session.get(type(need), need.id)
    assert (need.positions_filled, need.status) == (2, NeedStatus.FILLED)
    plan = ProspectionPlanFactory(starts_on=(NOW - timedelta(days=40)).date())
    assert indicator_value(plan, PlanIndicator.EVENTS_HELD) == 1
    assert indicator_value(plan, PlanIndicator.EVENT_HIRES) == 2

    csv = client.get(f"/evenements/{event.id}/resultats.csv")
    assert csv.mimetype == "text/csv"
    lines = csv.get_data(as_text=True).lstrip("\ufeff").splitlines()
    assert lines[0].startswith("Événement;Date;Entreprise")
    assert lines[1].endswith(";2;4;2")


def test_attendance_over_capacity_is_refused(login, post, travel):
    travel(NOW)
    event = EventFactory(starts_at=NOW - timedelta(hours=5), capacity=10)
    login(UserFactory())
    response = post(f"/evenements/{event.id}/resultats/saisir", {"candidates_attended": "11"})
    assert response.status_code == 400
    assert "dépassent la capacité" in response.get_data(as_text=True)


def test_the_ics_export_and_the_basin_feed(client, login, travel):
    travel(NOW)
    event = EventFactory(starts_at=NOW + timedelta(days=3))
    other = EventFactory(basin=BasinFactory(), starts_at=NOW + timedelta(days=3))
    login(UserFactory(manager=True))
    response = client.get(f"/evenements/{event.id}.ics")
    assert response.mimetype == "text/calendar"
    [vevent] = icalendar.Calendar.from_ical(response.data).walk("VEVENT")
    assert vevent["SUMMARY"] == f"Job dating : {event.title}"
    assert vevent["DTSTART"].dt == event.starts_at

    anonymous = current_app.test_client()
    token = feed_token(current_app.secret_key, seeded_basin())
    feed = anonymous.get(f"/evenements/flux/{token}.ics")
    assert feed.status_code == 200
    titles = [str(v["SUMMARY"]) for v in icalendar.Calendar.from_ical(feed.data).walk("VEVENT")]
    assert f"Job dating : {event.title}" in titles and f"Job dating : {other.title}" not in titles
    assert anonymous.get(f"/evenements/flux/{token[:-2]}xx.ics").status_code == 404


def test_rotating_the_feed_address_revokes_the_old_one(client, login, post):
    token = feed_token(current_app.secret_key, seeded_basin())
    login(UserFactory(lead=True))
    assert post(f"/evenements/abonnement/{seeded_basin().id}/renouveler").status_code == 302
    assert current_app.test_client().get(f"/evenements/flux/{token}.ics").status_code == 404
    assert post(f"/evenements/abonnement/{BasinFactory().id}/renouveler").status_code == 404


def test_calendar_month_and_list_views(client, login, travel):
    travel(NOW)
    event = EventFactory(starts_at=datetime(2026, 12, 10, 8, tzinfo=UTC), title="Forum de décembre")
    login(UserFactory())
    month = client.get("/evenements?vue=mois&mois=2026-12").get_data(as_text=True)
    assert "Décembre 2026" in month and "Forum de décembre" in month
    assert "Forum de décembre" not in client.get("/evenements?vue=mois&mois=2026-11").get_data(as_text=True)
    assert "Forum de décembre" in client.get("/evenements").get_data(as_text=True)
    assert "Forum de décembre" not in client.get("/evenements?periode=passes").get_data(as_text=True)
    assert client.get("/evenements?vue=mois&mois=n'importe").status_code == 200
    assert event.id


def test_other_basins_get_404_and_spotters_nothing(client, login, post):
    event = EventFactory(basin=BasinFactory())
    login(UserFactory())
    assert client.get(f"/evenements/{event.id}").status_code == 404
    assert client.get(f"/evenements/{event.id}.ics").status_code == 404
    assert post(f"/evenements/{event.id}/participants", {"employer": EmployerFactory().siret}).status_code == 404
    post("/deconnexion")
    login(UserFactory(spotter=True))
    assert client.get("/evenements").status_code == 403
    assert client.get(f"/evenements/{EventFactory().id}").status_code == 403


def test_the_event_page_does_not_query_per_participant(client, login, count_queries):
    event = EventFactory()
    login(UserFactory())

    def queries():
        with count_queries() as statements:
            assert client.get(f"/evenements/{event.id}").status_code == 200
        return len(statements)

    EventParticipantFactory(event=event)
    few = queries()
    for _ in range(10):
        participant = EventParticipantFactory(event=event)
        need = RecruitmentNeedFactory(employer=participant.employer)
        participant.needs.append(EventParticipantNeed(need=need))
    db.session.flush()
    assert queries() == few


def test_the_dashboard_shows_held_events_with_a_drill_down(client, login, travel):
    travel(NOW)
    held = EventFactory(held=True, starts_at=NOW - timedelta(days=3), title="Job dating tenu")
    EventParticipantFactory(event=held, positions_offered=4, interviews=6, hires=3)
    EventFactory(starts_at=NOW - timedelta(days=2), status=EventStatus.CANCELLED, title="Job dating annulé")
    EventFactory(held=True, basin=BasinFactory(), starts_at=NOW - timedelta(days=3))
    login(UserFactory(manager=True))
    html = client.get("/tableau-de-bord").get_data(as_text=True)
    row = html[html.index('data-testid="dashboard-events"') :]
    assert ">1</a></td>\n    <td>1</td>\n    <td>4</td>" in row and ">3</a></td>" in row
    link = row[row.index('href="') + 6 : row.index('"', row.index('href="') + 6)].replace("&amp;", "&")
    listed = client.get(link).get_data(as_text=True)
    assert "Job dating tenu" in listed and "Job dating annulé" not in listed


def test_a_concurrent_change_gets_a_409_not_a_500(login, post, monkeypatch, travel):
    from sqlalchemy.orm.exc import StaleDataError

    from app.events import views

    def concurrent(*args, **kwargs):
        raise StaleDataError("UPDATE statement on table 'events' expected to update 1 row(s); 0 were matched.")

    travel(NOW)
    event = EventFactory(starts_at=NOW - timedelta(hours=5))
    monkeypatch.setattr(views, "record_results", concurrent)
    login(UserFactory())
    response = post(f"/evenements/{event.id}/resultats/saisir", {"candidates_attended": "3"})
    assert response.status_code == 409
    assert "Quelqu&#39;un d&#39;autre vient de modifier" in response.get_data(as_text=True)

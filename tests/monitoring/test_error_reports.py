"""Unhandled errors: counted by cause, one e-mail per cause per hour, a 500 page that tells the truth."""

from datetime import timedelta

import pytest
import sqlalchemy as sa

from app import create_app
from app.extensions import db
from app.main import views as main_views
from app.monitoring.models import ErrorReport
from app.monitoring.tasks import send_error_alerts
from app.notifications.models import OutboxEmail
from app.timeutils import utcnow
from tests.conftest import paris
from tests.factories import UserFactory

PERSONAL_DETAIL = "détail qui pourrait nommer quelqu'un : jean.dupont@example.org"


def fail_with(exception: type[Exception]):
    def failing(*args, **kwargs):
        raise exception(PERSONAL_DETAIL)

    return failing


@pytest.fixture
def admin(login):
    user = UserFactory(admin=True)
    login(user)
    return user


@pytest.fixture
def admin_at(login, travel):
    """An admin logged in at the given instant (a session expires after 30 idle minutes)."""

    def _admin_at(*instant):
        travel(paris(*instant))
        user = UserFactory(admin=True)
        login(user)
        return user

    return _admin_at


def reports() -> list[ErrorReport]:
    db.session.expire_all()
    return db.session.scalars(sa.select(ErrorReport).order_by(ErrorReport.id)).all()


def alerts() -> list[OutboxEmail]:
    return db.session.scalars(
        sa.select(OutboxEmail).where(OutboxEmail.subject.like("Erreur du service%")).order_by(OutboxEmail.id)
    ).all()


def test_the_500_page_gives_the_reference_of_the_recorded_error(client, admin, monkeypatch):
    monkeypatch.setattr(main_views, "home_page", fail_with(RuntimeError))
    response = client.get("/")
    assert response.status_code == 500
    reference = response.headers["X-Request-ID"]
    page = response.get_data(as_text=True)
    assert "L'équipe a été prévenue" not in page
    assert f"indiquez la référence {reference}" in page and "les administrateurs en seront avertis" in page
    [report] = reports()
    assert report.last_request_id == reference and report.occurrences == 1
    assert report.exception_type == "builtins.RuntimeError"
    assert report.location == "app/main/views.py, dans home"
    assert report.route == "GET /"
    # Frames and names only: the exception's message may hold personal data.
    assert "jean.dupont" not in report.traceback and "app/main/views.py" in report.traceback


def test_one_cause_is_one_row_and_one_e_mail_an_hour(client, admin_at, monkeypatch, travel):
    admin = admin_at(2026, 12, 1, 10, 0)
    monkeypatch.setattr(main_views, "home_page", fail_with(RuntimeError))
    assert client.get("/").status_code == 500
    travel(paris(2026, 12, 1, 10, 5))
    assert client.get("/").status_code == 500
    [report] = reports()
    assert report.occurrences == 2
    assert report.first_seen_at == paris(2026, 12, 1, 10, 0) and report.last_seen_at == paris(2026, 12, 1, 10, 5)

    assert send_error_alerts(utcnow()) == {"causes": 1, "courriels": 1}
    [email] = alerts()
    assert email.to_address == admin.email
    assert "2 fois" in email.subject and "RuntimeError" in email.subject
    assert "2 fois depuis le dernier courriel" in email.body_text

    # Within the hour, the same cause again: counted, not e-mailed.
    travel(paris(2026, 12, 1, 10, 30))
    assert client.get("/").status_code == 500
    assert send_error_alerts(utcnow()) == {"causes": 0, "courriels": 0}
    assert len(alerts()) == 1

    # Another cause: its own row and its own e-mail, at once.
    monkeypatch.setattr(main_views, "home_page", fail_with(LookupError))
    assert client.get("/").status_code == 500
    assert [report.occurrences for report in reports()] == [3, 1]
    assert send_error_alerts(utcnow()) == {"causes": 1, "courriels": 1}
    assert "LookupError" in alerts()[-1].subject

    # An hour after its e-mail, the first cause's new occurrence is told, with its count.
    travel(paris(2026, 12, 1, 11, 5))
    assert send_error_alerts(utcnow()) == {"causes": 1, "courriels": 1}
    assert "1 fois" in alerts()[-1].subject and "(3 fois en tout" in alerts()[-1].body_text
    assert send_error_alerts(utcnow() + timedelta(hours=2)) == {"causes": 0, "courriels": 0}


def test_a_database_refusal_that_is_a_bug_is_recorded_too(client, admin, monkeypatch):
    def refused(*args, **kwargs):
        db.session.execute(sa.text("INSERT INTO error_reports (id) VALUES (NULL)"))

    monkeypatch.setattr(main_views, "home_page", refused)
    assert client.get("/").status_code == 500
    [report] = reports()
    assert report.exception_type == "sqlalchemy.exc.IntegrityError"


def test_recording_never_raises_when_the_database_is_down(monkeypatch):
    down = create_app(
        "testing",
        {
            "SQLALCHEMY_DATABASE_URI": "postgresql+psycopg://relais@127.0.0.1:1/relais",
            "SQLALCHEMY_ENGINE_OPTIONS": {"connect_args": {"connect_timeout": 2}},
        },
    )
    monkeypatch.setattr(main_views, "database_is_reachable", fail_with(RuntimeError))
    response = down.test_client().get("/sante")
    assert response.status_code == 500
    page = response.get_data(as_text=True)
    assert "pas pu être enregistrée pour les administrateurs" in page
    assert f"la référence {response.headers['X-Request-ID']}" in page


def test_admins_see_the_causes(client, admin, monkeypatch):
    monkeypatch.setattr(main_views, "home_page", fail_with(RuntimeError))
    reference = client.get("/").headers["X-Request-ID"]
    monkeypatch.undo()
    page = client.get("/administration/erreurs")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "builtins.RuntimeError" in html and reference in html and "Erreurs du service" in html

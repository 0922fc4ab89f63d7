from datetime import date

import sqlalchemy as sa

from app.extensions import db
from app.notifications.mail import deliver_outbox
from app.notifications.services import notify
from app.scheduler.enums import JobRunStatus
from app.scheduler.locks import LeaseLock
from app.scheduler.models import JobRun
from app.scheduler.runner import run_requested_jobs
from app.timeutils import utcnow
from tests.conftest import paris
from tests.factories import FollowUpFactory, OutboxEmailFactory, UserFactory


def test_a_user_turns_the_email_digest_off_and_on(client, login, post):
    adviser = UserFactory()
    login(adviser)
    page = client.get("/compte/preferences")
    assert page.status_code == 200 and "checked" in page.get_data(as_text=True)

    response = post("/compte/preferences", {})
    assert response.status_code == 302
    db.session.expire_all()
    assert adviser.wants_email_digest is False

    post("/compte/preferences", {"wants_email_digest": "y"})
    db.session.expire_all()
    assert adviser.wants_email_digest is True


def test_the_preferences_form_needs_its_csrf_token(client, login):
    adviser = UserFactory()
    login(adviser)
    assert client.post("/compte/preferences", data={}).status_code == 400
    db.session.expire_all()
    assert adviser.wants_email_digest is True


def test_the_in_app_digest_shows_todays_work(client, login, travel):
    travel(paris(2026, 11, 23, 9, 0))
    adviser = UserFactory()
    FollowUpFactory(owner=adviser, due_on=date(2026, 11, 20), title="Rappeler le garage")
    notify(adviser, "contact_logged", "Un collègue a rencontré l'Hôtel du Port.")
    db.session.flush()
    login(adviser)
    html = client.get("/point-du-jour").get_data(as_text=True)
    assert "Rappeler le garage" in html and "en retard" in html
    assert "Hôtel du Port" in html


def test_admins_see_the_jobs_and_run_one_now(client, login, post, travel):
    travel(paris(2026, 11, 23, 9, 0))
    admin = UserFactory(admin=True)
    LeaseLock("serveur-planificateur:42").acquire()
    login(admin)
    html = client.get("/administration/taches").get_data(as_text=True)
    assert "Point du matin des conseillers" in html and "24/11/2026 à 07:30" in html
    assert "serveur-planificateur:42" in html

    assert post("/administration/taches/retention/lancer").status_code == 302
    assert post("/administration/taches/retention/lancer").status_code == 409
    assert post("/administration/taches/inconnue/lancer").status_code == 404
    db.session.expire_all()
    assert run_requested_jobs() == 1
    html = client.get("/administration/taches").get_data(as_text=True)
    assert "Réussie" in html and "0 interlocuteur anonymisé" in html and "anonymises" not in html
    [run] = db.session.scalars(sa.select(JobRun).where(JobRun.job_id == "retention")).all()
    assert run.status is JobRunStatus.SUCCEEDED and run.requested_by_id == admin.id


def test_admins_read_the_file_outbox(client, login, travel):
    travel(paris(2026, 11, 23, 9, 0))
    email = OutboxEmailFactory(subject="Votre point du jour : 2 relances", body_text="Rappeler la boulangerie")
    deliver_outbox(utcnow())
    login(UserFactory(admin=True))
    assert "Votre point du jour : 2 relances" in client.get("/administration/courriels?statut=sent").get_data(
        as_text=True
    )
    assert "Aucun courriel" in client.get("/administration/courriels?statut=failed").get_data(as_text=True)
    html = client.get(f"/administration/courriels/{email.id}").get_data(as_text=True)
    assert "boîte de développement" in html and f"To: {email.to_address}" in html
    assert client.get("/administration/courriels/999999").status_code == 404


def test_only_admins_reach_the_jobs_and_the_outbox(client, login):
    login(UserFactory(manager=True))
    assert client.get("/administration/taches").status_code == 403
    assert client.get("/administration/courriels").status_code == 403

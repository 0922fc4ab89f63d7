from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa

from app.activity.enums import FollowUpStatus
from app.activity.models import FollowUp, Interaction
from app.extensions import db
from app.notifications.models import Notification
from tests.factories import (
    AssignmentFactory,
    BasinFactory,
    EmployerContactFactory,
    EmployerFactory,
    FollowUpFactory,
    InteractionFactory,
    UserFactory,
)

NOW = datetime(2026, 11, 22, 9, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _frozen(travel):
    travel(NOW)


def test_log_contact_creates_follow_up_and_notifies_privileged_contact(client, login, post):
    author, privileged = UserFactory(), UserFactory()
    employer = EmployerFactory()
    contact = EmployerContactFactory(employer=employer)
    AssignmentFactory(employer=employer, adviser=privileged)
    login(author)
    response = post(
        f"/entreprises/{employer.siret}/echanges",
        {
            "occurred_on": "2026-11-22",
            "channel": "visit",
            "subject": "Visite de l'atelier",
            "summary": "Deux postes de soudeur",
            "contact_id": str(contact.id),
            "next_follow_up_on": "2026-12-01",
        },
    )
    assert response.status_code == 302
    db.session.expire_all()
    interaction = db.session.scalar(sa.select(Interaction).where(Interaction.employer_id == employer.id))
    assert interaction.author_id == author.id and interaction.contact_id == contact.id
    follow_up = db.session.scalar(sa.select(FollowUp).where(FollowUp.employer_id == employer.id))
    assert follow_up.owner_id == author.id and follow_up.due_on == date(2026, 12, 1)
    assert db.session.get(type(contact), contact.id).last_contacted_on == date(2026, 11, 22)
    notification = db.session.scalar(sa.select(Notification).where(Notification.recipient_id == privileged.id))
    assert "Visite de l'atelier" in notification.message and notification.link == f"/entreprises/{employer.siret}"


def test_privileged_contact_is_not_notified_of_own_contact(client, login, post):
    privileged = UserFactory()
    employer = EmployerFactory()
    AssignmentFactory(employer=employer, adviser=privileged)
    login(privileged)
    post(
        f"/entreprises/{employer.siret}/echanges", {"occurred_on": "2026-11-22", "channel": "phone", "subject": "Appel"}
    )
    db.session.expire_all()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Notification)) == 0


@pytest.mark.parametrize(
    "data, message",
    [
        ({"occurred_on": "2026-11-30"}, "futur"),
        ({"occurred_on": "2024-01-01"}, "plus d&#39;un an"),
        ({"occurred_on": "pas une date"}, "Date invalide"),
        ({"subject": ""}, "obligatoire"),
        ({"channel": "pigeon"}, "pas un choix valide"),
        ({"next_follow_up_on": "2026-11-01"}, "aujourd&#39;hui ou plus tard"),
    ],
)
def test_log_contact_bad_inputs(client, login, post, data, message):
    employer = EmployerFactory()
    login(UserFactory())
    response = post(
        f"/entreprises/{employer.siret}/echanges",
        {"occurred_on": "2026-11-22", "channel": "phone", "subject": "Appel", **data},
    )
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Interaction)) == 0


def test_log_contact_refuses_a_contact_of_another_employer(client, login, post):
    employer = EmployerFactory()
    stranger = EmployerContactFactory()
    login(UserFactory())
    response = post(
        f"/entreprises/{employer.siret}/echanges",
        {"occurred_on": "2026-11-22", "channel": "phone", "subject": "Appel", "contact_id": str(stranger.id)},
    )
    assert response.status_code == 400


def test_manager_reads_but_cannot_log(client, login, post):
    employer = EmployerFactory()
    login(UserFactory(manager=True))
    assert client.get(f"/entreprises/{employer.siret}").status_code == 200
    assert post(f"/entreprises/{employer.siret}/echanges", {"subject": "x"}).status_code == 403


def test_follow_ups_page_lists_due_and_overdue_only(client, login):
    user = UserFactory()
    FollowUpFactory(owner=user, due_on=date(2026, 11, 20), title="En retard")
    FollowUpFactory(owner=user, due_on=date(2026, 11, 22), title="Du jour")
    FollowUpFactory(owner=user, due_on=date(2026, 12, 5), title="Plus tard")
    FollowUpFactory(title="Pas à moi")
    login(user)
    html = client.get("/relances").get_data(as_text=True)
    assert "En retard" in html and "Du jour" in html
    assert "Plus tard" not in html and "Pas à moi" not in html
    assert "Plus tard" in client.get("/relances?a_venir=1").get_data(as_text=True)


def test_done_and_postpone_in_one_click(client, login, post):
    user = UserFactory()
    done = FollowUpFactory(owner=user, due_on=date(2026, 11, 20))
    later = FollowUpFactory(owner=user, due_on=date(2026, 11, 20))
    login(user)
    assert post("/relances/faite", {"follow_up_id": done.id}).status_code == 302
    assert post("/relances/reporter", {"follow_up_id": later.id, "days": "7"}).status_code == 302
    db.session.expire_all()
    assert db.session.get(FollowUp, done.id).status is FollowUpStatus.DONE
    assert db.session.get(FollowUp, later.id).due_on == date(2026, 11, 29)  # from today, not from the past due date
    # Twice is a conflict, not a crash.
    assert post("/relances/faite", {"follow_up_id": done.id}).status_code == 409


def test_follow_up_actions_bad_inputs(client, login, post):
    user = UserFactory()
    follow_up = FollowUpFactory(owner=user)
    someone_elses = FollowUpFactory()
    login(user)
    assert post("/relances/faite", {}).status_code == 400
    assert post("/relances/faite", {"follow_up_id": someone_elses.id}).status_code == 404
    assert post("/relances/reporter", {"follow_up_id": follow_up.id, "days": "0"}).status_code == 400
    assert post("/relances/reporter", {"follow_up_id": follow_up.id, "days": "abc"}).status_code == 400
    assert client.get("/relances/faite").status_code == 405
    db.session.expire_all()
    assert db.session.get(FollowUp, follow_up.id).due_on == date(2026, 11, 22)


def test_portfolio_lists_my_employers_with_dates_sorted(client, login):
    user = UserFactory()
    contacted = EmployerFactory(name="Contactée")
    AssignmentFactory(employer=contacted, adviser=user)
    InteractionFactory(employer=contacted, occurred_on=date(2026, 10, 3))
    never = EmployerFactory(name="Jamais contactée")
    AssignmentFactory(employer=never, adviser=user)
    FollowUpFactory(employer=never, owner=user, due_on=date(2026, 12, 2))
    AssignmentFactory(employer=EmployerFactory(name="Pas à moi"))
    login(user)
    html = client.get("/portefeuille?tri=last_contact").get_data(as_text=True)
    assert "Pas à moi" not in html
    assert html.index("Jamais contactée") < html.index("Contactée</a>")
    assert "03/10/2026" in html and "02/12/2026" in html
    assert client.get("/portefeuille?tri=n%27importe").status_code == 200


def test_contact_persons_add_edit_oppose(client, login, post):
    employer = EmployerFactory()
    login(UserFactory())
    assert (
        post(
            f"/entreprises/{employer.siret}/interlocuteurs/nouveau", {"last_name": "Durand", "email": "X@Y.FR"}
        ).status_code
        == 302
    )
    db.session.expire_all()
    contact = db.session.get(type(employer), employer.id).contacts[0]
    assert contact.email == "x@y.fr"
    url = f"/entreprises/{employer.siret}/interlocuteurs/{contact.id}"
    assert post(url, {"last_name": "Durand", "email": "pas-un-email"}).status_code == 400
    assert post(url, {"last_name": "Durand", "job_title": "DRH"}).status_code == 302
    assert post(f"{url}/opposition", {"opposed": "1"}).status_code == 302
    db.session.expire_all()
    contact = db.session.get(type(contact), contact.id)
    assert contact.job_title == "DRH" and contact.is_opposed_to_contact


def test_contact_of_another_employer_is_404(client, login, post):
    employer = EmployerFactory()
    other = EmployerContactFactory()
    login(UserFactory())
    assert client.get(f"/entreprises/{employer.siret}/interlocuteurs/{other.id}").status_code == 404
    hidden = EmployerFactory(basin=BasinFactory())
    assert client.get(f"/entreprises/{hidden.siret}/interlocuteurs/nouveau").status_code == 404


def test_employer_page_timeline_merges_history(client, login):
    from tests.factories import RecruitmentNeedFactory

    employer = EmployerFactory()
    InteractionFactory(employer=employer, occurred_on=date(2026, 11, 1), subject="Premier appel")
    RecruitmentNeedFactory(employer=employer, title="Soudeur", identified_on=date(2026, 11, 5))
    AssignmentFactory(employer=employer)
    login(UserFactory())
    html = client.get(f"/entreprises/{employer.siret}").get_data(as_text=True)
    assert 'data-kind="interaction"' in html and 'data-kind="need"' in html and 'data-kind="assignment"' in html
    assert html.index("Soudeur") < html.index("Premier appel")


def test_employer_page_reads_the_needs_once_for_its_list_and_its_timeline(client, login, count_queries):
    from app.employers.queries import timeline
    from app.needs.queries import employer_needs
    from tests.factories import RecruitmentNeedFactory

    employer = EmployerFactory()
    for day in (3, 9, 9, 20):
        RecruitmentNeedFactory(employer=employer, identified_on=date(2026, 10, day))
    RecruitmentNeedFactory(employer=employer, identified_on=date(2026, 10, 12), closed_on=date(2026, 10, 30))
    # The timeline made from the page's list of needs is the one read on its own, in the same order.
    on_its_own = [(entry.kind, entry.record.id) for entry in timeline(employer, limit=4)]
    from_the_list = [
        (entry.kind, entry.record.id) for entry in timeline(employer, limit=4, needs=employer_needs(employer))
    ]
    assert from_the_list == on_its_own
    login(UserFactory())
    client.get(f"/entreprises/{employer.siret}")
    with count_queries() as statements:
        assert client.get(f"/entreprises/{employer.siret}").status_code == 200
    assert len([s for s in statements if s.lstrip().startswith("SELECT recruitment_needs.id")]) == 1


def test_notifications_page_and_mark_read(client, login, post):
    from app.notifications.services import notify

    user = UserFactory()
    mine = notify(user, "interaction_logged", "Un collègue a appelé", link="/relances")
    theirs = notify(UserFactory(), "interaction_logged", "Pas pour moi")
    db.session.flush()
    login(user)
    html = client.get("/notifications").get_data(as_text=True)
    assert "Un collègue a appelé" in html and "Pas pour moi" not in html
    assert post("/notifications/lue", {"notification_id": theirs.id}).status_code == 404
    assert post("/notifications/lue", {}).status_code == 400
    response = post("/notifications/lue", {"notification_id": mine.id, "open": "1"})
    assert response.headers["Location"] == "/relances"
    db.session.expire_all()
    assert db.session.get(Notification, mine.id).read_at is not None
    assert db.session.get(Notification, theirs.id).read_at is None

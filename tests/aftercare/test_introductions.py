"""The e-mail that introduces an employer's privileged contact, and its line in the timeline."""

import html

import sqlalchemy as sa

from app.aftercare.models import EmployerIntroduction
from app.assignments.services import assign_privileged_contact, decide_handover, request_handover
from app.employers.queries import timeline
from app.extensions import db
from app.notifications.models import OutboxEmail
from app.timeutils import utcnow
from tests.factories import EmployerContactFactory, EmployerFactory, OperatorFactory, UserFactory


def _emails() -> list[OutboxEmail]:
    return list(db.session.scalars(sa.select(OutboxEmail).order_by(OutboxEmail.id)))


def _adviser(operator: str | None = None, **kwargs):
    return UserFactory(operator=OperatorFactory(**({"name": operator} if operator else {})), **kwargs)


def test_a_new_privileged_contact_is_introduced_by_name_operator_phone_and_email():
    employer = EmployerFactory(name="Garage Durand")
    EmployerContactFactory(employer=employer, first_name="Sophie", last_name="Durand", email="sophie@garage-durand.fr")
    adviser = _adviser(
        operator="Mission locale de l'estuaire",
        full_name="Karim Benali",
        email="karim.benali@ml-estuaire.fr",
        phone="02 40 00 00 01",
    )
    lead = UserFactory(lead=True)
    assignment = assign_privileged_contact(employer=employer, adviser=adviser, assigned_by=lead)
    db.session.flush()
    [email] = [email for email in _emails() if email.to_address == "sophie@garage-durand.fr"]
    assert email.recipient_id is None
    assert email.subject == "Votre interlocuteur privilégié : Karim Benali"
    for text in (email.body_text, html.unescape(email.body_html)):
        for expected in (
            "Bonjour Sophie Durand",
            "Karim Benali",
            "Mission locale de l'estuaire",
            "karim.benali@ml-estuaire.fr",
            "02 40 00 00 01",
            "Garage Durand",
        ):
            assert expected in text, expected
    [introduction] = db.session.scalars(sa.select(EmployerIntroduction))
    assert (introduction.assignment_id, introduction.employer_id) == (assignment.id, employer.id)
    [entry] = [entry for entry in timeline(employer) if entry.kind == "introduction"]
    assert entry.record == introduction


def test_a_handover_introduces_the_next_contact(travel):
    employer = EmployerFactory()
    EmployerContactFactory(employer=employer, email="rh@employeur.fr")
    lead = UserFactory(lead=True)
    first = assign_privileged_contact(employer=employer, adviser=_adviser(full_name="Première"), assigned_by=lead)
    request = request_handover(employer=employer, requested_by=first.adviser, reason="Changement de secteur")
    decide_handover(request, decided_by=lead, approve=True, new_adviser=_adviser(full_name="Seconde", phone=None))
    db.session.flush()
    emails = [email for email in _emails() if email.to_address == "rh@employeur.fr"]
    assert [email.subject for email in emails] == [
        "Votre interlocuteur privilégié : Première",
        "Votre interlocuteur privilégié : Seconde",
    ]
    assert "Téléphone : non communiqué" in emails[1].body_text


def test_nobody_to_introduce_to_sends_nothing():
    employer = EmployerFactory()
    EmployerContactFactory(employer=employer, email="opposee@employeur.fr", is_opposed_to_contact=True)
    EmployerContactFactory(employer=employer, email="anonyme@employeur.fr", anonymised_at=utcnow())
    EmployerContactFactory(employer=employer, email=None)
    assign_privileged_contact(employer=employer, adviser=_adviser(), assigned_by=UserFactory(lead=True))
    db.session.flush()
    addresses = {email.to_address for email in _emails()}
    assert not addresses & {"opposee@employeur.fr", "anonyme@employeur.fr"}
    assert db.session.scalar(sa.select(sa.func.count()).select_from(EmployerIntroduction)) == 0
    assert [entry for entry in timeline(employer) if entry.kind == "introduction"] == []

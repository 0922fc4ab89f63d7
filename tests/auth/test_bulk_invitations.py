import io

import sqlalchemy as sa

from app.auth.models import User
from app.extensions import db
from app.notifications.models import OutboxEmail
from tests.factories import BasinFactory, OperatorFactory, UserFactory, seeded_basin

URL = "/administration/utilisateurs/invitations"


def _upload(post, text: str, name="invitations.csv"):
    return post(URL, {"file": (io.BytesIO(text.encode("utf-8")), name)}, content_type="multipart/form-data")


def _emails():
    return set(db.session.scalars(sa.select(User.email)))


def test_bulk_invitation_reports_each_line(client, login, post):
    basin = seeded_basin()
    operator = OperatorFactory(name="France Travail Cholet")
    login(UserFactory(admin=True))
    UserFactory(email="deja@exemple.fr")
    csv_text = (
        "nom;e-mail;opérateur;rôle;bassins\n"
        f"Alice Martin;Alice.Martin@exemple.fr;{operator.name};conseiller;{basin.code}\n"
        f"Bruno Petit;bruno@exemple.fr;france travail cholet;Pilote de task force;{basin.name}\n"
        f"Déjà Là;deja@exemple.fr;{operator.name};conseiller;{basin.code}\n"
        f"Sans Adresse;pas-une-adresse;{operator.name};conseiller;{basin.code}\n"
        f"Rôle Inconnu;role@exemple.fr;{operator.name};stagiaire;{basin.code}\n"
        f"Bassin Inconnu;bassin@exemple.fr;{operator.name};conseiller;9999\n"
        f"Opérateur Inconnu;operateur@exemple.fr;Nulle Part;conseiller;{basin.code}\n"
    )
    response = _upload(post, csv_text)
    assert response.status_code == 200
    text = response.get_data(as_text=True)
    assert "2 invitations envoyées, 5 lignes refusées" in text
    assert "Un compte existe déjà avec cette adresse e-mail." in text
    assert "Adresse e-mail invalide" in text
    assert "Rôle inconnu" in text
    assert "Bassin inconnu : 9999" in text
    assert "Opérateur inconnu : Nulle Part" in text
    assert {"alice.martin@exemple.fr", "bruno@exemple.fr"} <= _emails()
    assert not {"role@exemple.fr", "bassin@exemple.fr", "operateur@exemple.fr"} & _emails()
    recipients = set(db.session.scalars(sa.select(OutboxEmail.to_address)))
    assert recipients == {"alice.martin@exemple.fr", "bruno@exemple.fr"}


def test_a_lead_bulk_invites_advisers_of_their_basin_only(client, login, post):
    basin = seeded_basin()
    other = BasinFactory()
    operator = OperatorFactory()
    login(UserFactory(lead=True, basins=[basin]))
    csv_text = (
        f"A;a@exemple.fr;{operator.name};conseiller;{basin.code}\n"
        f"B;b@exemple.fr;{operator.name};conseiller;{other.code}\n"
        f"C;c@exemple.fr;{operator.name};administrateur;\n"
    )
    text = _upload(post, csv_text).get_data(as_text=True)
    assert "1 invitation envoyée, 2 lignes refusées" in text
    assert "a@exemple.fr" in _emails()
    assert not {"b@exemple.fr", "c@exemple.fr"} & _emails()


def test_an_unreadable_file_is_refused(client, login, post):
    login(UserFactory(admin=True))
    response = _upload(post, "x", name="invitations.pdf")
    assert response.status_code == 400
    assert "Format non pris en charge" in response.get_data(as_text=True)

"""flask api clients create | rotate | revoke: the secret shown once, then usable for a token."""

import re

from app.referential.enums import OperatorKind
from tests.factories import seeded_operator


def _token_status(client, client_id: str, secret: str) -> int:
    return client.post("/api/v1/token", data={"grant_type": "client_credentials"}, auth=(client_id, secret)).status_code


def test_create_rotate_revoke(app, client):
    runner = app.test_cli_runner()
    operator = seeded_operator(OperatorKind.FRANCE_TRAVAIL)
    created = runner.invoke(
        args=["api", "clients", "create", "--name", "SI de test", "--operator", str(operator.id)]
        + ["--basin", "5219", "--scope", "write"]
    )
    assert created.exit_code == 0, created.output
    client_id = re.search(r"Identifiant du client : (\S+)", created.output).group(1)
    secret = re.search(r"Secret : (\S+)", created.output).group(1)
    assert _token_status(client, client_id, secret) == 200

    rotated = runner.invoke(args=["api", "clients", "rotate", client_id])
    assert rotated.exit_code == 0, rotated.output
    new_secret = re.search(r"Secret : (\S+)", rotated.output).group(1)
    assert _token_status(client, client_id, secret) == 401
    assert _token_status(client, client_id, new_secret) == 200

    assert runner.invoke(args=["api", "clients", "revoke", client_id]).exit_code == 0
    assert _token_status(client, client_id, new_secret) == 401


def test_unknown_basin_or_operator_is_refused_in_french(app):
    runner = app.test_cli_runner()
    bad_basin = runner.invoke(
        args=["api", "clients", "create", "--name", "X", "--operator", "1", "--basin", "0000", "--scope", "read"]
    )
    assert bad_basin.exit_code != 0 and "Bassin(s) inconnu(s) : 0000" in bad_basin.output
    bad_operator = runner.invoke(
        args=["api", "clients", "create", "--name", "X", "--operator", "999999", "--basin", "5219", "--scope", "read"]
    )
    assert bad_operator.exit_code != 0 and "opérateur" in bad_operator.output

"""The API against its own OpenAPI document: Schemathesis generates requests for every operation.

Authenticated as a write client of the pilot basin (5219), with employers there, so that reads
find something and writes go through the services. Every check Schemathesis has: no server
error, responses that conform to the schema, documented status codes and content types,
refusal of data the schema forbids, the token required. 100 examples per operation, derandomised
(the same examples on every run), no deadline (a shared machine).
"""

import pytest
import schemathesis
from hypothesis import HealthCheck, settings

from app.api.enums import ApiScope
from app.api.openapi import openapi_document
from app.api.services import issue_token
from app.extensions import limiter
from tests.factories import EmployerFactory, api_credentials, seeded_basin


@pytest.fixture
def bearer(db_connection):
    """A write client's token, with employers of its basin to read."""
    credentials = api_credentials(ApiScope.WRITE)
    for siret in ("35600000000048", "73282932000074"):
        EmployerFactory(siret=siret, basin=seeded_basin())
    return {"Authorization": f"Bearer {issue_token(credentials.client).value}"}


@pytest.fixture
def no_rate_limit():
    # 100 examples per operation exceed the per-minute limits, which tests/api/test_conventions.py checks.
    limiter.enabled = False
    yield
    limiter.enabled = True


# The document the app serves at /api/v1/openapi.json (built without a request). Loaded here rather
# than from a fixture: Schemathesis's lazy fixture loading does not run under pytest 9.
# Where "schema-valid" data may still be refused with a 400, and why:
# - a cursor is opaque: the document cannot say which strings are cursors the API gave, and a
#   forged one is refused;
# - a write goes through the pages' services, whose business rules (a contact dated more than a
#   year ago, a contact person of another employer…) no schema can state: their French refusal is
#   a 400, as the pages' is a form error;
# - an If-Match the client made up is stale (412) and a blank one is none (428): only a reading gives
#   the ETag.
ACCEPTING = {
    "positive_data_acceptance": {
        "expected-statuses": ["2xx", "3xx", "400", "401", "403", "404", "409", "412", "428", "429"]
    },
    # A write without If-Match is answered 428 Precondition Required (RFC 6585), the status made for it,
    # unless the client may not make that write at all (403) or the record is not one it sees (404).
    "missing_required_header": {"expected-statuses": ["400", "401", "403", "404", "406", "428"]},
}
CONFIG = schemathesis.Config.from_dict(
    {
        "operations": [
            {"include-path": "/employers", "include-method": "GET", "checks": ACCEPTING},
            *({"include-method": method, "checks": ACCEPTING} for method in ("POST", "PUT", "PATCH", "DELETE")),
        ]
    }
)
schema = schemathesis.openapi.from_dict(openapi_document(), config=CONFIG)


@schema.parametrize()
@settings(
    max_examples=100,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.filter_too_much],
)
def test_api_conforms_to_its_openapi_document(case, app, bearer, no_rate_limit):
    case.call_and_validate(headers=bearer, app=app)


def test_api_workflows_hold_together(app, bearer, no_rate_limit):
    """Stateful: the links Schemathesis infers (a listed employer's SIRET read, its privileged contact,
    a contact logged with it) are followed in sequences of calls, each response checked."""

    class Workflow(schema.as_state_machine()):
        def get_call_kwargs(self, case):
            return {"app": app, "headers": bearer}

    Workflow.run(
        settings=settings(
            max_examples=100,
            derandomize=True,
            deadline=None,
            stateful_step_count=6,
            suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
        )
    )

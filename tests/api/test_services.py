"""GET and POST /api/v1/employers/<siret>/services: the employer page's rules, the write scope, the basins."""

import sqlalchemy as sa

from app.api.enums import ApiScope
from app.extensions import db
from app.needs.enums import MobilisationStatus
from app.needs.models import ServiceMobilisation
from app.timeutils import today_paris
from tests.factories import (
    BasinFactory,
    EmployerFactory,
    RecruitmentNeedFactory,
    ServiceMobilisationFactory,
    api_credentials,
    seeded_service_type,
)


def _mobilisations(employer) -> list[ServiceMobilisation]:
    return list(
        db.session.scalars(sa.select(ServiceMobilisation).where(ServiceMobilisation.employer_id == employer.id))
    )


def test_a_write_client_mobilises_a_poe_on_a_need_and_reads_it_back(client, token_for):
    need = RecruitmentNeedFactory()
    employer = need.employer
    headers = token_for(api_credentials(ApiScope.WRITE))
    url = f"/api/v1/employers/{employer.siret}/services"
    today = today_paris().isoformat()
    payload = {
        "service": "poec",
        "need_id": need.id,
        "status": "delivered",
        "delivered_on": today,
        "people": 8,
        "hires": 6,
    }
    response = client.post(url, json=payload, headers=headers)
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert (body["service"], body["need_id"], body["status"], body["hires"]) == ("poec", need.id, "delivered", 6)
    [mobilisation] = _mobilisations(employer)
    assert (mobilisation.status, mobilisation.people) == (MobilisationStatus.DELIVERED, 8)
    listed = client.get(url, headers=headers).get_json()["items"]
    assert [item["id"] for item in listed] == [mobilisation.id]


def test_bad_inputs_are_problems_in_french_and_write_nothing(client, token_for):
    employer = EmployerFactory()
    headers = token_for(api_credentials(ApiScope.WRITE))
    url = f"/api/v1/employers/{employer.siret}/services"
    other_need = RecruitmentNeedFactory()
    for payload, detail in [
        ({"service": "poec", "people": 2, "hires": 3}, "ne peuvent pas dépasser"),
        ({"service": "inconnu"}, "Service inconnu"),
        ({"service": "poec", "need_id": other_need.id}, "n'est pas celui de cette entreprise"),
        ({"service": "poec", "status": "perdu"}, "paramètres"),
        ({"service": "poec", "status": "delivered"}, "date de réalisation"),
    ]:
        response = client.post(url, json=payload, headers=headers)
        assert response.status_code == 400, payload
        assert response.mimetype == "application/problem+json"
        assert detail in response.get_json()["detail"], response.get_json()
    assert _mobilisations(employer) == []


def test_a_read_client_reads_but_cannot_mobilise(client, token_for):
    employer = EmployerFactory()
    ServiceMobilisationFactory(employer=employer, service_type=seeded_service_type("pcrh"))
    headers = token_for(api_credentials(ApiScope.READ))
    url = f"/api/v1/employers/{employer.siret}/services"
    assert [item["service"] for item in client.get(url, headers=headers).get_json()["items"]] == ["pcrh"]
    assert client.post(url, json={"service": "mrs"}, headers=headers).status_code == 403
    assert len(_mobilisations(employer)) == 1


def test_another_basins_employer_is_404(client, token_for):
    employer = EmployerFactory(basin=BasinFactory())
    headers = token_for(api_credentials(ApiScope.WRITE))
    url = f"/api/v1/employers/{employer.siret}/services"
    assert client.get(url, headers=headers).status_code == 404
    assert client.post(url, json={"service": "mrs"}, headers=headers).status_code == 404
    assert _mobilisations(employer) == []


def test_the_openapi_document_describes_the_services(client):
    document = client.get("/api/v1/openapi.json").get_json()
    assert set(document["paths"]["/employers/{siret}/services"]) == {"get", "post"}
    assert "ServiceMobilisationInput" in document["components"]["schemas"]

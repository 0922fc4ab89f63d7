"""The employers' resources: basin scoping, cursor pagination, updated_since, ETag, the privileged contact."""

from datetime import timedelta

import pytest

from app.api.enums import ApiScope
from app.timeutils import utcnow
from tests.factories import AssignmentFactory, BasinFactory, EmployerFactory, api_credentials


@pytest.fixture
def basin():
    return BasinFactory()


def test_a_client_lists_only_its_basins_employers(client, token_for, basin):
    mine = EmployerFactory(basin=basin)
    other = EmployerFactory(basin=BasinFactory())
    headers = token_for(api_credentials(ApiScope.READ, basins=[basin]))
    sirets = [item["siret"] for item in client.get("/api/v1/employers", headers=headers).get_json()["items"]]
    assert mine.siret in sirets
    assert other.siret not in sirets
    by_siret = client.get(f"/api/v1/employers?siret={other.siret}", headers=headers).get_json()
    assert by_siret["items"] == []


def test_another_basins_employer_is_not_found(client, token_for, basin):
    other = EmployerFactory(basin=BasinFactory())
    headers = token_for(api_credentials(ApiScope.READ, basins=[basin]))
    for url in (f"/api/v1/employers/{other.siret}", f"/api/v1/employers/{other.siret}/privileged-contact"):
        response = client.get(url, headers=headers)
        assert response.status_code == 404
        assert response.mimetype == "application/problem+json"


def test_the_cursor_walks_250_employers_100_at_a_time(client, token_for, basin):
    employers = EmployerFactory.create_batch(250, basin=basin)
    headers = token_for(api_credentials(ApiScope.READ, basins=[basin]))
    seen, sizes, url = [], [], "/api/v1/employers"
    while url:
        page = client.get(url, headers=headers).get_json()
        sizes.append(len(page["items"]))
        seen += [item["siret"] for item in page["items"]]
        url = f"/api/v1/employers?cursor={page['next_cursor']}" if page["next_cursor"] else None
    assert sizes == [100, 100, 50]
    assert seen == [employer.siret for employer in sorted(employers, key=lambda employer: employer.id)]


def test_filters_by_name_commune_and_updated_since(client, token_for, basin, travel):
    travel(utcnow() - timedelta(days=10))
    old = EmployerFactory(basin=basin, name="Chantiers de l'Atlantique", commune_insee="44184")
    travel(utcnow() + timedelta(days=10))
    recent = EmployerFactory(basin=basin, name="Boulangerie Martin", commune_insee="44132")
    headers = token_for(api_credentials(ApiScope.READ, basins=[basin]))

    def sirets(query):
        response = client.get(f"/api/v1/employers?{query}", headers=headers)
        assert response.status_code == 200, response.get_json()
        return {item["siret"] for item in response.get_json()["items"]}

    assert sirets("q=atlantique") == {old.siret}
    assert sirets("commune=44132") == {recent.siret}
    since = (utcnow() - timedelta(days=1)).isoformat()
    assert sirets(f"updated_since={since.replace('+', '%2B')}") == {recent.siret}


def test_an_employer_reads_with_an_etag(client, token_for, basin):
    employer = EmployerFactory(basin=basin)
    headers = token_for(api_credentials(ApiScope.READ, basins=[basin]))
    response = client.get(f"/api/v1/employers/{employer.siret}", headers=headers)
    assert response.status_code == 200
    assert response.get_json()["name"] == employer.name
    assert response.get_json()["basin"]["code"] == basin.code
    etag = response.headers["ETag"]
    assert etag.startswith('"')
    unchanged = client.get(f"/api/v1/employers/{employer.siret}", headers={**headers, "If-None-Match": etag})
    assert unchanged.status_code == 304


def test_the_privileged_contact(client, token_for):
    employer = EmployerFactory()
    headers = token_for(api_credentials(ApiScope.READ))
    body = client.get(f"/api/v1/employers/{employer.siret}/privileged-contact", headers=headers).get_json()
    assert body["has_privileged_contact"] is False
    assignment = AssignmentFactory(employer=employer)
    body = client.get(f"/api/v1/employers/{employer.siret}/privileged-contact", headers=headers).get_json()
    assert body["has_privileged_contact"] is True
    assert body["adviser_name"] == assignment.adviser.full_name
    assert body["operator"] == assignment.operator.name


def test_an_employer_without_siret_is_read_by_its_reference(client, token_for, basin):
    employer = EmployerFactory(basin=basin, siret=None, name="Chez Lulu")
    headers = token_for(api_credentials(ApiScope.READ, basins=[basin]))
    listed = client.get("/api/v1/employers?q=chez lulu", headers=headers).get_json()["items"]
    assert [(item["reference"], item["siret"]) for item in listed] == [(f"n{employer.id}", None)]
    for url in (f"/api/v1/employers/n{employer.id}", f"/api/v1/employers/n{employer.id}/privileged-contact"):
        assert client.get(url, headers=headers).status_code == 200, url


def _statements_of(client, count_queries, url: str, headers: dict) -> list[str]:
    client.get(url, headers=headers)  # the token's client, once read, is not the point
    with count_queries() as statements:
        assert client.get(url, headers=headers).status_code == 200
    return statements


def test_a_page_of_100_employers_costs_the_same_statements_as_a_page_of_3(client, token_for, count_queries):
    basins = [BasinFactory(), BasinFactory()]
    headers = token_for(api_credentials(ApiScope.READ, basins=basins))
    EmployerFactory.create_batch(3, basin=basins[0])
    few = _statements_of(client, count_queries, "/api/v1/employers", headers)
    for index in range(120):
        EmployerFactory(basin=basins[index % 2])
    many = _statements_of(client, count_queries, "/api/v1/employers", headers)
    assert len(many) == len(few)


def test_an_employer_and_its_privileged_contact_are_read_without_what_they_do_not_show(
    client, token_for, count_queries
):
    employer = EmployerFactory()
    AssignmentFactory(employer=employer)
    headers = token_for(api_credentials(ApiScope.READ, basins=[employer.basin]))
    read = _statements_of(client, count_queries, f"/api/v1/employers/{employer.siret}", headers)
    assert not [s for s in read if "employer_contacts" in s or "employer_tags" in s]
    contact = _statements_of(client, count_queries, f"/api/v1/employers/{employer.siret}/privileged-contact", headers)
    # The assignment brings its adviser and operator in the same statement.
    assert len(contact) == len(read) + 1

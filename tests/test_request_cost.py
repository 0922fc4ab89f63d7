"""What every page costs beyond its own queries: the user is read once, never again after the commit."""

from tests.factories import UserFactory


def test_a_page_reads_the_user_once_and_forbids_caching(client, login, count_queries):
    login(UserFactory())
    with count_queries() as statements:
        response = client.get("/entreprises")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    user_reads = [s for s in statements if s.lstrip().startswith("SELECT users.id") and "FROM users" in s]
    assert len(user_reads) == 1, user_reads


def test_an_anonymous_page_may_be_cached(client):
    response = client.get("/connexion")
    assert response.status_code == 200
    assert "Cache-Control" not in response.headers

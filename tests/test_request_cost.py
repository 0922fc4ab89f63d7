"""What every page costs beyond its own queries: the user is read once, with the bell's count, never
again after the commit."""

from tests.factories import UserFactory


def test_a_page_reads_the_user_once_and_forbids_caching(client, login, count_queries):
    login(UserFactory())
    with count_queries() as statements:
        response = client.get("/entreprises")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    user_reads = [s for s in statements if "users.session_token" in s and "FROM users" in s]
    assert len(user_reads) == 1, user_reads
    # The bell's unread count is read in that same statement, not in one of its own.
    assert "FROM notifications" in user_reads[0]
    assert not [s for s in statements if "FROM notifications" in s and s not in user_reads]


def test_an_anonymous_page_may_be_cached(client):
    response = client.get("/connexion")
    assert response.status_code == 200
    assert "Cache-Control" not in response.headers

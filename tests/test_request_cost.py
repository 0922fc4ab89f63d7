"""What every page costs beyond its own queries: the user is read once, with the bell's count, never
again after the commit."""

from app.auth.enums import Role
from tests.factories import BasinFactory, UserFactory


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
    # Its basins come without their département and région: two joins less to plan on every page.
    assert "departements" not in user_reads[0] and "regions" not in user_reads[0], user_reads[0]
    # Nor are they read on their own later: the list names the basins only.
    assert not [s for s in statements if "FROM departements" in s or "FROM regions" in s]


def test_the_dashboard_reads_the_basins_territories_in_one_statement(client, login, count_queries):
    basins = [BasinFactory(departement_code=code) for code in ("44", "49", "85")]
    login(UserFactory(role=Role.MANAGER, basins=basins))
    with count_queries() as statements:
        response = client.get("/tableau-de-bord")
    assert response.status_code == 200
    assert "Département" in response.get_data(as_text=True)
    # Not a lazy read of each basin's département and région (one statement each).
    territory_reads = [s for s in statements if "departements" in s or "regions" in s]
    assert len(territory_reads) == 1, territory_reads


def test_an_anonymous_page_may_be_cached(client):
    response = client.get("/connexion")
    assert response.status_code == 200
    assert "Cache-Control" not in response.headers

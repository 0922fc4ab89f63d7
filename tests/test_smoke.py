from tests.factories import EmployerFactory, UserFactory


def test_home_requires_login(client):
    response = client.get("/")
    assert response.status_code == 302
    assert "/connexion" in response.headers["Location"]


def test_adviser_logs_in_and_sees_home(client, login):
    user = UserFactory()
    EmployerFactory()
    login(user)
    response = client.get("/")
    assert response.status_code == 200
    assert user.full_name in response.get_data(as_text=True)

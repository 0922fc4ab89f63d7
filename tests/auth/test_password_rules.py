import pytest

from app.auth.services import AuthError, check_password_strength
from tests.conftest import TEST_PASSWORD


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("Court-1!", "au moins 12 caractères"),
        ("qwerty123456", "trop courant"),
        ("1Q2W3E4R5T6Y", "trop courant"),
        ("x" * 129, "128 caractères"),
    ],
)
def test_short_long_and_common_passwords_are_refused(app, password, message):
    with pytest.raises(AuthError, match=message):
        check_password_strength(password)


@pytest.mark.parametrize("password", ["Relais-Demo-2026!", TEST_PASSWORD, "une phrase de passe assez longue"])
def test_the_demo_and_test_passwords_pass(app, password):
    check_password_strength(password)


def test_a_change_to_a_common_password_is_refused(client, login, post):
    from tests.factories import UserFactory

    login(UserFactory())
    response = post(
        "/compte/mot-de-passe",
        {"current_password": TEST_PASSWORD, "new_password": "qwerty123456", "confirm_password": "qwerty123456"},
    )
    assert response.status_code == 400
    assert "trop courant" in response.get_data(as_text=True)

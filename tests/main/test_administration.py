"""The administration entry page: each role sees the set-up pages it may open, and the menu leads there."""

import pytest

from tests.factories import UserFactory


def test_an_admin_finds_every_network_page(client, login):
    login(UserFactory(admin=True))
    html = client.get("/administration").get_data(as_text=True)
    for url in ("/administration/operateurs", "/administration/utilisateurs", "/task-forces", "/repereurs"):
        assert f'href="{url}"' in html
    menu = client.get("/").get_data(as_text=True)
    assert 'href="/administration"' in menu and 'href="/administration/operateurs"' in menu


def test_a_manager_sees_only_the_pages_open_to_managers(client, login):
    login(UserFactory(manager=True))
    html = client.get("/administration").get_data(as_text=True)
    assert 'href="/repereurs"' in html and 'href="/task-forces"' in html
    assert "/administration/operateurs" not in html and 'href="/administration/utilisateurs"' not in html


@pytest.mark.parametrize("role", ["spotter", None])
def test_advisers_and_spotters_have_no_administration(client, login, role):
    login(UserFactory(**({role: True} if role else {})))
    assert client.get("/administration").status_code == 403
    assert 'href="/administration"' not in client.get("/").get_data(as_text=True)

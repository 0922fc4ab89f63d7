import pytest

from app.urls import safe_next_url


@pytest.mark.parametrize("target", ["/entreprises", "/besoins?bassin=1", "/relances?a_venir=1#liste"])
def test_a_path_on_this_site_is_followed(target):
    assert safe_next_url(target, "/") == target


@pytest.mark.parametrize(
    "target",
    [None, "", "entreprises", "//evil.example", "/\\evil.example", "https://evil.example/", "/\t/evil.example"],
)
def test_anything_else_falls_back(target):
    assert safe_next_url(target, "/accueil") == "/accueil"

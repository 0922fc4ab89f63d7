"""A new basin set up from scratch in the browser, as on the Monday a pilot starts.

An admin creates the basin of Lannion, gives it the communes of its EPCI, an operator, a task
force and two invited advisers, who choose their passwords from the e-mails; the basin's
shortage list is imported; `flask import-sirene` fills the basin; an adviser records a need by
typing a job title.
"""

import csv
import re
from pathlib import Path

import pytest
import sqlalchemy as sa

from app.assignments.models import TaskForce
from app.auth.models import User
from app.employers.models import Employer
from app.employers.sirene import import_sirene
from app.extensions import db
from app.needs.models import RecruitmentNeed
from app.notifications.models import OutboxEmail
from app.referential.models import Basin, Commune, Operator, ShortageJob
from tests.browser.conftest import _request_lock
from tests.employers.data import ESTABLISHMENTS
from tests.factories import UserFactory, make_siret

pytestmark = pytest.mark.browser

LANNION_TREGOR = "200065928"  # CA Lannion-Trégor Communauté
NEW_PASSWORD = "Trégor-Lannion-2026!"


def _submit(page, field: str) -> None:
    """Submit the form that holds this field."""
    with page.expect_navigation():
        page.locator("form", has=page.locator(field)).locator("button[type=submit]").first.click()
    page.wait_for_load_state("networkidle")  # its assets too: then this test reads the shared connection alone


def _sirene_file(tmp_path) -> tuple[str, list[str]]:
    """Two establishments of Lannion in the SIRENE stock's own columns."""
    with open(ESTABLISHMENTS, encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    sirets = [make_siret(), make_siret()]
    for row, siret, name in zip(rows, sirets, ["CLINIQUE DU TREGOR", "CHAUDRONNERIE DE LANNION"], strict=False):
        row.update(
            siren=siret[:9],
            nic=siret[9:],
            siret=siret,
            codePostalEtablissement="22300",
            libelleCommuneEtablissement="LANNION",
            codeCommuneEtablissement="22113",
            enseigne1Etablissement=name,
        )
    path = tmp_path / "StockEtablissement_lannion.csv"
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows[:2])
    return str(path), sirets


def _invite(page, email: str, name: str) -> None:
    page.goto("/administration/utilisateurs/nouveau")
    page.fill("#email", email)
    page.fill("#full_name", name)
    page.select_option("#role", "adviser")
    page.select_option("#operator_id", label="France Travail Lannion")
    page.locator("#basin_ids").get_by_text("Lannion (5307)", exact=True).click()
    _submit(page, "#email")
    assert "Invitation envoyée" in page.content() or email in page.content()


def _password_link(email: str) -> str:
    body = db.session.scalars(
        sa.select(OutboxEmail.body_text).join(User, User.id == OutboxEmail.recipient_id).where(User.email == email)
    ).one()
    return re.search(r"https?://[^/\s]+(/mot-de-passe/nouveau/[\w-]+)", body).group(1)


def test_an_admin_sets_up_a_new_basin_from_scratch(app, browser_page, browser_login, screenshot, tmp_path):
    page = browser_page
    admin = UserFactory(admin=True)
    browser_login(page, admin)

    # The basin, then the communes of its EPCI.
    page.goto("/administration/bassins")
    page.fill("#code", "5307")
    page.fill("#name", "Lannion")
    page.select_option("#departement", "22")
    _submit(page, "#departement")
    assert "Bassin Lannion créé" in page.content()
    basin = db.session.scalar(sa.select(Basin).where(Basin.code == "5307"))
    assert (basin.departement.name, basin.region.name) == ("Côtes-d'Armor", "Bretagne")
    page.fill("#epci-value", "Lannion-Trégor")
    _submit(page, "#epci-value")
    expected = db.session.scalar(sa.select(sa.func.count()).where(Commune.epci_code == LANNION_TREGOR))
    assert expected > 50
    assert db.session.scalar(sa.select(sa.func.count()).where(Commune.basin_id == basin.id)) == expected
    assert f"{expected} communes ajoutées" in page.content()
    screenshot(page, "new-basin-communes")

    # An operator serving it, and its task force.
    page.goto("/administration/operateurs/nouveau")
    page.fill("#name", "France Travail Lannion")
    page.select_option("#kind", "france_travail")
    page.locator("label", has_text="Lannion (5307)").click()  # DSFR draws the box on the label
    _submit(page, "#kind")
    operator = db.session.scalar(sa.select(Operator).where(Operator.name == "France Travail Lannion"))
    assert [b.code for b in operator.basins] == ["5307"]
    page.goto("/task-forces")
    page.select_option("#basin_id", label="Lannion")
    page.fill("#name", "Task force du Trégor")
    _submit(page, "#basin_id")
    assert db.session.scalar(sa.select(TaskForce.name).where(TaskForce.basin_id == basin.id)) == "Task force du Trégor"

    # Two advisers invited; each chooses a password from the e-mail's link.
    advisers = {"anne.le-goff@exemple.fr": "Anne Le Goff", "yann.kervella@exemple.fr": "Yann Kervella"}
    for email, name in advisers.items():
        _invite(page, email, name)
    page.context.clear_cookies()
    for email in advisers:
        page.goto(_password_link(email))
        page.fill("#new_password", NEW_PASSWORD)
        page.fill("#confirm_password", NEW_PASSWORD)
        with page.expect_navigation():
            page.locator("main button[type=submit]").click()
        page.wait_for_load_state("networkidle")
        page.context.clear_cookies()
        user = db.session.scalar(sa.select(User).where(User.email == email))
        db.session.refresh(user)
        assert user.activated_at is not None and [b.code for b in user.basins] == ["5307"]

    # The shortage list, imported by the admin.
    browser_login(page, admin)
    page.goto(f"/plans/bassins/{basin.id}/metiers-en-tension")
    shortage_csv = tmp_path / "bmo-lannion.csv"
    shortage_csv.write_text("code ROME;part difficile\nJ1501;78,5\nH2902;64\n", encoding="utf-8")
    import_form = page.locator("form[action*='metiers-en-tension/importer']")
    import_form.locator("input[type=file]").set_input_files(str(shortage_csv))
    import_form.locator("input[name$=source]").fill("BMO 2026, bassin de Lannion")
    with page.expect_navigation():
        import_form.locator("button[type=submit]").click()
    page.wait_for_load_state("networkidle")
    codes = set(db.session.scalars(sa.select(ShortageJob.rome_code).where(ShortageJob.basin_id == basin.id)))
    assert codes == {"J1501", "H2902"}

    # SIRENE fills the basin.
    path, sirets = _sirene_file(tmp_path)
    # What `flask import-sirene --basin 5307` runs (the command itself is tested in tests/employers/test_import.py:
    # here its commit would end the savepoint the browser's requests share with this test).
    with _request_lock:  # no request of the browser's on the connection meanwhile
        report = import_sirene("5307", Path(path))
    assert report.created == 2, report
    employer = db.session.scalar(sa.select(Employer).where(Employer.siret == sirets[0]))
    assert employer.basin_id == basin.id

    # An invited adviser records a need by typing a job title.
    page.context.clear_cookies()
    browser_login(page, db.session.scalar(sa.select(User).where(User.email == "anne.le-goff@exemple.fr")), NEW_PASSWORD)
    page.goto(f"/entreprises/{employer.siret}/besoins/nouveau", wait_until="networkidle")
    field = page.locator("#rome_code")
    field.press_sequentially("aide soignant", delay=20)
    page.wait_for_selector("#job-title-listbox [role=option]")
    field.press("ArrowDown")
    field.press("Enter")
    page.fill("#title", "Aide-soignant de nuit")
    page.select_option("#contract", "cdi")
    with page.expect_navigation():
        page.click("button:has-text('Enregistrer')")
    page.wait_for_load_state("networkidle")
    screenshot(page, "new-basin-first-need")
    need = db.session.scalar(sa.select(RecruitmentNeed).where(RecruitmentNeed.employer_id == employer.id))
    assert (need.rome_code, need.basin_id) == ("J1501", basin.id)

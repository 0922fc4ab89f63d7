import re
from pathlib import Path

import pytest
import sqlalchemy as sa
from stdnum.fr import siret

from app.auth.enums import Role
from app.auth.models import User
from app.dashboard.inclusion import engaged_counts, hires_by_public
from app.dashboard.queries import after_hire_figures
from app.dashboard.scopes import quarter_of
from app.dashboard.solutions import solution_figures
from app.dashboard.sourcing import sourcing_by_operator
from app.employers.models import Employer, Tag
from app.extensions import db
from app.referential.enums import HeadcountBand, NafLevel
from app.referential.models import Basin, NafCode, Operator, RomeCode, ShortageJob
from app.timeutils import today_paris
from seeds.demo import build_demo
from seeds.demo.accounts import DEMO_PASSWORD
from seeds.demo.employers import EMPLOYERS_PER_BASIN
from seeds.reference import load_reference


def _count(model, *where):
    return db.session.scalar(sa.select(sa.func.count()).select_from(model).where(*where))


def test_reference_data_is_complete():
    basins = {basin.code: basin for basin in db.session.scalars(sa.select(Basin))}
    assert set(basins) >= {"5219", "5211", "2702"}
    assert "Saint-Nazaire" in {commune.name for commune in basins["5219"].communes}
    assert "Laval" in {commune.name for commune in basins["5211"].communes}
    assert "Auxerre" in {commune.name for commune in basins["2702"].communes}
    assert _count(NafCode, NafCode.level == NafLevel.SECTION) == 21
    assert _count(NafCode, NafCode.level == NafLevel.DIVISION) == 88
    assert _count(RomeCode, sa.func.length(RomeCode.code) == 1) == 14
    for basin in basins.values():
        kinds = {
            operator.kind.value for operator in db.session.scalars(sa.select(Operator)) if basin in operator.basins
        }
        assert kinds == {"france_travail", "mission_locale", "cap_emploi", "apec"}, basin.name


def test_reference_seed_is_idempotent():
    assert set(load_reference().values()) == {0}


def test_reference_seed_keeps_an_admins_commune_edits():
    basin = db.session.scalar(sa.select(Basin).where(Basin.code == "5219"))
    removed = basin.communes.pop()
    db.session.flush()
    load_reference()
    assert removed.insee_code not in {commune.insee_code for commune in basin.communes}


def _assert_every_steering_section_is_filled():
    """The manager's dashboard of each pilot basin, current quarter: every steering section has figures."""
    period = quarter_of(today_paris())
    for basin in db.session.scalars(sa.select(Basin).where(Basin.code.in_(["5219", "5211", "2702"]))):
        solutions = solution_figures([basin.id], period)
        after_hire = after_hire_figures([basin], period).total
        figures = {
            "solutions délivrées": solutions.delivered,
            "embauches sourcées": sum(row.hired for row in sourcing_by_operator([basin.id], period)),
            "embauches par public": sum(row.hires for row in hires_by_public([basin.id], period)),
            "entreprises engagées": engaged_counts([basin.id], period)[""],
            "maintiens renseignés": after_hire.retention_answered,
            "enquêtes envoyées": after_hire.surveys_sent,
            "enquêtes répondues": after_hire.surveys_answered,
        }
        assert all(figures.values()), (basin.name, figures)


def test_demo_data_is_realistic_and_loaded_once():
    counts = build_demo()
    assert counts["entreprises"] == 3 * EMPLOYERS_PER_BASIN
    # Each pilot basin has its own list of métiers en tension, with its source.
    for basin in db.session.scalars(sa.select(Basin)):
        assert _count(ShortageJob, ShortageJob.basin_id == basin.id, ShortageJob.source != "") >= 4, basin.name
    employers = db.session.scalars(sa.select(Employer)).all()
    # A few are entered without SIRET on purpose (probable duplicates to merge).
    with_siret = [employer for employer in employers if employer.siret]
    assert len(with_siret) >= 3 * EMPLOYERS_PER_BASIN
    assert all(siret.is_valid(employer.siret) for employer in with_siret)
    small = {HeadcountBand.NN, HeadcountBand.B00, HeadcountBand.B01, HeadcountBand.B02, HeadcountBand.B03}
    assert sum(employer.headcount_band in small for employer in employers) > 0.6 * len(employers)
    for role in Role:
        assert _count(User, User.role == role) >= 1
    _assert_every_steering_section_is_filled()
    assert build_demo() == {}


def test_demo_seed_is_refused_in_production(app):
    app.config["DEMO_SEED_ALLOWED"] = False
    try:
        result = app.test_cli_runner().invoke(args=["seed", "demo"])
    finally:
        app.config["DEMO_SEED_ALLOWED"] = True
    assert result.exit_code != 0
    assert "interdites en production" in result.output


@pytest.mark.parametrize("command", ["reference"])
def test_seed_command_reports_what_it_did(app, command):
    result = app.test_cli_runner().invoke(args=["seed", command])
    assert result.exit_code == 0
    assert "bassins : 0" in result.output


def test_every_demo_account_of_the_readme_exists_with_the_documented_password(client, post):
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    documented = set(re.findall(r"`([\w.-]+@demo\.relais-entreprises\.fr)`", readme))
    password = re.search(r"Mot de passe de tous les comptes : `([^`]+)`", readme).group(1)
    assert password == DEMO_PASSWORD
    build_demo()
    db.session.commit()
    existing = set(db.session.scalars(sa.select(User.email).where(User.email.like("%@demo.relais-entreprises.fr"))))
    assert documented == existing
    response = post(
        "/connexion", {"email": "conseiller.cap.saint-nazaire@demo.relais-entreprises.fr", "password": password}
    )
    assert response.status_code == 302


def test_reference_seed_keeps_an_admins_tag_rename():
    tag = db.session.scalar(sa.select(Tag).order_by(Tag.id).limit(1))
    tag.label = "Renommée par un admin"
    db.session.flush()
    load_reference()
    assert tag.label == "Renommée par un admin"

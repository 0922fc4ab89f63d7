import csv
import io
import re

import pytest
from openpyxl import load_workbook

from tests.factories import EmployerFactory, UserFactory, seeded_basin

Q3_ARGS = "debut=2026-07-01&fin=2026-09-30"


def _cell(page: str, testid: str) -> str:
    match = re.search(rf'data-testid="{testid}".*?</table>', page, re.S)
    assert match, testid
    return match.group(0)


@pytest.fixture
def manager_of_both(login, dataset):
    user = UserFactory(manager=True, basins=[dataset["basin_a"], dataset["basin_b"]])
    login(user)
    return user


def test_manager_compares_two_basins_side_by_side(client, manager_of_both):
    page = client.get(f"/tableau-de-bord?perimetre=all&{Q3_ARGS}").get_data(as_text=True)
    basins = _cell(page, "basins")
    assert "Saint-Nazaire" in basins and "Laval" in basins
    # French formats (app/formatting.py): a no-break space before % and j, a decimal comma.
    assert "75\xa0%" in basins and "50\xa0%" in basins  # fill rates by needs, A then B
    assert "40\xa0j" in basins and "30\xa0j" in basins  # median time to fill
    headline = re.search(r'data-testid="headline".*?</div>\s*</div>', page, re.S).group(0)
    assert "67\xa0%" in headline and "75\xa0%" in headline and "35\xa0j" in headline and "3,7" in headline
    assert 'id="methode"' in page and "percentile_cont" in page
    assert "vendor/chartjs/chart.umd.min.js" in page and "data-chart=" in page


def test_every_figure_links_to_its_records(client, manager_of_both, dataset):
    page = client.get(f"/tableau-de-bord?perimetre=basin:{dataset['basin_a'].id}&{Q3_ARGS}").get_data(as_text=True)
    links = re.findall(r'href="(/tableau-de-bord/detail\?[^"]+)"', page)
    assert len(links) > 20
    contacted = next(link for link in links if "indicateur=contacted" in link).replace("&amp;", "&")
    listing = client.get(contacted).get_data(as_text=True)
    rows = _cell(listing, "drilldown")
    assert rows.count("<tr>") == 1 + 2  # header + a1, a2
    assert dataset["employers"]["a1"].siret in rows and dataset["employers"]["a3"].siret not in rows


def test_drilldown_restricted_to_one_basin_of_the_scope(client, manager_of_both, dataset):
    url = f"/tableau-de-bord/detail?indicateur=contacted&perimetre=all&{Q3_ARGS}&bassin={dataset['basin_b'].id}"
    rows = _cell(client.get(url).get_data(as_text=True), "drilldown")
    assert dataset["employers"]["b1"].siret in rows and dataset["employers"]["a1"].siret not in rows
    auxerre = seeded_basin("2702").id
    assert client.get(url.replace(f"bassin={dataset['basin_b'].id}", f"bassin={auxerre}")).status_code == 404
    assert client.get(f"/tableau-de-bord/detail?indicateur=nope&{Q3_ARGS}").status_code == 400
    assert client.get(f"/tableau-de-bord/detail?indicateur=contacts&cle=channel:fax&{Q3_ARGS}").status_code == 400
    assert client.get(f"/tableau-de-bord/detail?indicateur=open_over&cle=abc&{Q3_ARGS}").status_code == 400


def test_exports_carry_the_same_figures(client, manager_of_both):
    text = client.get(f"/tableau-de-bord/export.csv?perimetre=all&{Q3_ARGS}").get_data(as_text=True)
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))
    figures = {(row[3], row[5]): row[6] for row in rows[1:]}
    assert figures[("Tout le périmètre", "Taux de pourvoi (postes)")] == "0,75"
    assert figures[("Tout le périmètre", "Délai de pourvoi médian (jours)")] == "35,0"
    assert figures[("Laval", "Postes pourvus")] == "4"
    workbook = load_workbook(io.BytesIO(client.get(f"/tableau-de-bord/export.xlsx?perimetre=all&{Q3_ARGS}").data))
    sheet_rows = [[cell.value for cell in row] for row in workbook.active.iter_rows()]
    assert len(sheet_rows) == len(rows)


def test_bad_period_falls_back_to_the_current_quarter_with_a_message(client, manager_of_both):
    response = client.get("/tableau-de-bord?debut=2026-09-30&fin=2026-07-01")
    assert response.status_code == 200
    assert "La fin de la période précède son début" in response.get_data(as_text=True)
    assert "Date invalide" in client.get("/tableau-de-bord?debut=hier").get_data(as_text=True)


def test_adviser_sees_only_its_basins(client, login, dataset):
    login(UserFactory(basins=[dataset["basin_a"]]))
    page = client.get(f"/tableau-de-bord?{Q3_ARGS}").get_data(as_text=True)
    assert f'value="basin:{dataset["basin_b"].id}"' not in page
    # A scope outside the user's basins is ignored, not widened.
    page = client.get(f"/tableau-de-bord?perimetre=basin:{dataset['basin_b'].id}&{Q3_ARGS}").get_data(as_text=True)
    assert "Bassin de Saint-Nazaire" in page
    rows = _cell(page, "funnel")
    assert re.search(r"Entreprises du périmètre</td><td><a[^>]*>5<", rows)


def test_manager_scopes_are_limited_to_its_basins(client, login, dataset):
    EmployerFactory(basin=seeded_basin("2702"))
    login(UserFactory(manager=True, basins=[dataset["basin_a"], seeded_basin("2702")]))
    page = client.get(f"/tableau-de-bord?{Q3_ARGS}").get_data(as_text=True)
    assert "Région Pays de la Loire" in page and "Département Loire-Atlantique (44)" in page
    assert "Département Yonne (89)" in page and "Région 52" not in page
    assert f'value="basin:{dataset["basin_b"].id}"' not in page
    funnel = _cell(client.get(f"/tableau-de-bord?perimetre=region:52&{Q3_ARGS}").get_data(as_text=True), "funnel")
    assert re.search(r"Entreprises du périmètre</td><td><a[^>]*>5<", funnel)  # Laval (also 52) is not its basin


def test_spotter_sees_no_dashboard(client, login):
    login(UserFactory(spotter=True))
    assert client.get("/tableau-de-bord").status_code == 403
    assert client.get("/tableau-de-bord/detail?indicateur=employers").status_code == 403
    assert client.get("/tableau-de-bord/export.csv").status_code == 403


def test_empty_dashboard_renders(client, login):
    login(UserFactory(manager=True, basins=[seeded_basin("2702")]))
    page = client.get("/tableau-de-bord").get_data(as_text=True)
    assert "Aucun échange." in page and "—" in page


def test_the_scope_names_its_basin_with_the_right_elision(client, login):
    login(UserFactory(manager=True, basins=[seeded_basin("2702")]))

    page = client.get(f"/tableau-de-bord?{Q3_ARGS}").get_data(as_text=True)

    assert "Bassin d&#39;Auxerre" in page and "Bassin de Auxerre" not in page


def test_the_weekly_chart_dates_its_axis_as_day_and_month(client, manager_of_both):
    page = client.get(f"/tableau-de-bord?perimetre=all&{Q3_ARGS}").get_data(as_text=True)

    chart = re.search(r'data-chart-type="line" data-chart=\'([^\']*)\'', page).group(1)
    assert "2026-" not in chart
    assert re.search(r"\d\d/\d\d", chart), chart

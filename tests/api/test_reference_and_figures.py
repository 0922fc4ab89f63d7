"""Reference lists (cacheable, paged) and the dashboard's figures: the same numbers as the page's."""

from datetime import UTC, date, datetime

import sqlalchemy as sa

from app.api.enums import ApiScope
from app.dashboard.queries import figure_rows, scope_figures
from app.dashboard.scopes import Period
from app.extensions import db
from app.needs.enums import NeedStatus
from app.referential.models import NafCode
from tests.factories import EmployerFactory, RecruitmentNeedFactory, api_credentials, seeded_basin

Q3 = Period(date(2026, 7, 1), date(2026, 9, 30))


def test_naf_is_paged_by_code_and_cacheable(client, token_for):
    headers = token_for(api_credentials(ApiScope.READ))
    codes, url = [], "/api/v1/reference/naf"
    while url:
        response = client.get(url, headers=headers)
        assert response.status_code == 200
        assert response.headers["Cache-Control"] == "private, max-age=86400"
        page = response.get_json()
        codes += [item["code"] for item in page["items"]]
        url = f"/api/v1/reference/naf?cursor={page['next_cursor']}" if page["next_cursor"] else None
    assert len(codes) == db.session.scalar(sa.select(sa.func.count()).select_from(NafCode)) == 1728
    assert codes == sorted(codes)
    sub_classes = client.get("/api/v1/reference/naf?level=subclass", headers=headers).get_json()["items"]
    assert (
        len(sub_classes) == 732
        and {"code": "56.10A"}.items() <= next(item for item in sub_classes if item["code"] == "56.10A").items()
    )
    first = client.get("/api/v1/reference/rome", headers=headers)
    assert (
        client.get("/api/v1/reference/rome", headers={**headers, "If-None-Match": first.headers["ETag"]}).status_code
        == 304
    )
    assert "J1501" in {item["code"] for item in first.get_json()["items"]}
    basins = {
        item["code"]: item for item in client.get("/api/v1/reference/basins", headers=headers).get_json()["items"]
    }
    assert basins["5219"]["name"] and basins["5219"]["is_open"] is True
    operators = client.get("/api/v1/reference/operators", headers=headers).get_json()["items"]
    assert {"france_travail", "mission_locale", "cap_emploi", "apec"} <= {item["kind"] for item in operators}
    assert client.get("/api/v1/reference/naf?cursor=%%%", headers=headers).status_code == 400


def _dataset(travel):
    travel(datetime(2026, 11, 22, 10, 0, tzinfo=UTC))
    basin = seeded_basin()
    e1, e2, _ = EmployerFactory.create_batch(3, basin=basin)
    RecruitmentNeedFactory(
        employer=e1, filled=True, identified_on=date(2026, 7, 10), closed_on=date(2026, 8, 1), positions=2
    )
    RecruitmentNeedFactory(
        employer=e2,
        status=NeedStatus.NOT_FILLED,
        identified_on=date(2026, 8, 5),
        closed_on=date(2026, 9, 1),
        closed_reason="Pas de candidat",
    )
    RecruitmentNeedFactory(employer=e2, identified_on=date(2026, 9, 10))
    # Another basin's need counts for nobody here.
    RecruitmentNeedFactory(
        employer=EmployerFactory(basin=seeded_basin("5211")), filled=True, closed_on=date(2026, 8, 1)
    )
    return basin


def test_the_figures_are_the_dashboards(client, token_for, travel):
    basin = _dataset(travel)
    headers = token_for(api_credentials(ApiScope.READ, basins=[basin]))
    response = client.get(f"/api/v1/figures?scope=basin:{basin.id}&start=2026-07-01&end=2026-09-30", headers=headers)
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert (body["basins"], body["start"], body["end"]) == (["5219"], "2026-07-01", "2026-09-30")
    figures = body["figures"]
    # By hand: 3 employers; n1 filled (2 of 2), n2 not filled (0 of 1), n3 still open.
    assert (figures["employers"], figures["needs_active"], figures["needs_decided"]) == (3, 3, 2)
    assert (figures["needs_filled"], figures["needs_not_filled"], figures["positions_filled"]) == (1, 1, 2)
    assert figures["fill_rate_needs"] == 0.5
    assert figures["with_need"] == 2
    # The page's numbers: the dashboard's scope total, and each figure's drill-down.
    page = scope_figures([basin.id], Q3)
    for name in ("employers", "with_need", "followed", "hired", "needs_active", "needs_decided", "needs_filled"):
        assert figures[name] == getattr(page, name), name
        drill_down = figure_rows(name, [basin.id], Q3).subquery()
        assert figures[name] == db.session.scalar(sa.select(sa.func.count(sa.distinct(drill_down.c.record_id)))), name
    assert figures["needs_by_stage"]["identified"] == page.stages[NeedStatus.IDENTIFIED] == 1


def test_figures_stay_within_the_clients_scopes(client, token_for, travel):
    _dataset(travel)
    headers = token_for(api_credentials(ApiScope.READ))
    laval = seeded_basin("5211")
    assert client.get(f"/api/v1/figures?scope=basin:{laval.id}", headers=headers).status_code == 404
    assert client.get("/api/v1/figures?scope=region:99", headers=headers).status_code == 404
    whole = client.get("/api/v1/figures?start=2026-07-01&end=2026-09-30", headers=headers).get_json()
    assert whole["scope"] == "all" and whole["figures"]["needs_filled"] == 1
    reversed_period = client.get("/api/v1/figures?start=2026-09-30&end=2026-07-01", headers=headers)
    assert reversed_period.status_code == 400
    assert "précède" in reversed_period.get_json()["detail"]
    assert client.get("/api/v1/figures?start=2026-02-30", headers=headers).status_code == 400

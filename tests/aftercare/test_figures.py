"""Retention and the employers' voice on the dashboard: hand-computed figures, each equal to its drill-down."""

from datetime import date

import pytest
import sqlalchemy as sa

from app.aftercare.enums import CheckKind, RetentionAnswer
from app.dashboard.queries import after_hire_figures, figure_records, figure_rows
from app.dashboard.scopes import Period
from app.extensions import db
from tests.conftest import paris
from tests.factories import (
    BasinFactory,
    EmployerFactory,
    EmployerSurveyFactory,
    OperatorFactory,
    RecruitmentNeedFactory,
    RetentionCheckFactory,
    seeded_basin,
)

Q3 = Period(date(2026, 7, 1), date(2026, 9, 30))
FIGURE_NAMES = ("retention_answered", "retention_held", "surveys_sent", "surveys_answered", "surveys_recommending")


@pytest.fixture
def world():
    basin_a, basin_b = seeded_basin("5219"), seeded_basin("2702")
    op_a, op_b = OperatorFactory(name="Opérateur A"), OperatorFactory(name="Opérateur B")

    def check(basin, operator, due_on, answer, kind=CheckKind.SIX_MONTHS, positions=2):
        need = RecruitmentNeedFactory(employer=EmployerFactory(basin=basin), filled=True, positions=positions)
        still = {RetentionAnswer.HELD: positions, RetentionAnswer.PARTLY: 1, RetentionAnswer.NOT_HELD: 0}
        return RetentionCheckFactory(
            need=need,
            kind=kind,
            due_on=due_on,
            operator_id=operator.id if operator else None,
            answer=answer,
            still_in_post=still.get(answer),
            answered_at=paris(2026, 10, 2, 9, 0) if answer else None,
        )

    checks = {
        "n1": check(basin_a, op_a, date(2026, 7, 10), RetentionAnswer.HELD),
        "n2": check(basin_a, op_a, date(2026, 8, 1), RetentionAnswer.PARTLY),
        "n3": check(basin_a, op_b, date(2026, 9, 30), RetentionAnswer.NOT_HELD),
        "n4": check(basin_b, op_b, date(2026, 8, 15), RetentionAnswer.HELD),
        "n5": check(basin_a, op_a, date(2026, 10, 1), RetentionAnswer.HELD),  # after the period
        "n6": check(basin_a, op_a, date(2026, 8, 1), None),  # not answered
        "n7": check(basin_a, op_a, date(2026, 8, 1), RetentionAnswer.HELD, kind=CheckKind.TRIAL),  # not six months
        "n8": check(basin_b, None, date(2026, 7, 1), RetentionAnswer.HELD),  # no privileged contact
    }

    def survey(basin, operator, sent_at, score=None, recommend=None):
        need = RecruitmentNeedFactory(employer=EmployerFactory(basin=basin), filled=True)
        answered = {"answered_at": sent_at.replace(day=28), "score": score, "would_recommend": recommend}
        return EmployerSurveyFactory(
            need=need,
            operator_id=operator.id if operator else None,
            sent_at=sent_at,
            **(answered if score else {}),
        )

    surveys = {
        "s1": survey(basin_a, op_a, paris(2026, 7, 1, 0, 30), 5, True),  # 30 June in UTC, 1 July in Paris
        "s2": survey(basin_a, op_a, paris(2026, 9, 30, 23, 30)),
        "s3": survey(basin_a, op_b, paris(2026, 8, 10, 9, 0), 2, False),
        "s4": survey(basin_b, op_b, paris(2026, 8, 10, 9, 0), 4, True),
        "s5": survey(basin_a, op_a, paris(2026, 6, 30, 23, 30), 3, True),  # before the period
        "s6": survey(basin_b, None, paris(2026, 10, 1, 0, 0)),  # after it
    }
    db.session.flush()
    return {"basins": [basin_a, basin_b], "operators": (op_a, op_b), "checks": checks, "surveys": surveys}


def _names(world, name, basin_ids, key="") -> set[str]:
    ids = set(db.session.scalars(sa.select(figure_rows(name, basin_ids, Q3, key).subquery().c.record_id)))
    records = (
        {**{c.need_id: n for n, c in world["checks"].items()}}
        if name.startswith("retention")
        else {s.id: n for n, s in world["surveys"].items()}
    )
    return {records[i] for i in ids}


def test_hand_computed_figures(world):
    result = after_hire_figures(world["basins"], Q3)
    total = result.total
    assert (total.retention_answered, total.retention_held) == (5, 3)
    assert total.retention_rate == pytest.approx(3 / 5)
    assert (total.surveys_sent, total.surveys_answered, total.surveys_recommending, total.score_total) == (4, 3, 2, 11)
    assert total.response_rate == pytest.approx(3 / 4)
    assert total.average_score == pytest.approx(11 / 3)
    assert total.recommend_share == pytest.approx(2 / 3)
    basin_a, basin_b = result.basins
    assert (basin_a.retention_answered, basin_a.retention_held, basin_a.surveys_sent, basin_a.surveys_answered) == (
        3,
        1,
        3,
        2,
    )
    assert (basin_b.retention_answered, basin_b.retention_held, basin_b.surveys_sent, basin_b.surveys_answered) == (
        2,
        2,
        1,
        1,
    )
    by_operator = {row.label: row for row in result.operators}
    assert set(by_operator) == {"Opérateur A", "Opérateur B", "Sans interlocuteur privilégié"}
    a, b, none = by_operator["Opérateur A"], by_operator["Opérateur B"], by_operator["Sans interlocuteur privilégié"]
    assert (a.retention_answered, a.retention_held, a.surveys_sent, a.surveys_answered, a.average_score) == (
        2,
        1,
        2,
        1,
        5,
    )
    assert (b.retention_answered, b.retention_held, b.surveys_sent, b.surveys_answered, b.average_score) == (
        2,
        1,
        2,
        2,
        3,
    )
    assert (none.retention_answered, none.retention_held, none.surveys_sent) == (1, 1, 0)


def test_the_drill_down_lists_exactly_the_rows_counted(world):
    basin_ids = [basin.id for basin in world["basins"]]
    assert _names(world, "retention_answered", basin_ids) == {"n1", "n2", "n3", "n4", "n8"}
    assert _names(world, "retention_held", basin_ids) == {"n1", "n4", "n8"}
    assert _names(world, "surveys_sent", basin_ids) == {"s1", "s2", "s3", "s4"}
    assert _names(world, "surveys_answered", basin_ids) == {"s1", "s3", "s4"}
    assert _names(world, "surveys_recommending", basin_ids) == {"s1", "s4"}
    op_a = world["operators"][0]
    assert _names(world, "retention_held", basin_ids, str(op_a.id)) == {"n1"}
    assert _names(world, "retention_answered", basin_ids, "none") == {"n8"}


def test_each_figure_equals_the_count_of_its_drill_down(world):
    result = after_hire_figures(world["basins"], Q3)
    groups = [(result.total, [b.id for b in world["basins"]], "")]
    groups += [(row, [int(row.key)], "") for row in result.basins]
    groups += [(row, [b.id for b in world["basins"]], row.key) for row in result.operators]
    for figures, basin_ids, key in groups:
        for name in FIGURE_NAMES:
            listed = db.session.scalars(figure_records(name, basin_ids, Q3, key)).unique().all()
            assert len(listed) == getattr(figures, name), (figures.label, name)


def test_another_basin_sees_none_of_it(world):
    result = after_hire_figures([BasinFactory()], Q3)
    assert result.total.retention_answered == 0 and result.total.surveys_sent == 0
    assert result.total.retention_rate is None and result.total.response_rate is None and result.operators == []


def test_the_monthly_report_shows_the_dashboards_figures(world):
    from app.notifications.after_hire_report import after_hire_tables
    from app.notifications.reports import month_figures

    basin_ids = [basin.id for basin in world["basins"]]
    august = month_figures(basin_ids, date(2026, 8, 1))["after_hire"]
    dashboard = after_hire_figures(world["basins"], Period(date(2026, 8, 1), date(2026, 8, 31)))
    # August: n2 (partly), n4 (held) reach six months; s3 and s4 are sent, both answered (2 and 4).
    assert (august["total"]["retention_answered"], august["total"]["retention_held"]) == (2, 1)
    assert (august["total"]["surveys_sent"], august["total"]["surveys_answered"], august["total"]["score_total"]) == (
        2,
        2,
        6,
    )
    assert august["total"]["retention_held"] == dashboard.total.retention_held
    assert august["total"]["surveys_answered"] == dashboard.total.surveys_answered
    tables = {
        title: ([tuple(cell.replace("\xa0", " ") for cell in row) for row in rows], header)
        for title, rows, header in after_hire_tables(august)
    }
    [total_row] = tables["Après l'embauche et avis des employeurs"][0]
    assert total_row == ("Ensemble du périmètre", "50 % (1 / 2)", "100 % (2 / 2)", "3,0 / 5, 50 % recommandent")
    operators = {row[0]: row for row in tables["Par opérateur de l'interlocuteur privilégié"][0]}
    assert operators["Opérateur B"][1:] == ("100 % (1 / 1)", "100 % (2 / 2)", "3,0 / 5, 50 % recommandent")
    assert operators["Opérateur A"][1:3] == ("0 % (0 / 1)", "— (0 / 0)")
    assert after_hire_tables(None) == []  # a report frozen before these figures

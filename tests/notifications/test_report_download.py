"""The monthly report downloaded from its page, as PDF and as standalone HTML."""

import re

from app.notifications.report_pdf import report_pdf
from tests.factories import MonthlyReportFactory, UserFactory

FIGURES = {
    "employers_created": 3,
    "employers_contacted": 1234,
    "interactions": {"Visite": 7, "Téléphone": 5},
    "interactions_total": 12,
    "follow_ups_done": 4,
    "needs_identified": 6,
    "positions_identified": 1,
    "needs_closed": {"Pourvu": 2},
    "needs_filled": 2,
    "positions_filled": 3,
    "fill_rate": 33,
    "days_to_fill": 21,
    "employers_with_contact": 9,
    "events_held": 1,
    "event_candidates": 15,
    "event_hires": 2,
    "plans": [{"title": "Plan hôtellerie", "period": "01/09/2026 – 31/12/2026", "targets": 40, "contacted": 11}],
}


def _report(**kwargs):
    return MonthlyReportFactory(basin_names=["Pays de Morlaix"], figures=FIGURES, **kwargs)


def _cells(html: str) -> list[str]:
    return re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", html)


def test_a_manager_downloads_the_html_with_the_figures_of_the_page(client, login):
    report = _report()
    login(report.manager)
    page = client.get(f"/rapports-mensuels/{report.id}").get_data(as_text=True)
    assert f"/rapports-mensuels/{report.id}/telecharger.pdf" in page
    assert f"/rapports-mensuels/{report.id}/telecharger.html" in page

    response = client.get(f"/rapports-mensuels/{report.id}/telecharger.html")

    assert response.status_code == 200 and response.mimetype == "text/html"
    disposition = response.headers["Content-Disposition"]
    assert disposition == f'attachment; filename="point-avancement-{report.month:%Y-%m}.html"'
    document = response.get_data(as_text=True)
    assert _cells(document) == _cells(page)
    # French formats: a narrow no-break space between thousands, a no-break space before "%".
    assert "<td>1\u202f234</td>" in document and "<td>33\xa0%</td>" in document
    assert "1 poste)" in document and "21 jours" in document and "Plan hôtellerie" in document


def test_a_manager_downloads_the_pdf(client, login):
    report = _report()
    login(report.manager)

    response = client.get(f"/rapports-mensuels/{report.id}/telecharger.pdf")

    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"].startswith("attachment; filename=")
    assert response.data.startswith(b"%PDF-") and response.data.rstrip().endswith(b"%%EOF")


def test_the_pdf_holds_the_basin_and_the_figures_in_french():
    report = _report()

    # Uncompressed, the page's text is readable in the file (fpdf2 writes no-break spaces as spaces).
    text = report_pdf(report, compress=False).decode("latin-1").replace("\xa0", " ")

    assert text.startswith("%PDF-")
    assert "Pays de Morlaix" in text
    assert "(1 234)" in text and "(33 %)" in text and "(21 jours)" in text
    assert "Plan hôtellerie" in text and "01/09/2026 - 31/12/2026" in text


def test_nobody_outside_the_reports_scope_downloads_it(client, login):
    report = _report()
    login(UserFactory(manager=True))  # another manager of the same basin: not their report
    for fmt in ("pdf", "html"):
        assert client.get(f"/rapports-mensuels/{report.id}/telecharger.{fmt}").status_code == 404


def test_an_adviser_may_not_download_a_report(client, login):
    report = _report()
    login(UserFactory())
    assert client.get(f"/rapports-mensuels/{report.id}/telecharger.pdf").status_code == 403


def test_an_admin_downloads_any_report_and_an_unknown_format_is_not_found(client, login):
    report = _report()
    login(UserFactory(admin=True))
    assert client.get(f"/rapports-mensuels/{report.id}/telecharger.pdf").status_code == 200
    assert client.get(f"/rapports-mensuels/{report.id}/telecharger.docx").status_code == 404
    assert client.get(f"/rapports-mensuels/{report.id + 1}/telecharger.pdf").status_code == 404

"""The monthly report as a PDF (fpdf2): the rows of ``reports.report_sections``, as on the page."""

from fpdf import FPDF
from fpdf.fonts import FontFace

from app.formatting import datetime_fr
from app.notifications.models import MonthlyReport
from app.notifications.reports import report_sections, report_title

# The PDF's core font covers Latin-1, which holds French but not these typographic signs.
_LATIN1 = str.maketrans({"\N{NARROW NO-BREAK SPACE}": "\N{NO-BREAK SPACE}", "—": "-", "–": "-", "’": "'", "…": "..."})

# Column widths (mm) of a table by its number of columns: the plans (4), the targets (5).
TABLE_WIDTHS = {4: (70, 50, 35, 35), 5: (50, 50, 40, 25, 25)}


def _latin1(text) -> str:
    return str(text).translate(_LATIN1).encode("latin-1", "replace").decode("latin-1")


def report_pdf(report: MonthlyReport, *, compress: bool = True) -> bytes:
    pdf = FPDF()
    pdf.set_compression(compress)
    pdf.set_title(_latin1(report_title(report)))
    pdf.set_lang("fr")
    pdf.set_creator("Relais Entreprises")
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 15)
    pdf.multi_cell(0, 8, _latin1(report_title(report)), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", size=10)
    basins = ", ".join(report.basin_names)
    label = "Bassins" if len(report.basin_names) > 1 else "Bassin"
    made = f"Établi le {datetime_fr(report.created_at)} pour {report.manager.full_name}."
    pdf.multi_cell(0, 5, _latin1(f"{label} : {basins}. {made}"), new_x="LMARGIN", new_y="NEXT")
    for section in report_sections(report):
        pdf.ln(4)
        pdf.set_font("Helvetica", "B", 12)
        pdf.multi_cell(0, 7, _latin1(section.title), new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("Helvetica", size=10)
        if not section.rows:
            pdf.multi_cell(0, 5, _latin1(section.empty), new_x="LMARGIN", new_y="NEXT")
            continue
        header = bool(section.header)
        widths = TABLE_WIDTHS[len(section.header)] if header else (130, 60)
        with pdf.table(
            col_widths=widths,
            first_row_as_headings=header,
            headings_style=FontFace(emphasis="BOLD"),
            # Text columns first, figures last (right-aligned).
            text_align=tuple("LEFT" if width >= 40 else "RIGHT" for width in widths) if header else ("LEFT", "RIGHT"),
            line_height=6,
        ) as table:
            for row in [section.header, *section.rows] if header else section.rows:
                table.row([_latin1(cell) for cell in row])
    pdf.ln(4)
    pdf.set_font("Helvetica", "I", 8)
    pdf.multi_cell(0, 4, _latin1("Relais Entreprises - réseau pour l'emploi."), new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())

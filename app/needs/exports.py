"""Writing rows for spreadsheets (CSV and XLSX), shared by the needs list and the dashboard."""

import csv
import io

from flask import Response
from openpyxl import Workbook

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def spreadsheet_safe(value):
    """A text that a spreadsheet would run as a formula is prefixed with a quote (CSV injection)."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return "" if value is None else value


def spreadsheet_response(rows, fmt: str, filename: str, sheet_title: str) -> Response:
    """CSV (UTF-8 with a BOM and semicolons, as Excel in French expects) or XLSX."""
    headers = {"Content-Disposition": f'attachment; filename="{filename}"'}
    if fmt == "csv":
        buffer = io.StringIO()
        buffer.write("\ufeff")
        writer = csv.writer(buffer, delimiter=";")
        writer.writerows([spreadsheet_safe(value) for value in row] for row in rows)
        return Response(buffer.getvalue(), mimetype="text/csv; charset=utf-8", headers=headers)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(sheet_title)
    for row in rows:
        sheet.append([spreadsheet_safe(value) for value in row])
    output = io.BytesIO()
    workbook.save(output)
    return Response(output.getvalue(), mimetype=XLSX_MIMETYPE, headers=headers)

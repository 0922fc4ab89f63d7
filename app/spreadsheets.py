"""The one way every export writes its rows: CSV for Excel in French, or XLSX with typed cells.

A row is a sequence of values: text, whole numbers, decimals (a rate is a fraction: 0.75),
dates, or None for an empty cell. The CSV is what Excel in French opens without its import
wizard and reads as numbers and dates: UTF-8 with a BOM, `;` between cells, CRLF line ends,
dates as dd/mm/yyyy and a comma before the decimals. The XLSX holds real number and date
cells. Both neutralise the texts a spreadsheet would run as a formula (CSV injection).
"""

import csv
import io
from collections.abc import Iterable, Iterator, Sequence
from datetime import date
from decimal import Decimal

from flask import Response, stream_with_context
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell

CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
CSV_CHUNK_CHARS = 64 * 1024


def neutralised(text: str) -> str:
    """A text that a spreadsheet would run as a formula, prefixed with a quote to stay a text."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _csv_cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return neutralised(value)
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, float | Decimal):
        return str(value).replace(".", ",")
    return str(value)


class _Echo:
    """A file whose write hands the text back: csv.writer then returns each line it formats."""

    def write(self, text: str) -> str:
        return text


def csv_stream(rows: Iterable[Sequence]) -> Iterator[bytes]:
    """The CSV's bytes, in chunks of about 64 KB, as the rows come: the file is never whole in memory."""
    writer = csv.writer(_Echo(), delimiter=";", lineterminator="\r\n")
    chunk, size = ["\ufeff"], 1
    for row in rows:
        line = writer.writerow([_csv_cell(value) for value in row])
        chunk.append(line)
        size += len(line)
        if size >= CSV_CHUNK_CHARS:
            yield "".join(chunk).encode("utf-8")
            chunk, size = [], 0
    if chunk:
        yield "".join(chunk).encode("utf-8")


def _xlsx_cell(sheet, value):
    if isinstance(value, str):
        return neutralised(value)
    if isinstance(value, date):
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = "DD/MM/YYYY"
        return cell
    return value


def xlsx_bytes(rows: Iterable[Sequence], sheet_title: str) -> bytes:
    """An XLSX workbook of one sheet; identifiers given as text stay text (a SIRET never becomes 1.23E+13)."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(sheet_title)
    for row in rows:
        sheet.append([_xlsx_cell(sheet, value) for value in row])
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


def csv_body(rows: Iterable[Sequence]) -> Iterator[bytes]:
    """The CSV as a response body, streamed; the rows may still query the database while it is sent."""
    return stream_with_context(csv_stream(rows))


def spreadsheet_response(rows: Iterable[Sequence], fmt: str, filename: str, sheet_title: str) -> Response:
    """The rows as a downloaded file: `fmt` is "csv" or "xlsx"."""
    headers = {"Content-Disposition": f'attachment; filename="{filename}"'}
    if fmt == "csv":
        return Response(csv_body(rows), content_type=CSV_CONTENT_TYPE, headers=headers)
    return Response(xlsx_bytes(rows, sheet_title), mimetype=XLSX_MIMETYPE, headers=headers)

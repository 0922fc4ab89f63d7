"""Reading import files: INSEE's CSV (or the single CSV inside a zip) and operators' CSV or XLSX.

Each reader yields (line number, cells) and turns every unreadable file into an
ImportFileError whose French message says why, before anything is written.
"""

import csv
import io
import zipfile
import zlib
from collections.abc import Callable, Iterator
from pathlib import Path

from openpyxl import load_workbook

from app.errors import DomainError


class ImportFileError(DomainError):
    """The file cannot be imported at all; the message says why, in French."""


class _CountingReader(io.RawIOBase):
    """Counts the bytes read, for the progress bar."""

    def __init__(self, raw, on_bytes: Callable[[int], None] | None):
        self._raw = raw
        self._on_bytes = on_bytes

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        data = self._raw.read(len(buffer))
        buffer[: len(data)] = data
        if self._on_bytes and data:
            self._on_bytes(len(data))
        return len(data)


def open_binary(path: Path):
    """The CSV's bytes and size: the file itself, or the single CSV inside a zip."""
    if not path.exists():
        raise ImportFileError(f"Fichier introuvable : {path}")
    if path.suffix.lower() == ".zip":
        try:
            archive = zipfile.ZipFile(path)
            members = [m for m in archive.infolist() if m.filename.lower().endswith(".csv")]
        except (zipfile.BadZipFile, OSError, EOFError):
            raise ImportFileError(f"{path.name} : archive zip illisible ou tronquée.") from None
        if len(members) != 1:
            raise ImportFileError(f"{path.name} : l'archive doit contenir un seul fichier CSV.")
        return archive.open(members[0]), members[0].file_size
    return path.open("rb"), path.stat().st_size


def csv_rows(binary, name: str, on_bytes=None) -> Iterator[tuple[int, list[str]]]:
    """(line number, cells) of a UTF-8 comma-separated file, file errors turned into ImportFileError."""
    text = io.TextIOWrapper(io.BufferedReader(_CountingReader(binary, on_bytes), 1 << 20), "utf-8", newline="")
    reader = csv.reader(text)
    try:
        for cells in reader:
            yield reader.line_num, cells
    except UnicodeDecodeError:
        raise ImportFileError(
            f"{name} : le fichier n'est pas encodé en UTF-8 (vers la ligne {reader.line_num + 1})."
        ) from None
    except (zipfile.BadZipFile, zlib.error, EOFError):
        raise ImportFileError(f"{name} : archive tronquée ou corrompue (vers la ligne {reader.line_num}).") from None
    except csv.Error as error:
        raise ImportFileError(f"{name} : CSV mal formé à la ligne {reader.line_num} ({error}).") from None
    finally:
        binary.close()


def spreadsheet_rows(stream, filename: str) -> Iterator[tuple[int, list[str]]]:
    """(line number, cells) of an uploaded .csv (UTF-8 or Windows-1252, `;` or `,`) or .xlsx."""
    data = stream.read()
    if filename.lower().endswith(".xlsx"):
        try:
            workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        except Exception:  # openpyxl raises many kinds on a damaged file  # noqa: BLE001
            raise ImportFileError("Le fichier XLSX est illisible ou endommagé.") from None
        sheet = workbook.worksheets[0]
        for number, row in enumerate(sheet.iter_rows(values_only=True), start=1):
            yield (
                number,
                ["" if v is None else (v.strftime("%Y-%m-%d") if hasattr(v, "strftime") else str(v)) for v in row],
            )
        workbook.close()
        return
    if not filename.lower().endswith(".csv"):
        raise ImportFileError("Format non pris en charge : envoyez un fichier .csv ou .xlsx.")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        # Excel in French saves "CSV" in Windows-1252.
        text = data.decode("cp1252", errors="strict") if _looks_cp1252(data) else None
        if text is None:
            raise ImportFileError("Le fichier CSV n'est ni en UTF-8 ni en Windows-1252.") from None
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") >= first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        for cells in reader:
            yield reader.line_num, cells
    except csv.Error as error:
        raise ImportFileError(f"CSV mal formé à la ligne {reader.line_num} ({error}).") from None


def _looks_cp1252(data: bytes) -> bool:
    try:
        data.decode("cp1252")
    except UnicodeDecodeError:
        return False
    return True

"""Reading import files: INSEE's CSV (or the single CSV inside a zip) and operators' CSV or XLSX.

Each reader yields (line number, cells) and turns every unreadable file into an
ImportFileError whose French message says why, before anything is written.
"""

import codecs
import csv
import io
import zipfile
import zlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import BinaryIO

from openpyxl import load_workbook

from app.errors import DomainError

# An uploaded spreadsheet: 20,000 employers, and the limits that keep a hostile file from
# filling the memory or the disk (a legitimate one of 20,000 rows inflates to a few MB).
SPREADSHEET_MAX_LINES = 100_000
SPREADSHEET_MAX_INFLATED = 50 * 2**20


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
    try:
        return path.open("rb"), path.stat().st_size
    except OSError as error:
        raise ImportFileError(f"{path.name} : lecture impossible ({error.strerror}).") from None


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


def spreadsheet_rows(binary: BinaryIO, filename: str) -> Iterator[tuple[int, list[str]]]:
    """(line number, cells) of an uploaded .csv (UTF-8 or Windows-1252, `;` or `,`) or .xlsx.

    The file is read as a stream from disk, never whole into memory, and refused past
    SPREADSHEET_MAX_LINES lines (empty ones included) or, for an .xlsx, past
    SPREADSHEET_MAX_INFLATED bytes once decompressed (a zip bomb).
    """
    lower = filename.lower()
    if lower.endswith(".xlsx"):
        rows = _xlsx_rows(binary)
    elif lower.endswith(".csv"):
        rows = _csv_rows(binary)
    else:
        raise ImportFileError("Format non pris en charge : envoyez un fichier .csv ou .xlsx.")
    for number, cells in rows:
        if number > SPREADSHEET_MAX_LINES:
            raise ImportFileError(f"Le fichier dépasse {SPREADSHEET_MAX_LINES} lignes (vides comprises) : découpez-le.")
        yield number, cells


def _xlsx_rows(binary: BinaryIO) -> Iterator[tuple[int, list[str]]]:
    unreadable = "Le fichier XLSX est illisible ou endommagé."
    try:
        with zipfile.ZipFile(binary) as archive:
            inflated = sum(member.file_size for member in archive.infolist())
    except (zipfile.BadZipFile, OSError, EOFError, ValueError):
        raise ImportFileError(unreadable) from None
    # Python's zipfile never inflates a member past its declared size (it stops there and
    # fails the CRC check), so the declared sizes bound what openpyxl can read into memory.
    if inflated > SPREADSHEET_MAX_INFLATED:
        raise ImportFileError(
            f"Le fichier XLSX occuperait {inflated // 2**20} Mo une fois décompressé "
            f"({SPREADSHEET_MAX_INFLATED // 2**20} Mo au plus) : enregistrez-le en CSV ou découpez-le."
        )
    binary.seek(0)
    try:
        workbook = load_workbook(binary, read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds on a damaged file  # noqa: BLE001
        raise ImportFileError(unreadable) from None
    try:
        sheet = workbook.worksheets[0]
        for number, row in enumerate(sheet.iter_rows(values_only=True), start=1):
            yield number, [_xlsx_text(value) for value in row]
    except ImportFileError:
        raise
    except Exception:  # a sheet damaged past its first rows  # noqa: BLE001
        raise ImportFileError(unreadable) from None
    finally:
        workbook.close()


def _xlsx_text(value) -> str:
    if value is None:
        return ""
    return value.strftime("%Y-%m-%d") if hasattr(value, "strftime") else str(value)


def _csv_rows(binary: BinaryIO) -> Iterator[tuple[int, list[str]]]:
    encoding = _csv_encoding(binary)
    text = io.TextIOWrapper(binary, encoding, newline="")
    first_line = text.readline()
    text.seek(0)
    delimiter = ";" if first_line.count(";") >= first_line.count(",") else ","
    reader = csv.reader(text, delimiter=delimiter)
    try:
        for cells in reader:
            yield reader.line_num, cells
    except csv.Error as error:
        raise ImportFileError(f"CSV mal formé à la ligne {reader.line_num} ({error}).") from None
    finally:
        if not text.closed:
            text.detach()  # the caller owns the file


def _csv_encoding(binary: BinaryIO) -> str:
    """UTF-8, or Windows-1252 (Excel in French saves "CSV" in it), checked over the whole file."""
    for encoding in ("utf-8-sig", "cp1252"):
        binary.seek(0)
        decoder = codecs.getincrementaldecoder(encoding)()
        try:
            for chunk in iter(lambda: binary.read(1 << 20), b""):
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            continue
        binary.seek(0)
        return encoding
    raise ImportFileError("Le fichier CSV n'est ni en UTF-8 ni en Windows-1252.")


class PrefilteredCsv:
    """A UTF-8 comma-separated file read as a stream, whose lines are kept by one column before being parsed.

    INSEE's national stock file has 44 million lines and a basin keeps a few thousand: a line
    with no quote in it is split on its commas (exactly what the CSV parser would do), and a
    line whose ``column`` names a value outside ``keep`` is counted in ``skipped`` and left
    there. A line with quotes (a comma inside a cell, a cell on several lines) goes through
    the CSV parser. Every byte is still decoded, so a file that is not UTF-8 is refused.
    """

    def __init__(self, binary, name: str, on_bytes=None):
        self.name = name
        self.skipped = 0
        self.line_number = 0
        self._binary = binary
        self._text = io.TextIOWrapper(
            io.BufferedReader(_CountingReader(binary, on_bytes), 1 << 20), "utf-8", newline=""
        )
        try:
            header = self._record()
            if header is None:
                raise ImportFileError(f"{name} : le fichier est vide.")
        except ImportFileError:
            binary.close()
            raise
        self.header = header

    def rows(self, position: int, keep, width: int) -> Iterator[tuple[int, list[str]]]:
        """(line number, cells) of the lines whose cell at ``position`` is in ``keep``, or is not a
        code of ``width`` characters (absent, malformed: the caller judges those lines)."""
        try:
            while (cells := self._record(position, keep, width)) is not None:
                if cells is not _SKIPPED:
                    yield self.line_number, cells
        finally:
            self._binary.close()

    def _record(self, position: int | None = None, keep=(), width: int = 0):
        try:
            line = self._text.readline()
            if not line:
                return None
            self.line_number += 1
            if '"' not in line:
                line = line.rstrip("\r\n")
                if position is not None:
                    parts = line.split(",", position + 1)
                    # Skipped only when the cell is there and well formed: anything else is parsed and judged.
                    if len(parts) > position and len(parts[position]) == width and parts[position] not in keep:
                        self.skipped += 1
                        return _SKIPPED
                return line.split(",") if line else []
            lines = [line]
            while sum(part.count('"') for part in lines) % 2:
                more = self._text.readline()
                if not more:
                    break
                self.line_number += 1
                lines.append(more)
            return next(csv.reader(lines), [])
        except UnicodeDecodeError:
            raise ImportFileError(
                f"{self.name} : le fichier n'est pas encodé en UTF-8 (vers la ligne {self.line_number + 1})."
            ) from None
        except (zipfile.BadZipFile, zlib.error, EOFError):
            raise ImportFileError(
                f"{self.name} : archive tronquée ou corrompue (vers la ligne {self.line_number})."
            ) from None
        except csv.Error as error:
            raise ImportFileError(f"{self.name} : CSV mal formé à la ligne {self.line_number} ({error}).") from None


_SKIPPED: list[str] = []

"""Upload size, inflated size and row count are capped, with a French message."""

import io
import zipfile

from openpyxl import Workbook

from tests.factories import UserFactory


def test_an_upload_above_the_size_limit_gets_a_french_413(app, client, login):
    login(UserFactory(lead=True))
    too_big = app.config["MAX_CONTENT_LENGTH"] + 1
    # A body of bytes: the test client would spool a file to a temporary file that the refusal leaves open.
    body = (
        b'--limite\r\nContent-Disposition: form-data; name="file"; filename="liste.csv"\r\n\r\n'
        + b"x" * too_big
        + b"\r\n--limite--\r\n"
    )
    response = client.post("/entreprises/import", data=body, content_type="multipart/form-data; boundary=limite")
    assert response.status_code == 413
    assert "Fichier trop volumineux" in response.get_data(as_text=True)


def _zip_bomb() -> io.BytesIO:
    """A valid XLSX whose sheet holds a cell of 200 MB (a few hundred kB compressed)."""
    workbook = Workbook()
    workbook.active.append(["Raison sociale", "Code commune INSEE"])
    workbook.active.append(["Café", "44184"])
    plain = io.BytesIO()
    workbook.save(plain)
    bomb = io.BytesIO()
    with zipfile.ZipFile(plain) as source, zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as target:
        for member in source.infolist():
            data = source.read(member)
            if member.filename != "xl/worksheets/sheet1.xml":
                target.writestr(member, data)
                continue
            head, tail = data.split(b"</sheetData>")
            with target.open(member.filename, "w", force_zip64=True) as stream:
                stream.write(head + b'<row r="3"><c r="A3" t="inlineStr"><is><t>')
                chunk = b"A" * (1 << 20)
                for _ in range(200):
                    stream.write(chunk)
                stream.write(b"</t></is></c></row></sheetData>" + tail)
    bomb.seek(0)
    return bomb


def test_a_zip_bomb_is_refused_before_it_is_inflated(login, post):
    login(UserFactory(lead=True))
    bomb = _zip_bomb()
    assert len(bomb.getvalue()) < 2_000_000
    response = post(
        "/entreprises/import", {"file": (bomb, "liste.xlsx")}, content_type="multipart/form-data", follow_redirects=True
    )
    page = response.get_data(as_text=True)
    assert "décompressé" in page and "Rien n'a été enregistré" in page


def test_too_many_rows_are_refused(login, post):
    login(UserFactory(lead=True))
    lines = ["Raison sociale;Code commune INSEE"] + [f"E{n};44184" for n in range(20_001)]
    response = post(
        "/entreprises/import",
        {"file": (io.BytesIO("\n".join(lines).encode()), "liste.csv")},
        content_type="multipart/form-data",
        follow_redirects=True,
    )
    page = response.get_data(as_text=True)
    assert "20000 lignes" in page, page[page.find("<main") :][:3000]

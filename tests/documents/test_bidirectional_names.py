"""A bidirectional override in a name (a published name, a document's file name) would make it read as another
("Gone\u202efdp.exe.pdf" shows as "Gonefdp.pdf.exe"): the site's pages, the maps and the feed show U+FFFD in its
place; the API keeps the exact name."""

from starlette.testclient import TestClient

from g287.documents.store import store_pdf
from g287.web.app import create_app
from g287.web.render import printable
from tests.documents.pdfmaker import image_page_pdf

NAME = "Gone\u202efdp.exe\u2066.pdf"


def test_a_file_name_with_an_override_is_shown_with_a_replacement_character(sqlite_db, actor, tmp_path):
    path = tmp_path / NAME
    path.write_bytes(image_page_pdf(612, 792))
    stored = store_pdf(sqlite_db, path, actor, ocr=False)
    client = TestClient(create_app(sqlite_db))
    page = client.get(f"/documents/{stored.sha256}")
    assert page.status_code == 200
    assert "<h1>Gone\ufffdfdp.exe\ufffd.pdf</h1>" in page.text
    assert not set(page.text) & {"\u202e", "\u2066"}
    api = client.get(f"/api/v1/documents/{stored.sha256}")
    assert api.json()["file_name"] == NAME


def test_marks_are_kept_and_controls_become_spaces():
    # A right-to-left mark only places neutral characters (the program's forms accept it); a control is no text.
    assert printable("Ahmad\u200f Co\x07unty") == "Ahmad\u200f Co unty"
    assert printable("a\u202bb\u2069c") == "a\ufffdb\ufffdc"
    assert printable(12) == 12


def test_the_maps_and_the_feed_show_an_override_as_a_replacement_character():
    import xml.etree.ElementTree as ET

    from g287.exports.feed import ATOM, _el
    from g287.geo.maps import esc

    assert esc("Gone\u202efdp \"<&>\x01") == "Gone\ufffdfdp &quot;&lt;&amp;&gt; "
    entry = _el(ET.Element("feed"), "title", "Ellis\u2067 County", term="a\u202ab")
    assert (entry.tag, entry.text, entry.attrib) == (f"{{{ATOM}}}title", "Ellis\ufffd County", {"term": "a\ufffdb"})

"""Abbreviations: a word of a search is also found as the abbreviations of g287/data/rules/identity.toml write it, and
an abbreviation as the word, on both databases ("saint lucie" found no MOA saying "St. Lucie", "fort myers" none
saying "Ft. Myers"), in phrases and exclusions too, whole words only."""

import pytest

from g287.access import Actor
from g287.documents.importer import import_paths
from g287.documents.search import parse_query, search
from g287.errors import G287Error
from tests.conftest import make_database
from tests.documents.pdfmaker import raw_pdf, stream

TEXTS = {
    "abbreviated.pdf": "Memorandum of Agreement with the St. Lucie County Sheriff's Office and the Ft. Myers Police Dept.",
    "written_out.pdf": "Memorandum of Agreement with the Saint Lucie County Sheriff's Office and the Fort Myers PD",
    "stanislaus.pdf": "Memorandum of Agreement with the Stanislaus County Sheriff's Office and the Fortuna Police",
}
STREET = "Immigration and Customs Enforcement, 500 12th St. SW, Washington, DC 20536"


def text_pdf(text: str) -> bytes:
    content = stream(b"BT /F1 12 Tf 72 700 Td (" + text.encode("cp1252") + b") Tj ET")
    return raw_pdf([
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [4 0 R] /Count 1 >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 3 0 R >> >> /Contents 5 0 R >>",
        content,
    ])


def archive_holding(db, folder, texts: dict[str, str]):
    """The database with a one-page PDF of each text imported, under its file name (the key)."""
    for name, text in texts.items():
        (folder / name).write_bytes(text_pdf(text))
    assert not import_paths(db, [str(folder / name) for name in texts], Actor.command_line()).errors
    return db


def shared_archive(texts: dict[str, str]):
    """A fixture: a database of each kind holding a one-page PDF of each text, made once per module for its tests,
    which only search it (made per test, the imports took most of these modules' time)."""

    @pytest.fixture(scope="module", params=["sqlite", "postgresql"])
    def archive(request, tmp_path_factory):
        folder = tmp_path_factory.mktemp("archive")
        database, close = make_database(request.param, folder)
        # Set up before the tests' own settings (documents_settings): the archive's place and no OCR, set here.
        with pytest.MonkeyPatch.context() as patch:
            patch.setenv("G287_DOCUMENTS_DIR", str(folder / "archive"))
            patch.setenv("G287_OCR", "off")
            patch.setenv("G287_WORKERS", "1")
            archive_holding(database, folder, texts)
        yield database
        close()

    return archive


archive = shared_archive(TEXTS)
saint_archive = shared_archive({"saint.pdf": "Agreement with the Saint. Lucie. County Sheriff", "st.pdf": "Agreement with the St. Lucie. County Sheriff"})


def found(db, query) -> set[str]:
    with db.session() as session:
        return {hit.file_name for hit in search(session, query).hits}


BOTH = {"abbreviated.pdf", "written_out.pdf"}


@pytest.mark.parametrize(("query", "expected"), [
    ("saint lucie", BOTH),  # the MOA saying "St. Lucie" was not found
    ("st lucie", BOTH),
    ('"Saint Lucie County"', BOTH),
    ('"st lucie co"', BOTH),
    ("fort myers", BOTH),
    ('"fort myers pd"', BOTH),  # "PD" is also "police department", "police dept" and "police dpt"
    ('"ft myers police department"', {"abbreviated.pdf"}),  # words, not an abbreviation: never read as "PD"
    ("fort", BOTH),  # a whole word: "Fortuna" is not "fort"
    ("saint", {"written_out.pdf"}),  # nor "Stanislaus" "st"; a lone "saint" is no "St.", which is also Street
    ("saint lucie", BOTH),  # "St." before the next word of the search is Saint
    ('"saint" lucie', BOTH),  # a word in quotes is the same word: it found no "St. Lucie"
    ('"saint" "lucie"', BOTH),
    ('"saint"', {"written_out.pdf"}),  # a lone word, quoted or not, is no "St." (also Street)
    ("st", BOTH),
    ("pd", BOTH),
    ("sheriff -saint", {"stanislaus.pdf", "abbreviated.pdf"}),  # a lone excluded "saint" excludes no "St." either
    ('sheriff -"saint lucie"', {"stanislaus.pdf"}),  # an excluded phrase is excluded in every spelling
    ("sheriff -st", {"stanislaus.pdf"}),
    ('sheriff -"fort myers"', {"stanislaus.pdf"}),
    ("lucie -ft", set()),
])
def test_a_word_is_found_as_its_abbreviations_write_it(archive, query, expected):
    assert found(archive, query) == expected


def test_saint_is_no_st_that_stands_for_street(db, tmp_path):
    # "saint" found every page giving an address on a street ("St."), such as ICE's own. "St." is Saint before a name,
    # so "saint" is also "st" only before the next word of the search; "st", as typed, still finds every "St.".
    (tmp_path / "address.pdf").write_bytes(text_pdf(STREET))
    (tmp_path / "both.pdf").write_bytes(text_pdf("St. Lucie County Sheriff's Office, " + STREET))
    assert not import_paths(db, [str(tmp_path / "address.pdf"), str(tmp_path / "both.pdf")], Actor.command_line()).errors
    assert found(db, "saint") == set() and found(db, "-saint customs") == {"address.pdf", "both.pdf"}
    assert found(db, "saint lucie") == found(db, '"saint lucie"') == found(db, "-saint customs lucie") == {"both.pdf"}
    assert found(db, '"customs saint"') == set()  # a phrase's last word: no "St." either
    assert found(db, "st") == found(db, "st sw") == {"address.pdf", "both.pdf"}


def test_the_snippet_marks_the_word_as_the_page_writes_it(archive):
    with archive.session() as session:
        hits = {hit.file_name: hit for hit in search(session, '"saint lucie" fort').hits}
    assert "<mark>St. Lucie</mark>" in hits["abbreviated.pdf"].snippet_html and "<mark>Ft</mark>" in hits["abbreviated.pdf"].snippet_html
    assert "<mark>Saint Lucie</mark>" in hits["written_out.pdf"].snippet_html and "<mark>Fort</mark>" in hits["written_out.pdf"].snippet_html


@pytest.mark.parametrize(("query", "marked"), [
    ("saint lucie", "the <mark>Saint</mark>. <mark>Lucie</mark>. County"),
    ('"saint" lucie', "the <mark>Saint</mark>. <mark>Lucie</mark>. County"),
    ("saint. lucie", "the <mark>Saint.</mark> <mark>Lucie</mark>. County"),
    ("saint. lucie.", "the <mark>Saint.</mark> <mark>Lucie.</mark> County"),
    ('"saint lucie"', "the <mark>Saint. Lucie</mark>. County"),  # a phrase: marked whole, as typed
])
def test_the_st_of_saint_is_marked_as_the_word_typed_is(saint_archive, query, marked):
    """The "St." that `saint lucie` finds before "Lucie" was marked with the next word, and with the punctuation typed
    after "saint" moved after it: `saint lucie` marked "St. Lucie" whole (its period, which the search did not type,
    included) where "Saint. Lucie" is "Saint" and "Lucie", and `saint. lucie` marked "St. Lucie." (a period typed
    after "saint", marked after "Lucie"). The mark covers the punctuation the search typed, where the page has it,
    as for the word typed."""
    with saint_archive.session() as session:
        snippets = {hit.file_name: hit.snippet_html for hit in search(session, query).hits}
    assert snippets == {"saint.pdf": f"Agreement with {marked} Sheriff", "st.pdf": f"Agreement with {marked.replace('Saint', 'St')} Sheriff"}


def test_a_search_with_too_many_spellings_is_refused(archive):
    # saint/st, county/co/cnty, Sheriffs/Sheriff/Sheriff's (test_search_possessives), office/ofc
    assert len(parse_query('"Saint Lucie County Sheriff\'s Office"')[0].spellings) == 36
    assert len(parse_query('"' + "county " * 5 + '"')[0].spellings) == 243  # each searched for
    refused = r"^the search has more than 256 spellings with the abbreviations of agency names \(St\./Saint, Co\./County \.\.\.\)"
    with pytest.raises(G287Error, match=refused):
        found(archive, '"' + "county " * 5 + '" ' + "county " * 5)  # 243 + 5 * 3 in all
    with pytest.raises(G287Error, match=refused):
        found(archive, '"' + "county " * 200 + '"')  # 3 ** 200: counted, never written out

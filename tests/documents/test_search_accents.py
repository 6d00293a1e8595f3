"""Accents: a word is found with or without them, in the query or in the document, on both databases (PostgreSQL's
search kept them, so "policia" did not find "Policía" there while SQLite found it)."""

import pytest
from sqlalchemy import text

from g287.documents.search import parse_query, search, snippet
from tests.documents.test_search_abbreviations import shared_archive

TEXT = "Memorandum of Agreement with the Polic\xeda de Puerto Rico, Do\xf1a Ana County and the CAF\xc9 division"


# A database of each kind holding the page of accented words, made once for this module's tests, which only search it.
accents_db = shared_archive({"accents.pdf": TEXT})


@pytest.mark.parametrize("query", ["policia", "Policía", "POLICÍA", "dona ana", '"Doña Ana County"', "café", "cafe"])
def test_a_word_is_found_with_or_without_its_accents(accents_db, query):
    with accents_db.session() as session:
        assert "Policía" in session.execute(text("SELECT text FROM document_pages")).scalar()
        found = search(session, query)
    assert found.total == 1 and found.hits[0].file_name == "accents.pdf"


@pytest.mark.parametrize(("query", "marked"), [
    ("policia", "<mark>Polic\xeda</mark>"),
    ("POLICÍA", "<mark>Polic\xeda</mark>"),
    ("dona", "<mark>Do\xf1a</mark>"),
    ('"dona ana county"', "<mark>Do\xf1a Ana County</mark>"),
    ("cafes", "<mark>CAF\xc9</mark>"),  # stemmed, as "signatures" marks "signature"
])
def test_the_snippet_marks_the_word_found_with_or_without_its_accents(accents_db, query, marked):
    # the snippet compared the characters exactly: "policia" found the page but marked nothing in its snippet
    with accents_db.session() as session:
        hit = search(session, query).hits[0]
    assert marked in hit.snippet_html and hit.snippet_html.count("<mark>") == 1
    assert "Polic\xeda" in hit.snippet and "Do\xf1a Ana" in hit.snippet  # the page's own words are shown


def test_a_snippet_starts_at_the_word_found_with_or_without_its_accents():
    text = " ".join(f"word{i}" for i in range(60)) + " the Polici\u0301a (decomposed), Stra\xdfe and Ser\xf8n at <b> & end"
    marked = snippet(text, parse_query("policía strasse"), before=1, after=5)
    assert marked.startswith("…the \x02Polici\u0301a\x03 (decomposed), \x02Stra\xdfe\x03")  # the accent marked with its letter
    marked = snippet(text, parse_query('"seron at"'), before=1, after=4)
    assert marked.startswith("…and \x02Ser\xf8n at\x03 <b> & end")  # escaped later, by render_snippet

"""Full-text search over the documents (SQLite FTS5 and PostgreSQL), the read services, and the commands."""

import json

import pytest

from g287.access import Actor
from g287.documents import queries
from g287.documents.search import parse_query, render_snippet, search
from g287.errors import G287Error
from tests.documents.conftest import WEST_MIAMI, require
from tests.in_process import Result, run_g287


def hits(library, query, **options):
    with library.db.session() as session:
        return search(session, query, **options)


def test_search_finds_the_agency_and_links_its_agreement(library):
    page = hits(library, "Burleson")
    assert page.total == 1
    hit = page.hits[0]
    assert hit.file_name == "BurlesonCoTX_WSO_MOA_04.16.2025.pdf" and hit.page_source == "text"
    assert [(a["name"], a["state"], a["model"], a["role"]) for a in hit.agencies] == [("Burleson County Sheriff's Office", "TX", "WSO", "moa")]
    assert hit.agencies[0]["agreement_id"] is not None
    assert "Burleson" in hit.snippet and "<mark>Burleson</mark>" in hit.snippet_html
    assert 1 <= hit.page <= 10 and hit.rank > 0


def test_words_are_stemmed_phrases_exact_and_exclusions_apply(library):
    signed = {h.file_name for h in hits(library, "signatures", limit=20).hits}
    assert "BurlesonCoTX_WSO_MOA_04.16.2025.pdf" in signed  # "signature" matches "signatures"
    phrase = {h.file_name for h in hits(library, '"Todd M. Lyons"').hits}
    assert "BurlesonCoTX_WSO_MOA_04.16.2025.pdf" in phrase
    assert "SanibelPDFL_TFM_MOA_032625.pdf" in phrase  # typed into the scanned page's small text layer
    assert "VictoriaCo_WSO_MOA_02.26.25.pdf" not in phrase
    everywhere = hits(library, "sheriff", limit=100)
    without = hits(library, "sheriff -Burleson", limit=100)
    assert without.total == everywhere.total - 1
    assert "BurlesonCoTX_WSO_MOA_04.16.2025.pdf" not in {h.file_name for h in without.hits}


def test_results_are_paged(library):
    first, second = hits(library, "agreement", limit=3), hits(library, "agreement", limit=3, offset=3)
    assert first.total == second.total >= 8
    assert len(first.hits) == 3 and not {h.sha256 for h in first.hits} & {h.sha256 for h in second.hits}
    assert [h.rank for h in first.hits] == sorted((h.rank for h in first.hits), reverse=True)
    assert hits(library, "agreement", limit=3, offset=100).hits == []


def test_query_text_is_never_query_syntax(library):
    for text in ('NEAR(" OR *', "287(g) AND", "'; DROP TABLE documents; --", "<script>alert(1)</script>", "col:value ^ -"):
        page = hits(library, text)  # no error from the database
        assert page.total >= 0
    assert hits(library, "287(g) program").total >= 8
    for bad in ("", "   ", "-sheriff", "!!! ???"):
        with pytest.raises(G287Error):
            hits(library, bad)
    with pytest.raises(G287Error):
        hits(library, "sheriff", limit=1000)


def test_snippets_are_escaped():
    plain, marked = render_snippet("a <b>x</b> & \x02match\x03 \x07")
    assert plain == "a <b>x</b> & match"
    assert marked == "a &lt;b&gt;x&lt;/b&gt; &amp; <mark>match</mark>"
    assert [(t.text, t.phrase, t.excluded) for t in parse_query('a "b c" -d 287(g)')] == [("a", False, False), ("b c", True, False), ("d", False, True), ("287 g", True, False)]


def test_ocr_text_is_searchable(library, ocr_reading):
    require(ocr_reading)
    page = hits(library, '"West Miami"')
    assert [h.file_name for h in page.hits] == [WEST_MIAMI]
    assert hits(library, "West Miami").hits[0].file_name == WEST_MIAMI  # both words anywhere: the phrase ranks first
    assert page.hits[0].page == 1 and page.hits[0].page_source == "ocr"
    assert page.hits[0].agencies[0]["name"] == "West Miami Police Department"


def test_documents_of_an_agency_and_broken_links_for_the_site(library):
    with library.db.session() as session:
        detail = queries.document_detail(session, library.report.results[0].sha256, actor=Actor.public())
        agency_id = detail["agreements"][0]["agency_id"]
        documents = queries.documents_of_agency(session, agency_id, actor=Actor.public())
        assert detail["sha256"] in {d["sha256"] for d in documents}
        assert set(documents[0]["facts"]) >= {"model", "agency_name", "ice_signed_on", "addendum"}
        assert documents[0]["file_link"].startswith("/documents/")
        text = queries.page_text(session, detail["sha256"], 1)
        assert text["source"] == "text" and len(text["text"]) > 500
        assert queries.broken_links(session) == []
        listed = queries.list_documents(session, kind="pdf", limit=5)
        assert listed["total"] == 10 and len(listed["documents"]) == 5


def test_search_and_show_commands(library, monkeypatch):
    if library.db.dialect_name != "sqlite":
        pytest.skip("the commands are the same on both databases; run once")
    monkeypatch.setenv("G287_DATABASE_URL", library.db.url)
    monkeypatch.setenv("G287_DOCUMENTS_DIR", str(library.archive))
    result = Result(*run_g287(None, "documents", "search", "Owyhee", "--json"))
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["total"] == 1 and data["hits"][0]["file_name"] == "OwyheeCoID_TFM_MOA_03.07.25.pdf"
    sha = data["hits"][0]["sha256"]
    shown = Result(*run_g287(None, "documents", "show", sha[:10]))
    assert shown.returncode == 0, shown.stderr
    assert "│ model" in shown.stdout and "TFM" in shown.stdout
    assert "Owyhee County Sheriff's Office" in shown.stdout and str(library.archive) in shown.stdout
    missing = Result(*run_g287(None, "documents", "show", "ffffff"))
    assert missing.returncode == 1 and missing.stderr.startswith("g287: error: no document")


def test_the_real_moas_contradict_none_of_their_listings(library):
    from sqlalchemy import func, select

    from g287.db.models.registry import RowProblem
    from g287.documents.checks import COLUMNS

    with library.db.session() as session:
        flagged = session.scalar(select(func.count()).select_from(RowProblem).where(RowProblem.column.in_(COLUMNS.values())))
        facts = [queries.document_detail(session, r.sha256)["facts"] for r in library.report.results]
    assert flagged == 0
    assert sum(f["model"]["value"] is not None for f in facts) >= 8  # read, and consistent with their listings


def _documents_holding(library, pattern: str) -> set[str]:
    """The documents whose stored text holds a word (an oracle for the search: case-insensitive whole words)."""
    import re

    from sqlalchemy import select

    from g287.db.models.documents import Document, DocumentPage

    word = re.compile(pattern, re.I)
    with library.db.session() as session:
        rows = session.execute(select(Document.sha256, DocumentPage.text).join(DocumentPage, DocumentPage.document_id == Document.id)).all()
    return {sha for sha, text in rows if text and word.search(text)}


@pytest.mark.parametrize("word", ["the", "between", "of", "which"])
def test_common_words_are_found_on_both_databases(library, word):
    """PostgreSQL's English configuration dropped such words: a search for one found nothing there."""
    holding = _documents_holding(library, rf"\b{word}\b")
    assert holding and {h.sha256 for h in hits(library, word, limit=50).hits} == holding


def test_excluding_a_common_word_excludes_it(library):
    """PostgreSQL dropped the excluded word, and with it the exclusion."""
    wanted = _documents_holding(library, r"\bimmigration\b") - _documents_holding(library, r"\bthe\b")
    assert {h.sha256 for h in hits(library, "immigration -the", limit=50).hits} == wanted
    assert hits(library, "the -immigration").total == len(_documents_holding(library, r"\bthe\b") - _documents_holding(library, r"\bimmigration\b"))


@pytest.mark.parametrize(("query", "pattern"), [
    ("jail", r"\bjail\b"),  # "jail/correctional facilities": a file name to PostgreSQL's parser
    ("02/15/2025", r"\b02\W+15\W+2025\b"),  # a file name too
    ("U.S.C.", r"\bU\W+S\W+C\b"),  # a host
    ("107-296", r"\b107\W+296\b"),  # 107 and the number -296
    ('"correctional facilities"', r"\bcorrectional\W+facilities\b"),
])
def test_words_joined_by_punctuation_are_found_on_both_databases(library, query, pattern):
    """PostgreSQL's parser read such text as one token: the words in it were found on SQLite only."""
    holding = _documents_holding(library, pattern)
    assert holding and {h.sha256 for h in hits(library, query, limit=50).hits} == holding


def test_an_underscore_separates_words_as_on_the_pages():
    """ "personnel_x" was one word: SQLite read it as a phrase, PostgreSQL as two words anywhere."""
    assert [(t.text, t.phrase) for t in parse_query("personnel_x -acting_director")] == [("personnel x", True), ("acting director", True)]


def test_typographic_quotes_make_a_phrase(library):
    """A phone's keyboard writes “…”: the quotes were dropped, and the phrase's words were searched anywhere."""
    assert [(t.text, t.phrase, t.excluded) for t in parse_query('„Jail Enforcement“ -“Task Force”')] == [("Jail Enforcement", True, False), ("Task Force", True, True)]
    assert [h.sha256 for h in hits(library, "“Jail Enforcement”").hits] == [h.sha256 for h in hits(library, '"Jail Enforcement"').hits]
    assert hits(library, "“Jail Enforcement”").total < hits(library, "Jail Enforcement").total


def test_compatibility_characters_are_searched_as_the_letters_they_stand_for(library):
    """Text copied from a PDF brings ligatures ("ﬁeld", U+FB01) and a phone's full-width letters: `ﬁeld` found no
    document while `field` found eight. A query is read in NFKC (no page read holds a character NFKC changes)."""
    assert [t.text for t in parse_query("ﬁeld Ｏｆｆｉｃｅ ①")] == ["field", "Office", "1"]
    plain, copied = hits(library, "field office"), hits(library, "ﬁeld Ｏｆｆｉｃｅ")
    assert plain.total > 0 and [(h.sha256, h.page, h.snippet_html) for h in copied.hits] == [(h.sha256, h.page, h.snippet_html) for h in plain.hits]


def test_a_phrase_across_a_page_break_shows_a_page(library):
    """The phrase is in the document's text but on no single page: the hit still names a page (it named none, and
    the API answered 500)."""
    from starlette.testclient import TestClient

    from g287.web.app import create_app

    page = hits(library, '"office addendum"')
    assert page.total >= 1 and all(isinstance(h.page, int) and h.page >= 1 for h in page.hits)
    response = TestClient(create_app(library.db)).get("/api/v1/documents/search", params={"q": '"office addendum"'})
    assert response.status_code == 200 and response.json()["hits"] and all(isinstance(h["page"], int) for h in response.json()["hits"])


def test_the_documents_page_lists_every_document_a_page_at_a_time(library, monkeypatch):
    """The list of documents held had no pages: past its first 500 documents, the rest were left out unsaid."""
    import re

    from starlette.testclient import TestClient

    from g287.web.app import create_app
    from g287.web.pages import documents as documents_page

    monkeypatch.setattr(documents_page, "HELD_PAGE_SIZE", 3)
    client = TestClient(create_app(library.db))
    listed, page = [], 1
    while True:
        html = client.get("/documents", params={"page": page}).text
        assert "Documents held (10)" in html and f"Page {page} of 4" in html
        listed += re.findall(r'<li><a href="/documents/([0-9a-f]{64})">', html)
        if 'rel="next"' not in html:
            break
        page += 1
    assert page == 4 and len(listed) == len(set(listed)) == 10


def test_snippets_show_the_phrase_searched_not_words_it_begins(library):
    # "M" of the phrase marked "MOA" and "misconduct", "co" "conflict": the snippet showed the page's first lines
    hit = next(h for h in hits(library, '"Todd M. Lyons"').hits if h.file_name == "BurlesonCoTX_WSO_MOA_04.16.2025.pdf")
    assert "<mark>Todd M. Lyons</mark>" in hit.snippet_html
    assert "<mark>MOA</mark>" not in hit.snippet_html
    hit = hits(library, '"acting director" lyons', limit=100).hits
    burleson = next(h for h in hit if h.file_name == "BurlesonCoTX_WSO_MOA_04.16.2025.pdf")
    assert "<mark>Acting Director</mark>" in burleson.snippet_html and "<mark>Lyons</mark>" in burleson.snippet_html


def test_a_snippet_starts_at_the_word_as_searched_before_a_longer_one_of_its_stem():
    from g287.documents.search import snippet

    text = "ICE shall take actions to respond. For ICE: Name: Todd M. Lyons Title: Acting Director. Co-located officers, no conflict."
    marked = snippet(text, parse_query("co-located"), before=2, after=4)
    assert "\x02Co-located\x03" in marked and "conflict" not in marked
    marked = snippet(text, parse_query("acting"), before=2, after=4)
    assert "\x02Acting\x03 Director" in marked

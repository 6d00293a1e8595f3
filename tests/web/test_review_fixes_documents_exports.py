"""Defects found in review of the documents' pages and the exports: archived files whose name holds any
character, conditional requests for the SQLite download, a document search with no word to find, and `limit` /
`offset` on the agreements' exports."""

import csv
import io
import shutil
import urllib.parse

import pytest
from openpyxl import load_workbook

from g287.access import Actor
from g287.documents.importer import import_paths
from g287.documents.store import store_file
from g287.exports.disposition import content_disposition
from tests.conftest import ICE, MOA_DIR

WORKBOOK_NAME = "participatingAgencies07092025am (Ł).xlsx"  # "Ł" is outside Latin-1, the charset of a header
PDF_NAME = "Owyhee (Ł) MOA é.pdf"


def held(site, kind: str) -> dict[str, dict]:
    return {d["file_name"]: d for d in site.get("/api/v1/documents", params={"kind": kind, "limit": 1000}).json()["documents"]}


def check_disposition(header: str, disposition: str, name: str) -> None:
    header.encode("latin-1")  # what the server could send at all
    fallback = header.split('filename="', 1)[1].split('"', 1)[0]
    assert header.startswith(f'{disposition}; filename="') and fallback.isascii() and fallback.endswith(name.rsplit(".", 1)[1])
    assert header.endswith("filename*=UTF-8''" + urllib.parse.quote(name, safe=""))


@pytest.fixture(scope="module")
def odd_names(sqlite_site, tmp_path_factory):
    """A workbook and a PDF archived under names with characters outside Latin-1 (names come from ICE's links)."""
    folder = tmp_path_factory.mktemp("odd-names")
    pdf = folder / PDF_NAME
    shutil.copy(MOA_DIR / "OwyheeCoID_TFM_MOA_03.07.25.pdf", pdf)
    pdf.write_bytes(pdf.read_bytes() + b"\n% another content, so another document\n")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("G287_OCR", "off")
        patch.delenv("G287_DOCUMENTS_DIR", raising=False)  # the site's archive: beside its database
        store_file(sqlite_site.db, ICE / "participating" / "participatingAgencies07092025am.xlsx", Actor.command_line(), kind="workbook", extension=".xlsx", via="import", file_name=WORKBOOK_NAME)
        import_paths(sqlite_site.db, [str(pdf)], Actor.command_line())
    sqlite_site.app.state.site.changed()
    return held(sqlite_site, "workbook")[WORKBOOK_NAME], held(sqlite_site, "pdf")[PDF_NAME]


def test_an_archived_file_with_any_name_is_served_under_that_name(sqlite_site, odd_names):
    workbook, pdf = odd_names
    answer = sqlite_site.get(f"/documents/{workbook['sha256']}.xlsx")
    assert answer.status_code == 200 and answer.content.startswith(b"PK")
    check_disposition(answer.headers["content-disposition"], "attachment", WORKBOOK_NAME)
    assert answer.headers["content-security-policy"].startswith("sandbox")
    answer = sqlite_site.get(f"/documents/{pdf['sha256']}.pdf")
    assert answer.status_code == 200 and answer.content.startswith(b"%PDF")
    check_disposition(answer.headers["content-disposition"], "inline", PDF_NAME)  # an ASCII fallback for old clients too
    assert 'filename="Owyhee_MOA_e.pdf"' in answer.headers["content-disposition"]


@pytest.mark.parametrize(
    "name, served",
    [
        ("St. Mary's Parish, LA & Co+1 [v2].pdf", "St. Mary's Parish, LA & Co+1 [v2].pdf"),  # every character kept
        ("Gone\u202efdp.exe\x1b[2J\n.pdf", "Gonefdp.exe[2J.pdf"),  # control and bidirectional characters removed
    ],
    ids=["punctuation", "controls"],
)
def test_a_document_is_served_under_its_archived_name_exactly(sqlite_site, tmp_path, name, served):
    """The README promises the archived name 'whatever its characters': punctuation was dropped from filename* too
    ("St.%20Marys%20Parish%20LA%20%20Co1%20v2.pdf"); only the ASCII fallback is simplified."""
    from g287.documents.store import store_pdf

    path = tmp_path / "copy.pdf"
    path.write_bytes((MOA_DIR / "BurlesonCoTX_WSO_MOA_04.16.2025.pdf").read_bytes() + f"\n% {served}\n".encode())
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("G287_OCR", "off")
        patch.delenv("G287_DOCUMENTS_DIR", raising=False)
        stored = store_pdf(sqlite_site.db, path, Actor.command_line(), file_name=name)
    sqlite_site.app.state.site.changed()
    answer = sqlite_site.get(f"/documents/{stored.sha256}.pdf")
    assert answer.status_code == 200
    check_disposition(answer.headers["content-disposition"], "inline", served)


def test_content_disposition_values():
    assert content_disposition("a b.csv") == "attachment; filename=\"a_b.csv\"; filename*=UTF-8''a%20b.csv"
    assert content_disposition("Ł.pdf", "inline") == "inline; filename=\"download.pdf\"; filename*=UTF-8''%C5%81.pdf"
    assert content_disposition("\r\n\"", "attachment").startswith('attachment; filename="download"')
    with pytest.raises(ValueError):
        content_disposition("x.pdf", "form-data")


def test_the_sqlite_download_answers_conditional_requests(site):
    first = site.get("/exports/g287.sqlite")
    assert first.status_code == 200 and first.content.startswith(b"SQLite format 3")
    etag, modified = first.headers["etag"], first.headers["last-modified"]
    assert first.headers["cache-control"] == "no-cache" and "g287.sqlite" in first.headers["content-disposition"]
    for wanted in (etag, f"W/{etag}", f'"other", {etag}', "*"):
        again = site.get("/exports/g287.sqlite", headers={"if-none-match": wanted})
        assert again.status_code == 304 and again.content == b"", wanted
        assert again.headers["etag"] == etag and again.headers["last-modified"] == modified and again.headers["cache-control"] == "no-cache"
    assert site.get("/exports/g287.sqlite", headers={"if-modified-since": modified}).status_code == 304
    assert site.head("/exports/g287.sqlite", headers={"if-none-match": etag}).status_code == 304
    assert site.get("/exports/g287.sqlite").headers["etag"] == etag  # the same file while the data is unchanged
    for headers in (
        {"if-none-match": '"another"'},
        {"if-modified-since": "Sat, 01 Jan 2000 00:00:00 GMT"},
        {"if-modified-since": "not a date"},
        {"if-none-match": '"another"', "if-modified-since": modified},  # If-None-Match decides when both are sent
    ):
        answer = site.get("/exports/g287.sqlite", headers=headers)
        assert answer.status_code == 200 and answer.content == first.content, headers
    part = site.get("/exports/g287.sqlite", headers={"range": "bytes=0-15", "if-range": etag})
    assert part.status_code == 206 and part.content == first.content[:16]


@pytest.mark.parametrize("unread", ["items=0-15", "garbage", "bytes=16-0", "bytes=abc-"])
def test_a_range_that_cannot_be_read_is_ignored_and_the_whole_file_served(sqlite_site, unread):
    # RFC 9110 14.2: a range unit other than bytes must be ignored, an invalid range may be. It was a 400 in plain
    # text (not the JSON of the downloads' errors) that no download resumes from.
    document = sqlite_site.get("/api/v1/documents", params={"kind": "pdf", "limit": 1}).json()["documents"][0]["sha256"]
    for path in ("/exports/g287.sqlite", f"/documents/{document}.pdf"):
        whole = sqlite_site.get(path)
        answer = sqlite_site.get(path, headers={"range": unread})
        assert answer.status_code == 200 and answer.content == whole.content, (path, answer.status_code, answer.text[:80])
        part = sqlite_site.get(path, headers={"range": "bytes=0-15"})  # a range it reads is still served alone
        assert part.status_code == 206 and part.content == whole.content[:16]
        beyond = sqlite_site.get(path, headers={"range": f"bytes={len(whole.content)}-"})
        assert beyond.status_code == 416 and beyond.headers["content-range"] == f"bytes */{len(whole.content)}"


@pytest.mark.parametrize("query", ["-police", "-", '"', "-warrant -officer", " ".join(f"w{i}" for i in range(33))])
def test_a_search_without_words_to_find_keeps_its_form(site, query):
    answer = site.get("/documents", params={"q": query})
    assert answer.status_code == 422 and answer.headers["content-type"].startswith("text/html")
    page = answer.text
    assert '<form class="filters" role="search"' in page and 'id="document-search-error" role="alert"' in page
    assert 'aria-invalid="true" aria-describedby="document-search-error"' in page
    assert ("The search" in page) and 'name="q"' in page
    api = site.get("/api/v1/documents/search", params={"q": query})
    assert api.status_code == 422 and api.json()["error"]["fields"][0]["field"] == "q"
    assert site.get("/documents", params={"q": "warrant"}).status_code == 200


def test_a_search_error_shows_the_query_as_text(site):
    page = site.get("/documents", params={"q": '-<script>alert("q")</script>'}).text
    assert "<script>alert" not in page and "-&lt;script&gt;" in page


def rows_of(answer) -> list[dict]:
    return list(csv.DictReader(io.StringIO(answer.content.decode("utf-8-sig"))))


def test_exports_honour_limit_and_offset_as_the_api_does(site):
    everything = rows_of(site.get("/exports/agreements.csv", params={"state": "TX"}))
    api = site.get("/api/v1/agreements", params={"state": "TX", "limit": 5, "offset": 3}).json()
    assert len(everything) == api["total"] > 10  # without limit, every row of the selection
    part = site.get("/exports/agreements.csv", params={"state": "TX", "limit": 5, "offset": 3})
    assert [int(r["agreement_id"]) for r in rows_of(part)] == [a["id"] for a in api["items"]] == [int(r["agreement_id"]) for r in everything[3:8]]
    assert part.headers["x-total-count"] == str(api["total"]) and "-TX-rows4-8.csv" in part.headers["content-disposition"]
    assert rows_of(site.get("/exports/agreements.csv", params={"state": "TX", "offset": 10})) == everything[10:]
    document = site.get("/exports/agreements.json", params={"state": "TX", "limit": 5, "offset": 3}).json()
    assert [a["agreement_id"] for a in document["agreements"]] == [a["id"] for a in api["items"]]
    assert (document["total"], document["limit"], document["offset"]) == (api["total"], 5, 3)
    whole = site.get("/exports/agreements.json", params={"state": "TX"}).json()
    assert len(whole["agreements"]) == whole["total"] == api["total"] and whole["limit"] is None and whole["offset"] == 0


def sheet_rows(answer) -> list[tuple]:
    return list(load_workbook(io.BytesIO(answer.content), read_only=True).active.iter_rows(values_only=True))


def test_the_workbook_export_honours_limit_and_offset_in_the_rows_of_the_list(site):
    whole = sheet_rows(site.get("/exports/agreements.xlsx", params={"state": "FL"}))
    first = site.get("/exports/agreements.xlsx", params={"state": "FL", "limit": 3})
    second = sheet_rows(site.get("/exports/agreements.xlsx", params={"state": "FL", "limit": 3, "offset": 3}))
    header = whole[0]
    assert len(whole) > 7 and sheet_rows(first) == whole[:4] and second == [header] + whole[4:7]
    assert "_FL_rows1-3.xlsx" in first.headers["content-disposition"]


@pytest.mark.parametrize("path", ["/exports/agreements.csv", "/exports/agreements.json", "/exports/agreements.xlsx"])
@pytest.mark.parametrize("params, field", [({"limit": 0}, "limit"), ({"limit": 1001}, "limit"), ({"offset": -1}, "offset"), ({"limit": "five"}, "limit"), ({"limit": "1_0"}, "limit"), ({"offset": " 1"}, "offset")])
def test_exports_refuse_a_limit_or_offset_out_of_range(site, path, params, field):
    answer = site.get(path, params=params)
    assert answer.status_code == 422 and answer.json()["error"]["fields"][0]["field"] == field

"""The document archive on the site and in the API: an agency's signed documents with what was read from them,
document search, each document's page, and the archived files served so that none can act on the site."""

import hashlib
import re
import shutil

import pytest

from g287.access import Actor
from g287.documents.importer import import_paths
from tests.conftest import MOA_DIR

HILLSBOROUGH = "hIllsboroughCountySherrifsOffice_WSO_MOA_03122025.pdf"
HOSTILE_FILE = "<svg onload=alert(1)> MOA.pdf"


def documents(site) -> dict[str, dict]:
    return {d["file_name"]: d for d in site.get("/api/v1/documents", params={"limit": 1000}).json()["documents"]}


def hillsborough_sheriff(site) -> int:
    hits = site.get("/api/v1/search", params={"q": "Hillsborough County Sheriff"}).json()["hits"]
    return int(next(h for h in hits if h["kind"] == "agency" and h["state"] == "FL")["ref"])


def test_agency_page_lists_its_documents_with_their_facts(sqlite_site):
    agency = hillsborough_sheriff(sqlite_site)
    page = sqlite_site.get(f"/agencies/{agency}").text
    held = documents(sqlite_site)[HILLSBOROUGH]
    assert "Signed documents" in page and HILLSBOROUGH in page and f'href="{held["file_link"]}"' in page
    assert "What was read from" in page and "Signed for ICE by" in page and "text layer" in page
    assert held["facts"]["model"]["value"] == "WSO" and re.search(r"<td>WSO</td><td class=\"n\">1</td>", page)
    detail = sqlite_site.get(f"/api/v1/agencies/{agency}").json()
    assert [d["file_name"] for d in detail["documents"]] == [HILLSBOROUGH] and detail["documents"][0]["roles"] == ["moa"]
    without = sqlite_site.get("/agencies/1").text
    assert "Signed documents" in without  # the section is always there, saying when nothing is held


def test_files_are_served_as_kept_and_inert(sqlite_site):
    held = documents(sqlite_site)[HILLSBOROUGH]
    answer = sqlite_site.get(held["file_link"])
    assert answer.status_code == 200 and answer.headers["content-type"] == "application/pdf"
    assert hashlib.sha256(answer.content).hexdigest() == held["sha256"]  # the very file, byte for byte
    assert answer.headers["content-security-policy"].startswith("sandbox") and answer.headers["x-content-type-options"] == "nosniff"
    assert HILLSBOROUGH in answer.headers["content-disposition"]
    assert sqlite_site.head(held["file_link"]).status_code == 200
    for bad in ("0" * 64 + ".pdf", held["sha256"] + ".xlsx", held["sha256"][:63] + "g.pdf", "..%2F..%2Fg287.sqlite", held["sha256"] + ".pdf.exe"):
        assert sqlite_site.get(f"/documents/{bad}").status_code == 404, bad


def test_document_page_and_resource(sqlite_site):
    held = documents(sqlite_site)[HILLSBOROUGH]
    page = sqlite_site.get(f"/documents/{held['sha256']}").text
    assert HILLSBOROUGH in page and "Hillsborough County Sheriff" in page and "participatingAgencies07092025am.xlsx" in page
    detail = sqlite_site.get(f"/api/v1/documents/{held['sha256']}").json()
    assert detail["sha256"] == held["sha256"] and detail["agreements"][0]["model"] == "WSO" and len(detail["pages_detail"]) == detail["pages"]
    labels = [p["label"] for p in detail["publications"]]  # as history names a list: the two of 2025-07-03 pm by file
    assert "2025-07-03 pm, participatingAgencies07032025pm__v2.xlsx" in labels and "2025-07-09 am" in labels
    assert sqlite_site.get("/api/v1/documents/" + "0" * 64).status_code == 404
    assert sqlite_site.get("/api/v1/documents/xyz").status_code == 422


def test_document_search(sqlite_site):
    page = sqlite_site.get("/documents", params={"q": "Hillsborough"}).text
    assert HILLSBOROUGH in page and "<mark>" in page and "text layer" in page
    one = sqlite_site.get("/api/v1/documents/search", params={"q": "Hillsborough"}).json()["total"]
    assert f"<strong>{one}</strong> {'document matches' if one == 1 else 'documents match'}." in page  # "1 documents match."
    answer = sqlite_site.get("/api/v1/documents/search", params={"q": "warrant service officer", "limit": 2}).json()
    assert answer["total"] >= 2 and len(answer["hits"]) == 2 and answer["limit"] == 2
    second = sqlite_site.get("/api/v1/documents/search", params={"q": "warrant service officer", "limit": 2, "offset": 2}).json()
    assert {h["sha256"] for h in second["hits"]}.isdisjoint({h["sha256"] for h in answer["hits"]})
    excluded = sqlite_site.get("/api/v1/documents/search", params={"q": "warrant -Hillsborough", "limit": 100}).json()
    assert HILLSBOROUGH not in {h["file_name"] for h in excluded["hits"]}
    invalid = sqlite_site.get("/api/v1/documents/search", params={"q": "-warrant"})
    assert invalid.status_code == 422 and invalid.json()["error"]["fields"][0]["field"] == "q"
    assert sqlite_site.get("/documents", params={"q": "-warrant"}).status_code == 422  # the page, with its form
    listing = sqlite_site.get("/documents").text
    assert listing.count('href="/documents/') >= 10  # every document held, without a query


def test_hostile_queries_stay_text(sqlite_site):
    query = '<script>alert("q")</script> warrant'
    page = sqlite_site.get("/documents", params={"q": query}).text
    assert "<script>alert" not in page and "&lt;script&gt;alert(&#34;q&#34;)&lt;/script&gt;" in page
    assert all(tag in ("mark", "/mark") for tag in re.findall(r"<(/?\w+)", "".join(re.findall(r'<span class="snippet">(.*?)</span>', page, re.S))))


@pytest.fixture
def hostile_file(sqlite_site, tmp_path):
    copy = tmp_path / HOSTILE_FILE
    shutil.copy(MOA_DIR / "OwyheeCoID_TFM_MOA_03.07.25.pdf", copy)
    copy.write_bytes(copy.read_bytes() + b"\n% a different file\n")  # a new content, so a new document
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("G287_OCR", "off")
        import_paths(sqlite_site.db, [str(copy)], Actor.command_line())
    sqlite_site.app.state.site.changed()  # this process changed the data: no cached answer from before
    return documents(sqlite_site)[HOSTILE_FILE]


def test_hostile_file_name(sqlite_site, hostile_file):
    for path in ("/documents", f"/documents/{hostile_file['sha256']}"):
        page = sqlite_site.get(path).text
        assert "<svg onload" not in page and "&lt;svg onload=alert(1)&gt; MOA.pdf" in page
    answer = sqlite_site.get(hostile_file["file_link"])
    assert answer.status_code == 200 and "<" not in answer.headers["content-disposition"]  # a safe download name


def test_a_page_of_documents_past_the_last_is_not_found_as_on_agencies(sqlite_site):
    """It said "7 documents match." then "No document matches.", or "Documents held (10)" over an empty list."""
    total = sqlite_site.get("/api/v1/documents/search", params={"q": "sheriff"}).json()["total"]
    assert 0 < total <= 20 and sqlite_site.get("/documents", params={"q": "sheriff"}).status_code == 200
    past = sqlite_site.get("/documents", params={"q": "sheriff", "page": 999})
    assert past.status_code == 404 and f"no page 999: {total} documents match, on 1 page" in past.text
    held = sqlite_site.get("/api/v1/documents", params={"kind": "pdf"}).json()["total"]
    assert sqlite_site.get("/documents", params={"page": 1}).status_code == 200
    past = sqlite_site.get("/documents", params={"page": 5})
    assert past.status_code == 404 and f"no page 5: the archive holds {held} documents, on 1 page" in past.text
    nothing = sqlite_site.get("/documents", params={"q": "zzzznosuchword"})
    assert nothing.status_code == 200 and "No document matches." in nothing.text  # no match has its page 1

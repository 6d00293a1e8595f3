"""An archived file never changes under its address (the archive keeps it under its SHA-256 and never replaces it):
it is served with its digest as a strong ETag and Cache-Control: no-cache, and a client that holds it is answered
304 without the body; it stays in its sandbox either way. The headers of /exports/g287.sqlite answer alike."""

from __future__ import annotations

import hashlib
import warnings

import pytest

from g287.access import Actor
from tests.conftest import ICE, MOA_DIR

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

VICTORIA = "VictoriaCo_WSO_MOA_02.26.25.pdf"
WORKBOOK = ICE / "participating" / "participatingAgencies05292025am.xlsx"


@pytest.fixture(scope="module")
def archive_site(tmp_path_factory):
    """A site whose archive holds one signed MOA and one workbook archived as ICE published it (as an earlier
    version of g287 archived them: the site serves the copy fit to publish, made from it)."""
    from g287.db.engine import Database
    from g287.documents.importer import import_paths
    from g287.documents.store import _store_plain_file
    from g287.web.app import create_app

    database = Database(f"sqlite:///{tmp_path_factory.mktemp('archive-caching') / 'g287.sqlite'}")  # its archive: beside it
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("G287_OCR", "off")
        patch.delenv("G287_DOCUMENTS_DIR", raising=False)
        pdf = import_paths(database, [str(MOA_DIR / VICTORIA)], Actor.command_line()).results[0]
        workbook = _store_plain_file(database, WORKBOOK, Actor.command_line(), "workbook", ".xlsx", [], "import", WORKBOOK.name, None)
    with TestClient(create_app(database)) as client:
        client.pdf = f"/documents/{pdf.sha256}.pdf"
        client.pdf_sha = pdf.sha256
        client.workbook = f"/documents/{workbook.sha256}.xlsx"
        client.workbook_sha = workbook.sha256
        yield client
    database.dispose()


def assert_inert_and_asked_again(answer):
    assert answer.headers["cache-control"] == "no-cache"
    assert answer.headers["content-security-policy"] == "sandbox; default-src 'none'" and answer.headers["x-content-type-options"] == "nosniff"


def test_a_file_is_served_with_its_digest_as_etag(archive_site):
    answer = archive_site.get(archive_site.pdf)
    assert answer.status_code == 200 and hashlib.sha256(answer.content).hexdigest() == archive_site.pdf_sha
    assert answer.headers["etag"] == f'"{archive_site.pdf_sha}"' and answer.headers["last-modified"]
    assert VICTORIA in answer.headers["content-disposition"]
    assert_inert_and_asked_again(answer)
    head = archive_site.head(archive_site.pdf)
    assert head.status_code == 200 and head.content == b"" and head.headers["etag"] == answer.headers["etag"]


@pytest.mark.parametrize("wanted", ["{etag}", "*", '"other", {etag}', "W/{etag}", 'W/"other",W/{etag}'], ids=["tag", "star", "list", "weak", "weak list"])
def test_a_client_holding_the_file_is_answered_304(archive_site, wanted):
    etag = f'"{archive_site.pdf_sha}"'
    for method in (archive_site.get, archive_site.head):
        answer = method(archive_site.pdf, headers={"if-none-match": wanted.format(etag=etag)})
        assert answer.status_code == 304 and answer.content == b"", (method, answer.status_code)
        assert answer.headers["etag"] == etag
        assert_inert_and_asked_again(answer)


def test_if_modified_since_is_answered_when_no_tag_is_sent(archive_site):
    modified = archive_site.get(archive_site.pdf).headers["last-modified"]
    assert archive_site.get(archive_site.pdf, headers={"if-modified-since": modified}).status_code == 304
    assert archive_site.get(archive_site.pdf, headers={"if-modified-since": "Sat, 01 Jan 2000 00:00:00 GMT"}).status_code == 200
    # If-None-Match decides when both are sent (RFC 9110 13.2.2)
    assert archive_site.get(archive_site.pdf, headers={"if-none-match": '"other"', "if-modified-since": modified}).status_code == 200


@pytest.mark.parametrize("wanted", ['"other"', '"{sha}0"', "{sha}", 'W/"other", "another"'], ids=["other", "longer", "unquoted", "list without it"])
def test_a_tag_of_other_bytes_gets_the_whole_file(archive_site, wanted):
    whole = archive_site.get(archive_site.pdf)
    answer = archive_site.get(archive_site.pdf, headers={"if-none-match": wanted.format(sha=archive_site.pdf_sha)})
    assert answer.status_code == 200 and answer.content == whole.content
    assert_inert_and_asked_again(answer)


def test_a_range_resumes_against_the_same_tag(archive_site):
    whole = archive_site.get(archive_site.pdf)
    part = archive_site.get(archive_site.pdf, headers={"range": "bytes=0-15", "if-range": f'"{archive_site.pdf_sha}"'})
    assert part.status_code == 206 and part.content == whole.content[:16]


def test_a_workbook_copy_is_tagged_by_the_bytes_served(archive_site):
    answer = archive_site.get(archive_site.workbook)
    assert answer.status_code == 200 and answer.content.startswith(b"PK")
    served = hashlib.sha256(answer.content).hexdigest()
    assert served != archive_site.workbook_sha  # the copy fit to publish, not the file as ICE published it
    assert answer.headers["etag"] == f'"{served}"' and "last-modified" not in answer.headers
    assert_inert_and_asked_again(answer)
    again = archive_site.get(archive_site.workbook, headers={"if-none-match": f'W/"{served}"'})
    assert again.status_code == 304 and again.content == b"" and again.headers["etag"] == f'"{served}"'
    assert_inert_and_asked_again(again)
    archived = archive_site.get(archive_site.workbook, headers={"if-none-match": f'"{archive_site.workbook_sha}"'})
    assert archived.status_code == 200 and archived.content == answer.content  # the archived file's tag is not the copy's

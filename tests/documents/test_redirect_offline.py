"""A document whose address redirects to a host that cannot be asked (its robots.txt unreadable: offline, HTTP 5xx):
RFC 9309 makes it a disallow for now, and an offline sync changes nothing about a link (README, sync)."""

import datetime as dt

import httpx
from sqlalchemy import select

from g287.db.models.documents import DocumentAddress
from g287.documents import queries, settings
from g287.documents.fetch import PoliteClient
from g287.exports.ice_workbook import IceRow
from g287.sources.sync import run_sync
from tests.documents.test_sync import FOLDER, page_html, workbook_bytes

ICE, CDN = "http://ice.example", "http://cdn.example"
MOA = "/doclib/287gMOA/SumnerCoSOTN_WSO_MOA_042925.pdf"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def test_a_document_redirected_to_a_host_that_cannot_be_asked_is_not_checked_nor_broken(sqlite_db, actor):
    """It was recorded as a broken link ("... the robots.txt of cdn.example could not be read ..."), as though ICE had
    taken it down, while the same document at an offline host of its own is reported as not checked."""
    rows = [IceRow("TENNESSEE", "Sumner County Sheriff's Office", "County", "", "Warrant Service Officer", dt.date(2025, 4, 29), ICE + MOA)]
    files = {
        "/identify-and-arrest/287g": (page_html(ICE), "text/html"),
        FOLDER + "participatingAgencies07112025am.xlsx": (workbook_bytes("participating", rows), XLSX),
        FOLDER + "pendingAgencies07112025am.xlsx": (workbook_bytes("pending", [IceRow("OHIO", "Pending County Sheriff's Office", "County", "", "Jail Enforcement Model")]), XLSX),
    }
    asked = []

    def answer(request: httpx.Request) -> httpx.Response:
        asked.append(str(request.url))
        if request.url.host == "cdn.example":
            return httpx.Response(503, content=iter([b""]))  # robots.txt too: the host is down
        if request.url.path == "/robots.txt":
            return httpx.Response(404, content=iter([b""]))
        if request.url.path == MOA:
            return httpx.Response(302, headers={"Location": CDN + MOA}, content=iter([b""]))
        body, kind = files[request.url.path]
        return httpx.Response(200, headers={"Content-Type": kind}, content=iter([body]))

    config = settings.SyncSettings(ICE + "/identify-and-arrest/287g", "g287/test", delay=0.0, timeout=5, retries=0, backoff=0.0, max_bytes=10 << 20)
    client = PoliteClient(config, settings.documents_dir() / "partial", sleep=lambda s: None, transport=httpx.MockTransport(answer))
    with client:
        report = run_sync(sqlite_db, actor, page_url=config.page_url, client=client)
    assert CDN + "/robots.txt" in asked and CDN + MOA not in asked  # RFC 9309: nothing asked of the host
    assert not report.failed and report.broken == [] and report.documents["broken"] == 0
    assert report.documents["not_checked"] == 1 and list(report.not_checked) == ["cdn.example"]
    with sqlite_db.session() as session:
        address = session.scalars(select(DocumentAddress).where(DocumentAddress.url == ICE + MOA)).one()
        assert address.status != "broken" and not address.failures and address.problem is None
        assert queries.broken_links(session) == []

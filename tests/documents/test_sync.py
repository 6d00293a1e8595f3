"""`g287 sync` against a local server that mimics ICE's page, workbooks and PDFs, failures included."""

import datetime as dt
import hashlib
import io
import json
import os
import subprocess
import sys

import pytest
from sqlalchemy import func, select, update

from g287.access import Actor
from g287.db.models.documents import Document, DocumentAddress
from g287.db.models.registry import Publication
from g287.documents import queries, settings
from g287.documents.archive import Archive, ArchiveError, sha256_of
from g287.documents.fetch import PoliteClient
from g287.documents.importer import import_paths
from g287.documents.links import url_key
from g287.exports.ice_workbook import IceRow, write_ice_workbook
from g287.sources import sync as sync_module
from g287.sources.icepage import IcePageError, read_page, workbook_links
from g287.sources.sync import run_sync
from tests.conftest import ROOT
from tests.documents.conftest import moa
from tests.documents.fakeice import FakeIce, Route
from tests.in_process import run_g287

PAGE = "/identify-and-arrest/287g"
FOLDER = "/doclib/about/offices/ero/287g/"
MOAS = "/doclib/287gMOA/"
GOOD = {
    "BurlesonCoTX_WSO_MOA_04.16.2025.pdf": ("TEXAS", "Burleson County Sheriff's Office", "Warrant Service Officer"),
    "OwyheeCoID_TFM_MOA_03.07.25.pdf": ("IDAHO", "Owyhee County Sheriff's Office", "Task Force Model"),
    "VictoriaCo_WSO_MOA_02.26.25.pdf": ("TEXAS", "Victoria County Sheriff's Office", "Warrant Service Officer"),
}
COPY = "BurlesonCoTX_WSO_MOA_copy.pdf"
BAD = {  # link name: (agency, route mode, expected problem)
    "Missing_TFM_MOA.pdf": ("Missing Police Department", "missing", "HTTP 404"),
    "Slow_WSO_MOA.pdf": ("Slow County Sheriff's Office", "slow", "timed out"),
    "Cut_WSO_MOA.pdf": ("Cut County Sheriff's Office", "cut_always", "the download was cut off after"),
    "Portal_JEM_MOA.pdf": ("Portal County Sheriff's Office", "html", "not a PDF: the server sent text/html"),
}

pytestmark = pytest.mark.usefixtures("text_layers_read_once")  # the same MOAs, stored test after test: each read once


def workbook_bytes(kind: str, rows) -> bytes:
    buffer = io.BytesIO()
    write_ice_workbook(buffer, kind, rows, modified=dt.datetime(2025, 7, 11, 9))  # the lists fake ICE serves: 07112025am
    return buffer.getvalue()


def page_html(base: str, body_links: str | None = None) -> bytes:
    links = body_links if body_links is not None else (
        f'<li><a class="usa-link" href="{base}{FOLDER}participatingAgencies07112025am.xlsx">Participating Agencies (updated 07/11/2025)</a></li>'
        f"<li><a href='{FOLDER}pendingAgencies07112025am.xlsx?v=3'>Pending Agencies</a></li>"
    )
    return f"<!DOCTYPE html><html><head><title>Delegation of Immigration Authority Section 287(g)</title></head><body><main><ul>{links}</ul></main></body></html>".encode()


@pytest.fixture
def ice():
    fake = FakeIce().start()
    participating = [IceRow(state, agency, "County", "", model, dt.date(2025, 3, 1), fake.url(MOAS + name)) for name, (state, agency, model) in GOOD.items()]
    participating += [IceRow("FLORIDA", agency, "Municipality", "", "Task Force Model", dt.date(2025, 3, 1), fake.url(MOAS + name)) for name, (agency, _m, _p) in BAD.items()]
    # the same file under a second address (ICE sometimes posts one PDF twice): kept once, linked twice
    participating.append(IceRow("TEXAS", "Burleson County Constable", "County", "", "Warrant Service Officer", dt.date(2025, 3, 1), fake.url(MOAS + COPY)))
    pending = [IceRow("OHIO", "Pending County Sheriff's Office", "County", "", "Jail Enforcement Model")]
    fake.routes[PAGE] = Route(page_html(fake.base), "text/html; charset=utf-8")
    fake.routes[FOLDER + "participatingAgencies07112025am.xlsx"] = Route(workbook_bytes("participating", participating), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    fake.routes[FOLDER + "pendingAgencies07112025am.xlsx"] = Route(workbook_bytes("pending", pending), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    for name in GOOD:
        fake.routes[MOAS + name] = Route(moa(name).read_bytes(), "application/pdf")
    fake.routes[MOAS + COPY] = Route(moa("BurlesonCoTX_WSO_MOA_04.16.2025.pdf").read_bytes(), "application/pdf")
    for name, (_agency, mode, _problem) in BAD.items():
        if mode == "html":
            fake.routes[MOAS + name] = Route(b"<!DOCTYPE html><html><body>Please enable JavaScript</body></html>", "text/html")
        else:
            fake.routes[MOAS + name] = Route(moa("287gJEM_LavacaCoTX_06-08-2020.pdf").read_bytes(), "application/pdf", mode=mode, delay=1.5)
    yield fake
    fake.stop()


def without_failures(ice):
    """The slow address answers 404 at once (tests that are not about timeouts need not wait for them)."""
    ice.routes[MOAS + "Slow_WSO_MOA.pdf"].mode = "missing"


def archive_files():
    return Archive(settings.documents_dir()).listing()


def test_sync_keeps_the_lists_and_documents_and_records_broken_links(db, actor, ice, deferred_writes, monkeypatch):
    report = run_sync(db, actor, page_url=ice.url(PAGE))
    assert report.page == "fetched" and not report.failed, report.problems
    assert [(w["file"], w["status"]) for w in report.workbooks] == [("participatingAgencies07112025am.xlsx", "ingested"), ("pendingAgencies07112025am.xlsx", "ingested")]
    assert report.documents == {"stored": 3, "already_held": 1, "unchanged": 0, "broken": 4, "not_checked": 0, "not_attempted": 0}
    problems = {b["url"].rsplit("/", 1)[1]: b["problem"] for b in report.broken}
    for name, (_agency, _mode, problem) in BAD.items():
        assert problem in problems[name], (name, problems[name])
    assert all(r.headers["user-agent"].startswith("g287/") for r in ice.requests)
    files = archive_files()
    assert sorted(f.rsplit(".", 1)[1] for f in files) == ["html", "pdf", "pdf", "pdf", "xlsx", "xlsx"]
    with db.session() as session:
        assert session.scalar(select(func.count()).select_from(Publication)) == 2
        held = session.scalars(select(Document).where(Document.kind == "pdf")).all()
        assert len(held) == 3 and {d.file_name for d in held} <= set(GOOD) | {COPY}
        assert {d.sha256 for d in held} == {sha256_of(moa(n))[0] for n in GOOD}
        burleson = next(d for d in held if d.file_name.startswith("Burleson"))
        assert len(queries.document_detail(session, burleson.sha256)["addresses"]) == 2  # one file, both addresses
        broken = queries.broken_links(session)
        assert {b["link_name"] for b in broken} == set(BAD)
        assert {b["agreements"][0]["agency"] for b in broken} == {agency for agency, _m, _p in BAD.values()}
        workbook = session.scalars(select(Document).where(Document.kind == "workbook", Document.file_name.like("participating%"))).one()
        assert workbook.publication_id is not None

    monkeypatch.setenv("G287_DATABASE_URL", db.url)
    status, out, _err = run_g287(None, "documents", "broken", "--json")  # as a real process: test_polite_fetching.py
    assert status == 0 and {b["link_name"] for b in json.loads(out)} == set(BAD)

    # Again: nothing held is downloaded again; the page and the workbooks are asked conditionally.
    counts = {name: len(ice.requests_for(MOAS + name)) for name in GOOD}
    again = run_sync(db, actor, page_url=ice.url(PAGE))
    assert {name: len(ice.requests_for(MOAS + name)) for name in GOOD} == counts
    assert again.page == "unchanged" and [w["status"] for w in again.workbooks] == ["unchanged", "unchanged"]
    assert ice.requests_for(PAGE)[-1].headers["if-none-match"] == ice.routes[PAGE].etag
    assert again.documents["stored"] == 0 and again.documents["broken"] == 4 and again.bytes_downloaded < 300_000
    assert archive_files() == files
    with db.session() as session:
        assert {a.failures for a in session.scalars(select(DocumentAddress).where(DocumentAddress.status == "broken"))} == {2}
    assert deferred_writes == []  # every change began as writing: it waits for another, never refused


def test_a_download_cut_off_is_resumed_where_it_stopped(sqlite_db, actor, ice):
    db = sqlite_db
    without_failures(ice)
    name = "BurlesonCoTX_WSO_MOA_04.16.2025.pdf"
    ice.routes[MOAS + name].mode = "cut_once"
    report = run_sync(db, actor, page_url=ice.url(PAGE))
    assert report.documents["stored"] == 3
    first, second = ice.requests_for(MOAS + name)
    size = len(moa(name).read_bytes())
    assert "range" not in first.headers
    start = int(second.headers["range"].removeprefix("bytes=").rstrip("-"))
    assert 0 < start <= size // 2  # from the end of what arrived before the cut
    assert second.headers["if-range"] == ice.routes[MOAS + name].etag
    with db.session() as session:
        assert session.scalars(select(Document.sha256).where(Document.file_name == name)).one() == sha256_of(moa(name))[0]
    partial = {p.stem for p in (settings.documents_dir() / "partial").glob("*.part")}
    assert url_key(ice.url(MOAS + name)) not in partial  # used, then removed
    assert url_key(ice.url(MOAS + "Cut_WSO_MOA.pdf")) in partial  # still cut off: kept to resume next time


def test_an_interrupted_sync_goes_on_where_it_stopped(sqlite_db, actor, ice, monkeypatch):
    db = sqlite_db
    without_failures(ice)
    calls = []

    def interrupt(step):
        if step == "document":
            calls.append(step)
            if len(calls) == 2:
                raise KeyboardInterrupt

    monkeypatch.setattr(sync_module, "checkpoint", interrupt)
    with pytest.raises(KeyboardInterrupt):
        run_sync(db, actor, page_url=ice.url(PAGE))
    fetched_before = {path for path in {r.path for r in ice.requests} if path.startswith(MOAS)}
    assert len(fetched_before) == 2
    with db.session() as session:
        kept_before = session.scalar(select(func.count()).select_from(Document).where(Document.kind == "pdf"))
    monkeypatch.setattr(sync_module, "checkpoint", lambda step: None)
    requests_before = len(ice.requests)
    report = run_sync(db, actor, page_url=ice.url(PAGE))
    fetched_after = {r.path for r in ice.requests[requests_before:] if r.path.startswith(MOAS)}
    held_before = {p for p in fetched_before if p.rsplit("/", 1)[1] in GOOD}
    assert not fetched_after & held_before  # what the interrupted run kept is not fetched again
    assert report.documents["stored"] == 3 - kept_before
    with db.session() as session:
        assert session.scalar(select(func.count()).select_from(Document).where(Document.kind == "pdf")) == 3


def test_a_changed_page_layout_is_a_clear_error(sqlite_db, actor, ice, monkeypatch):
    db = sqlite_db
    ice.routes[PAGE] = Route(page_html(ice.base, '<li><a href="/sites/default/files/list.pdf">Download the list</a></li>'), "text/html")
    report = run_sync(db, actor, page_url=ice.url(PAGE))
    assert report.failed and report.page == "failed"
    assert "links no participatingAgencies….xlsx or pendingAgencies….xlsx workbook" in report.problems[0]
    with db.session() as session:
        page = session.scalars(select(DocumentAddress).where(DocumentAddress.role == "page")).one()
        assert page.status == "broken" and "layout" in page.problem
    monkeypatch.setenv("G287_DATABASE_URL", db.url)
    status, out, err = run_g287(None, "sync", "--source", ice.url(PAGE))  # in this process, an error not said in one line is raised
    assert status == 1 and "Traceback" not in err + out
    assert "problem: ICE's page at" in out


def test_a_missing_page_is_a_clear_error(sqlite_db, actor, ice):
    db = sqlite_db
    report = run_sync(db, actor, page_url=ice.url("/no/such/page"))
    assert report.failed and report.problems == [f"ICE's page {ice.url('/no/such/page')}: HTTP 404 Not Found"]


def test_files_over_the_size_limit_are_refused(sqlite_db, actor, ice, monkeypatch):
    db = sqlite_db
    without_failures(ice)
    monkeypatch.setenv("G287_SYNC_MAX_MB", "0.1")  # the workbooks pass, the PDFs (400 KB and more) do not
    report = run_sync(db, actor, page_url=ice.url(PAGE))
    assert report.documents["stored"] == 0
    assert all("larger than the limit of 104,857 bytes" in b["problem"] for b in report.broken if b["url"].rsplit("/", 1)[1] in GOOD)
    assert not [f for f in archive_files() if f.endswith(".pdf")]


def test_requests_are_spaced_and_retried_with_backoff(tmp_path):
    fake = FakeIce().start()
    try:
        fake.routes["/a.pdf"] = Route(moa("VictoriaCo_WSO_MOA_02.26.25.pdf").read_bytes(), "application/pdf", mode="busy_once")
        fake.routes["/b.pdf"] = Route(moa("BurlesonCoTX_WSO_MOA_04.16.2025.pdf").read_bytes(), "application/pdf")
        slept, now = [], [100.0]
        config = settings.SyncSettings(fake.url("/"), "g287/test", delay=2.0, timeout=5, retries=2, backoff=3.0, max_bytes=10 << 20)
        with PoliteClient(config, tmp_path, sleep=slept.append, clock=lambda: now[0]) as client:
            first = client.fetch(fake.url("/a.pdf"), expect="pdf")
            second = client.fetch(fake.url("/b.pdf"), expect="pdf")
        assert first.status == second.status == "downloaded" and first.attempts == 2
        assert first.robots_requests == 1 and second.robots_requests == 0  # the host's robots.txt, read once
        # robots.txt first; then every request to the host waits the 2 s delay, and the 503 with Retry-After: 7
        # waits 7 s before its retry
        assert slept == [2.0, 7.0, 2.0, 2.0]
        assert [r.path for r in fake.requests] == ["/robots.txt", "/a.pdf", "/a.pdf", "/b.pdf"]
    finally:
        fake.stop()


def _client(fake, tmp_path, slept, delay=2.0):
    config = settings.SyncSettings(fake.url("/"), "g287/test", delay=delay, timeout=5, retries=1, backoff=0.0, max_bytes=10 << 20)
    return PoliteClient(config, tmp_path, sleep=slept.append, clock=lambda: 100.0)


def test_robots_txt_is_obeyed(tmp_path):
    """What the host's robots.txt disallows for g287 is never requested; its Crawl-delay lengthens the delay."""
    fake = FakeIce().start()
    try:
        fake.routes["/robots.txt"] = Route(b"User-agent: *\nDisallow: /\n\nUser-agent: g287\nDisallow: /private/\nCrawl-delay: 9\n", "text/plain")
        fake.routes["/private/a.pdf"] = Route(moa("VictoriaCo_WSO_MOA_02.26.25.pdf").read_bytes(), "application/pdf")
        fake.routes["/b.pdf"] = Route(moa("BurlesonCoTX_WSO_MOA_04.16.2025.pdf").read_bytes(), "application/pdf")
        slept = []
        with _client(fake, tmp_path, slept) as client:
            refused = client.fetch(fake.url("/private/a.pdf"), expect="pdf")
            allowed = client.fetch(fake.url("/b.pdf"), expect="pdf")
        assert refused.status == "failed" and "robots.txt" in refused.problem and "disallows" in refused.problem and not refused.retryable
        assert allowed.status == "downloaded"
        assert [r.path for r in fake.requests] == ["/robots.txt", "/b.pdf"]
        assert slept == [9.0]  # the Crawl-delay (9 s) rather than the configured 2 s
    finally:
        fake.stop()


@pytest.mark.parametrize("robots_mode, fetched", [("missing", True), ("busy_always", False), ("limited_always", False)])
def test_a_missing_robots_txt_allows_everything_and_an_unreachable_one_nothing(tmp_path, robots_mode, fetched):
    fake = FakeIce().start()
    try:
        if robots_mode != "missing":  # 503, or 429 Too Many Requests: not "no robots.txt", a host asking to be left alone
            fake.routes["/robots.txt"] = Route(b"", "text/plain", mode=robots_mode)
        fake.routes["/b.pdf"] = Route(moa("BurlesonCoTX_WSO_MOA_04.16.2025.pdf").read_bytes(), "application/pdf")
        with _client(fake, tmp_path, []) as client:
            outcome = client.fetch(fake.url("/b.pdf"), expect="pdf")
            again = client.fetch(fake.url("/b.pdf"), expect="pdf")
        assert (outcome.status == "downloaded") is fetched and (again.status == "downloaded") is fetched
        assert len(fake.requests_for("/robots.txt")) == 1 and (len(fake.requests_for("/b.pdf")) == 2) is fetched
        if not fetched:
            assert f"could not be read (HTTP {429 if robots_mode == 'limited_always' else 503})" in outcome.problem and outcome.retryable
    finally:
        fake.stop()


def test_workbook_links_are_found_wherever_the_page_puts_them():
    page = """
    <base href="https://www.ice.gov/doclib/">
    <a href="about/offices/ero/287g/pendingAgencies07112025am.xlsx">pending</a>
    <div data-file="https://www.ice.gov/doclib/about/offices/ero/287g/participatingAgencies07112025pm.xlsx"></div>
    <script>var old = "/doclib/archive/participatingAgencies05292025am.xlsx";</script>
    <a href="/doclib/287gMOA/SomeCo_WSO_MOA.pdf">an MOA</a> <a href="/other.xlsx">another workbook</a>
    <a href="/x/participatingAgencies%2F..%2F..%2Fevil.xlsx">a file name that is a path</a>
    """
    links = workbook_links(page, "https://www.ice.gov/identify-and-arrest/287g")
    assert [(l.kind, l.url) for l in links] == [
        ("participating", "https://www.ice.gov/doclib/archive/participatingAgencies05292025am.xlsx"),
        ("participating", "https://www.ice.gov/doclib/about/offices/ero/287g/participatingAgencies07112025pm.xlsx"),
        ("pending", "https://www.ice.gov/doclib/about/offices/ero/287g/pendingAgencies07112025am.xlsx"),
    ]
    with pytest.raises(IcePageError, match="layout"):
        read_page(b"<html><body>Maintenance</body></html>", "https://www.ice.gov/identify-and-arrest/287g")
    with pytest.raises(IcePageError):
        read_page(b"\x89PNG\r\n\x1a\n\x00\x00", "https://www.ice.gov/identify-and-arrest/287g")


def test_a_workbook_that_cannot_be_kept_is_reported_and_the_sync_goes_on(sqlite_db, actor, ice, monkeypatch):
    without_failures(ice)
    real_store_file = sync_module.store_file

    def failing_store_file(db, path, actor, *, kind, **options):
        if kind == "workbook":
            raise ArchiveError("cannot write to the archive: No space left on device")
        return real_store_file(db, path, actor, kind=kind, **options)

    monkeypatch.setattr(sync_module, "store_file", failing_store_file)
    report = run_sync(sqlite_db, actor, page_url=ice.url(PAGE))
    assert report.failed and [w["status"] for w in report.workbooks] == ["ingested", "ingested"]
    assert all("not kept in the archive: cannot write to the archive" in w["problem"] for w in report.workbooks)
    assert report.documents["stored"] == 3  # the documents were still fetched
    with sqlite_db.session() as session:
        assert session.scalar(select(func.count()).select_from(Publication)) == 2
        assert session.scalar(select(func.count()).select_from(Document).where(Document.kind == "workbook")) == 0
    monkeypatch.setattr(sync_module, "store_file", real_store_file)
    again = run_sync(sqlite_db, actor, page_url=ice.url(PAGE))  # the next sync keeps them
    assert not again.failed and [w["status"] for w in again.workbooks] == ["unchanged", "unchanged"]
    with sqlite_db.session() as session:
        assert session.scalar(select(func.count()).select_from(Document).where(Document.kind == "workbook")) == 2


def test_a_document_missing_from_the_archive_is_fetched_whole_and_restored_on_recheck(sqlite_db, actor, ice):
    without_failures(ice)
    run_sync(sqlite_db, actor, page_url=ice.url(PAGE))
    name = "OwyheeCoID_TFM_MOA_03.07.25.pdf"
    archive = Archive(settings.documents_dir())
    sha256 = sha256_of(moa(name))[0]
    archive.path_for(sha256, ".pdf").unlink()  # lost from the archive (a restore, a disk error)
    asked = len(ice.requests_for(MOAS + name))
    run_sync(sqlite_db, actor, page_url=ice.url(PAGE), recheck=True)
    request = ice.requests_for(MOAS + name)[asked]
    assert "if-none-match" not in request.headers and "if-modified-since" not in request.headers
    assert sha256_of(archive.path_for(sha256, ".pdf"))[0] == sha256  # and the archive holds it again


def test_a_sync_never_requests_what_robots_txt_disallows(sqlite_db, actor, ice):
    without_failures(ice)
    refused = "OwyheeCoID_TFM_MOA_03.07.25.pdf"
    ice.routes["/robots.txt"] = Route(f"User-agent: g287\nDisallow: {MOAS}{refused}\n".encode(), "text/plain")
    report = run_sync(sqlite_db, actor, page_url=ice.url(PAGE))
    assert not report.failed and report.documents["stored"] == 2
    assert ice.requests_for(MOAS + refused) == [] and len(ice.requests_for("/robots.txt")) == 1
    problem = next(b["problem"] for b in report.broken if b["url"].endswith(refused))
    assert "robots.txt" in problem and "disallows" in problem
    assert report.requests == len(ice.requests)  # the robots.txt request is counted with the others


def test_a_held_document_served_again_in_full_is_counted_unchanged(sqlite_db, actor, ice):
    """A server that gives no ETag or Last-Modified answers --recheck with the whole file: the same document at the
    same address is unchanged, not "already held under another address"."""
    without_failures(ice)
    for name in GOOD:
        ice.routes[MOAS + name] = Route(moa(name).read_bytes(), "application/pdf", mode="no_validators")
    ice.routes[MOAS + COPY] = Route(moa("BurlesonCoTX_WSO_MOA_04.16.2025.pdf").read_bytes(), "application/pdf", mode="no_validators")
    first = run_sync(sqlite_db, actor, page_url=ice.url(PAGE))
    assert first.documents["stored"] == 3 and first.documents["already_held"] == 1
    again = run_sync(sqlite_db, actor, page_url=ice.url(PAGE), recheck=True)
    assert again.documents["stored"] == 0 and again.documents["already_held"] == 0 and again.documents["unchanged"] == 4


@pytest.mark.parametrize("outage", ["no answer", "HTTP 503"])
def test_documents_of_a_host_that_cannot_be_asked_are_not_checked_nor_broken(sqlite_db, actor, ice, outage):
    """Offline (or ICE's robots.txt answering 5xx): RFC 9309 forbids asking the host anything, so nothing is learnt
    about its documents; they are reported as not checked, and no link is recorded as broken nor counted failing."""
    db = sqlite_db
    first = run_sync(db, actor, page_url=ice.url(PAGE), limit=0)  # the lists are ingested; no document fetched yet
    assert not first.failed and first.documents["not_attempted"] == 8 and first.documents["broken"] == 0
    if outage == "no answer":
        ice.stop()
    else:
        ice.routes["/robots.txt"] = Route(b"", "text/plain", mode="busy_always")
    progress = []
    report = run_sync(db, actor, page_url=ice.url(PAGE), on_progress=progress.append)
    assert report.page == "failed" and report.failed  # ICE's page could not be read: that is the sync's failure
    assert report.documents == {"stored": 0, "already_held": 0, "unchanged": 0, "broken": 0, "not_checked": 8, "not_attempted": 0}
    # --limit counts the documents asked for: none was (the first was counted, and the other seven left for later).
    limited = run_sync(db, actor, page_url=ice.url(PAGE), limit=1)
    assert limited.documents == {"stored": 0, "already_held": 0, "unchanged": 0, "broken": 0, "not_checked": 8, "not_attempted": 0}
    host = ice.base.removeprefix("http://")
    assert list(report.not_checked) == [host] and "robots.txt" in report.not_checked[host] and report.broken == []
    lines = report.summary_lines()
    assert "0 broken links, 8 not checked" in lines[1] and lines[2].startswith(f"not checked: the documents at {host}: ")
    assert not any("g287 documents broken" in line for line in lines)
    with db.session() as session:
        documents = session.scalars(select(DocumentAddress).where(DocumentAddress.role.in_(("moa", "addendum")))).all()
        assert len(documents) == 8 and all(a.status != "broken" and not a.failures and a.problem is None for a in documents)
        # ICE's page could not be asked either: it is the sync's failure (above), not a broken link (it was one before)
        assert queries.broken_links(session) == []
    assert sum(1 for line in progress if line.startswith("fetching")) == 2  # the page, and the first document of the host


def test_a_document_redirected_to_a_malformed_address_is_a_broken_link_at_once(sqlite_db, actor, ice):
    from tests.documents.test_polite_fetching import with_redirects

    without_failures(ice)
    name = "OwyheeCoID_TFM_MOA_03.07.25.pdf"
    with_redirects(ice, {MOAS + name: "http://[bad"})
    report = run_sync(sqlite_db, actor, page_url=ice.url(PAGE))
    assert not report.failed and report.documents["stored"] == 2 and report.documents["not_checked"] == 0
    assert [b for b in report.broken if b["url"].endswith(name)] == [
        {"url": ice.url(MOAS + name), "problem": "HTTP 302: a redirect to a malformed address (http://[bad)", "http_status": 302}
    ]
    assert len(ice.requests_for(MOAS + name)) == 1  # not tried again as a connection cut


def test_a_pdf_bomb_served_for_an_moa_is_a_broken_link_and_nothing_is_kept(sqlite_db, actor, ice):
    from g287.documents.pdfstreams import MAX_STREAM_BYTES
    from tests.documents.pdfmaker import TEXT_PAGE, flate, pages_pdf

    without_failures(ice)
    name = "OwyheeCoID_TFM_MOA_03.07.25.pdf"
    ice.routes[MOAS + name] = Route(pages_pdf([flate(TEXT_PAGE + b" " * MAX_STREAM_BYTES)]), "application/pdf")
    report = run_sync(sqlite_db, actor, page_url=ice.url(PAGE))
    assert not report.failed and report.documents["stored"] == 2
    problem = next(b["problem"] for b in report.broken if b["url"].endswith(name))
    assert problem == "damaged or too large PDF: a stream unpacks to more than 32 MB, far more than any MOA; not read"
    with sqlite_db.session() as session:
        assert session.scalar(select(func.count()).select_from(Document).where(Document.kind == "pdf")) == 2
    assert not (settings.documents_dir() / "partial" / f"{url_key(ice.url(MOAS + name))}.part").exists()


def test_a_pdf_too_slow_to_read_is_a_broken_link_and_the_sync_goes_on(sqlite_db, actor, ice, monkeypatch):
    """A PDF that stalls pdfminer, served for an MOA: its reading is stopped at G287_TEXT_LAYER_TIMEOUT, the link is
    broken with the reason, and the other documents are read (small ones: a real MOA takes longer than this limit)."""
    from tests.documents.pdfmaker import scattered_text_pdf, text_pdf
    from tests.documents.test_reading_time_limit import LIMIT, TOO_SLOW

    without_failures(ice)
    monkeypatch.setenv("G287_TEXT_LAYER_TIMEOUT", LIMIT)
    slow = "BurlesonCoTX_WSO_MOA_04.16.2025.pdf"
    ice.routes[MOAS + slow] = Route(scattered_text_pdf(), "application/pdf")
    others = sorted(set(GOOD) - {slow} | {COPY})
    for number, name in enumerate(others):
        ice.routes[MOAS + name] = Route(text_pdf(b"Memorandum of Agreement %d" % number), "application/pdf")
    report = run_sync(sqlite_db, actor, page_url=ice.url(PAGE))
    assert not report.failed and report.documents["stored"] == 3
    assert next(b["problem"] for b in report.broken if b["url"].endswith(slow)) == TOO_SLOW
    with sqlite_db.session() as session:
        assert sorted(session.scalars(select(Document.file_name).where(Document.kind == "pdf"))) == others


def test_a_page_answering_304_to_a_request_that_was_not_conditional_is_a_failed_fetch(sqlite_db, actor, ice, monkeypatch):
    """Nothing held for ICE's page, so nothing to compare with: a 304 there is the server's (or a cache's) error."""
    ice.routes[PAGE].mode = "always_304"
    report = run_sync(sqlite_db, actor, page_url=ice.url(PAGE))
    assert report.failed and report.page == "failed"
    assert report.problems == [f"ICE's page {ice.url(PAGE)}: HTTP 304 Not Modified, but the request was not conditional (nothing is held to compare with)"]
    assert "if-none-match" not in ice.requests_for(PAGE)[0].headers
    monkeypatch.setenv("G287_DATABASE_URL", sqlite_db.url)
    status, out, err = run_g287(None, "sync", "--source", ice.url(PAGE))  # in this process, an error not said in one line is raised
    assert status == 1 and "Traceback" not in err + out
    assert f"problem: ICE's page {ice.url(PAGE)}: HTTP 304 Not Modified, but the request was not conditional" in out


def test_a_workbook_or_document_answering_304_with_nothing_held_is_a_failure_not_unchanged(sqlite_db, actor, ice):
    without_failures(ice)
    name = "OwyheeCoID_TFM_MOA_03.07.25.pdf"
    ice.routes[MOAS + name].mode = "always_304"
    ice.routes[FOLDER + "pendingAgencies07112025am.xlsx"].mode = "always_304"
    report = run_sync(sqlite_db, actor, page_url=ice.url(PAGE))
    assert report.failed and [w["status"] for w in report.workbooks] == ["ingested", "failed"]
    assert report.documents["unchanged"] == 0 and report.documents["stored"] == 2
    problem = "HTTP 304 Not Modified, but the request was not conditional (nothing is held to compare with)"
    assert report.workbooks[1]["problem"] == problem
    assert next(b for b in report.broken if b["url"].endswith(name)) == {"url": ice.url(MOAS + name), "problem": problem, "http_status": 304}
    with sqlite_db.session() as session:
        assert name in {b["link_name"] for b in queries.broken_links(session)}
    ice.routes[MOAS + name].mode = "ok"  # the server mends: the next sync fetches it
    again = run_sync(sqlite_db, actor, page_url=ice.url(PAGE))
    assert again.documents["stored"] == 1


def test_link_names_reach_the_terminal_without_control_or_bidirectional_characters(sqlite_db, actor, ice):
    """A link name is the address's last part, percent-decoded: %1B is ESC (a terminal's escape sequences), %0A and
    %0D line breaks, %E2%80%AE a right-to-left override. Kept exactly (file names match by them), printed replaced.
    The sync is a real process, as it reaches a terminal (with whatever a warning or a log line would add); the
    document held is a one-page PDF, which the process reads in a moment (an MOA took it a second or more)."""
    from tests.documents.pdfmaker import TEXT_PAGE, pages_pdf, stream

    without_failures(ice)
    pdf = pages_pdf([stream(TEXT_PAGE)])
    held, gone = "Evil%1B%5B2J%1B%5B31mName%0Afake.pdf", "Gone%E2%80%AEfdp.exe%0D.pdf"
    rows = [
        IceRow("TEXAS", "Evil County Sheriff's Office", "County", "", "Warrant Service Officer", dt.date(2025, 3, 1), ice.url(MOAS + held)),
        IceRow("TEXAS", "Gone County Sheriff's Office", "County", "", "Warrant Service Officer", dt.date(2025, 3, 1), ice.url(MOAS + gone)),
    ]
    xlsx = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    ice.routes[FOLDER + "participatingAgencies07112025am.xlsx"] = Route(workbook_bytes("participating", rows), xlsx)
    ice.routes[MOAS + held] = Route(pdf, "application/pdf")
    env = dict(os.environ, G287_DATABASE_URL=sqlite_db.url)
    synced = subprocess.run([sys.executable, "-m", "g287", "sync", "--source", ice.url(PAGE)], capture_output=True, text=True, env=env, cwd=ROOT)
    assert synced.returncode == 0, synced.stderr
    with sqlite_db.session() as session:
        assert session.scalars(select(Document.file_name).where(Document.kind == "pdf")).one() == "Evil\x1b[2J\x1b[31mName\nfake.pdf"
    sha256 = hashlib.sha256(pdf).hexdigest()
    outputs = [synced.stdout + synced.stderr]
    for command in (["list"], ["list", "--kind", "pdf"], ["show", sha256], ["broken"]):
        status, out, err = run_g287(sqlite_db.url, "documents", *command)
        assert status == 0, err
        outputs.append(out + err)
    assert "fetching Evil?[2J?[31mName?fake.pdf" in synced.stderr.splitlines()
    assert "fetching Gone?fdp.exe?.pdf" in synced.stderr.splitlines()
    assert "Evil?[2J?[31mName?fake.pdf  sha256" in outputs[3]
    assert "1 broken link" in outputs[4]
    for output in outputs:
        assert not set(output) & {"\x1b", "\r", "\u202e"}, output
    # --json keeps the exact names, with every such character written as an escape (json's own below 0x20).
    status, out, err = run_g287(sqlite_db.url, "documents", "broken", "--json")
    assert status == 0 and not set(out) & {"\x1b", "\r", "\u202e"}, out
    assert "Gone\\u202efdp.exe\\r.pdf" in out
    assert [b["link_name"] for b in json.loads(out)] == ["Gone\u202efdp.exe\r.pdf"]


def test_validators_that_a_request_cannot_carry_are_not_kept_nor_sent_back(sqlite_db, actor, ice):
    # RFC 9110 lets an ETag hold octets beyond ASCII; httpx cannot send them back in If-None-Match: the second sync
    # raised UnicodeEncodeError (for good: the ETag was recorded), instead of asking for the page whole.
    without_failures(ice)
    page = ice.routes[PAGE]
    page.etag, page.last_modified = '"caf\u00e9"', "Mon, 30 Jun 2025 \u00e9t\u00e9"
    first = run_sync(sqlite_db, actor, page_url=ice.url(PAGE))
    assert first.page == "fetched" and not first.failed, first.problems
    with sqlite_db.session() as session:
        address = session.scalars(select(DocumentAddress).where(DocumentAddress.role == "page")).one()
        assert (address.etag, address.last_modified) == (None, None)
    again = run_sync(sqlite_db, actor, page_url=ice.url(PAGE))
    assert again.page == "fetched" and not again.failed, again.problems
    asked = ice.requests_for(PAGE)[-1].headers
    assert "if-none-match" not in asked and "if-modified-since" not in asked
    # one recorded by an earlier version is not sent either
    with sqlite_db.session(writing=True) as session:
        session.execute(update(DocumentAddress).where(DocumentAddress.role == "page").values(etag=page.etag, last_modified=page.last_modified))
    third = run_sync(sqlite_db, actor, page_url=ice.url(PAGE))
    assert third.page == "fetched" and not third.failed, third.problems
    assert "if-none-match" not in ice.requests_for(PAGE)[-1].headers


def test_a_file_imported_before_a_list_links_its_name_is_linked_by_the_sync_not_downloaded_again(sqlite_db, actor, ice, tmp_path):
    """A folder of earlier downloads imported into a new registry, its lists ingested by the sync afterwards: the
    archive holds the file, and the sync downloaded it again."""
    without_failures(ice)
    name = "OwyheeCoID_TFM_MOA_03.07.25.pdf"
    downloads = tmp_path / "downloads"
    downloads.mkdir()
    (downloads / "OwyheeCoID_TFM_MOA_03.07.25 (1).pdf").write_bytes(moa(name).read_bytes())  # a browser's second copy
    imported = import_paths(sqlite_db, [str(downloads)], Actor.command_line())
    assert imported.unmatched == ["OwyheeCoID_TFM_MOA_03.07.25 (1).pdf"]  # no list yet
    report = run_sync(sqlite_db, actor, page_url=ice.url(PAGE))
    assert ice.requests_for(MOAS + name) == []  # it was downloaded again, "already held under another address"
    assert report.documents["stored"] == 2 and report.documents["already_held"] == 1  # the two others; the copy of one
    with sqlite_db.session() as session:
        address = session.scalars(select(DocumentAddress).where(DocumentAddress.link_name == name)).one()
        document = session.scalars(select(Document).where(Document.id == address.document_id)).one()
        assert address.status == "held" and document.file_name == "OwyheeCoID_TFM_MOA_03.07.25 (1).pdf"

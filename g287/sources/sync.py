"""`g287 sync`: ICE's page, its workbooks, and every MOA and addendum they link that the archive does not hold.

1. ICE's page (G287_ICE_PAGE_URL or --source) is fetched (conditionally) and kept in the archive when it changed;
   the workbooks are found by their file names (g287/sources/icepage.py).
2. Each workbook not held is downloaded, ingested (g287.registry.ingest.ingest_file: its own transaction) and kept.
3. Every address the current participating list links (or, with every_publication, any list ever linked) that
   holds no document yet is downloaded, read and kept (g287/documents/store.py); with `recheck`, held addresses
   are asked again with conditional requests.

Failures are outcomes: a broken link is recorded on its address (`g287 documents broken`), the sync goes on. A
document whose host could not be asked at all (its robots.txt unreadable: no answer, or HTTP 5xx, which RFC 9309
makes a disallow for now) is not a broken link: nothing is recorded on it, and the report says it was not checked.
Each document is its own transaction and downloads are complete before they are used, so an interrupted sync loses
at most the document in progress (and resumes its partial download next time). Nothing held is downloaded again.
"""

from __future__ import annotations

import datetime as dt
import shutil
import tempfile
from dataclasses import asdict, dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from sqlalchemy import select, update

from g287 import audit
from g287.access import Actor, authorize
from g287.db.engine import Database
from g287.db.models.documents import Document, DocumentAddress
from g287.documents import links, settings
from g287.documents.fetch import Fetched, PoliteClient, address_problem
from g287.documents.importer import link_imported_files
from g287.documents.pdftext import DocumentError
from g287.documents.store import archive_for, store_file, store_pdf
from g287.documents.timed_workers import workers_kept
from g287.errors import G287Error
from g287.registry.ingest import ingest_file, registry_change
from g287.sources.icepage import IcePageError, read_page
from g287.wording import counted, quoted


def checkpoint(step: str) -> None:
    """Called after each unit of work; tests replace it to interrupt a sync half-way."""


@dataclass
class SyncReport:
    page_url: str
    page: str = "not fetched"  # fetched | unchanged | failed
    workbooks: list[dict] = field(default_factory=list)  # {"url", "file", "status", "publication_id", "problem"}
    documents: dict[str, int] = field(
        default_factory=lambda: {"stored": 0, "already_held": 0, "unchanged": 0, "broken": 0, "not_checked": 0, "not_attempted": 0}
    )
    broken: list[dict] = field(default_factory=list)  # {"url", "problem", "http_status"}
    not_checked: dict[str, str] = field(default_factory=dict)  # host -> why nothing could be asked of it (documents only)
    bytes_downloaded: int = 0
    requests: int = 0
    problems: list[str] = field(default_factory=list)  # what made the sync fail (page, workbooks)

    @property
    def failed(self) -> bool:
        return bool(self.problems)

    def as_dict(self) -> dict:
        return dict(asdict(self), failed=self.failed)

    def summary_lines(self) -> list[str]:
        lines = [f"ICE's page ({self.page_url}): {self.page}"]
        for w in self.workbooks:
            lines.append(f"workbook {w['file']}: {w['status']}" + (f" as publication {w['publication_id']}" if w.get("publication_id") else "") + (f" — {w['problem']}" if w.get("problem") else ""))
        d = self.documents
        lines.append(
            f"documents: {d['stored']} stored, {d['already_held']} already held under another address, {d['unchanged']} unchanged, "
            f"{counted(d['broken'], 'broken link')}"
            + (f", {d['not_checked']} not checked (their host could not be asked: not recorded as broken)" if d["not_checked"] else "")
            + (f", {d['not_attempted']} left for a later sync (--limit)" if d["not_attempted"] else "")
        )
        lines.extend(f"not checked: the documents at {host}: {why}" for host, why in self.not_checked.items())
        lines.append(f"{self.requests} requests, {self.bytes_downloaded:,} bytes downloaded")
        lines.extend(f"problem: {p}" for p in self.problems)
        if d["broken"]:
            lines.append("see `g287 documents broken` for the broken links")
        return lines


def check_sync(page_url: str | None = None) -> settings.SyncSettings:
    """The settings of a sync of `page_url` (None: the setting's, else ICE's); G287Error for a bad setting (of the sync,
    or of reading the documents) or a page address that cannot be fetched: checked before anything is recorded (and,
    by the command line, before it opens the database)."""
    config = settings.sync_settings(page_url)
    settings.check_reading_settings()
    # A page address that cannot be fetched is the operator's typo, not ICE's broken link: refused before anything
    # is recorded (else it would stay among the broken links for good).
    problem = address_problem(config.page_url)
    if problem:
        raise G287Error(f"ICE's page {quoted(config.page_url)} (--source or G287_ICE_PAGE_URL): {problem}; expected an http(s) address such as {settings.DEFAULT_ICE_PAGE}")
    return config


def run_sync(
    db: Database,
    actor: Actor,
    *,
    page_url: str | None = None,
    every_publication: bool = False,
    recheck: bool = False,
    ocr: bool | None = None,
    limit: int | None = None,
    on_progress=None,
    client: PoliteClient | None = None,
) -> SyncReport:
    authorize(actor, "documents.sync")
    config = check_sync(page_url)
    archive = archive_for(db)
    report = SyncReport(config.page_url)
    say = on_progress or (lambda message: None)
    own_client = client is None
    client = client or PoliteClient(config, archive.partial_dir)
    try:
        # The registry's turn, as an ingest links its rows (see g287.documents.importer).
        with registry_change(db) as session:
            links.link_unlinked_rows(session.connection())
        # One sync downloads into the archive at a time (Archive.downloading); the rows are linked before, so that
        # two syncs started at once each link what it found (the registry's turn orders them).
        with archive.downloading(on_wait=lambda: say("waiting for another g287 sync of this archive to finish")):
            workbook_links = _page(db, actor, client, report, say)
            for link in workbook_links:
                _workbook(db, actor, client, report, link, say)
                checkpoint("workbook")
            _documents(db, actor, client, report, every_publication=every_publication, recheck=recheck, ocr=ocr, limit=limit, say=say)
    finally:
        if own_client:
            client.close()
    with db.session(writing=True) as session:
        audit.record(session, actor, "sources.sync", "page", None, after={k: v for k, v in report.as_dict().items() if k != "broken"})
    return report


def _page(db: Database, actor: Actor, client: PoliteClient, report: SyncReport, say) -> list:
    url = report.page_url
    address = _address(db, url, "page")
    held = _held_path(db, address)
    say(f"fetching {url}")
    result = client.fetch(url, expect="html", etag=address.etag if held else None, last_modified=address.last_modified if held else None)
    _count(report, result)
    if result.status == "failed":
        report.page = "failed"
        report.problems.append(f"ICE's page {url}: {result.problem}")
        if not result.unchecked:  # a host that could not be asked (offline): nothing learnt, nothing recorded
            _record_failure(db, address.id, result)
        return []
    if result.status == "not_modified":
        report.page = "unchanged"
        content, content_type = held.read_bytes(), "text/html"
    else:
        report.page = "fetched"
        content, content_type = result.path.read_bytes(), result.content_type
    try:
        found = read_page(content, result.final_url or url, content_type)  # a browser resolves links where it landed
    except IcePageError as error:
        report.page = "failed"
        report.problems.append(str(error))
        _record_failure(db, address.id, Fetched(url, "failed", result.http_status, problem=str(error)))
        _drop(result)
        return []
    if result.status == "downloaded":
        store_file(db, result.path, actor, kind="page", extension=".html", address_ids=[address.id], via="sync", file_name=address.link_name or "287g.html")
    _record_success(db, address.id, result)
    _drop(result)
    kinds = {link.kind for link in found}
    for missing in sorted({"participating", "pending"} - kinds):
        report.problems.append(f"ICE's page links no {missing} workbook")
    return found


def _workbook(db: Database, actor: Actor, client: PoliteClient, report: SyncReport, link, say) -> None:
    address = _address(db, link.url, "workbook")
    held = _held_path(db, address)
    entry = {"url": link.url, "file": link.file_name, "status": "", "publication_id": None, "problem": None}
    report.workbooks.append(entry)
    say(f"fetching {link.file_name}")
    result = client.fetch(link.url, expect="xlsx", etag=address.etag if held else None, last_modified=address.last_modified if held else None)
    _count(report, result)
    if result.status == "not_modified":
        entry["status"] = "unchanged"
        _record_success(db, address.id, result)
        return
    if result.status == "failed":
        entry.update(status="failed", problem=result.problem)
        report.problems.append(f"workbook {link.file_name}: {result.problem}")
        if not result.unchecked:
            _record_failure(db, address.id, result)
        return
    with tempfile.TemporaryDirectory(prefix="g287-sync-") as folder:
        named = Path(folder) / Path(link.file_name).name  # ingest reads the list and date from the file's name
        shutil.copyfile(result.path, named)
        try:
            ingested = ingest_file(db, named, actor)
        except G287Error as error:
            entry.update(status="failed", problem=str(error))
            report.problems.append(f"workbook {link.file_name}: {error}")
            _record_failure(db, address.id, Fetched(link.url, "failed", result.http_status, problem=f"not a readable list: {error}"))
            _drop(result)
            return
        entry.update(status=ingested.status, publication_id=ingested.publication_id)
        try:
            store_file(db, named, actor, kind="workbook", extension=".xlsx", address_ids=[address.id], via="sync", publication_id=ingested.publication_id)
        except G287Error as error:  # the list is ingested (its own transaction); keeping the file is retried next time
            entry["problem"] = f"ingested, but not kept in the archive: {error}"
            report.problems.append(f"workbook {link.file_name}: {entry['problem']}")
    _record_success(db, address.id, result)
    _drop(result)


def _documents(db: Database, actor: Actor, client: PoliteClient, report: SyncReport, *, every_publication: bool, recheck: bool, ocr, limit, say) -> None:
    # A file imported before a list linked its name (the lists just ingested may be the first to) is held: linked
    # as the import would have, not downloaded again.
    link_imported_files(db, actor)
    with db.session() as session:
        ids = links.current_address_ids(session.connection(), every_publication=every_publication)
        addresses = session.scalars(select(DocumentAddress).where(DocumentAddress.id.in_(ids)).order_by(DocumentAddress.id)).all() if ids else []
    with workers_kept():  # one reading worker for all the documents fetched, not one started for each
        _fetch_documents(db, actor, client, report, addresses, recheck=recheck, ocr=ocr, limit=limit, say=say)


def _fetch_documents(db: Database, actor: Actor, client: PoliteClient, report: SyncReport, addresses: list, *, recheck: bool, ocr, limit, say) -> None:
    attempted = 0
    for address in addresses:
        if address.document_id is not None and not recheck:
            continue
        if address.document_id is None and limit is not None and attempted >= limit:
            report.documents["not_attempted"] += 1
            continue
        host = urlsplit(address.url).netloc
        if host in report.not_checked:  # its host could not be asked this time: no request, and no "fetching" line
            report.documents["not_checked"] += 1
            continue
        attempted += address.document_id is None  # --limit counts the documents asked for, not those no one could be
        say(f"fetching {address.link_name}")
        held = _held_path(db, address) is not None  # conditional requests only for what the archive still holds
        result = client.fetch(address.url, expect="pdf", etag=address.etag if held else None, last_modified=address.last_modified if held else None)
        _count(report, result)
        if result.status == "not_modified":
            report.documents["unchanged"] += 1
            _record_success(db, address.id, result)
        elif result.status == "failed" and result.unchecked:  # the host's robots.txt could not be read: nothing asked
            report.documents["not_checked"] += 1
            report.not_checked.setdefault(result.unchecked_host or host, result.problem or "not fetched")
            attempted -= address.document_id is None
        elif result.status == "failed":
            _broken(db, actor, report, address, result)
        else:
            try:
                stored = store_pdf(db, result.path, actor, address_ids=[address.id], via="sync", file_name=address.link_name, ocr=ocr)
            except DocumentError as error:
                _broken(db, actor, report, address, Fetched(address.url, "failed", result.http_status, problem=error.problem))
            else:
                if stored.status == "stored":
                    report.documents["stored"] += 1
                elif stored.document_id == address.document_id:  # the same file again: the server ignored the conditional request
                    report.documents["unchanged"] += 1
                else:
                    report.documents["already_held"] += 1
                _record_success(db, address.id, result)
            _drop(result)
        checkpoint("document")


def _broken(db: Database, actor: Actor, report: SyncReport, address: DocumentAddress, result: Fetched) -> None:
    report.documents["broken"] += 1
    report.broken.append({"url": address.url, "problem": result.problem, "http_status": result.http_status})
    _record_failure(db, address.id, result, actor=actor)


def _address(db: Database, url: str, role: str) -> DocumentAddress:
    # The registry's turn, as every change that may record a new address takes it: two syncs at once both recorded
    # ICE's page, and the second failed on the addresses' unique index.
    with registry_change(db) as session:
        address_id = links.ensure_addresses(session.connection(), {url: role})[url]
        return session.get(DocumentAddress, address_id)


def _held_path(db: Database, address: DocumentAddress) -> Path | None:
    """The archive file the address served last time, if it is there (conditional requests need it)."""
    if address.document_id is None:
        return None
    with db.session() as session:
        document = session.get(Document, address.document_id)
        path = archive_for(db).path_for(document.sha256, document.extension)
    return path if path.is_file() else None


def _record_success(db: Database, address_id: int, result: Fetched) -> None:
    values = {"checked_at": dt.datetime.now(dt.timezone.utc), "failures": 0, "problem": None, "http_status": result.http_status}
    if result.status == "downloaded":
        values.update(etag=(result.etag or None) and result.etag[:255], last_modified=(result.last_modified or None) and result.last_modified[:64])
    with db.session(writing=True) as session:
        address = session.get(DocumentAddress, address_id)
        if address.document_id is not None:
            values["status"] = "held"
        session.execute(update(DocumentAddress).where(DocumentAddress.id == address_id).values(**values))


def _record_failure(db: Database, address_id: int, result: Fetched, actor: Actor | None = None) -> None:
    """A failed fetch: the address is broken (what it served before, if anything, stays in the archive)."""
    with db.session(writing=True) as session:
        address = session.get(DocumentAddress, address_id)
        newly_broken = address.status != "broken"
        address.status = "broken"
        address.problem = (result.problem or "failed")[:1000]
        address.http_status = result.http_status
        address.failures = (address.failures or 0) + 1
        address.checked_at = dt.datetime.now(dt.timezone.utc)
        if newly_broken and actor is not None:
            audit.record(session, actor, "document.link_broken", "document_address", address.id, after={"url": address.url, "problem": address.problem})


def _count(report: SyncReport, result: Fetched) -> None:
    report.requests += result.attempts + result.robots_requests  # a refused address (robots.txt, not http) asks nothing
    report.bytes_downloaded += result.received


def _drop(result: Fetched) -> None:
    if result.path is not None:
        result.path.unlink(missing_ok=True)

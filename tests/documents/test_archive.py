"""The archive: files kept by content and never overwritten, linked to the listings that point to them, matched
by file name on import; contradictions between a document and its listing in the quality register."""

import os
import shutil
import stat

import pytest
from sqlalchemy import func, select

from g287.db.models.documents import Document, DocumentAddress, DocumentOrigin, DocumentRowLink
from g287.db.models.registry import RawRow, RowProblem
from g287.documents import checks, queries, settings
from g287.documents.archive import Archive, ArchiveError, sha256_of
from g287.documents.importer import import_paths, link_key_of_file
from g287.documents.search import search
from g287.documents.store import archive_for, recheck, reread
from g287.errors import NotFound
from g287.registry import quality
from g287.registry.ingest import ingest_file
from g287.registry.publications import resolve
from tests.conftest import snapshot
from tests.documents.conftest import PUBLICATION, moa

BURLESON = "BurlesonCoTX_WSO_MOA_04.16.2025.pdf"
VICTORIA = "VictoriaCo_WSO_MOA_02.26.25.pdf"
JUPITER = "JupiterInletColonyPolice_TFM_MOA_031025.pdf"

pytestmark = pytest.mark.usefixtures("text_layers_read_once")  # the same MOAs, stored test after test: each read once


def copies(tmp_path, names, folder="incoming"):
    target = tmp_path / folder
    target.mkdir(parents=True, exist_ok=True)
    for name in names:
        shutil.copyfile(moa(name), target / name)
    return target


def test_import_matches_listed_addresses_and_stores_by_content(db, actor, tmp_path, deferred_writes):
    ingest_file(db, PUBLICATION, actor)
    folder = copies(tmp_path, [BURLESON, VICTORIA], "earlier downloads/TX")
    (folder / "notes.txt").write_text("not a document")
    report = import_paths(db, [str(tmp_path / "earlier downloads")], actor)
    assert not report.errors and not report.unmatched
    assert [s["reason"] for s in report.skipped] == ["not a .pdf file"]
    assert {r.file: r.status for r in report.results} == {BURLESON: "stored", VICTORIA: "stored"}
    burleson = next(r for r in report.results if r.file == BURLESON)
    assert burleson.addresses == [f"https://www.ice.gov/doclib/287gMOA/{BURLESON}"]  # the address, as listed
    sha, size = sha256_of(moa(BURLESON))
    assert burleson.sha256 == sha
    path = archive_for(db).path_for(sha, ".pdf")
    assert path == settings.documents_dir() / "sha256" / sha[:2] / f"{sha}.pdf"
    assert path.read_bytes() == moa(BURLESON).read_bytes()
    assert not os.stat(path).st_mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH)  # kept read-only
    with db.session() as session:
        document = session.scalars(select(Document).where(Document.sha256 == sha)).one()
        assert (document.size_bytes, document.page_count, document.text_pages) == (size, 10, 10)
        origin = session.scalars(select(DocumentOrigin).where(DocumentOrigin.document_id == document.id)).one()
        assert (origin.via, origin.file_name) == ("import", BURLESON)
        detail = queries.document_detail(session, sha)
        assert [(a["agency"], a["state"], a["model"], a["role"]) for a in detail["agreements"]] == [("Burleson County Sheriff's Office", "TX", "WSO", "moa")]
        assert detail["agreements"][0]["agreement_id"] is not None
        assert [p["file"] for p in detail["publications"]] == [PUBLICATION.name]
        agency_id = detail["agreements"][0]["agency_id"]
        listed = queries.documents_of_agency(session, agency_id)
        assert [d["sha256"] for d in listed] == [sha]
        assert listed[0]["facts"]["ice_signed_on"] == {"value": "2025-04-16", "page": 7, "confidence": 0.9, "source": "text", "evidence": "Date, 04/ 16/2025 ~"}
        assert listed[0]["file_link"] == f"/documents/{sha}.pdf" and listed[0]["models"] == ["WSO"]
        file = queries.document_file(db, sha)
        assert file.path == path and file.media_type == "application/pdf" and file.download_name == BURLESON
    assert deferred_writes == []  # every change began as writing: it waits for another, never refused


def test_importing_again_changes_nothing(sqlite_db, actor, tmp_path):
    db = sqlite_db
    ingest_file(db, PUBLICATION, actor)
    folder = copies(tmp_path, [BURLESON])
    import_paths(db, [str(folder)], actor)
    before, files = snapshot(db), Archive(settings.documents_dir()).listing()
    report = import_paths(db, [str(folder)], actor)
    assert [r.status for r in report.results] == ["held"]
    assert snapshot(db) == before and Archive(settings.documents_dir()).listing() == files


def test_a_second_download_name_and_case_still_match(sqlite_db, actor, tmp_path):
    db = sqlite_db
    ingest_file(db, PUBLICATION, actor)
    folder = tmp_path / "downloads"
    folder.mkdir()
    shutil.copyfile(moa(VICTORIA), folder / "victoriaco_wso_moa_02.26.25 (1).pdf")
    assert link_key_of_file("victoriaco_wso_moa_02.26.25 (1).pdf") == VICTORIA.lower()
    report = import_paths(db, [str(folder)], actor)
    assert report.results[0].addresses == [f"https://www.ice.gov/doclib/287gMOA/{VICTORIA}"]


def test_a_file_no_listing_links_is_kept_and_reported(sqlite_db, actor, tmp_path):
    db = sqlite_db
    folder = tmp_path / "other"
    folder.mkdir()
    shutil.copyfile(moa(VICTORIA), folder / "SomeOtherName.pdf")
    report = import_paths(db, [str(folder)], actor)
    assert report.unmatched == ["SomeOtherName.pdf"] and report.results[0].status == "stored"


def test_archive_never_overwrites_and_refuses_foreign_names(tmp_path):
    archive = Archive(tmp_path / "archive")
    sha, _size = sha256_of(moa(VICTORIA))
    assert archive.put(moa(VICTORIA), sha, ".pdf") is True
    assert archive.put(moa(VICTORIA), sha, ".pdf") is False  # the same content: nothing written
    path = archive.path_for(sha, ".pdf")
    os.chmod(path, 0o644)
    path.write_bytes(b"tampered")
    with pytest.raises(ArchiveError, match="damaged"):
        archive.put(moa(VICTORIA), sha, ".pdf")
    assert path.read_bytes() == b"tampered"  # reported, not overwritten
    for bad in ("../../etc/passwd", "A" * 64 + "/x", sha[:-1] + "g"):
        with pytest.raises(ArchiveError):
            archive.path_for(bad, ".pdf")
    with pytest.raises(ArchiveError):
        archive.path_for(sha, "/../x")


def test_one_process_downloads_into_an_archive_at_a_time_and_another_waits_saying_so(tmp_path):
    """Downloads in progress are files named by their address: a second sync waits for the first (called on_wait
    once), then goes on; one with no other never waits."""
    import threading

    archive = Archive(tmp_path / "archive")
    waited, order = [], []
    with archive.downloading(on_wait=lambda: waited.append("first")):
        order.append("first in")
        second = threading.Thread(target=lambda: _download_in_turn(archive, waited, order))
        second.start()
        for _ in range(300):  # until the second has found the archive taken (however loaded the machine)
            if waited:
                break
            second.join(timeout=0.1)
        assert waited == ["second"] and second.is_alive() and order == ["first in"]  # still waiting for this block to end
        order.append("first out")
    second.join(timeout=30)
    assert not second.is_alive()
    assert order == ["first in", "first out", "second in"] and waited == ["second"]


def _download_in_turn(archive, waited, order):
    with archive.downloading(on_wait=lambda: waited.append("second")):
        order.append("second in")


def test_document_file_refuses_anything_but_a_held_sha256(sqlite_db, actor, tmp_path):
    db = sqlite_db
    import_paths(db, [str(copies(tmp_path, [VICTORIA]))], actor)
    for bad in ("../../../etc/passwd", "0" * 64, "", "%2e%2e%2f" * 8):
        with pytest.raises(NotFound):
            queries.document_file(db, bad)


def test_documents_dir_defaults_beside_the_sqlite_database(monkeypatch, tmp_path):
    monkeypatch.delenv("G287_DOCUMENTS_DIR")
    assert settings.documents_dir(f"sqlite:///{tmp_path}/data/g287.sqlite") == tmp_path / "data" / "documents"
    monkeypatch.setenv("G287_HOME", str(tmp_path / "home"))
    assert settings.documents_dir("postgresql+psycopg://u@h/db") == tmp_path / "home" / "documents"


def test_a_document_contradicting_its_listing_is_registered_once(db, actor, tmp_path):
    """The Burleson County WSO MOA published under the Jupiter Inlet Colony TFM listing's link name (a link to the
    wrong file) contradicts its listing's model and agency; the genuine MOAs contradict nothing."""
    ingest_file(db, PUBLICATION, actor)
    folder = tmp_path / "mixed up"
    folder.mkdir()
    shutil.copyfile(moa(BURLESON), folder / JUPITER)
    shutil.copyfile(moa(VICTORIA), folder / VICTORIA)
    report = import_paths(db, [str(folder)], actor)
    assert not report.errors

    def entries():
        with db.session() as session:
            return session.execute(
                select(RawRow.id, RowProblem.column, RowProblem.problem, RowProblem.category).join(RawRow, RawRow.id == RowProblem.raw_row_id).where(
                    RowProblem.column.in_(checks.COLUMNS.values())
                ).order_by(RowProblem.problem)
            ).all()

    found = entries()
    assert len(found) == 2 and {e.category for e in found} == {"note"} and {e.column for e in found} == {"MOA document"}
    model, agency = found
    assert "(JupiterInletColonyPolice_TFM_MOA_031025.pdf, page 1) is for the Warrant Service Officer (WSO)" in model.problem
    assert "the listing says Task Force Model (TFM)" in model.problem
    assert "names the agency 'Burleson County Sheriffs Office, TX'" in agency.problem and "Jupiter Inlet Colony Police Department" in agency.problem
    with db.session() as session:
        register = quality.register(session, resolve(session, PUBLICATION.name))
    assert sum(e.column == "MOA document" for e in register) == 2  # visible in the publication's register
    sha = next(r.sha256 for r in report.results if r.file == JUPITER)
    reread(db, sha, actor)
    with db.session() as session:  # read again: indexed once, page and document indexes alike
        result = search(session, "Burleson Hermes")
        assert result.total == 1 and result.hits[0].sha256 == sha and result.hits[0].page == 7  # the signature page names both
    recheck(db, actor)
    import_paths(db, [str(folder)], actor)
    ingest_file(db, PUBLICATION.parent / "participatingAgencies07032025pm__v2.xlsx", actor)  # listings again
    assert entries() == found  # reprocessing never duplicates


def test_a_failed_store_leaves_archive_and_database_unchanged(db, actor, tmp_path, monkeypatch):
    ingest_file(db, PUBLICATION, actor)
    folder = copies(tmp_path, [VICTORIA])
    before, files = snapshot(db), Archive(settings.documents_dir()).listing()

    def fail(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(checks, "check_rows", fail)  # fails after the file was put into the archive
    with pytest.raises(RuntimeError):
        import_paths(db, [str(folder)], actor)
    assert snapshot(db) == before and Archive(settings.documents_dir()).listing() == files == []


def test_rows_are_linked_on_ingest(db, actor):
    ingest_file(db, PUBLICATION, actor)
    with db.session() as session:
        rows = session.scalar(select(func.count()).select_from(RawRow).where(RawRow.moa_url.is_not(None)))
        linked = session.scalar(select(func.count(DocumentRowLink.raw_row_id.distinct())))
        addresses = session.scalar(select(func.count()).select_from(DocumentAddress).where(DocumentAddress.role == "moa"))
    assert rows == linked == 605 and addresses == 602  # the list of 2025-07-09 links 602 distinct MOAs from 605 rows


def test_read_command_reads_stored_documents_again(sqlite_db, actor, tmp_path, deferred_writes, monkeypatch):
    """The reading again is the real console command (a process of its own, whose workers it starts); --facts-only,
    which reads no PDF, runs in this process (tests/in_process.py), a second start-up of g287 saved."""
    import json
    import subprocess
    import sys

    from tests.conftest import ROOT
    from tests.in_process import run_g287

    db = sqlite_db
    report = import_paths(db, [str(copies(tmp_path, [JUPITER]))], actor)
    sha = report.results[0].sha256
    env = dict(os.environ, G287_DATABASE_URL=db.url)

    def g287(*arguments):
        result = subprocess.run([sys.executable, "-m", "g287", *arguments], capture_output=True, text=True, env=env, cwd=ROOT)
        assert result.returncode == 0, result.stderr
        return result.stdout

    again = json.loads(g287("documents", "read", "--unread", "--no-ocr", "--json"))  # the mixed MOA has unread pages
    assert [(r["sha256"], r["status"], r["text_pages"], r["unread_pages"]) for r in again] == [(sha, "reread", 2, 12)]
    monkeypatch.setenv("G287_DATABASE_URL", db.url)
    status, facts_only, err = run_g287(None, "documents", "read", "--facts-only")
    assert (status, err) == (0, "")
    assert "1 document" in facts_only and "(s)" not in facts_only
    with db.session() as session:
        facts = queries.document_detail(session, sha)["facts"]
    assert facts["ice_signed_on"]["value"] == "2025-03-10" and facts["model"]["value"] is None
    assert deferred_writes == []  # every change began as writing: it waits for another, never refused


def test_new_rows_linking_a_held_document_are_checked_on_ingest(db, actor, tmp_path):
    """Rows stored after the documents they link are checked as they are stored (the ingest's documents processor):
    a later list whose Jupiter Inlet Colony row is written otherwise (a CSV, with the county filled in: a new raw
    row) links the mixed-up file too."""
    ingest_file(db, PUBLICATION, actor)
    folder = tmp_path / "mixed up"
    folder.mkdir()
    shutil.copyfile(moa(BURLESON), folder / JUPITER)
    assert not import_paths(db, [str(folder)], actor).errors

    def entries_by_row():
        with db.session() as session:
            rows = session.execute(select(RowProblem.raw_row_id).where(RowProblem.column == "MOA document")).scalars().all()
        return sorted(rows)

    before = entries_by_row()
    assert len(before) == 2 and len(set(before)) == 1
    later = tmp_path / "participatingAgencies07102025am.csv"
    later.write_text(
        "STATE,LAW ENFORCEMENT AGENCY,TYPE,COUNTY,SUPPORT TYPE,SIGNED,MOA\n"
        f"FLORIDA,Jupiter Inlet Colony Police Department,Municipality,Palm Beach,Task Force Model,3/10/2025,https://www.ice.gov/doclib/287gMOA/{JUPITER}\n",
        encoding="utf-8",
    )
    ingest_file(db, later, actor)
    after = entries_by_row()
    assert len(after) == 4 and len(set(after)) == 2 and set(before) < set(after)


def test_an_agencys_documents_of_one_name_come_in_the_order_of_their_ids(db, actor, tmp_path):
    """Two files under one name (one the listing's address served, another an address of the same name elsewhere)
    with the same role and model: documents_of_agency ordered them by role, models and name only, so they came in the
    order the database returned them, which on PostgreSQL follows where a row was last written."""
    import datetime as dt

    from g287.documents.links import url_key

    ingest_file(db, PUBLICATION, actor)
    import_paths(db, [str(copies(tmp_path, [BURLESON]))], actor)
    with db.session(writing=True) as session:
        first = session.scalars(select(Document).where(Document.file_name == BURLESON)).one()
        link = session.scalars(select(DocumentRowLink).join(DocumentAddress, DocumentAddress.id == DocumentRowLink.address_id).where(DocumentAddress.document_id == first.id)).one()
        address = session.get(DocumentAddress, link.address_id)
        columns = {c.key: getattr(first, c.key) for c in Document.__table__.columns if c.key != "id"}
        second = Document(**dict(columns, sha256="f" * 64))
        session.add(second)
        session.flush()
        url = address.url.replace("/287gMOA/", "/287gMOA/copy/")
        other = DocumentAddress(
            url=url, url_key=url_key(url), link_name=address.link_name, link_key=address.link_key, role=address.role,
            document_id=second.id, status="held", failures=0, first_seen_at=address.first_seen_at,
        )
        session.add(other)
        session.flush()
        session.add(DocumentRowLink(address_id=other.id, raw_row_id=link.raw_row_id, role=link.role))
        first.read_at = first.stored_at + dt.timedelta(seconds=1)  # written again: PostgreSQL now keeps the row after the second
        session.flush()
        ids, agency_id = [first.id, second.id], queries.document_detail(session, first.sha256)["agreements"][0]["agency_id"]
    with db.session() as session:
        listed = queries.documents_of_agency(session, agency_id)
    assert [(d["file_name"], d["id"]) for d in listed] == [(BURLESON, ids[0]), (BURLESON, ids[1])]

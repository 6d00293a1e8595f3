"""Several g287 processes at once on one database (a cron job, a second terminal): each comes out as it would alone,
one after the other. On PostgreSQL the processes are lined up at the step where they collide: the test holds a lock
on a table they need there (the publications, which an ingest adds to; the schema's version, which a command reads
before it migrates) and lets go once each process waits for a lock. (SQLite writes one transaction at a time, and
an ingest or a migration takes the write lock before it reads: the processes are only started together.)"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from contextlib import contextmanager
from pathlib import Path

import pytest
from alembic import command

from g287.db import dialect
from g287.db.engine import alembic_config
from g287.errors import Busy
from g287.registry.ingest import ingest_file, registry_change
from tests.conftest import ICE, make_database, snapshot
from tests.in_process import run_g287

PARTICIPATING = ICE / "participating"
TIMES = frozenset({"at", "imported_at", "first_seen_at", "created_at"})  # when each database was written


def _g287(db, *arguments: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "g287", "--database", db.url, *arguments], env=dict(os.environ), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )


def _finished(process: subprocess.Popen) -> tuple[int, str, str]:
    out, err = process.communicate(timeout=120)
    return process.returncode, out, err


@contextmanager
def _lined_up(db, waiting: int, lock: str = "LOCK TABLE publications IN EXCLUSIVE MODE", elsewhere=lambda: 0):
    """On PostgreSQL: `lock` (by default, publications can be read but not added) is held until `waiting` other
    processes wait: for a lock of the database, or as `elsewhere()` counts them."""
    if db.dialect_name != "postgresql":
        yield
        return
    with db.engine.connect() as holder:
        holder.exec_driver_sql(lock)
        yield
        _until_waiting(db, waiting, elsewhere)
        holder.commit()


def _until_waiting(db, waiting: int, elsewhere=lambda: 0) -> None:
    """On PostgreSQL: return once `waiting` connections wait for a lock (or wait as `elsewhere()` counts them)."""
    if db.dialect_name != "postgresql":
        return
    count = "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as watcher:
        deadline = time.monotonic() + 60
        while watcher.exec_driver_sql(count).scalar() + elsewhere() < waiting:  # (in a transaction, the activity seen would stay as it was)
            assert time.monotonic() < deadline, "the processes never met"
            time.sleep(0.05)


def _flock_waiters(path) -> int:
    """How many processes wait for the operating system's lock of the file (flock): /proc/locks lists each waiter
    on a line with "->", naming the file by device and inode."""
    try:
        inode = os.stat(path).st_ino
        lines = Path("/proc/locks").read_text().splitlines()
    except OSError:  # not created yet (or no /proc: nothing to count)
        return 0
    return sum(1 for line in lines if "->" in line and "FLOCK" in line and line.split()[-3].rsplit(":", 1)[-1] == str(inode))


def _ingested_at_once(db, *files) -> list[tuple[int, str, str]]:
    with _lined_up(db, waiting=len(files)):
        processes = [_g287(db, "ingest", "--json", str(path)) for path in files]
    return [_finished(process) for process in processes]


def test_two_ingests_of_one_file_at_once_make_one_publication(db):
    """On PostgreSQL both found the file new and wrote it: the second failed on a unique index, `g287: error: database
    ...: duplicate key value violates unique constraint "uq_publications_sha256"`."""
    path = PARTICIPATING / "participatingAgencies05292025am.xlsx"
    outcomes = _ingested_at_once(db, path, path)
    assert [(status, err) for status, _out, err in outcomes] == [(0, ""), (0, "")]
    statuses = sorted(json.loads(out)["results"][0]["status"] for _status, out, _err in outcomes)
    assert statuses == ["ingested", "unchanged"]
    with db.engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT count(*) FROM publications").scalar() == 1


def test_two_ingests_of_other_files_at_once_give_what_one_after_the_other_gives(db, actor, tmp_path):
    """A list and ICE's correction of it (the same date and half), ingested at once over an earlier list: on PostgreSQL
    one of them failed on a unique index, `... duplicate key value violates unique constraint
    "uq_agency_names_state_usps_name"` (an agency name both created)."""
    first = PARTICIPATING / "participatingAgencies05292025am.xlsx"
    files = [PARTICIPATING / "participatingAgencies07032025pm.xlsx", PARTICIPATING / "participatingAgencies07032025pm__v2.xlsx"]
    ingest_file(db, first, actor)
    outcomes = _ingested_at_once(db, *files)
    assert [(status, err) for status, _out, err in outcomes] == [(0, ""), (0, "")]
    with db.engine.connect() as conn:
        committed = [name for (name,) in conn.exec_driver_sql("SELECT file_name FROM publications ORDER BY id")]
    assert committed[0] == first.name and sorted(committed[1:]) == sorted(path.name for path in files)
    (tmp_path / "alone").mkdir()
    alone, close = make_database(db.dialect_name, tmp_path / "alone")
    try:
        for name in committed:  # one after the other, in the order the two processes committed
            ingest_file(alone, PARTICIPATING / name, actor)
        assert snapshot(db, TIMES) == snapshot(alone, TIMES)
    finally:
        close()


@pytest.mark.parametrize("blank_url", ["postgresql"], indirect=True)  # SQLite has no other isolation
def test_processes_take_turns_in_a_database_whose_default_isolation_is_repeatable_read(blank_url):
    """A PostgreSQL database (or server) whose default_transaction_isolation is REPEATABLE READ: a writing transaction
    took its snapshot at its first statement, before its turn came, and read the database as it was before the change
    it had waited for. Of two processes opening the new database at once, the second ran the migrations again
    ('relation "alembic_version" already exists'); of two ingests of one file, the second wrote it again (refused by
    "uq_publications_sha256")."""
    from sqlalchemy import create_engine, make_url

    from g287.db.engine import Database
    from tests.conftest import POSTGRES_ADMIN_URL

    admin = create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f"ALTER DATABASE \"{make_url(blank_url).database}\" SET default_transaction_isolation = 'repeatable read'")
    admin.dispose()
    database = Database(blank_url, migrate=False)
    try:
        with database.engine.connect() as holder:  # the schema's turn, held until both processes wait for it
            dialect._wait_for_turns(holder, ["g287 schema change"])
            processes = [_g287(database, "stats", "--json") for _ in range(2)]
            _until_waiting(database, 2)
            holder.commit()
        assert [(status, err) for status, _out, err in map(_finished, processes)] == [(0, "")] * 2
        path = PARTICIPATING / "participatingAgencies05292025am.xlsx"
        outcomes = _ingested_at_once(database, path, path)
        assert [(status, err) for status, _out, err in outcomes] == [(0, ""), (0, "")]
        with database.engine.connect() as conn:
            assert conn.exec_driver_sql("SHOW default_transaction_isolation").scalar() == "repeatable read"
            assert conn.exec_driver_sql("SELECT count(*) FROM alembic_version").scalar() == 1
            assert conn.exec_driver_sql("SELECT count(*) FROM publications").scalar() == 1
    finally:
        database.dispose()

def test_two_commands_given_a_database_without_its_schema_at_once_both_answer(db):
    """The first use of a new database by several processes: each migrates it, or waits for the one migrating. On
    PostgreSQL each created the tables, and all but one failed: `g287: error: database ...: duplicate key value
    violates unique constraint "pg_type_typname_nsp_index"`. (Two processes make the race: a third would wait, or
    fail, as the second does, and cost another second of starting Python and g287.)"""
    with db.engine.begin() as conn:
        config = alembic_config(db.engine)
        config.attributes["connection"] = conn
        command.downgrade(config, "base")  # no table of g287's left, and no version
    with _lined_up(db, waiting=2, lock="LOCK TABLE alembic_version IN ACCESS EXCLUSIVE MODE"):
        processes = [_g287(db, "stats", "--json") for _ in range(2)]
    outcomes = [_finished(process) for process in processes]
    assert [(status, err) for status, _out, err in outcomes] == [(0, "")] * 2
    assert {json.loads(out)["participating"] for _status, out, _err in outcomes} == {None}
    with db.engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT count(*) FROM alembic_version").scalar() == 1
        assert conn.exec_driver_sql("SELECT count(*) FROM states").scalar() == 57


def test_a_page_read_while_an_older_list_is_ingested_gives_the_figures_of_one_moment(db, actor):
    """A page reads the list in force, then its listings. On PostgreSQL each statement saw what was committed when it
    began: an older list ingested in between took the place (seq) of the one in force in its series, and the page gave
    the older list's figures (706 MOAs) under the name of the one in force (807 MOAs, 9 July)."""
    from g287.registry.figures import participating_figures, stats
    from g287.registry.publications import in_force
    from g287.web.app import Site

    for name in ("participatingAgencies05292025am.xlsx", "participatingAgencies07092025am.xlsx"):
        ingest_file(db, PARTICIPATING / name, actor)
    with db.session() as session:
        before = stats(session)["participating"]
    with Site(db).read() as session:
        publication = in_force(session, "participating", None)
        assert _finished(_g287(db, "ingest", str(PARTICIPATING / "participatingAgencies06172025pm.xlsx")))[0] == 0
        # the list's own figures (stats adds the lists of its half-day it replaced, none here)
        assert participating_figures(session, publication) == {k: v for k, v in before.items() if k != "replaced"}
    with db.session() as session:
        assert stats(session)["participating"] == before  # the list in force is still the latest


def test_two_imports_of_one_document_at_once_keep_it_once(db, monkeypatch, tmp_path):
    """Two `documents import` (or a sync and an import) given the same PDF at once: one stores it, the other finds it
    held. On PostgreSQL both found it new: the second failed, `g287: error: database ...: duplicate key value violates
    unique constraint "uq_documents_sha256"`, and the files after it in its folder were not imported."""
    monkeypatch.setenv("G287_DOCUMENTS_DIR", str(tmp_path / "archive"))
    monkeypatch.setenv("G287_OCR", "off")
    monkeypatch.setenv("G287_WORKERS", "1")
    pdf = _small_pdf(tmp_path)
    with _lined_up(db, waiting=2, lock="LOCK TABLE documents IN EXCLUSIVE MODE"):
        processes = [_g287(db, "documents", "import", "--json", str(pdf)) for _ in range(2)]
    outcomes = [_finished(process) for process in processes]
    assert [(status, err) for status, _out, err in outcomes] == [(0, ""), (0, "")]
    statuses = sorted(result["status"] for _status, out, _err in outcomes for result in json.loads(out)["results"])
    assert statuses == ["held", "stored"]
    with db.engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT count(*) FROM documents").scalar() == 1
    assert [path.name for path in (tmp_path / "archive").rglob("*.pdf")] == [f"{json.loads(outcomes[0][1])['results'][0]['sha256']}.pdf"]


def test_a_review_decision_during_an_ingest_gives_what_one_after_the_other_gives(db, actor, tmp_path, monkeypatch):
    """`g287 review accept` of a proposal while a list that gives both names (and so withdraws the proposal) is
    ingested: the outcome is one of the two orders. On PostgreSQL the decision failed, `g287: error: database ...:
    deadlock detected` (each transaction waited for rows the other had changed), or both were kept with neither order's
    outcome (each had read the names before the other changed them)."""
    import datetime as dt

    from g287.exports.ice_workbook import write_ice_workbook
    from g287.history import review
    from tests.history.builders import Publisher, row

    def prepared(folder):
        folder.mkdir()
        aliases = folder / "aliases.csv"
        aliases.write_text("state,name,relation,other_name,reason,reviewed\n")
        monkeypatch.setenv("G287_ALIASES_FILE", str(aliases))
        database, close = make_database(db.dialect_name, folder / "db") if folder.name != "at once" else (db, lambda: None)
        publisher = Publisher(database, folder)
        publisher.publish("participating", "2025-06-01", [row("FL", "Beta Police Department", "TFM", "2025-02-01")])
        publisher.publish("pending", "2025-06-01", [row("FL", "Eta Police Department", "TFM", None)])
        both = folder / "participatingAgencies06032025am.xlsx"
        listed = [row("FL", "Beta Police Department", "TFM", "2025-02-01"), row("FL", "Eta Police Department", "TFM", "2025-06-02")]
        write_ice_workbook(both, "participating", listed, modified=dt.datetime(2025, 6, 3, 9))
        with database.session() as session:
            (candidate,) = review.candidates(session)  # Eta Police Department: one letter off Beta's name
        return database, close, candidate.id, both, aliases

    database, _none, candidate, both, aliases = prepared(tmp_path / "at once")
    with _lined_up(db, waiting=2, lock="LOCK TABLE identity_candidates IN EXCLUSIVE MODE"):
        processes = [_g287(db, "review", "accept", str(candidate)), _g287(db, "ingest", str(both))]
    (accepted, _out, said), (ingested, _out, err) = [_finished(process) for process in processes]
    assert (ingested, err) == (0, "")
    at_once = snapshot(db, TIMES | {"decided_at"}), aliases.read_text()
    order = "accept first" if accepted == 0 else "ingest first"
    assert said == ("" if accepted == 0 else f"g287: error: no review candidate {candidate} (see `g287 review`)\n")
    other, close, candidate, both, aliases = prepared(tmp_path / order)
    try:
        steps = [lambda: review.decide(other, actor, candidate, accept=True), lambda: ingest_file(other, both, actor)]
        if order == "ingest first":
            steps = steps[::-1][:1]  # the proposal withdrawn, the decision is refused
        for step in steps:
            step()
        assert at_once == (snapshot(other, TIMES | {"decided_at"}), aliases.read_text())
    finally:
        close()


def test_an_agency_whose_moa_is_recorded_as_signed_while_a_list_first_names_it_is_one_agency(db, actor, tmp_path):
    """The program office records a signed MOA of an applicant agency that no list named yet (the registry gets the
    agency, under its name) while an ingest of ICE's list that names it for the first time runs. On PostgreSQL the
    ingest failed: `g287: error: database ...: duplicate key value violates unique constraint
    "uq_agency_names_state_usps_name"`."""
    import datetime as dt

    from g287.exports.ice_workbook import write_ice_workbook
    from g287.program import moas
    from tests.history.builders import row
    from tests.program.world import OFFICER, SIGNATORIES, SIGNED_PDF, TODAY, build

    def world_and_list(database, folder):
        with database.session(writing=True) as session:
            world = build(session, "drafted")  # Testville County Sheriff's Office, FL: its TFM MOA drafted
        listed = folder / "participatingAgencies07012025am.xlsx"
        sheriff = row("FL", "Testville County Sheriff's Office", "TFM", "2025-06-01", agency_type="County", county="Testville County")
        write_ice_workbook(listed, "participating", [sheriff], modified=dt.datetime(2025, 7, 1, 9))
        return world, listed

    def record(session, world) -> None:
        moas.record_signed_moa(session, OFFICER, world.tfm, pdf=SIGNED_PDF.read_bytes(), signed_on=TODAY - dt.timedelta(days=30), signatories=SIGNATORIES, today=TODAY)

    world, listed = world_and_list(db, tmp_path)
    with db.session(writing=True) as session:
        record(session, world)
        process = _g287(db, "ingest", str(listed))
        _until_waiting(db, 1)  # the ingest waits for the recording to end
    status, _out, err = _finished(process)
    assert (status, err) == (0, "")
    (tmp_path / "alone").mkdir()
    alone, close = make_database(db.dialect_name, tmp_path / "alone")
    try:
        world, listed = world_and_list(alone, tmp_path / "alone")
        with alone.session(writing=True) as session:
            record(session, world)
        ingest_file(alone, listed, actor)
        # The workflow's letter, MOA and audit events hold the moments they were made, in their text.
        made_at = {"applications", "program_moas", "audit_events"}
        at_once, one_after_the_other = snapshot(db, TIMES), snapshot(alone, TIMES)
        assert {t: rows for t, rows in at_once.items() if t not in made_at} == {t: rows for t, rows in one_after_the_other.items() if t not in made_at}
    finally:
        close()


def test_an_ingest_that_waits_too_long_for_another_process_says_so_in_one_line(db, monkeypatch):
    """Another process's change of the registry holds it (its transaction not ended). On SQLite the ingest gave up
    after its wait with `g287: error: database ...: database is locked`; on PostgreSQL it waited for the registry's
    turn with no limit. (The wait is shortened here; the ingest runs in this process, beside the change.)"""
    monkeypatch.setattr(dialect, "_BUSY_TIMEOUT_MS", 200)
    files = [PARTICIPATING / "participatingAgencies05292025am.xlsx", PARTICIPATING / "participatingAgencies07092025am.xlsx"]
    outcome: list[tuple[int, str, str]] = []
    with registry_change(db):  # the other process's change, not yet committed
        ingest = threading.Thread(target=lambda: outcome.append(run_g287(db.url, "ingest", *map(str, files))))
        ingest.start()
        ingest.join(60)
        still_waiting = ingest.is_alive()
    ingest.join()  # the change has ended: an ingest still waiting goes on, and ends
    assert not still_waiting, "the ingest waited for the other change with no limit"
    assert outcome == [(1, "", f"g287: error: {Busy()}\n")]
    assert str(Busy()) == "another g287 process is writing to the same database: try again once it has finished"
    with db.engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT count(*) FROM publications").scalar() == 0


def test_two_imports_linking_the_same_new_addresses_at_once_both_succeed(db, actor, monkeypatch, tmp_path):
    """`documents import` first links the rows stored before the archive existed to their addresses, as an ingest
    links its rows. Two imports at once (or an import and an ingest) found the same addresses new: on PostgreSQL the
    second failed, `g287: error: database ...: duplicate key value violates unique constraint
    "uq_document_addresses_url_key"`, and imported nothing."""
    monkeypatch.setenv("G287_DOCUMENTS_DIR", str(tmp_path / "archive"))
    monkeypatch.setenv("G287_OCR", "off")
    monkeypatch.setenv("G287_WORKERS", "1")
    links = _ingested_without_links(db, actor)
    pdf = _small_pdf(tmp_path)
    with _lined_up(db, waiting=2, lock="LOCK TABLE document_addresses IN EXCLUSIVE MODE"):
        processes = [_g287(db, "documents", "import", "--json", str(pdf)) for _ in range(2)]
    outcomes = [_finished(process) for process in processes]
    assert [(status, err) for status, _out, err in outcomes] == [(0, ""), (0, "")]
    with db.engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT count(*) FROM document_row_links").scalar() == links


@pytest.mark.parametrize("older_rows", [False, True], ids=["new database", "rows stored before the archive"])
def test_two_syncs_at_once_both_record_ice_s_page_and_link_the_older_rows(db, actor, monkeypatch, tmp_path, older_rows):
    """Each sync records the address of ICE's page (and of each workbook it links), after linking the rows stored
    before the archive existed. On PostgreSQL two syncs at once both found the page's address new, or the rows'
    addresses: the second failed, `g287: error: database ...: duplicate key value violates unique constraint
    "uq_document_addresses_url_key"`."""
    import datetime as dt

    from g287.exports.ice_workbook import IceRow, write_ice_workbook
    from tests.documents.fakeice import FakeIce, Route

    settings = {"G287_DOCUMENTS_DIR": str(tmp_path / "archive"), "G287_OCR": "off", "G287_WORKERS": "1", "G287_SYNC_DELAY": "0", "G287_SYNC_RETRIES": "0"}
    for name, value in settings.items():
        monkeypatch.setenv(name, value)
    if older_rows:
        _ingested_without_links(db, actor)
    lists = {
        "participating": [IceRow("TEXAS", "Victoria County Sheriff's Office", "County", "Victoria County", "Warrant Service Officer", dt.date(2025, 2, 26))],
        "pending": [IceRow("OHIO", "Pending County Sheriff's Office", "County", "", "Jail Enforcement Model")],
    }
    ice = FakeIce().start()
    try:
        links = ""
        for kind, rows in lists.items():
            workbook = tmp_path / f"{kind}Agencies07112025am.xlsx"
            write_ice_workbook(workbook, kind, rows, modified=dt.datetime(2025, 7, 11, 9))
            ice.routes[f"/lists/{workbook.name}"] = Route(workbook.read_bytes(), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
            links += f'<li><a href="/lists/{workbook.name}">{kind} agencies</a></li>'
        ice.routes["/287g"] = Route(f"<html><head><title>287(g)</title></head><body><main><ul>{links}</ul></main></body></html>".encode(), "text/html")
        # The first to record an address waits for the lock; the other either for the registry's turn or, where it
        # had already linked the rows, for the archive's downloads, which the first holds (Archive.downloading).
        downloads = lambda: _flock_waiters(tmp_path / "archive" / "partial" / "downloads.lock")  # noqa: E731
        with _lined_up(db, waiting=2, lock="LOCK TABLE document_addresses IN EXCLUSIVE MODE", elsewhere=downloads):
            processes = [_g287(db, "sync", "--source", ice.url("/287g")) for _ in range(2)]
        outcomes = [_finished(process) for process in processes]
    finally:
        ice.stop()
    assert [(status, "error" in err) for status, _out, err in outcomes] == [(0, False), (0, False)], outcomes
    with db.engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT role, count(*) FROM document_addresses WHERE role IN ('page', 'workbook') GROUP BY role ORDER BY role").all() == [("page", 1), ("workbook", 2)]
        assert conn.exec_driver_sql("SELECT count(*) FROM publications").scalar() == 2 + older_rows


def _small_pdf(folder: Path) -> Path:
    """A one-page PDF of one line, named as the Victoria County MOA that ICE's lists link (the list of 2025-05-29
    among them), so an import matches it to that address as it would the MOA. What these tests race (storing the
    content once, linking the rows' addresses once) does not depend on the pages: pdfminer reads these in a moment,
    where the real MOA took each process a second or more."""
    from tests.documents.pdfmaker import TEXT_PAGE, pages_pdf, stream

    path = folder / "VictoriaCo_WSO_MOA_02.26.25.pdf"
    path.write_bytes(pages_pdf([stream(TEXT_PAGE)]))
    return path


def _ingested_without_links(db, actor) -> int:
    """A list ingested, its rows then left as an ingest before the document archive left them: linked to no address.
    Returns how many links the ingest had made."""
    ingest_file(db, PARTICIPATING / "participatingAgencies05292025am.xlsx", actor)
    with db.engine.begin() as conn:
        links = conn.exec_driver_sql("SELECT count(*) FROM document_row_links").scalar()
        conn.exec_driver_sql("DELETE FROM document_row_links")
        conn.exec_driver_sql("DELETE FROM document_addresses")
    assert links > 100
    return links


def test_two_publishes_at_once_publish_the_registry_s_lists_once(db, monkeypatch, tmp_path):
    """`g287 program publish` twice at once (a cron job and an administrator): both read the records, found the lists
    changed since the last published, and both wrote and ingested them, each under its own file names (`_registry`
    and `_registry_2`); now the second finds them published."""
    from tests.program.world import build

    monkeypatch.setenv("G287_PROGRAM_FILES_DIR", str(tmp_path / "program-files"))
    with db.session(writing=True) as session:
        build(session, "signed")  # a TFM MOA signed (the participating list), a WSO MOA asked for (the pending list)
    with _lined_up(db, waiting=2):
        processes = [_g287(db, "program", "publish", "--json") for _ in range(2)]
    outcomes = [_finished(process) for process in processes]
    assert [(status, err) for status, _out, err in outcomes] == [(0, ""), (0, "")]
    statuses = sorted([item["status"] for item in json.loads(out)["lists"]] for _status, out, _err in outcomes)
    assert statuses == [["published", "published"], ["unchanged", "unchanged"]]
    assert len(list((tmp_path / "program-files").rglob("*.xlsx"))) == 2
    with db.engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT kind, count(*) FROM publications GROUP BY kind ORDER BY kind").all() == [("participating", 1), ("pending", 1)]

"""ingest_many reads files in a worker process while it writes: the database it leaves is the one ingesting the
files one by one leaves, and what it does to the interpreter (garbage collection) is undone."""

import gc

import pytest

from g287.access import Actor
from g287.db.engine import Database
from g287.documents import links
from g287.geo import store
from g287.registry import batch, ingest
from g287.registry.handoff import Receiver, Sender
from tests.conftest import ICE, make_database, snapshot

# Columns that record when something happened, which two runs never share.
_CLOCK_COLUMNS = frozenset({"at", "imported_at", "first_seen_at", "created_at"})


def _content(database: Database) -> dict[str, list[tuple]]:
    return snapshot(database, _CLOCK_COLUMNS)


def _ingest(tmp_path, name: str, cores: int, monkeypatch, kinds: tuple[str, ...] = ("participating", "pending")) -> Database:
    monkeypatch.setattr(batch.os, "cpu_count", lambda: cores)
    db, _close = make_database("sqlite", tmp_path / name)  # a copy of the migrated template (dispose() closes it)
    files = batch.expand_paths([str(ICE / kind) for kind in kinds])
    results, errors = batch.ingest_many(db, files, Actor.command_line())
    assert not errors and len(results) == len(files) > 2
    return db


def test_the_worker_pipeline_writes_what_one_by_one_ingest_writes(tmp_path, monkeypatch):
    piped = _ingest(tmp_path, "piped", 2, monkeypatch)
    serial = _ingest(tmp_path, "serial", 1, monkeypatch)
    try:
        piped_content, serial_content = _content(piped), _content(serial)
        assert len(piped_content["raw_rows"]) > 1000 and len(piped_content["row_problems"]) > 100
        assert piped_content == serial_content
    finally:
        piped.dispose()
        serial.dispose()


def test_processors_given_the_new_rows_write_what_they_write_reading_them_back(tmp_path, monkeypatch):
    """The ingest hands the processors the facts of the rows it stored (IngestEvent.new_rows); without them, the
    processors select the rows again. Both leave the same database."""
    given = _ingest(tmp_path, "given", 1, monkeypatch)
    seen = []

    def selecting(real):
        def without_facts(conn, raw_row_ids, *args, stored=None, **kwargs):
            assert stored is not None and raw_row_ids == sorted(set(raw_row_ids)) == [r.raw_row_id for r in stored]
            seen.append(len(stored))
            return real(conn, raw_row_ids, *args, **kwargs)

        return without_facts

    monkeypatch.setattr(store, "match_rows", selecting(store.match_rows))
    monkeypatch.setattr(links, "link_rows", selecting(links.link_rows))
    selected = _ingest(tmp_path, "selected", 1, monkeypatch)
    try:
        assert sum(seen) > 2000  # both processors, every new row
        given_content = _content(given)
        assert len(given_content["document_row_links"]) > 600 and len(given_content["county_row_problems"]) > 10
        assert given_content == _content(selected)
    finally:
        given.dispose()
        selected.dispose()


def test_the_pure_work_of_a_row_reading_is_done_once_per_process(monkeypatch):
    """processors.precompute covers only the readings the process has not precomputed before: consecutive lists
    share most readings, whose rows were stored with the earlier file (the writer does the work of any row not
    covered itself; the pipeline test above shows the result is the same)."""
    from g287.registry import processors

    monkeypatch.setattr(processors, "_precomputed_readings", {})  # as in a new worker process
    files = batch.sort_for_ingest(batch.expand_paths([str(ICE / "participating")]))
    first, second = ingest.prepare(files[-2]), ingest.prepare(files[-1])

    def counted(prepared) -> int:  # entries of (state, county, type, agency) worked out for the file
        return len(prepared.precomputed["counties"].problems)

    assert counted(first) > 400
    assert 0 < counted(second) < counted(first) / 4
    assert counted(ingest.prepare(files[-1])) == 0


@pytest.mark.parametrize("enabled", [True, False])
def test_garbage_collection_is_restored_after_a_batch(tmp_path, monkeypatch, enabled):
    """A batch of the four pending lists: collection is paused and restored for any batch, and the seven
    participating lists (several times their rows) doubled the test's time without taking another path (a batch
    collects the young generations every 32 files: eleven never reached it either)."""
    was = gc.isenabled()
    (gc.enable if enabled else gc.disable)()
    try:
        _ingest(tmp_path, "gc", 1, monkeypatch, kinds=("pending",)).dispose()
        assert gc.isenabled() is enabled
    finally:
        (gc.enable if was else gc.disable)()


def test_a_reading_crosses_to_the_writer_once_per_batch():
    files = batch.sort_for_ingest(batch.expand_paths([str(ICE / "participating")]))
    first, second = ingest.prepare(files[-2]), ingest.prepare(files[-1])  # consecutive lists share most rows
    sender, receiver = Sender(), Receiver()
    packed_first, packed_second = sender.pack(first), sender.pack(second)
    assert len(packed_first.readings) == len({id(r) for r in first.readings})
    assert 0 < len(packed_second.readings) < len(second.readings) / 4  # only the rows the first did not have
    assert all(not row.cells for row, r in zip(packed_second.prepared.table.rows, second.readings) if r.listing)
    restored_first, restored_second = receiver.unpack(packed_first), receiver.unpack(packed_second)
    assert restored_first.readings == first.readings
    assert restored_second.readings == second.readings
    # Rows that are not listings keep their cells (the quality register quotes them).
    assert [row.cells for row, r in zip(restored_second.table.rows, second.readings) if not r.listing] == [
        row.cells for row, r in zip(second.table.rows, second.readings) if not r.listing
    ]


def test_rows_of_a_file_that_failed_while_being_written_are_stored_by_the_next(tmp_path, monkeypatch):
    """The writer remembers the raw rows and agency names a batch committed; those written by a file whose
    transaction then failed were never committed, so the files after it store them again: here the pending list
    of 30 May (sharing few names with the failed list) and the list of 17 June (sharing most of them)."""
    files = [ICE / "participating" / "participatingAgencies05292025am.xlsx", ICE / "pending" / "pendingAgencies05302025pm.xlsx", ICE / "participating" / "participatingAgencies06172025pm.xlsx"]

    def fail_the_first_after_its_rows(step: str) -> None:
        if step == "runs" and not failed:
            failed.append(step)
            raise ingest.G287Error("interrupted after the raw rows were written")

    failed: list[str] = []
    monkeypatch.setattr(ingest, "checkpoint", fail_the_first_after_its_rows)
    monkeypatch.setattr(batch.os, "cpu_count", lambda: 1)
    db, _close = make_database("sqlite", tmp_path / "batch")
    try:
        results, errors = batch.ingest_many(db, files, Actor.command_line())
        assert failed and len(errors) == 1 and [r.file for r in results] == [f.name for f in files[1:]]
        monkeypatch.setattr(ingest, "checkpoint", lambda step: None)
        reference, _close = make_database("sqlite", tmp_path / "reference")
        for path in files[1:]:
            ingest.ingest_file(reference, path, Actor.command_line())
        for table in ("raw_rows", "listing_runs", "agency_names", "agencies"):
            assert _content(db)[table] == _content(reference)[table], table
        reference.dispose()
    finally:
        db.dispose()


def test_an_agency_takes_its_name_from_a_row_still_listed_when_the_row_that_named_it_stops(db, tmp_path):
    """A new latest list updates the agencies of the rows that changed, including rows it no longer lists: an
    agency listed under two spellings of one name keeps the spelling of the row that remains."""
    from sqlalchemy import select

    from g287.db.models.registry import Agency
    from tests.history.builders import Publisher, row

    publisher = Publisher(db, tmp_path)
    first = row("FL", "Polk County Sheriff's Office", "JEM", agency_type="County", county="Polk")
    second = row("FL", "POLK COUNTY SHERIFFS OFFICE", "TFM", agency_type="County", county="Polk")
    publisher.publish("participating", "2025-05-01", [first, second])
    with db.session() as session:
        assert session.scalars(select(Agency.name)).all() == ["Polk County Sheriff's Office"]  # one agency, named by its first row
    publisher.publish("participating", "2025-05-02", [second])
    with db.session() as session:
        assert session.scalars(select(Agency.name)).all() == ["POLK COUNTY SHERIFFS OFFICE"]


def test_many_files_show_a_progress_bar_on_a_terminal_and_none_in_json(tmp_path):
    """`g287 ingest` of several files draws a progress bar on the error stream of a terminal (rich's FORCE_COLOR
    stands for one here), counting the files; with --json, stdout is JSON alone and no bar is drawn."""
    import json
    import os
    import re
    import subprocess
    import sys

    folder = tmp_path / "lists"
    folder.mkdir()
    files = sorted((ICE / "pending").glob("*.xlsx"))
    for path in files:
        (folder / path.name).write_bytes(path.read_bytes())
    env = dict(os.environ, G287_DATABASE_URL=f"sqlite:///{tmp_path / 'bar.sqlite'}", FORCE_COLOR="1", COLUMNS="100")
    shown = subprocess.run([sys.executable, "-m", "g287", "ingest", str(folder)], capture_output=True, text=True, env=env)
    assert shown.returncode == 0, shown.stderr
    drawn = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", shown.stderr)  # the terminal's control sequences set aside
    assert len(files) > 2 and "ingesting " in drawn and f" 0/{len(files)} " in drawn and f" {len(files)}/{len(files)} " in drawn
    assert shown.stdout.count(": ingested as publication") == len(files)
    env["G287_DATABASE_URL"] = f"sqlite:///{tmp_path / 'json.sqlite'}"
    quiet = subprocess.run([sys.executable, "-m", "g287", "ingest", str(folder), "--json"], capture_output=True, text=True, env=env)
    assert quiet.returncode == 0 and "ingesting" not in quiet.stderr
    assert [r["status"] for r in json.loads(quiet.stdout)["results"]] == ["ingested"] * len(files)


def test_a_batch_of_files_held_already_changes_nothing_and_says_so(db, actor):
    """Each file is checked against the publications before it is read: a folder ingested again reads nothing and
    names the publications that hold its files; the database stays as it was."""
    files = batch.expand_paths([str(ICE / "pending")])
    first, errors = batch.ingest_many(db, files, actor)
    assert not errors and len(first) == len(files) > 2
    before = snapshot(db)
    again, errors = batch.ingest_many(db, files, actor)
    assert not errors and [(r.status, r.publication_id, r.listings) for r in again] == [("unchanged", r.publication_id, r.listings) for r in first]
    assert snapshot(db) == before

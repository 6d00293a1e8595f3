"""What `g287 ingest` is given: a file replaced while it is read, the kind told by any accepted spelling of the
columns, folders holding other files or folders that cannot be read, and empty option values."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import Workbook

import g287.registry.ingest as ingest_module
from g287.cli import cli
from g287.errors import SourceError
from g287.registry.batch import expand_paths, ingest_many
from g287.registry.ingest import ingest_file, kind_of_columns
from g287.registry.publications import list_publications
from tests.conftest import ICE, ICE_CSV, snapshot
from tests.locked_folders import folders_not_entered, lock_folders_named

MAY_29 = ICE / "participating" / "participatingAgencies05292025am.xlsx"
JULY_9 = ICE / "participating" / "participatingAgencies07092025am.xlsx"


def test_a_file_replaced_while_it_is_read_is_refused_and_the_real_one_still_gets_in(db, actor, tmp_path, monkeypatch):
    """The digest is taken before the file is read: rows of other bytes stored under it would make the real file
    "unchanged" for good. The file is checked again after reading; a change refuses it, and nothing is written."""
    target = tmp_path / MAY_29.name
    shutil.copy(MAY_29, target)
    reader = ingest_module.read_xlsx

    def replaced_while_read(path):
        table = reader(path)
        shutil.copy(JULY_9, path)  # another process writes the file under the reader
        return table

    monkeypatch.setattr(ingest_module, "read_xlsx", replaced_while_read)
    before = snapshot(db)
    with pytest.raises(SourceError, match="changed while it was being read"):
        ingest_file(db, target, actor)
    assert snapshot(db) == before
    monkeypatch.setattr(ingest_module, "read_xlsx", reader)
    shutil.copy(MAY_29, target)
    result = ingest_file(db, target, actor)
    assert (result.status, result.listings) == ("ingested", 635)


def test_in_a_batch_too_a_file_replaced_after_its_digest_is_refused(db, actor, tmp_path, monkeypatch):
    monkeypatch.setattr(os, "cpu_count", lambda: 1)  # one process: the replacement happens where the test can see it
    files = [tmp_path / MAY_29.name, tmp_path / JULY_9.name]
    for source, target in zip((MAY_29, JULY_9), files):
        shutil.copy(source, target)
    digest = ingest_module.file_digest
    replaced = []

    def digest_then_replace(path):
        value = digest(path)
        if Path(path).name == MAY_29.name and not replaced:
            replaced.append(path)
            shutil.copy(JULY_9, path)  # replaced between the batch's digest and the reading
        return value

    monkeypatch.setattr("g287.registry.batch.file_digest", digest_then_replace)
    results, errors = ingest_many(db, files, actor)
    assert [r.file for r in results] == [JULY_9.name]
    assert [str(e) for e in errors] == [f"{MAY_29.name}: the file changed while it was being read: nothing was ingested; ingest it again once it is complete"]


@pytest.mark.parametrize(
    "header, kind",
    [
        (["STATE", "LAW ENFORCEMENT AGENCY", "TYPE", "COUNTY", "SUPPORT TYPE", "DATE SIGNED", "MOA LINK"], "participating"),
        (["State", "Agency Name", "Agency Type", "County Name", "Model", "Signed Date", "MOA"], "participating"),
        (["STATE", "LAW ENFORCEMENT AGENCY", "TYPE", "COUNTY", "SUPPORT TYPE"], "pending"),
    ],
)
def test_the_kind_follows_every_spelling_the_reader_accepts(header, kind):
    assert kind_of_columns(header) == kind


def test_a_participating_list_with_other_column_spellings_is_read_as_participating(db, actor, tmp_path):
    """Before, only the literal headers SIGNED and MOA made a list participating: DATE SIGNED and MOA LINK made it
    a pending list, and its signed dates and links were lost without a register entry."""
    book = Workbook()
    sheet = book.active
    sheet.append(["STATE", "LAW ENFORCEMENT AGENCY", "TYPE", "COUNTY", "SUPPORT TYPE", "DATE SIGNED", "MOA LINK"])
    sheet.append(["FL", "Alpha County Sheriff's Office", "County", "Alpha County", "Jail Enforcement Model", dt.datetime(2025, 4, 1), "link"])
    path = tmp_path / "export.xlsx"
    book.save(path)
    result = ingest_file(db, path, actor, published=(dt.date(2025, 6, 1), "am"))
    assert (result.kind, result.listings) == ("participating", 1)
    with db.session() as session:
        assert [p.kind for p in list_publications(session)] == ["participating"]


def test_a_folder_takes_only_workbooks_and_csv_files(tmp_path):
    shutil.copy(MAY_29, tmp_path / MAY_29.name)
    (tmp_path / "README.txt").write_text("Lists downloaded from ice.gov\n")
    (tmp_path / "notes.xlsm").write_bytes(b"")
    (tmp_path / "sub").mkdir()
    shutil.copy(ICE_CSV / "pendingAgencies05152025am.csv", tmp_path / "sub" / "pendingAgencies05152025am.csv")
    assert [p.relative_to(tmp_path).as_posix() for p in expand_paths([str(tmp_path)])] == [MAY_29.name, "sub/pendingAgencies05152025am.csv"]


def test_a_folder_that_cannot_be_listed_is_reported_not_skipped(tmp_path, monkeypatch):
    """os.walk (and Path.rglob before it) pass over a folder they cannot list: its publications were skipped in
    silence, with exit status 0."""
    (tmp_path / "locked").mkdir()
    shutil.copy(MAY_29, tmp_path / MAY_29.name)
    lock_folders_named(monkeypatch, "locked")
    unreadable = []
    assert expand_paths([str(tmp_path)], unreadable) == [tmp_path / MAY_29.name]
    assert [str(e) for e in unreadable] == [f"{tmp_path / 'locked'}: the folder cannot be read (Permission denied)"]
    with pytest.raises(SourceError, match="the folder cannot be read"):
        expand_paths([str(tmp_path)])
    database = tmp_path / "db.sqlite"
    result = CliRunner().invoke(cli, ["ingest", str(tmp_path), "--database", str(database), "--json"])
    assert result.exit_code == 1
    assert '"error": "' + f"{tmp_path / 'locked'}: the folder cannot be read" in result.output and '"listings": 635' in result.output
    # The unreadable folder alone: said once, not followed by "no .xlsx or .csv files found", which blamed its contents.
    alone = CliRunner().invoke(cli, ["ingest", str(tmp_path / "locked"), "--database", str(database)])
    assert alone.exit_code == 1 and alone.output.strip() == f"g287: error: {tmp_path / 'locked'}: the folder cannot be read (Permission denied)"
    as_json = CliRunner().invoke(cli, ["ingest", str(tmp_path / "locked"), "--database", str(database), "--json"])
    assert as_json.exit_code == 1 and json.loads(as_json.output) == {"results": [], "errors": [{"file": str(tmp_path / "locked"), "error": str(unreadable[0])}]}


def test_a_folder_that_can_be_listed_but_not_entered_is_reported_not_a_traceback(tmp_path, monkeypatch):
    """os.walk lists a folder with read and no execute permission, and says nothing; looking at its files then
    raised PermissionError, a traceback (found by a review of g287/folders.py)."""
    (tmp_path / "noexec").mkdir()
    (tmp_path / "noexec" / "participatingAgencies05292025am.xlsx").write_bytes(b"")
    (tmp_path / "noexec" / "README.txt").write_bytes(b"")
    shutil.copy(MAY_29, tmp_path / MAY_29.name)
    folders_not_entered(monkeypatch, "noexec")
    unreadable = []
    assert expand_paths([str(tmp_path)], unreadable) == [tmp_path / MAY_29.name]
    assert [str(e) for e in unreadable] == [f"{tmp_path / 'noexec'}: the folder cannot be read (Permission denied)"]  # once
    result = CliRunner().invoke(cli, ["ingest", str(tmp_path), "--database", str(tmp_path / "db.sqlite"), "--json"])
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit), result.output  # no traceback
    assert f"{tmp_path / 'noexec'}: the folder cannot be read (Permission denied)" in result.output and '"listings": 635' in result.output


def test_an_unreadable_file_named_is_one_line_and_status_1(tmp_path):
    """click's own check answered with its three-line usage error and status 2. A real process: as root, it is run
    without the capabilities that read any file."""
    target = tmp_path / MAY_29.name
    shutil.copy(MAY_29, target)
    target.chmod(0)
    command = [sys.executable, "-m", "g287", "ingest", str(target), "--database", str(tmp_path / "db.sqlite")]
    if os.geteuid() == 0:  # root reads any file: drop the capabilities that let it
        if shutil.which("setpriv") is None:
            pytest.skip("running as root without setpriv: a file cannot be made unreadable")
        command = ["setpriv", "--bounding-set", "-dac_override,-dac_read_search", "--inh-caps=-all", *command]
    result = subprocess.run(command, capture_output=True, text=True, timeout=120)
    assert result.returncode == 1, result.stderr
    assert result.stderr.strip() == f"g287: error: {target}: cannot be read (Permission denied)"
    assert not (tmp_path / "db.sqlite").exists()  # no file could be read: the database was not opened, nor made


def test_a_list_the_registry_published_is_not_taken_as_ices(db, actor, tmp_path):
    """g287 program publish names its lists …_registry.xlsx: ingested as ICE's (the default origin), its agreements
    became ICE's figures ("2 MOAs ... per ICE's participating list"). It is refused, and read with --origin registry."""
    for name in ("participatingAgencies11292026pm_registry.xlsx", "participatingAgencies11292026pm_registry_2.xlsx"):
        target = tmp_path / name
        shutil.copy(MAY_29, target)
        before = snapshot(db)
        with pytest.raises(SourceError, match="published itself .* --origin registry"):
            ingest_file(db, target, actor)
        assert snapshot(db) == before
    result = ingest_file(db, target, actor, origin="registry")
    assert result.status == "ingested"
    with db.session() as session:
        assert [(p.origin, p.file_name) for p in list_publications(session, origin="registry")] == [("registry", target.name)]
        assert list_publications(session, origin="ice") == []


def test_a_linked_folder_is_followed_once_and_a_link_loop_ends(tmp_path):
    """A folder of lists that links another is searched too (skipping it would drop its lists in silence); a link
    back to a folder above, or the same folder linked twice, is walked once."""
    lists = tmp_path / "lists"
    (lists / "2025").mkdir(parents=True)
    shutil.copy(MAY_29, lists / "2025" / MAY_29.name)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    shutil.copy(JULY_9, elsewhere / JULY_9.name)
    (lists / "linked").symlink_to(elsewhere, target_is_directory=True)
    (lists / "linked-again").symlink_to(elsewhere, target_is_directory=True)
    (lists / "2025" / "loop").symlink_to(lists, target_is_directory=True)
    found = [p.relative_to(lists).as_posix() for p in expand_paths([str(lists)])]
    assert found == ["2025/" + MAY_29.name, "linked/" + JULY_9.name]


@pytest.mark.parametrize(
    "name, kind, problem",
    [
        (MAY_29.name, "pending", "the file name says the participating list, --kind says pending"),
        ("pendingAgencies06012025am.xlsx", None, "are the participating list's, not the pending list's"),  # a renamed copy
        ("agencies.xlsx", "pending", "are the participating list's, not the pending list's"),  # a name that does not tell
    ],
)
def test_a_participating_list_is_never_taken_as_pending(db, actor, tmp_path, name, kind, problem):
    """Taken as pending, its 635 MOAs became 635 pending listings, and ingesting it again as it is changed nothing
    (same sha256): the name or the columns contradicting the kind refuse it, and the database stays as it was."""
    target = tmp_path / name
    shutil.copy(MAY_29, target)
    before = snapshot(db)
    with pytest.raises(SourceError, match=problem):
        ingest_file(db, target, actor, kind=kind, published=(dt.date(2025, 6, 1), "am"))
    assert snapshot(db) == before
    assert ingest_file(db, MAY_29, actor).listings == 635  # as ICE's participating list, still


def test_ices_list_is_never_taken_as_the_registrys(db, actor, tmp_path):
    """The other way round from test_a_list_the_registry_published_is_not_taken_as_ices: ICE's list read with
    --origin registry was held under its sha256, so that ingesting it as ICE's changed nothing."""
    before = snapshot(db)
    with pytest.raises(SourceError, match=r"not a list this registry published .* without --origin registry"):
        ingest_file(db, MAY_29, actor, origin="registry")
    assert snapshot(db) == before
    assert ingest_file(db, MAY_29, actor).status == "ingested"


def test_kind_is_for_one_file(tmp_path):
    from tests.in_process import run_g287

    database = f"sqlite:///{tmp_path / 'g287.sqlite'}"
    status, _, err = run_g287(database, "ingest", "--kind", "participating", str(ICE / "participating"))
    assert status == 1 and err.strip() == "g287: error: --kind names the list of one file; give one file"
    status, out, err = run_g287(database, "publications", "--json")
    assert status == 0, err
    assert json.loads(out) == []


def test_the_ingest_command_ends_after_its_reading_worker(db):
    """`g287 ingest` of several files waits for its reading worker before it ends: ending while the pool's thread
    closed its pipe printed 'Exception ignored ... Bad file descriptor' and a traceback after a successful run."""
    import multiprocessing

    from tests.in_process import run_g287

    before = set(multiprocessing.active_children())
    files = [str(ICE / "pending" / name) for name in ("pendingAgencies05152025am.xlsx", "pendingAgencies05302025pm.xlsx", "pendingAgencies07032025pm.xlsx")]
    status, _out, err = run_g287(db.url, "ingest", *files)
    assert status == 0 and err == ""
    assert [child for child in multiprocessing.active_children() if child not in before] == []


def test_published_that_the_file_name_contradicts_is_refused_and_a_half_left_out_is_the_name_s(db, tmp_path):
    """`--published 2025-05-16pm` given to pendingAgencies05152025am.xlsx was taken over the name's date and half: the
    list was held as of another day for good (the same file again changes nothing). A contradiction is refused, as a
    --kind the name contradicts is; `--published 2025-05-15` took no half, and the name's am was dropped."""
    from tests.in_process import run_g287

    workbook = str(ICE / "pending" / "pendingAgencies05152025am.xlsx")
    for contradicting in ("2025-05-16am", "2025-05-15pm"):
        status, out, err = run_g287(db.url, "ingest", workbook, "--published", contradicting)
        assert status == 1 and f"the file name says 2025-05-15 am, --published says '{contradicting}': nothing was ingested" in err, err
    assert json.loads(run_g287(db.url, "publications", "--json")[1]) == []
    status, _out, err = run_g287(db.url, "ingest", workbook, "--published", "2025-05-15")
    assert status == 0, err
    [held] = json.loads(run_g287(db.url, "publications", "--json")[1])
    assert (held["published"], held["half"]) == ("2025-05-15", "am")


def test_code_passing_a_date_the_file_name_contradicts_is_refused_as_the_command_line_is(db, actor, tmp_path):
    """The command line refused a --published that the file name contradicts, by a check of its own, while code
    calling ingest_file(published=...) or the batch had the date given taken over the name's: the list held under
    another day for good. The rule is the service's (kind_and_date), for every caller, a file held already too (it
    was answered "unchanged"); a date given for a name that says none is taken, as program publish and the tests
    give it."""
    workbook = ICE / "pending" / "pendingAgencies05152025am.xlsx"
    before = snapshot(db)
    for published in ((dt.date(2025, 5, 16), "am"), (dt.date(2025, 5, 15), "pm"), (dt.date(2025, 5, 16), None)):
        with pytest.raises(SourceError, match=r"^pendingAgencies05152025am.xlsx: the file name says 2025-05-15 am, --published says '2025-05-1[56](am|pm)?': nothing was ingested$"):
            ingest_file(db, workbook, actor, published=published)
        results, errors = ingest_many(db, [workbook], actor, published=published)
        assert results == [] and [str(error).split(": ")[1] for error in errors] == ["the file name says 2025-05-15 am, --published says " + repr(published[0].isoformat() + (published[1] or ""))]
    assert snapshot(db) == before
    held = ingest_file(db, workbook, actor, published=(dt.date(2025, 5, 15), None))
    assert (held.status, held.published, held.half) == ("ingested", "2025-05-15", "am")  # the name's half, kept
    with pytest.raises(SourceError, match="the file name says 2025-05-15 am, --published says '2025-05-16am'"):
        ingest_file(db, workbook, actor, published=(dt.date(2025, 5, 16), "am"))  # held already: refused all the same
    assert ingest_many(db, [workbook], actor, published=(dt.date(2025, 5, 16), "am"))[0] == []
    undated = tmp_path / "list.xlsx"
    shutil.copy(MAY_29, undated)
    result = ingest_file(db, undated, actor, published=(dt.date(2025, 6, 1), "pm"))
    assert (result.status, result.kind, result.published, result.half) == ("ingested", "participating", "2025-06-01", "pm")


def test_each_error_line_names_the_file_by_the_path_given(db, tmp_path, monkeypatch):
    """Two folders holding a file of one name: each error line named the file alone, twice the same line
    ("participatingAgencies05292025am.xlsx: not an Excel workbook..."), and only --json told which had failed. Each
    line names the file as given: the path typed (relative, as typed), or the path under the folder named."""
    from tests.in_process import run_g287

    monkeypatch.chdir(tmp_path)
    for folder in ("may", "copies"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / MAY_29.name).write_bytes(b"not a workbook")
    given = ["may", f"copies/{MAY_29.name}"]
    named = [f"may/{MAY_29.name}", f"copies/{MAY_29.name}"]
    status, out, err = run_g287(db.url, "ingest", *given)
    assert (status, out) == (1, "")
    assert sorted(err.splitlines()) == sorted(f"g287: error: {path}: not an Excel workbook (.xlsx): the file is not a zip archive" for path in named)
    status, out, _err = run_g287(db.url, "ingest", *given, "--json")
    assert status == 1 and sorted(error["file"] for error in json.loads(out)["errors"]) == sorted(named)
    # and its text names the file as its line does (it began with the file's name alone)
    assert sorted(error["error"] for error in json.loads(out)["errors"]) == sorted(f"{path}: not an Excel workbook (.xlsx): the file is not a zip archive" for path in named)
    # none can be read: refused before the database is opened, each line naming its file as given
    status, out, err = run_g287(db.url, "ingest", f"june/{MAY_29.name}", f"july/{MAY_29.name}")
    assert (status, out) == (1, "")
    assert sorted(err.splitlines()) == sorted(f"g287: error: {folder}/{MAY_29.name}: cannot be read (No such file or directory)" for folder in ("june", "july"))
    status, out, _err = run_g287(db.url, "ingest", f"june/{MAY_29.name}", f"july/{MAY_29.name}", "--json")
    assert status == 1 and sorted(e["error"] for e in json.loads(out)["errors"]) == sorted(f"{f}/{MAY_29.name}: cannot be read (No such file or directory)" for f in ("june", "july"))
    # ingested or held already: each file's line names it as given too (two copies of one list)
    for folder in ("may", "copies"):
        (tmp_path / folder / MAY_29.name).write_bytes(MAY_29.read_bytes())
    status, out, err = run_g287(db.url, "ingest", *given)
    assert status == 0, err
    assert sorted(line.split(": ")[0] for line in out.splitlines()) == sorted(named)


def test_a_browser_s_second_download_is_ingested_after_its_original(db, actor, tmp_path):
    """A folder holding "...am.xlsx" and the browser's second download "...am (1).xlsx": sorted by the whole name,
    " (1)" came before ".xlsx", so the copy was ingested first and held the publication, and the original was
    "unchanged"; between two different lists of one half-day, the copy counted as the earlier."""
    from g287.registry.batch import sort_for_ingest

    names = ["participatingAgencies05292025am (10).xlsx", "participatingAgencies05292025am(2).xlsx", "participatingAgencies05292025am (1).xlsx",
             "participatingAgencies05292025am.xlsx", "participatingAgencies05292025am_b.xlsx", "participatingAgencies05292025am.csv"]
    assert [path.name for path in sort_for_ingest([Path(name) for name in names])] == [
        "participatingAgencies05292025am.csv", "participatingAgencies05292025am.xlsx", "participatingAgencies05292025am (1).xlsx",
        "participatingAgencies05292025am(2).xlsx", "participatingAgencies05292025am (10).xlsx", "participatingAgencies05292025am_b.xlsx",
    ]
    pending = ICE / "pending" / "pendingAgencies07112025am_b.xlsx"
    folder = tmp_path / "downloads"
    folder.mkdir()
    for name in ("pendingAgencies07112025am (1).xlsx", "pendingAgencies07112025am.xlsx"):
        shutil.copy(pending, folder / name)
    results, errors = ingest_many(db, expand_paths([str(folder)]), actor)
    assert errors == []
    assert [(r.file, r.status) for r in results] == [("pendingAgencies07112025am.xlsx", "ingested"), ("pendingAgencies07112025am (1).xlsx", "unchanged")]

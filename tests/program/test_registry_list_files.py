"""The workbooks of the registry's own lists (g287 program publish): dated by their publication, so the same records
published at the same moment give the same bytes; kept in a folder per database, so that databases under one
G287_HOME neither number their lists after each other's nor write each other's files."""

import datetime as dt
import zipfile
from pathlib import Path

from g287.db.models.registry import Publication
from g287.program import applications, publish
from tests.conftest import make_database
from tests.program.world import ADMIN, TODAY, build, letter

MOMENT = dt.datetime(2025, 7, 1, 14, 30, tzinfo=dt.timezone.utc)


def _published(database, folder) -> dict[str, bytes]:
    with database.session() as session:
        build(session, "signed")  # a signed TFM (participating) and an asked-for WSO (pending)
    result = publish.publish(database, ADMIN, directory=folder, now=MOMENT)
    assert [item.status for item in result.lists] == ["published", "published"]
    return {item.kind: open(item.file, "rb").read() for item in result.lists}


def test_the_same_records_published_at_the_same_moment_give_the_same_workbooks(db, tmp_path):
    """The workbook said when it was written (to the second), not when it was published."""
    other, close = make_database("sqlite", tmp_path / "other")
    try:
        first, second = _published(db, tmp_path / "first"), _published(other, tmp_path / "second")
    finally:
        close()
    assert first == second
    core = zipfile.ZipFile(tmp_path / "first" / "participatingAgencies07012025pm_registry.xlsx").read("docProps/core.xml").decode()
    assert "<dcterms:modified xsi:type=\"dcterms:W3CDTF\">2025-07-01T14:30:00Z</dcterms:modified>" in core
    with db.session() as session:
        assert {p.source_modified_at.astimezone(dt.timezone.utc) for p in session.query(Publication).filter_by(origin="registry")} == {MOMENT}


def test_two_databases_under_one_home_number_and_keep_their_lists_each_on_its_own(db, tmp_path, program_files):
    """Both shared program-files/registry-lists/: the second database's first list of the half-day was named
    ..._registry_2.xlsx after the first database's."""
    other, close = make_database("sqlite", tmp_path / "other")
    try:
        for database in (db, other):
            with database.session() as session:
                build(session, "signed")
        first = publish.publish(db, ADMIN, now=MOMENT)
        kept = {item.file: open(item.file, "rb").read() for item in first.lists}
        second = publish.publish(other, ADMIN, now=MOMENT)
        folders = {database.url: publish.list_directory(database.url) for database in (db, other)}
    finally:
        close()
    names = ["participatingAgencies07012025pm_registry.xlsx", "pendingAgencies07012025pm_registry.xlsx"]
    for result, database in ((first, db), (second, other)):
        files = [Path(item.file) for item in result.lists]
        assert [f.name for f in files] == names and {f.parent for f in files} == {folders[database.url]}
    assert folders[db.url] != folders[other.url] and {f.parent for f in folders.values()} == {program_files / "registry-lists"}
    assert {file: open(file, "rb").read() for file in kept} == kept  # the first database's files are its own still


def test_a_list_never_takes_a_name_its_database_holds_nor_a_file_already_there(db, tmp_path, program_files):
    """A list published before the folder per database (in registry-lists/ itself) keeps its name in the database:
    the next list of its half-day is _2; a file another process made meanwhile under the next name is left alone."""
    with db.session() as session:
        w = build(session, "signed")
    first = publish.publish(db, ADMIN, directory=program_files / "registry-lists", now=MOMENT)  # where lists were kept
    with db.session() as session:
        applications.submit_letter(session, w.user_b, w.agency_b, letter(models=["JEM"]), today=TODAY)  # the pending list changes
    folder = publish.list_directory(db.url)
    folder.mkdir(parents=True)
    (folder / "pendingAgencies07012025pm_registry_2.xlsx").write_bytes(b"another process's list")
    second = publish.publish(db, ADMIN, now=MOMENT)
    assert [(item.kind, item.status) for item in second.lists] == [("participating", "unchanged"), ("pending", "published")]
    assert Path(second.lists[1].file) == folder / "pendingAgencies07012025pm_registry_3.xlsx"
    assert (folder / "pendingAgencies07012025pm_registry_2.xlsx").read_bytes() == b"another process's list"
    assert Path(first.lists[1].file).name == "pendingAgencies07012025pm_registry.xlsx" and not (folder / "pendingAgencies07012025pm_registry.xlsx").exists()


def test_a_folder_name_says_which_database_and_never_its_password():
    assert publish.database_folder("sqlite:////srv/g287/demo.sqlite").startswith("sqlite-demo-")
    named = publish.database_folder("postgresql+psycopg://alice:s3cret@db.example:5432/g287")
    assert named.startswith("postgresql-g287-") and "alice" not in named and "s3cret" not in named
    assert named == publish.database_folder("postgresql+psycopg://bob:other@db.example:5432/g287")  # one database, whoever opens it
    assert named != publish.database_folder("postgresql+psycopg://alice:s3cret@db.example:5432/g287_demo")

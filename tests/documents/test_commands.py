"""`g287 documents ...` as typed: query words that look like options, nothing to read, numbers beyond any record."""

import json

import pytest

from g287.documents.importer import import_paths
from tests.documents.conftest import moa
from tests.in_process import Result, run_g287
from tests.locked_folders import lock_folders_named

VICTORIA = "VictoriaCo_WSO_MOA_02.26.25.pdf"
BURLESON = "BurlesonCoTX_WSO_MOA_04.16.2025.pdf"
HUGE = "99999999999999999999"  # more than SQLite can compare (OverflowError), and than any id


@pytest.fixture
def g287(sqlite_db, actor, tmp_path, text_layers_read_once):
    """Two sheriffs' MOAs (text layers, no unread page) imported; the command line on that database. (Tests of the
    commands, not of reading: each MOA's text layer is read once per test process.)"""
    report = import_paths(sqlite_db, [str(moa(VICTORIA)), str(moa(BURLESON))], actor, ocr=False)
    assert not report.errors and all(r.unread_pages == 0 for r in report.results)

    def run(*arguments):
        """`g287 documents ARGUMENTS...` in this process, as `g287` runs it (run_cli: exit status, one-line errors)."""
        return Result(*run_g287(sqlite_db.url, "documents", *arguments))

    run.shas = {r.file: r.sha256 for r in report.results}
    return run


def files(result) -> list[str]:
    assert result.returncode == 0, result.stderr
    return sorted(hit["file_name"] for hit in json.loads(result.stdout)["hits"])


def test_a_word_to_exclude_is_a_query_word_not_an_option(g287):
    assert files(g287("search", "sheriff", "--json")) == [BURLESON, VICTORIA]
    assert files(g287("search", "sheriff", "-victoria", "--json")) == [BURLESON]
    assert files(g287("search", "--json", "-victoria", "--limit", "5", "sheriff")) == [BURLESON]  # options anywhere
    assert files(g287("search", "-burleson", "sheriff", "--limit=1", "--json")) == [VICTORIA]
    listed = g287("search", "sheriff", "-victoria")
    assert listed.returncode == 0 and "1 document matches" in listed.stdout and BURLESON in listed.stdout
    assert files(g287("search", "--json", "--", "sheriff", "-victoria")) == [BURLESON]


def test_options_of_the_search_still_work_and_are_checked(g287):
    limited = json.loads(g287("search", "sheriff", "--limit", "1", "--offset", "1", "--json").stdout)
    assert (limited["total"], limited["limit"], limited["offset"], len(limited["hits"])) == (2, 1, 1, 1)
    missing = g287("search", "sheriff", "--limit")
    assert missing.returncode == 2 and "Option '--limit' requires an argument" in missing.stderr
    helped = g287("search", "sheriff", "-h")
    assert helped.returncode == 0 and helped.stdout.startswith("Usage: g287 documents search")
    only_excluded = g287("search", "-victoria")
    assert only_excluded.returncode == 1 and only_excluded.stderr.startswith("g287: error: ") and "Traceback" not in only_excluded.stderr


def test_nothing_unread_is_nothing_to_do(g287):
    said = g287("read", "--unread")
    assert said.returncode == 0 and said.stdout.strip() == "no document has unread pages: nothing to read" and not said.stderr
    as_json = g287("read", "--unread", "--json")
    assert as_json.returncode == 0 and json.loads(as_json.stdout) == []
    neither = g287("read")
    assert neither.returncode == 1 and neither.stderr.strip() == "g287: error: name documents by sha256, or give --unread"


def test_numbers_beyond_any_record_or_page_are_one_line(g287):
    agency = g287("list", "--agency", HUGE)
    assert agency.returncode == 1 and "Traceback" not in agency.stderr
    assert agency.stderr.strip() == f"g287: error: --agency {HUGE}: no such record (ids are whole numbers from 1 to 2147483647)"
    sha = g287.shas[VICTORIA]
    page = g287("show", sha[:12], "--page", HUGE)
    assert page.returncode == 1 and page.stderr.strip() == f"g287: error: {VICTORIA} has no page {HUGE}"
    assert g287("show", sha[:12], "--page", "1").returncode == 0
    for command in (["list"], ["search", "sheriff"]):
        offset = g287(*command, "--offset", HUGE)
        assert offset.returncode == 1 and "Traceback" not in offset.stderr and offset.stderr.strip().startswith("g287: error: --offset:")


def test_show_names_apart_two_lists_of_one_date_and_half(db, actor, text_layers_read_once):
    """`documents show` named the lists that link a document by date alone: "listed in 2 publications, 2025-07-03 to
    2025-07-03" of ICE's list of 3 July (pm) and its corrected __v2, published the same half-day."""
    from g287.registry.ingest import ingest_file
    from tests.conftest import ICE

    first, second = "participatingAgencies07032025pm.xlsx", "participatingAgencies07032025pm__v2.xlsx"
    for name in (first, second):
        ingest_file(db, ICE / "participating" / name, actor)
    report = import_paths(db, [str(moa(BURLESON))], actor, ocr=False)
    sha = report.results[0].sha256
    status, out, err = run_g287(db.url, "documents", "show", sha)
    assert status == 0, err
    assert f"listed in 2 publications, 2025-07-03 pm, {first} to 2025-07-03 pm, {second}\n" in out
    status, out, err = run_g287(db.url, "documents", "show", sha, "--json")
    assert [p["label"] for p in json.loads(out)["publications"]] == [f"2025-07-03 pm, {first}", f"2025-07-03 pm, {second}"]


def test_show_names_the_earliest_and_latest_lists_whatever_their_series(db, actor, tmp_path, text_layers_read_once):
    """`documents show` took FIRST and LAST as the first and last publications in series order: of ICE's list of
    2 June and this registry's own list of 1 June, both linking the MOA, it said "2025-06-02 am to 2025-06-01 am".
    The lists are in publication order (date, half, then publications.order_key), whatever their series."""
    from tests.documents.test_detail_publications import linked_by_both_lists

    own, ices, sha = linked_by_both_lists(db, actor, tmp_path)
    status, out, err = run_g287(db.url, "documents", "show", sha)
    assert status == 0, err
    assert "listed in 2 publications, 2025-06-01 am to 2025-06-02 am\n" in out
    status, out, err = run_g287(db.url, "documents", "show", sha, "--json")
    assert [(p["published"], p["file"]) for p in json.loads(out)["publications"]] == [("2025-06-01", own.name), ("2025-06-02", ices.name)]


def test_an_import_of_no_pdf_by_its_name_makes_no_database(tmp_path):
    """`g287 --database new.sqlite documents import README.md` made new.sqlite (and its tables), and only then read the
    file and refused it: what its name says is refused before the database is opened, as `g287 ingest README.md` is,
    also beside PDFs (nothing is imported)."""
    readme = tmp_path / "README.md"
    readme.write_text("# not a PDF\n")
    new = tmp_path / "new.sqlite"
    for paths in ([readme], [moa(VICTORIA), readme]):
        status, out, err = run_g287(str(new), "documents", "import", "--no-ocr", *map(str, paths))
        assert (status, out, err) == (1, "", f"g287: error: {readme}: not a .pdf file: documents import reads PDFs (in a folder named, other files are skipped)\n")
        assert not new.exists()


def test_an_import_says_a_folder_it_cannot_list_and_follows_linked_folders(tmp_path, monkeypatch, text_layers_read_once):
    """Path.rglob passed over a folder it could not list (its PDFs were not imported, the status 0), and did not
    follow a linked folder, which `g287 ingest` follows: both now walk folders alike (g287.folders), each real
    folder once (a link to a folder above is not walked for ever)."""
    folder = tmp_path / "downloads"
    (folder / "locked").mkdir(parents=True)
    (folder / "elsewhere").symlink_to(moa(VICTORIA).parent, target_is_directory=True)
    (folder / "up").symlink_to(folder, target_is_directory=True)
    lock_folders_named(monkeypatch, "locked")
    said = f"{folder / 'locked'}: the folder cannot be read (Permission denied)"
    database = tmp_path / "db.sqlite"
    status, out, err = run_g287(str(database), "documents", "import", "--no-ocr", "--json", str(folder))
    assert status == 1, err
    report = json.loads(out)
    assert report["errors"] == [{"file": str(folder / "locked"), "error": said}]
    imported = sorted(r["file"] for r in report["results"])
    assert VICTORIA in imported and BURLESON in imported  # through the link
    status, out, err = run_g287(str(database), "documents", "import", "--no-ocr", str(folder / "elsewhere" / VICTORIA), str(folder / "locked"))
    assert status == 1 and err.startswith(f"g287: error: {said}\n"), err
    # The folder alone: said as it is, not as "no files found", which blamed what it holds; no database made.
    new = tmp_path / "new.sqlite"
    assert run_g287(str(new), "documents", "import", "--no-ocr", str(folder / "locked")) == (1, "", f"g287: error: {said}\n")
    assert not new.exists()

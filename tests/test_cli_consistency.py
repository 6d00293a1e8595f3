"""The command line answers alike wherever the same thing is asked: a refused value is one line and status 1 on every
command, every --model takes any case, counts are worded for their number, an empty or unknown name is refused
rather than read as "everything" or "nothing", and every command takes --database."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import shutil
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace
from unittest.mock import patch

import pytest

from tests.conftest import ICE, MOA_DIR, ROOT
from tests.in_process import run_g287

PARTICIPATING = ICE / "participating" / "participatingAgencies07092025am.xlsx"  # links the MOAs in tests/data/moa
PENDING = ICE / "pending" / "pendingAgencies05152025am.xlsx"
VICTORIA = "VictoriaCo_WSO_MOA_02.26.25.pdf"
BURLESON = "BurlesonCoTX_WSO_MOA_04.16.2025.pdf"


@dataclass
class Result:
    returncode: int
    stdout: str
    stderr: str

    def one_error_line(self, *expected: str) -> bool:
        lines = self.stderr.strip().splitlines()
        return (
            self.returncode == 1
            and len(lines) == 1
            and lines[0].startswith("g287: error: ")
            and all(text in lines[0] for text in expected)
            and "Traceback" not in self.stdout + self.stderr
        )


@dataclass
class World:
    folder: Path
    database: Path
    imported: Result

    def __call__(self, *arguments: str) -> Result:
        """`g287 --database DB ARGUMENTS...` in this process, as the console command runs it (run_cli)."""
        return Result(*run_g287(str(self.database), *arguments))

    def digest(self) -> str:
        return hashlib.sha256(self.database.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    """ICE's participating list of 2025-07-09 and a pending list, the demonstration program (accounts, applications,
    nominees), two sheriffs' MOAs (text layers) and one broken address."""
    folder = tmp_path_factory.mktemp("consistency")
    aliases = folder / "aliases.csv"
    shutil.copy(ROOT / "g287" / "data" / "rules" / "agency_aliases.csv", aliases)
    with pytest.MonkeyPatch.context() as env:
        for name, value in {
            "G287_HOME": str(folder),
            "G287_ALIASES_FILE": str(aliases),
            "G287_DOCUMENTS_DIR": str(folder / "archive"),
            "G287_OCR": "off",
            "G287_WORKERS": "1",
            "G287_SYNC_DELAY": "0",
            "G287_SYNC_RETRIES": "1",
            "G287_SYNC_TIMEOUT": "1",
            "G287_ICE_PAGE_URL": "http://127.0.0.1:9/287g",  # a closed port: a sync that runs fails at once, offline
        }.items():
            env.setenv(name, value)
        env.delenv("G287_DATABASE_URL", raising=False)
        env.delenv("G287_SECRET_KEY", raising=False)
        world = World(folder, folder / "g287.sqlite", None)
        assert world("ingest", str(PARTICIPATING), str(PENDING)).returncode == 0
        assert world("demo").returncode == 0
        world.imported = world("documents", "import", "--no-ocr", str(MOA_DIR / VICTORIA), str(MOA_DIR / BURLESON))
        assert world.imported.returncode == 0, world.imported.stderr
        with sqlite3.connect(world.database) as connection:
            connection.execute("UPDATE document_addresses SET status = 'broken', problem = 'not found (HTTP 404)', failures = 1 WHERE id = (SELECT max(id) FROM document_addresses WHERE status = 'new')")
        yield world


# A. A value click refuses is bad input like any other: one line naming the option, status 1, nothing changed.
REFUSED_VALUES = {
    "a score that is not a number": (["program", "exam", "3", "--score", "yes"], "--score: 'yes' is not a percentage from 0 to 100"),
    "a result not among the choices": (["program", "background", "5", "--result", "maybe", "--on", "2025-01-01"], "--result: 'maybe'"),
    "a map written to a folder": (["map", "--level", "state", "-o", "/"], "--output: "),
    "a fact sheet written to a folder": (["factsheet", "-o", "{folder}"], "--output: "),
    "an id that is not a number": (["program", "nominee", "abc"], "NOMINEE_ID: 'abc' is not a whole number"),
    "an offset beyond any record": (["documents", "list", "--offset", "99999999999"], "--offset: "),
    # found by a helper: these named the service's field ("limit: from 1 to 10000", "within_days: from 0 to 3660"),
    # not the option typed, and the README gave no bound
    "an audit limit beyond its bound": (["audit", "--limit", "0"], "--limit: '0' is not a whole number from 1 to 10000"),
    "a due horizon beyond its bound": (["program", "due", "--within", "3661"], "--within: '3661' is not a whole number from 0 to 3660"),
}


@pytest.mark.parametrize("case", list(REFUSED_VALUES))
def test_a_refused_value_is_one_line_and_status_1(world, case):
    arguments, expected = REFUSED_VALUES[case]
    (world.folder / "dir.pdf").mkdir(exist_ok=True)  # a folder named like the file asked for
    before = world.digest()
    result = world(*[a.format(folder=world.folder / "dir.pdf") for a in arguments])
    assert result.one_error_line(expected), (result.returncode, result.stderr)
    assert world.digest() == before


def test_a_command_line_that_cannot_be_parsed_keeps_the_usage(world):
    # the decision: an unknown option or a missing argument shows click's usage (status 2), the help needed there
    unknown = world("program", "exam", "3", "--no-such-option")
    assert unknown.returncode == 2 and "Usage: g287 program exam" in unknown.stderr
    missing = world("program", "exam")
    assert missing.returncode == 2 and "Missing argument 'NOMINEE_ID'" in missing.stderr


@pytest.mark.parametrize("arguments", [["stats", "--as-of"], ["ingest", "--kind"], ["map", "--level"], ["program", "exam", "3", "--score"]])
def test_an_option_without_its_value_shows_the_usage_of_its_command(world, arguments):
    """click raises "requires an argument" without the command's context: only the error line was shown."""
    result = world(*arguments)
    command = " ".join(a for a in arguments if not a.startswith("-") and not a.isdigit())
    assert result.returncode == 2 and f"Usage: g287 {command} [OPTIONS]" in result.stderr
    assert f"Error: Option '{arguments[-1]}' requires an argument." in result.stderr


# B. Every --model: any case, given on in capitals, shown as JEM|TFM|WSO.
MODEL_COMMANDS = [
    ["coverage"],
    ["map", "--level", "state", "-o", "{folder}/map.svg"],
    ["agreements"],
    ["timeline", "--every", "publication"],
    ["program", "authorized"],
]


@pytest.mark.parametrize("command", MODEL_COMMANDS, ids=lambda c: c[-1] if c[0] != "map" else "map")
def test_every_model_option_takes_any_case(world, command):
    arguments = [a.format(folder=world.folder) for a in command]
    result = world(*arguments, "--model", "jem")
    assert result.returncode == 0, result.stderr
    helped = world(*command[: 2 if command[0] == "program" else 1], "--help")
    assert "[JEM|TFM|WSO]" in helped.stdout, helped.stdout


def test_the_model_is_passed_on_in_capitals(world):
    agreements = json.loads(world("agreements", "--model", "wSo", "--state", "TX", "--json").stdout)
    assert agreements and {a["model"] for a in agreements} == {"WSO"}
    rules = world("program", "rules", "tfm", "--json")
    assert rules.returncode == 0 and {r["model"] for r in json.loads(rules.stdout)} == {"TFM"}
    assert world("program", "rules", "xyz").one_error_line("MODEL: 'xyz' is not a model: JEM, TFM, WSO")


def test_the_command_line_and_the_api_take_a_state_alike(world):
    """`g287 timeline --state tx` answered while `GET /api/v1/timeline?state=tx` was a 422: both take a state's code
    in any case with the same entries, and refuse a code no state has with the same words."""
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from starlette.testclient import TestClient

    from g287.db.engine import Database
    from g287.web.app import create_app

    database = Database(f"sqlite:///{world.database}")
    try:
        with TestClient(create_app(database)) as site:
            for given in ("tx", "Tx"):
                printed = world("timeline", "--state", given, "--every", "publication", "--json")
                answered = site.get("/api/v1/timeline", params={"state": given})
                assert printed.returncode == 0 and answered.status_code == 200, (printed.stderr, answered.text)
                assert answered.json()["state"] == "TX" and answered.json()["items"] == json.loads(printed.stdout) != []
            refused = world("timeline", "--state", "zz")
            answered = site.get("/api/v1/timeline", params={"state": "zz"})
    finally:
        database.dispose()
    problem = "'zz': not a state's USPS code (AL, AK, ..., WY, DC, PR...)"
    assert refused.one_error_line(f"--state {problem}"), refused.stderr
    # `g287 map --state zz` said "no state 'zz': give a USPS code such as FL", naming no option (found by a helper)
    mapped = world("map", "--level", "county", "--state", "zz", "-o", str(world.folder / "state.svg"))
    assert mapped.one_error_line(f"--state {problem}"), mapped.stderr
    assert world("map", "--level", "county", "--state", "fl", "-o", str(world.folder / "state.svg")).returncode == 0
    assert answered.status_code == 422 and answered.json()["error"]["fields"] == [{"field": "state", "message": f"state {problem}"}]


# C. Counts worded for their number.
def test_one_unmatched_county_text(world):
    item = {"state": "TX", "county_text": "Nowhere", "status": "unmatched", "reason": "no such county", "raw_rows": [1], "agencies": ["A"]}
    with patch("g287.cli.geo.unmatched", lambda session: [item]):
        result = world("counties", "unmatched")
    assert "; 1 text did not match." in result.stdout and "1 texts" not in result.stdout


def test_one_broken_link(world):
    result = world("documents", "broken")
    assert result.returncode == 0 and "1 broken link" in result.stdout and "1 broken links" not in result.stdout


def test_one_day_of_service(world):
    day = (dt.date.today() - dt.timedelta(days=5)).isoformat()
    result = world("program", "nominate", "1", "--name", "Casey Oneday", "--service", f"{day}:{day}")
    assert result.returncode == 0, result.stderr
    assert "(1 day)" in result.stdout and not re.search(r"\b1 days", result.stdout)


def test_documents_counted_without_brackets(world):
    search = world("documents", "search", "sheriff", "-victoria")
    assert search.returncode == 0 and search.stdout.startswith("1 document matches;"), search.stdout
    assert "(es)" not in world.imported.stdout and "linked to 1 address" in world.imported.stdout, world.imported.stdout
    listed = json.loads(world("documents", "list", "--json").stdout)["documents"]
    shown = world("documents", "show", listed[0]["sha256"][:12])
    assert shown.returncode == 0 and "listed in 1 publication," in shown.stdout and "(s)" not in shown.stdout


def test_one_page_not_read():
    from g287.documents.store import _notes

    reading = SimpleNamespace(pages=[SimpleNamespace(source="unread", note="no text layer")])
    assert _notes(reading) == ["1 page not read: no text layer"]


PLURAL_IN_BRACKETS = r"\b(page|document|publication|address|link|text|row|file|agenc|entr|day|month|year)[a-z]*\((s|es|ies)\)"


def test_no_count_is_written_with_a_bracketed_plural():
    sources = [*(ROOT / "g287" / "cli").glob("*.py"), *(ROOT / "g287" / "documents").glob("*.py"), ROOT / "g287" / "program" / "rules.py"]
    found = [f"{path.name}:{n}" for path in sources for n, line in enumerate(path.read_text().splitlines(), 1) if re.search(PLURAL_IN_BRACKETS, line)]
    assert not found


# D. An empty name names nothing.
@pytest.mark.parametrize(
    "arguments, expected",
    [
        (["ingest", ""], "an empty path"),
        (["documents", "import", ""], "an empty path"),
        (["quality", ""], "no publication named ''"),
        (["agency", ""], "REF is empty"),
        (["sync", "--source", "", "--limit", "0"], "--source is empty"),  # --limit 0: nothing fetched even if run
        # found by a helper: `draft -o ""` drafted a new version and wrote no file; the others named no option
        (["program", "draft", "2", "-o", ""], "--output: an empty path"),
        (["program", "letter", "1", "-o", ""], "--output: an empty path"),
        (["program", "record", "2", "--pdf", "", "--signed-on", "2025-07-01", "--signatory", "agency:A:B", "--signatory", "ICE:C:D"], "--pdf: an empty path"),
        (["map", "--level", "state", "-o", ""], "--output: an empty path"),
        (["factsheet", "-o", ""], "--output: an empty path"),
        (["timeline", "--state", ""], "--state '': not a state's USPS code"),  # was every state's timeline
    ],
    ids=["ingest", "documents import", "quality", "agency", "sync --source", "program draft -o", "program letter -o", "program record --pdf", "map -o", "factsheet -o", "timeline --state"],
)
def test_an_empty_name_is_refused(world, arguments, expected):
    before = world.digest()
    result = world(*arguments)
    assert result.one_error_line(expected), (result.returncode, result.stderr[:300])
    assert world.digest() == before


def test_an_ambiguous_agency_says_how_many_are_not_shown(world):
    result = world("agency", "police")
    shown = result.stderr.split(": ", 2)[2].split("; and ")[0].split("; ")
    assert result.one_error_line("agencies match: ", " more (") and len(shown) == 10, result.stderr


# E. An id in a filter that names nothing is said, not answered with an empty list.
@pytest.mark.parametrize(
    "arguments, expected",
    [
        (["program", "authorized", "--agency", "99"], "--agency 99: no such applicant agency"),
        (["program", "nominees", "--agency", "99"], "--agency 99: no such applicant agency"),
        (["program", "nominees", "--moa", "99"], "--moa 99: no such MOA"),
        (["audit", "--object", "nominee:0"], "--object 'nominee:0': no such nominee"),
        (["audit", "--object", "nominee:abc"], "malformed object reference"),
        (["audit", "--actor", "user:abc"], "malformed actor"),
        (["audit", "--actor", "user:99"], "no such user"),
        # A reference with a part missing, or an empty filter, was taken as a wider filter or none: every event.
        (["audit", "--object", "nominee:"], "--object 'nominee:': give TYPE or TYPE:ID"),
        (["audit", "--object", ":1"], "--object ':1': give TYPE or TYPE:ID"),
        (["audit", "--object", ":"], "--object ':': give TYPE or TYPE:ID"),
        (["audit", "--object", ""], "--object is empty"),
        (["audit", "--actor", ""], "--actor is empty"),
        (["audit", "--action", " "], "--action is empty"),
    ],
)
def test_an_unknown_id_in_a_filter_is_refused(world, arguments, expected):
    assert world(*arguments).one_error_line(expected)


def test_known_ids_in_filters_still_answer(world):
    assert json.loads(world("program", "nominees", "--agency", "1", "--moa", "1", "--json").stdout)
    assert json.loads(world("audit", "--object", "nominee:1", "--json").stdout)
    assert json.loads(world("audit", "--actor", "user:2", "--json").stdout)
    assert world("audit", "--object", "alias:TX:x", "--json").returncode == 0  # free-text ids are not checked


# F. The same thing shown the same way; --database on every command.
def test_a_rule_s_sources_read_as_in_program_rules(world):
    result = world("program", "nominee", "1")
    assert result.returncode == 0 and "CS, MOA" in result.stdout and "['" not in result.stdout


@pytest.mark.parametrize("command", [["alias"], ["counties", "counts"], ["program", "rules"], ["program", "courses"], ["counties", "list", "TX"]])
def test_every_command_takes_database(world, command):
    result = world(*command, "--database", str(world.database))
    assert result.returncode == 0, result.stderr


def test_serve_refuses_an_empty_host(world, monkeypatch):
    """`--host ""` listened on every interface (found by a helper): the default is 127.0.0.1, and every other empty
    value is refused rather than read as something else."""
    import uvicorn

    served = []
    monkeypatch.setattr(uvicorn, "run", lambda *args, **kwargs: served.append(kwargs))
    result = world("serve", "--host", "", "--port", "8399")
    assert result.one_error_line("--host is empty"), (result.returncode, result.stderr)
    assert served == []

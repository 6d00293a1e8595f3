"""Every generated download is dated by its data, never by the moment it is made: two downloads of the same data are
the same bytes (the XLSX in ICE's layout, the CSV and JSON, the fact sheet from the site and from the command), and a
new list changes them. The fact sheet said "Generated ... on" the minute it was made, and its PDF's creation date
was the second it was made."""

import io
import warnings

from click.testing import CliRunner
from pypdf import PdfReader

from g287.cli import cli
from g287.registry.queries import data_version
from g287.web.app import create_app
from tests.clock import sleep_into_next_second
from tests.history.builders import Publisher, row

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

DOWNLOADS = ("/exports/agreements.xlsx", "/exports/agreements.xlsx?status=pending", "/exports/agreements.csv", "/exports/agreements.json", "/factsheet.pdf")


def _downloads(db) -> dict[str, bytes]:
    with TestClient(create_app(db)) as site:  # a new site each time: nothing served from the cache of the first
        answers = {url: site.get(url) for url in DOWNLOADS}
    assert all(answer.status_code == 200 for answer in answers.values()), {url: a.status_code for url, a in answers.items()}
    return {url: answer.content for url, answer in answers.items()}


def _command_sheet(db, path) -> bytes:
    result = CliRunner().invoke(cli, ["--database", db.url, "factsheet", "-o", str(path)])
    assert result.exit_code == 0, result.output
    return path.read_bytes()


def test_two_downloads_of_the_same_data_are_the_same_bytes_and_a_new_list_changes_them(db, tmp_path, monkeypatch):
    aliases = tmp_path / "aliases.csv"
    aliases.write_text("state,name,relation,other_name,reason,reviewed\n")
    monkeypatch.setenv("G287_ALIASES_FILE", str(aliases))
    pub = Publisher(db, tmp_path)
    alpha, bravo = row("TX", "Alpha Police Department", "TFM"), row("TX", "Bravo Police Department", "WSO")
    pub.publish("participating", "2025-08-01", [alpha])
    pub.publish("pending", "2025-08-01", [row("FL", "Charlie Police Department", "TFM", None)])
    first, sheet = _downloads(db), _command_sheet(db, tmp_path / "first.pdf")
    sleep_into_next_second()  # past the second a PDF's creation date tells apart
    assert _downloads(db) == first
    assert _command_sheet(db, tmp_path / "second.pdf") == sheet
    with db.session() as session:
        changed = data_version(session).modified_at
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(first["/factsheet.pdf"])).pages)
    assert f"Generated from the data (last changed {changed:%Y-%m-%d %H:%M} UTC) by g287" in " ".join(text.split())
    assert PdfReader(io.BytesIO(sheet)).metadata.creation_date.timestamp() == int(changed.timestamp())

    pub.publish("participating", "2025-08-02", [alpha, bravo])
    after = _downloads(db)
    assert after["/exports/agreements.xlsx?status=pending"] == first["/exports/agreements.xlsx?status=pending"]  # the same list in force
    for url in ("/exports/agreements.xlsx", "/exports/agreements.csv", "/exports/agreements.json", "/factsheet.pdf"):
        assert after[url] != first[url], url
    assert _command_sheet(db, tmp_path / "third.pdf") != sheet

"""Exports for any date and filter: CSV, JSON, XLSX in ICE's layout (re-ingested to the same figures), Atom
feeds, the public SQLite database; the fact sheet from the command line."""

import csv
import io
import json
import sqlite3
import xml.etree.ElementTree as ET

import pytest
from click.testing import CliRunner

from g287.cli import cli
from g287.exports.snapshot import public_tables, write_snapshot
from g287.registry import figures
from g287.registry.ingest import ingest_file
from g287.registry.publications import resolve
from g287.registry.queries import Filters, figures_of, listings

ATOM = "{http://www.w3.org/2005/Atom}"


def test_csv_for_a_date_and_filters(sqlite_site):
    answer = sqlite_site.get("/exports/agreements.csv", params={"state": "FL", "model": "TFM"})
    assert answer.status_code == 200 and answer.headers["content-type"].startswith("text/csv")
    assert "attachment" in answer.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(answer.text)))
    assert rows and all(r["state"] == "FL" and r["model"] == "TFM" and r["status"] == "participating" for r in rows)
    assert {r["publication_file"] for r in rows} == {"participatingAgencies07092025am.xlsx"}
    earlier = list(csv.DictReader(io.StringIO(sqlite_site.get("/exports/agreements.csv", params={"as_of": "2025-05-29", "status": "listed"}).text)))
    assert {r["publication_file"] for r in earlier} == {"participatingAgencies05292025am.xlsx", "pendingAgencies05152025am.xlsx"}
    assert sqlite_site.get("/exports/agreements.csv", params={"model": "nope"}).status_code == 422


def test_json_export(sqlite_site):
    document = sqlite_site.get("/exports/agreements.json", params={"state": "TX", "type": "county"}).json()
    assert document["filters"] == {"state": "TX", "type": "county", "status": "participating"}
    assert document["participating_publication"]["file"] == "participatingAgencies07092025am.xlsx"
    assert document["agreements"] and all(a["state"] == "TX" and a["agency_type"] == "county" for a in document["agreements"])


@pytest.mark.parametrize("params, filters", [({}, None), ({"state": "FL"}, Filters(state="FL")), ({"as_of": "2025-05-29", "model": "WSO"}, Filters(model="WSO"))])
def test_xlsx_in_ice_layout_reingests_to_the_same_figures(sqlite_site, tmp_path, actor, params, filters):
    from g287.db.engine import Database

    answer = sqlite_site.get("/exports/agreements.xlsx", params=params)
    assert answer.status_code == 200
    day = params.get("as_of", "2025-07-09")
    path = tmp_path / f"participatingAgencies{day[5:7]}{day[8:10]}{day[:4]}am_export.xlsx"
    path.write_bytes(answer.content)
    with sqlite_site.db.session() as session:
        original = figures_of(listings(session, resolve(session, day), filters))
    fresh = Database(f"sqlite:///{tmp_path / 'fresh.sqlite'}")
    ingest_file(fresh, path, actor)
    with fresh.session() as session:
        again = figures.participating_figures(session, resolve(session, path.name))
    fresh.dispose()
    assert again["moas"] == original["rows"] and again["agencies"] == original["agencies"] and again["states"] == original["states"]
    assert again["by_model"] == original["by_model"] and again["by_agency_type"] == original["by_agency_type"]


def test_xlsx_of_a_pending_list_and_of_a_publication(sqlite_site):
    pending = sqlite_site.get("/exports/agreements.xlsx", params={"status": "pending"})
    assert pending.status_code == 200 and "pendingAgencies07112025am_b_g287.xlsx" in pending.headers["content-disposition"]
    assert sqlite_site.get("/exports/agreements.xlsx", params={"publication": 1}).status_code == 200
    assert sqlite_site.get("/exports/agreements.xlsx", params={"publication": 9999}).status_code == 404
    assert sqlite_site.get("/exports/agreements.xlsx", params={"as_of": "2001-01-01"}).status_code == 404


def test_atom_feeds(sqlite_site):
    national = ET.fromstring(sqlite_site.get("/exports/feed.atom").content)
    entries = national.findall(f"{ATOM}entry")
    assert len(entries) == 11  # every publication of both lists
    titles = [e.find(f"{ATOM}title").text for e in entries]
    assert any("807 MOAs (+30)" in t for t in titles)
    content = next(e for e in entries if "807 MOAs" in e.find(f"{ATOM}title").text).find(f"{ATOM}content").text
    assert "participatingAgencies07092025am.xlsx" in content and "New rows:" in content
    assert all(e.find(f"{ATOM}link").get("href").startswith("http") for e in entries)
    florida = ET.fromstring(sqlite_site.get("/exports/feed/FL.atom").content)
    assert "Florida" in florida.find(f"{ATOM}title").text
    assert all("in Florida" in e.find(f"{ATOM}title").text for e in florida.findall(f"{ATOM}entry"))
    assert sqlite_site.get("/exports/feed/ZZ.atom").status_code == 404


def test_sqlite_download_is_a_public_database(sqlite_site, tmp_path):
    answer = sqlite_site.get("/exports/g287.sqlite")
    assert answer.status_code == 200
    path = tmp_path / "download.sqlite"
    path.write_bytes(answer.content)
    connection = sqlite3.connect(path)
    tables = {name for (name,) in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert tables == set(public_tables())
    assert connection.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    assert connection.execute("SELECT count(*) FROM publications").fetchone()[0] == 11
    assert connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    connection.close()


def test_snapshot_from_either_database(bundled_db, tmp_path):
    path = write_snapshot(bundled_db, tmp_path / "snapshot.sqlite")
    connection = sqlite3.connect(path)
    assert "audit_events" not in {n for (n,) in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert connection.execute("SELECT count(*) FROM agencies").fetchone()[0] > 600
    listed = connection.execute(
        "SELECT count(*) FROM listing_runs r JOIN publications p ON p.series = r.series "
        "WHERE p.file_name = 'participatingAgencies07092025am.xlsx' AND r.first_seq <= p.seq AND r.last_seq >= p.seq"
    ).fetchone()[0]
    assert listed == 807  # the published figures can be recomputed from the download alone
    connection.close()


def test_factsheet_command(sqlite_site, tmp_path):
    from pypdf import PdfReader

    target = tmp_path / "sheet.pdf"
    database = sqlite_site.db.url
    result = CliRunner().invoke(cli, ["factsheet", "--database", database, "--as-of", "2025-06-20", "-o", str(target), "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["stats"]["participating"]["moas"] == 719
    text = PdfReader(str(target)).pages[0].extract_text()
    assert "719" in text and "participatingAgencies06202025am.xlsx" in text and "Jail Enforcement Model" in text
    refused = CliRunner().invoke(cli, ["factsheet", "--database", database, "-o", str(tmp_path / "sheet.txt")])
    assert refused.exit_code != 0


def test_a_foreign_host_header_never_changes_what_others_are_served(sqlite_site):
    poisoned = sqlite_site.get("/exports/feed.atom", headers={"Host": "evil.example"})
    assert b"http://evil.example/" in poisoned.content
    normal = sqlite_site.get("/exports/feed.atom")
    assert b"evil.example" not in normal.content

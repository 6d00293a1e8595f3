"""The lists that link a document, as its detail gives them: labelled with one query for all (distinct_label in a
loop read each list's peers apart, one statement per publication), and each saying whose list it is."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest
from sqlalchemy import event
from starlette.testclient import TestClient

from g287.documents.importer import import_paths
from g287.documents.queries import document_detail
from g287.exports.ice_workbook import write_ice_workbook
from g287.registry.ingest import ingest_file
from g287.web.app import create_app
from tests.conftest import ICE
from tests.documents.conftest import moa
from tests.history.builders import row
from tests.web.test_list_naming import text_of

BURLESON = "BurlesonCoTX_WSO_MOA_04.16.2025.pdf"  # linked by each of the bundled participating lists
PARTICIPATING = sorted((ICE / "participating").glob("*.xlsx"))

pytestmark = pytest.mark.usefixtures("text_layers_read_once")  # the same MOAs, stored test after test: each read once


def statements_of_detail(db, sha: str) -> tuple[int, list[str]]:
    """How many SQL statements document_detail runs, and the labels of the lists it names."""
    statements: list[str] = []

    def note(_conn, _cursor, statement, _parameters, _context, _executemany):
        statements.append(statement)

    with db.session() as session:
        connection = session.connection()
        event.listen(connection, "before_cursor_execute", note)
        try:
            detail = document_detail(session, sha)
        finally:
            event.remove(connection, "before_cursor_execute", note)
    return len(statements), [p["label"] for p in detail["publications"]]


def test_the_lists_of_a_document_are_labelled_in_a_number_of_statements_that_does_not_grow_with_them(db, actor):
    for path in PARTICIPATING[:2]:
        ingest_file(db, path, actor)
    sha = import_paths(db, [str(moa(BURLESON))], actor, ocr=False).results[0].sha256
    few, labels = statements_of_detail(db, sha)
    assert labels == ["2025-05-16 am", "2025-05-29 am"]
    for path in PARTICIPATING[2:]:
        ingest_file(db, path, actor)
    many, labels = statements_of_detail(db, sha)
    assert labels == [
        "2025-05-16 am", "2025-05-29 am", "2025-06-17 pm", "2025-06-20 am",
        "2025-07-03 pm, participatingAgencies07032025pm.xlsx", "2025-07-03 pm, participatingAgencies07032025pm__v2.xlsx", "2025-07-09 am",
    ]
    assert many == few


def linked_by_both_lists(db, actor, tmp_path):
    """Burleson County's MOA linked by this registry's own list of 1 June and ICE's of 2 June: (the registry's
    workbook, ICE's, the document's sha256)."""
    listing = replace(row("TX", "Burleson County Sheriff's Office", "WSO", agency_type="County"), moa_url=f"https://www.ice.gov/doclib/287gMOA/{BURLESON}")
    own = tmp_path / "participatingAgencies06012025am_registry.xlsx"
    write_ice_workbook(own, "participating", [listing], modified=dt.datetime(2025, 6, 1, 9))
    ingest_file(db, own, actor, origin="registry")
    ices = tmp_path / "participatingAgencies06022025am.xlsx"
    write_ice_workbook(ices, "participating", [listing], modified=dt.datetime(2025, 6, 2, 9))
    ingest_file(db, ices, actor)
    return own, ices, import_paths(db, [str(moa(BURLESON))], actor, ocr=False).results[0].sha256


def test_the_lists_of_a_document_say_whose_they_are(db, actor, tmp_path):
    """The document's page headed its lists "ICE's lists that link it" when this registry's own lists linked it too,
    and its JSON did not say whose each list was. Each item carries its origin (the API declares it), and the heading
    and items name this registry's lists as its own; a document only ICE's lists link keeps its heading."""
    own, ices, sha = linked_by_both_lists(db, actor, tmp_path)
    with TestClient(create_app(db)) as site:
        detail = site.get(f"/api/v1/documents/{sha}").json()
        page = text_of(site.get(f"/documents/{sha}").text)
        schema = site.get("/api/v1/openapi.json").json()["components"]["schemas"]
    assert [(p["file"], p["origin"]) for p in detail["publications"]] == [(own.name, "registry"), (ices.name, "ice")]
    assert "ICE's lists that link it" not in page
    assert (
        f"The lists that link it, ICE's and this registry's this registry's participating list of 2025-06-01 am ({own.name}) "
        f"ICE's participating list of 2025-06-02 am ({ices.name})"
    ) in page
    items = schema["DocumentDetail"]["properties"]["publications"]["items"]["$ref"].rsplit("/", 1)[1]
    assert "origin" in schema[items]["required"] and schema[items]["properties"]["origin"]["type"] == "string"


def test_a_document_only_ices_lists_link_keeps_its_heading(db, actor):
    ingest_file(db, PARTICIPATING[0], actor)
    sha = import_paths(db, [str(moa(BURLESON))], actor, ocr=False).results[0].sha256
    with TestClient(create_app(db)) as site:
        detail = site.get(f"/api/v1/documents/{sha}").json()
        page = text_of(site.get(f"/documents/{sha}").text)
    assert [p["origin"] for p in detail["publications"]] == ["ice"]
    assert f"ICE's lists that link it participating list of 2025-05-16 am ({PARTICIPATING[0].name})" in page

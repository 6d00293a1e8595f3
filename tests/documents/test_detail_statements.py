"""A document's page names each list that links it with one query for all their labels: distinct_label in a loop
read each list's peers apart, one statement per publication (N+1)."""

from __future__ import annotations

from sqlalchemy import event

from g287.documents.importer import import_paths
from g287.documents.queries import document_detail
from g287.registry.ingest import ingest_file
from tests.conftest import ICE
from tests.documents.conftest import moa

BURLESON = "BurlesonCoTX_WSO_MOA_04.16.2025.pdf"  # linked by each of the bundled participating lists
PARTICIPATING = sorted((ICE / "participating").glob("*.xlsx"))


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

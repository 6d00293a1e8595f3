"""Words joined by punctuation ("jail/correctional", "02/15/2025", "U.S.C.") are found on both databases:
PostgreSQL's parser read each as one token (a file name, a host), so their words were found on SQLite only.
Migration 0012 makes the vectors of the pages held before it again."""

from alembic import command
from sqlalchemy import text

from g287.access import Actor
from g287.db.dialect import schema_change
from g287.db.engine import alembic_config
from g287.documents.importer import import_paths
from g287.documents.search import search
from tests.documents.pdfmaker import raw_pdf, stream

QUERIES = ("jail", "correctional", "02/15/2025", "U.S.C.", "1357", "107-296", "www.ice.gov")


def punctuated_pdf() -> bytes:
    content = stream(b"BT /F1 12 Tf 72 700 Td (in jail/correctional facilities, 8 U.S.C. 1357, Pub. L. No. 107-296, "
                     b"www.ice.gov, Revised 02/15/2025) Tj ET")
    return raw_pdf([
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [4 0 R] /Count 1 >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 3 0 R >> >> /Contents 5 0 R >>",
        content,
    ])


def found(db) -> dict[str, int]:
    with db.session() as session:
        return {query: search(session, query).total for query in QUERIES}


def test_the_pages_held_before_migration_0012_are_indexed_again(db, tmp_path):
    path = tmp_path / "punctuated.pdf"
    path.write_bytes(punctuated_pdf())
    assert not import_paths(db, [str(path)], Actor.command_line()).errors
    assert found(db) == dict.fromkeys(QUERIES, 1)
    with db.engine.connect() as conn, schema_change(conn):
        cfg = alembic_config(db.engine)
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0011_search_ignores_accents")
    if db.dialect_name == "postgresql":  # the vectors as they were made before: a date or a host is one token
        with db.engine.connect() as conn:
            assert "02/15/2025" in conn.execute(text("SELECT vector::text FROM document_search")).scalar()
        assert found(db)["02/15/2025"] == 0
    db.migrate()
    assert found(db) == dict.fromkeys(QUERIES, 1)


def test_the_snippet_marks_the_punctuation_the_search_typed_where_the_page_has_it(db, tmp_path):
    # "U.S.C." was marked "<mark>U.S.C</mark>.": the indexes drop the last period, and the mark followed them. The
    # punctuation typed around a term is marked where the page has it too; left out of the search, it is left out
    # of the mark.
    path = tmp_path / "punctuated.pdf"
    path.write_bytes(punctuated_pdf())
    assert not import_paths(db, [str(path)], Actor.command_line()).errors

    def marked(query: str) -> str:
        with db.session() as session:
            (hit,) = search(session, query).hits
        return hit.snippet_html

    assert "8 <mark>U.S.C.</mark> 1357" in marked("U.S.C.") and "8 <mark>U.S.C.</mark> 1357" in marked('"U.S.C."')
    assert "8 <mark>U.S.C</mark>. 1357" in marked("U.S.C")
    assert "<mark>Pub. L.</mark> No." in marked('"Pub. L."') and "<mark>No.</mark> <mark>107-296,</mark> www" in marked("No. 107-296,")

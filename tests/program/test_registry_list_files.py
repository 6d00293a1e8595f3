"""The workbooks of the registry's own lists (g287 program publish): dated by their publication, so the same records
published at the same moment give the same bytes."""

import datetime as dt
import zipfile

from g287.db.models.registry import Publication
from g287.program import publish
from tests.conftest import make_database
from tests.program.world import ADMIN, build

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

"""The archive keeps, and the site serves, a copy of each ICE workbook without what it says about people (the names
of the staff who saved it, SharePoint's properties, e-mail safety-redirect addresses), and otherwise the same list."""

from __future__ import annotations

import io
import re
import warnings
import zipfile
from pathlib import PurePosixPath

import openpyxl
import pytest
from sqlalchemy import select

from g287.db.models.documents import Document
from g287.documents.store import _store_plain_file, store_file
from g287.documents.workbook_copy import publishable_copy
from g287.sources.xlsx import read_xlsx
from tests.conftest import ICE

WORKBOOKS = sorted((ICE / "participating").glob("*.xlsx")) + sorted((ICE / "pending").glob("*.xlsx"))
PEOPLE = re.compile(rb"<(dc:creator|cp:lastModifiedBy)>([^<]+)</")


def parts(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        return {name: package.read(name) for name in package.namelist()}


def test_the_bundled_workbooks_name_people_and_wrap_links():
    """What the copies are checked against: ICE's files do name people, and some wrap their links."""
    assert all(PEOPLE.search(parts(path.read_bytes())["docProps/core.xml"]) for path in WORKBOOKS)
    assert sum(any(b"safelinks" in c.lower() for c in parts(path.read_bytes()).values()) for path in WORKBOOKS) == 5
    assert any(any(n.startswith("[trash]/") for n in parts(path.read_bytes())) for path in WORKBOOKS)


@pytest.mark.parametrize("path", WORKBOOKS, ids=lambda p: p.name)
def test_a_copy_names_no_one_and_holds_the_same_list(path, tmp_path):
    original = path.read_bytes()
    copy = publishable_copy(original)
    assert publishable_copy(original) == copy  # the same workbook always gives the same copy
    held = parts(copy)
    assert not PEOPLE.search(held["docProps/core.xml"]) and b"<dcterms:modified" in held["docProps/core.xml"]
    assert not any(name.lower().startswith(("customxml/", "[trash]/")) or name == "docProps/custom.xml" for name in held)
    assert not any(re.search(rb"safelinks|urldefense", content, re.I) for content in held.values())
    # A valid package: every part a relationship or a content-type override names is there.
    for name, content in held.items():
        if name.endswith(".rels"):
            for target, mode in re.findall(rb'Target="([^"]+)"(?:\s+TargetMode="(\w+)")?', content):
                if mode != b"External":
                    base = PurePosixPath(name).parent.parent
                    resolved = PurePosixPath(target.decode().lstrip("/")) if target.startswith(b"/") else base / target.decode()
                    assert str(resolved).replace("xl/../", "") in held, (name, target)
    for part in re.findall(rb'PartName="/([^"]+)"', held["[Content_Types].xml"]):
        assert part.decode() in held
    # The same list: header, rows, values and links read alike (the reader unwraps the original's links too).
    (tmp_path / "copy.xlsx").write_bytes(copy)
    before, after = read_xlsx(path), read_xlsx(tmp_path / "copy.xlsx")
    assert after.header == before.header and after.modified_at == before.modified_at
    assert [(r.number, r.cells, r.links, r.hidden) for r in after.rows] == [(r.number, r.cells, r.links, r.hidden) for r in before.rows]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        sheet = openpyxl.load_workbook(io.BytesIO(copy)).active
    assert sheet.max_row >= len(before.rows)


def test_workbooks_are_kept_and_served_as_copies(sqlite_db, actor):
    from starlette.testclient import TestClient

    from g287.documents.store import archive_for
    from g287.web.app import create_app

    kept = store_file(sqlite_db, ICE / "participating" / "participatingAgencies07092025am.xlsx", actor, kind="workbook", extension=".xlsx")
    # A workbook archived as it was published (as before copies were kept) is never served as such either.
    legacy = _store_plain_file(sqlite_db, ICE / "participating" / "participatingAgencies07032025pm.xlsx", actor, "workbook", ".xlsx", [], "sync", "legacy.xlsx", None)
    archive = archive_for(sqlite_db)
    assert not PEOPLE.search(parts(archive.path_for(kept.sha256, ".xlsx").read_bytes())["docProps/core.xml"])
    assert PEOPLE.search(parts(archive.path_for(legacy.sha256, ".xlsx").read_bytes())["docProps/core.xml"])
    with sqlite_db.session() as session:
        assert set(session.scalars(select(Document.sha256).where(Document.kind == "workbook"))) == {kept.sha256, legacy.sha256}
    client = TestClient(create_app(sqlite_db))
    for sha256 in (kept.sha256, legacy.sha256):
        response = client.get(f"/documents/{sha256}.xlsx")
        assert response.status_code == 200 and response.headers["content-disposition"].startswith("attachment;")
        served = parts(response.content)
        assert not PEOPLE.search(served["docProps/core.xml"])
        assert not any(re.search(rb"safelinks|urldefense", content, re.I) for content in served.values())

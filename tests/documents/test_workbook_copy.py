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
    assert not re.search(rb"sharepoint\.com/personal/|absPath url=\"[^\"]", held["xl/workbook.xml"])  # the saver's OneDrive folder
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


NAME = "Jane Q Employee"
WRAPPED = "https://gcc02.safelinks.protection.outlook.com/?url=https%3A%2F%2Fwww.ice.gov%2Fdoc%2FO%27Brien.pdf&amp;data=05%7C02%7Cjane.employee%40ice.dhs.gov%7C"
HYPERLINK = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/hyperlink"


def crafted_workbook() -> bytes:
    """A real list with every other place a workbook can name a person: core properties kept by another packaging
    tool (.psmdcp) and in UTF-16 with no namespace prefix, file sharing's user, shared-workbook revisions, a
    comment (its author, and the bold run with the author's name that Excel writes) with its drawing, a threaded
    comment's people, and wrapped addresses split over formatted runs or in single-quoted attributes."""
    with zipfile.ZipFile(ICE / "participating" / "participatingAgencies07092025am.xlsx") as source:
        part = {name: source.read(name) for name in source.namelist()}
    core = re.sub(rb"<dc:creator>[^<]*</dc:creator>", b'<creator xmlns="http://purl.org/dc/elements/1.1/">' + NAME.encode() + b"</creator>", part["docProps/core.xml"])
    part["docProps/core.xml"] = b"\xff\xfe" + core.decode().replace('encoding="UTF-8"', 'encoding="UTF-16"').encode("utf-16-le")
    part["package/services/metadata/core-properties/p.psmdcp"] = part["docProps/app.xml"].replace(b"<Manager>", b"<Manager>" + NAME.encode())
    part["_rels/.rels"] = part["_rels/.rels"].replace(b"</Relationships>", b'<Relationship Id="rIdP" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="package/services/metadata/core-properties/p.psmdcp"/></Relationships>')
    part["xl/workbook.xml"] = part["xl/workbook.xml"].replace(b"<workbookPr", b'<fileSharing readOnlyRecommended="1" userName="' + NAME.encode() + b'"/><workbookPr', 1)
    part["xl/revisions/userNames.xml"] = ('<users xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1"><userInfo guid="{0}" name="' + NAME + '" id="1"/></users>').encode()
    part["xl/_rels/workbook.xml.rels"] = part["xl/_rels/workbook.xml.rels"].replace(b"</Relationships>", b'<Relationship Id="rIdU" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/usernames" Target="revisions/userNames.xml"/><Relationship Id="rIdQ" Type="http://schemas.microsoft.com/office/2017/10/relationships/person" Target="persons/person.xml"/></Relationships>')
    part["xl/persons/person.xml"] = ('<personList xmlns="http://schemas.microsoft.com/office/spreadsheetml/2018/threadedcomments"><person displayName="' + NAME + '" id="{1}" userId="jane.employee@ice.dhs.gov" providerId="AD"/></personList>').encode()
    part["xl/comments1.xml"] = ('<comments xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><authors><author>' + NAME + '</author></authors><commentList><comment ref="A1" authorId="0"><text><r><rPr><b/></rPr><t>' + NAME + ':</t></r><r><t xml:space="preserve"> check</t></r></text></comment></commentList></comments>').encode()
    part["xl/drawings/vmlDrawing1.vml"] = b'<xml xmlns:v="urn:schemas-microsoft-com:vml"><v:shape id="c1"/></xml>'
    sheet_rels = "xl/worksheets/_rels/sheet1.xml.rels"
    part[sheet_rels] = part[sheet_rels].replace(b"</Relationships>", (
        '<Relationship Id="rIdC" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/comments" Target="../comments1.xml"/>'
        '<Relationship Id="rIdV" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/vmlDrawing" Target="../drawings/vmlDrawing1.vml"/>'
        f"<Relationship Id='rIdW' Type='{HYPERLINK}' Target='{WRAPPED}' TargetMode='External'></Relationship></Relationships>"
    ).encode())
    part["xl/worksheets/sheet1.xml"] = part["xl/worksheets/sheet1.xml"].replace(b"</worksheet>", b'<legacyDrawing r:id="rIdV"/></worksheet>')
    part["xl/sharedStrings.xml"] = part["xl/sharedStrings.xml"].replace(b"</sst>", b"<si><r><t>see https://gcc02.safelinks.protection.outlook.com/?url=https%3A%2F%2Fwww.ice.gov%2Fa.pdf</t></r><r><rPr><b/></rPr><t>&amp;data=05%7C02%7Cjane.employee%40ice.dhs.gov%7C</t></r></si></sst>")
    part["[Content_Types].xml"] = part["[Content_Types].xml"].replace(b"</Types>", (
        '<Default Extension="psmdcp" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>'
        '<Default Extension="vml" ContentType="application/vnd.openxmlformats-officedocument.vmlDrawing"/>'
        '<Override PartName="/xl/comments1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.comments+xml"></Override>'
        '<Override PartName="/xl/revisions/userNames.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.userNames+xml"/>'
        '<Override PartName="/xl/persons/person.xml" ContentType="application/vnd.ms-excel.person+xml"/></Types>'
    ).encode())
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for name, content in part.items():
            target.writestr(name, content)
    return out.getvalue()


def readable(content: bytes) -> str:
    return content.decode("utf-16") if content.startswith(b"\xff\xfe") else content.decode("utf-8", "replace")


def test_a_crafted_workbook_names_no_one_in_its_copy():
    original = crafted_workbook()
    assert sum(NAME in readable(c) for c in parts(original).values()) == 6  # the parts the copy must clean
    copy = publishable_copy(original)
    held = {name: readable(content) for name, content in parts(copy).items()}
    assert [name for name, text in held.items() if NAME in text or "jane.employee" in text] == []
    # Still one valid package: no relationship, content type or reference to a removed part is left.
    for name, text in held.items():
        if name.endswith(".rels"):
            ids = set(re.findall(r"""Id=["']([^"']+)["']""", text))
            described = str(PurePosixPath(name).parent.parent / name.rsplit("/", 1)[1][: -len(".rels")]).lstrip("./")
            for rid in re.findall(r"""r:id=["']([^"']+)["']""", held.get(described, "")):
                assert rid in ids, (described, rid)
    for part_name in re.findall(r'PartName="/([^"]+)"', held["[Content_Types].xml"]):
        assert part_name in held
    assert "legacyDrawing" not in held["xl/worksheets/sheet1.xml"]
    assert "https://www.ice.gov/doc/O&apos;Brien.pdf" in held["xl/worksheets/_rels/sheet1.xml.rels"]
    assert "see https://www.ice.gov/a.pdf" in held["xl/sharedStrings.xml"]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        opened = openpyxl.load_workbook(io.BytesIO(copy))
    assert not opened.properties.creator and not opened.properties.lastModifiedBy


@pytest.mark.parametrize(
    "address",
    [
        "https://nam12.&#115;afelinks.protection.outlook.com/?url=https%3A%2F%2Fwww.ice.gov%2Fdoclib%2Fx.pdf&amp;data=05%7C02%7Cjohn.doe%40ice.dhs.gov%7Ct",
        "https://linkprotect.cuda&#x73;vc.com/url?a=https%3a%2f%2fwww.ice.gov%2fdoclib%2fx.pdf&amp;c=E,1,john.doe%40ice.dhs.gov",
        "https://eu-west-1.protection.sophos.com?d=ice.gov&amp;u=aHR0cHM6Ly93d3cuaWNlLmdvdi9kb2NsaWIveC5wZGY=&amp;i=john.doe%40ice.dhs.gov",
    ],
)
def test_a_wrapped_address_spelled_with_character_references_leaves_the_copy(tmp_path, address):
    """The copy looked for wrappers in the part's bytes: `&#115;afelinks` hid one (and its mailbox) from it, while the
    ingest, which reads the text, found it. In a cell's text and in a link's target alike."""
    from tests.registry.test_crafted_workbooks import MAY_29, JUNE_17, edited

    text = f"<si><t>Colbert County (see {address})</t></si>".encode()
    in_text = edited(MAY_29, tmp_path / "text.xlsx", {"xl/sharedStrings.xml": lambda b: b.replace(b"<si><t>Colbert County</t></si>", text, 1)})
    rels = "xl/worksheets/_rels/sheet1.xml.rels"
    in_link = edited(JUNE_17, tmp_path / "link.xlsx", {rels: lambda b: re.sub(rb'Target="https://gcc02\.safelinks[^"]*"', b'Target="' + address.encode() + b'"', b, count=1)})
    for path in (in_text, in_link):
        assert b"john.doe" in b"".join(parts(path.read_bytes()).values())
        held = b"".join(parts(publishable_copy(path.read_bytes())).values()).decode("utf-8", "replace")
        assert "john.doe" not in held and "ice.dhs.gov" not in held, path.name
        assert "https://www.ice.gov/doclib/x.pdf" in held


SAFE_LINK = "https://nam12.safelinks.protection.outlook.com/?url=https%3A%2F%2Fwww.ice.gov%2Fx.pdf&amp;data=john.doe%40ice.dhs.gov"


@pytest.mark.parametrize(
    "body",
    [
        f'<t foo="a>b">{SAFE_LINK}</t>',  # a ">" inside a tag's quoted value: the run was taken to start there
        f'<t><![CDATA[a > {SAFE_LINK.replace("&amp;", "&")}]]></t>',
        f"<t><!-- a > {SAFE_LINK} --></t>",
        f"<t><?note a > {SAFE_LINK} ?></t>",
        f'<t>IF(A1="{SAFE_LINK}")</t>',
        f'<r Target="{SAFE_LINK}" Other="&#x80;&#13;"/>',
    ],
)
def test_the_copy_scrubs_every_kind_of_xml_token_and_stays_well_formed(body):
    """The copy's scrubbing took any ">" for the end of a tag: an address after one, in a CDATA section, a comment
    or a processing instruction, came out with the real closing ">" escaped, and the part no longer parsed."""
    import xml.etree.ElementTree as ET

    from g287.documents.workbook_copy import _cleaned_part

    cleaned = _cleaned_part("xl/worksheets/sheet1.xml", f"<root>{body}</root>", set(), set())
    ET.fromstring(cleaned)
    assert "john.doe" not in cleaned and "safelinks" not in cleaned
    if "Other=" in body:
        assert 'Other="&#x80;&#13;"' in cleaned  # a value that held no wrapper is left exactly as written

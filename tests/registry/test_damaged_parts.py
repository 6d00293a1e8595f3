"""A workbook with one part missing or damaged: one line naming the part, in words and by its path.

The messages quoted the error of whichever library tripped: calamine's name of an XML tag ("damaged or truncated
(t)" for shared strings cut short, "(sst)", "(Relationships)"), zlib's ("Error -3 while decompressing data: invalid
bit length repeat") or the XML parser's position ("cannot be parsed (unclosed token: line 2, column 1065)").
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest

from g287.errors import SourceError
from g287.sources.xlsx import read_xlsx
from tests.conftest import ICE
from tests.registry.mutations import flagged_encrypted, wrong_checksum

MAY_29 = ICE / "participating" / "participatingAgencies05292025am.xlsx"


def truncated(data: bytes) -> bytes:
    return data[: len(data) // 2]


def garbled(data: bytes) -> bytes:
    return data.replace(b"<", b"<<", 3)


def copy_of(target: Path, change: dict[str, object]) -> Path:
    """A copy of the 29 May workbook with parts changed (a function of the part's bytes) or left out (None)."""
    with zipfile.ZipFile(MAY_29) as original, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as copy:
        for name in original.namelist():
            if name in change and change[name] is None:
                continue
            content = original.read(name)
            copy.writestr(name, change[name](content) if name in change else content)
    return target


def with_corrupt_data(target: Path, member: str) -> Path:
    """A copy whose member's compressed bytes are overwritten: the archive opens, the member cannot be inflated."""
    copy_of(target, {})
    data = bytearray(target.read_bytes())
    with zipfile.ZipFile(target) as archive:
        info = archive.getinfo(member)
    start = info.header_offset + 30 + len(info.filename) + len(info.extra)
    middle = start + info.compress_size // 3
    data[middle : middle + min(200, info.compress_size // 3)] = b"\xff" * min(200, info.compress_size // 3)
    target.write_bytes(bytes(data))
    return target


SHARED_STRINGS = "the workbook's shared strings (the text of its cells) are damaged or truncated (xl/sharedStrings.xml)"
SHEET = "the workbook's sheet 'Sheet1' is damaged or truncated (xl/worksheets/sheet1.xml)"
CASES = {
    "shared strings cut short": ({"xl/sharedStrings.xml": truncated}, SHARED_STRINGS),  # was "damaged or truncated (t)"
    "shared strings garbled": ({"xl/sharedStrings.xml": garbled}, SHARED_STRINGS),  # was "(sst)"
    "shared strings missing": ({"xl/sharedStrings.xml": None}, "the workbook's shared strings (the text of its cells) are missing (xl/sharedStrings.xml is not in the archive)"),
    "cell formats cut short": ({"xl/styles.xml": truncated}, "the workbook's cell formats are damaged or truncated (xl/styles.xml)"),
    "table of contents garbled": ({"_rels/.rels": garbled}, "the workbook's table of contents is damaged or truncated (_rels/.rels)"),  # was "(Relationships)"
    "table of contents missing": ({"_rels/.rels": None}, "the workbook's table of contents is missing (_rels/.rels is not in the archive)"),
    "list of sheets cut short": ({"xl/workbook.xml": truncated}, "the workbook's list of sheets is damaged or truncated (xl/workbook.xml)"),
    "list of sheets missing": ({"xl/workbook.xml": None}, "the workbook's list of sheets is missing (xl/workbook.xml is not in the archive)"),
    "index of parts cut short": ({"xl/_rels/workbook.xml.rels": truncated}, "the workbook's index of its parts is damaged or truncated (xl/_rels/workbook.xml.rels)"),
    "sheet cut short": ({"xl/worksheets/sheet1.xml": truncated}, SHEET),
    "the only sheet missing": ({"xl/worksheets/sheet1.xml": None}, "the workbook's sheet 'Sheet1' is missing (xl/worksheets/sheet1.xml is not in the archive)"),  # was "the workbook has no worksheet"
    "sheet's links cut short": ({"xl/worksheets/_rels/sheet1.xml.rels": truncated}, "the links of the workbook's sheet 'Sheet1' are damaged or truncated (xl/worksheets/_rels/sheet1.xml.rels)"),
}


def with_entity(root: bytes, old: bytes, new: bytes, entities: bytes = b'<!ENTITY g287 "County">'):
    """A part whose DOCTYPE declares `entities`, &g287; among them, which `new` uses in place of `old`."""
    declaration = b"<!DOCTYPE " + root + b" [" + entities + b"]>"
    return lambda data: re.sub(rb"^(<\?xml[^>]*\?>)", lambda m: m[1] + declaration, data, count=1).replace(old, new, 1)


# A billion laughs: &g287; would be 10**9 times "County", which the XML parser refuses to expand.
BOMB = b'<!ENTITY e0 "County">' + b"".join(b'<!ENTITY %s "%s">' % (b"g287" if n == 9 else b"e%d" % n, b"&e%d;" % (n - 1) * 10) for n in range(1, 10))


ENTITIES_OF_THEIR_OWN = "written with entities of their own (declared in a DOCTYPE), which this reader does not read"
CASES.update({
    # calamine refused them quoting itself ("the workbook is damaged or truncated (at 0..0: unrecognized entity `&g287;`)")
    "shared strings using an entity of their own": (
        {"xl/sharedStrings.xml": with_entity(b"sst", b"<t>County</t>", b"<t>&g287;</t>")},
        f"the workbook's shared strings (the text of its cells) are {ENTITIES_OF_THEIR_OWN} (xl/sharedStrings.xml)",
    ),
    "the list of sheets using an entity of its own": (
        {"xl/workbook.xml": with_entity(b"workbook", b'name="Sheet1"', b'name="&g287;"')},
        f"the workbook's list of sheets is {ENTITIES_OF_THEIR_OWN.replace('their own', 'its own')} (xl/workbook.xml)",
    ),
    "a sheet using an entity of its own": (
        {"xl/worksheets/sheet1.xml": with_entity(b"worksheet", b'<c r="B3" s="15" t="s"><v>8</v></c>', b'<c r="B3" s="15" t="inlineStr"><is><t>&g287;</t></is></c>')},
        f"the workbook's sheet 'Sheet1' is {ENTITIES_OF_THEIR_OWN.replace('their own', 'its own')} (xl/worksheets/sheet1.xml)",
    ),
    "shared strings using an XML bomb": (
        {"xl/sharedStrings.xml": with_entity(b"sst", b"<t>County</t>", b"<t>&g287;</t>", BOMB)},
        f"the workbook's shared strings (the text of its cells) are {ENTITIES_OF_THEIR_OWN} (xl/sharedStrings.xml)",
    ),
})


@pytest.mark.parametrize("case", list(CASES))
def test_a_damaged_or_missing_part_is_named(tmp_path, case):
    change, message = CASES[case]
    path = copy_of(tmp_path / MAY_29.name, change)
    with pytest.raises(SourceError) as raised:
        read_xlsx(path)
    assert str(raised.value) == f"{MAY_29.name}: {message}"


@pytest.mark.parametrize("member, message", [("xl/sharedStrings.xml", SHARED_STRINGS), ("xl/worksheets/sheet1.xml", SHEET)])
def test_a_part_that_cannot_be_inflated_is_named(tmp_path, member, message):
    """zlib's message ("Error -3 while decompressing data: ...") or calamine's ("I/O error: corrupt deflate stream")."""
    with pytest.raises(SourceError) as raised:
        read_xlsx(with_corrupt_data(tmp_path / MAY_29.name, member))
    assert str(raised.value) == f"{MAY_29.name}: {message}"


def test_damaged_document_properties_leave_only_the_time_unknown(tmp_path):
    """The workbook's modification time is all that is read there: a part that cannot be inflated was the whole
    workbook refused, while one that cannot be parsed left the time unknown."""
    table = read_xlsx(with_corrupt_data(tmp_path / MAY_29.name, "docProps/core.xml"))
    assert table.modified_at is None and len(table.rows) == len(read_xlsx(MAY_29).rows)


def test_no_message_quotes_a_bare_xml_name(tmp_path):
    """Whatever part is cut short, the line names it: no "(t)", "(sst)" or other tag from calamine's errors."""
    with zipfile.ZipFile(MAY_29) as archive:
        members = [m for m in archive.namelist() if m.endswith((".xml", ".rels"))]
    refused = []
    for number, member in enumerate(members):
        path = copy_of(tmp_path / f"{number}_{MAY_29.name}", {member: truncated})
        try:
            read_xlsx(path)
        except SourceError as error:
            assert not re.search(r"\(\w+\)$", str(error)), str(error)
            assert member in str(error), str(error)
            refused.append(member)
    # The parts a list cannot be read without (the sheet, its shared strings, the workbook and its relationships...)
    # are refused; a part it can do without (the document's properties) is not: both kinds were tried.
    assert {"xl/workbook.xml", "xl/sharedStrings.xml", "xl/worksheets/sheet1.xml"} <= set(refused) and len(refused) < len(members), refused


def test_a_second_sheet_whose_part_is_missing_is_registered_and_the_list_read(tmp_path):
    """The workbook names a second sheet whose part is not in the archive: the list on the first is read, and the
    missing sheet is a note of the register (it was skipped in silence)."""

    def another_sheet(data: bytes) -> bytes:
        return data.replace(b"</sheets>", b'<sheet name="Extra" sheetId="99" r:id="rId99"/></sheets>')

    def its_relationship(data: bytes) -> bytes:
        return data.replace(b"</Relationships>", b'<Relationship Id="rId99" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet9.xml"/></Relationships>')

    path = copy_of(tmp_path / MAY_29.name, {"xl/workbook.xml": another_sheet, "xl/_rels/workbook.xml.rels": its_relationship})
    table = read_xlsx(path)
    assert table.sheet_name == "Sheet1" and len(table.rows) > 600
    assert [n.problem for n in table.notes if "Extra" in n.problem] == ["the workbook names a sheet 'Extra' whose part is missing (xl/worksheets/sheet9.xml is not in the archive)"]


def with_string_reference(value: bytes):
    """The sheet with its eleventh shared-string cell naming `value` instead of a string's number."""

    def change(xml: bytes) -> bytes:
        match = list(re.finditer(rb'<c r="([A-Z]+[0-9]+)"[^>]*t="s"[^>]*><v>([0-9]+)</v>', xml))[10]
        return xml[: match.start(2)] + value + xml[match.end(2) :]

    return change


@pytest.mark.parametrize("value", [b"abc", b"-1", b"5.0", b" 5"])
def test_a_cell_naming_no_shared_string_by_number_is_damage_not_the_first_string(tmp_path, value):
    """calamine read such a cell as shared string 0 (the header's "STATE"), which the register then quoted as the
    cell's raw value: a value the cell does not hold."""
    with zipfile.ZipFile(MAY_29) as original:
        reference = list(re.finditer(rb'<c r="([A-Z]+[0-9]+)"[^>]*t="s"[^>]*><v>([0-9]+)</v>', original.read("xl/worksheets/sheet1.xml")))[10][1].decode()
    path = copy_of(tmp_path / MAY_29.name, {"xl/worksheets/sheet1.xml": with_string_reference(value)})
    with pytest.raises(SourceError) as raised:
        read_xlsx(path)
    assert str(raised.value) == (
        f"{MAY_29.name}: the workbook's sheet 'Sheet1' cannot be read (cell {reference} names shared string {value.decode()!r}, "
        "which is not a string's number) (xl/worksheets/sheet1.xml)"
    )


def test_a_shared_string_number_beyond_the_strings_is_named(tmp_path):
    path = copy_of(tmp_path / MAY_29.name, {"xl/worksheets/sheet1.xml": with_string_reference(b"99999")})
    with pytest.raises(SourceError) as raised:
        read_xlsx(path)
    assert str(raised.value) == f"{MAY_29.name}: the workbook's sheet 'Sheet1' cannot be read (Cell string index not found in shared strings table) (xl/worksheets/sheet1.xml)"


CHART_SHEET = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n<chartsheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    b'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheetPr/><sheetViews><sheetView workbookViewId="0"/></sheetViews>'
    b'<drawing r:id="rId1"/></chartsheet>'
)


def with_sheet(name: bytes, target: bytes, kind: bytes = b"worksheet"):
    """Changes that give the workbook a second sheet, `name`, whose relationship names `target`."""
    return {
        "xl/workbook.xml": lambda data: data.replace(b"</sheets>", b'<sheet name="' + name + b'" sheetId="2" r:id="rId99"/></sheets>'),
        "xl/_rels/workbook.xml.rels": lambda data: data.replace(
            b"</Relationships>", b'<Relationship Id="rId99" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/' + kind + b'" Target="' + target + b'"/></Relationships>'
        ),
    }


def only_sheet_at(target: bytes):
    return {"xl/_rels/workbook.xml.rels": lambda data: data.replace(b'Target="worksheets/sheet1.xml"', b'Target="' + target + b'"')}


def with_chart_sheet(path: Path) -> Path:
    with zipfile.ZipFile(path, "a") as archive:
        archive.writestr("xl/chartsheets/sheet1.xml", CHART_SHEET)
    return path


@pytest.mark.parametrize("target, message", [
    (b"styles.xml", "the workbook's sheet 'Sheet1' is not a worksheet: its part (xl/styles.xml) holds no rows of cells"),
    (b"theme/theme1.xml", "the workbook's sheet 'Sheet1' is not a worksheet: its part (xl/theme/theme1.xml) holds no rows of cells"),
    (b"../customXml/item2.xml", "the workbook's sheet 'Sheet1' is not a worksheet: its part (customXml/item2.xml) holds no rows of cells"),
    (b"chartsheets/sheet1.xml", "the workbook has no worksheet: its sheet 'Sheet1' is a chart sheet (xl/chartsheets/sheet1.xml), which holds no cells"),
])
def test_a_sheet_whose_part_is_no_worksheet_is_named(tmp_path, target, message):
    """The workbook's only sheet named a part that is no worksheet (a chart sheet, the cell formats, any other XML):
    calamine read it as a sheet without rows, and the line said "the workbook is empty" (or quoted no cause)."""
    path = with_chart_sheet(copy_of(tmp_path / MAY_29.name, only_sheet_at(target)))
    with pytest.raises(SourceError) as raised:
        read_xlsx(path)
    assert str(raised.value) == f"{MAY_29.name}: {message}"


def test_a_chart_sheet_beside_the_list_is_left_alone(tmp_path):
    path = with_chart_sheet(copy_of(tmp_path / MAY_29.name, with_sheet(b"Chart1", b"chartsheets/sheet1.xml", b"chartsheet")))
    table = read_xlsx(path)
    assert (table.sheet_name, len(table.rows)) == ("Sheet1", len(read_xlsx(MAY_29).rows))
    assert [n.problem for n in table.notes] == [n.problem for n in read_xlsx(MAY_29).notes]


def test_a_second_sheet_whose_part_is_no_worksheet_is_registered_and_the_list_read(tmp_path):
    path = copy_of(tmp_path / MAY_29.name, with_sheet(b"Extra", b"styles.xml"))
    table = read_xlsx(path)
    assert (table.sheet_name, len(table.rows)) == ("Sheet1", len(read_xlsx(MAY_29).rows))
    assert [(n.problem, n.action) for n in table.notes if "Extra" in n.problem] == [
        ("the workbook's sheet 'Extra' is not a worksheet: its part (xl/styles.xml) holds no rows of cells", "not read; the list was looked for on the other sheets")
    ]


@pytest.mark.parametrize("cell", [b"><v>-1e300</v></c>", b' t="n"><v>Harris County</v></c>'], ids=["a number calamine panics on", "text in a number cell"])
@pytest.mark.parametrize("unneeded", [flagged_encrypted, wrong_checksum], ids=["encrypted", "damaged"])
def test_a_sheet_read_again_from_a_copy_needs_no_part_calamine_does_not_read(tmp_path, cell, unneeded):
    """A sheet calamine cannot read as it is is read again from a copy of the workbook, which copied every part: document
    properties encrypted (or damaged), which nothing needs, refused the workbook, quoting zipfile ("the workbook's sheet
    'Sheet1' cannot be read (File <ZipInfo filename='docProps/core.xml' ...> is encrypted, password required for
    extraction)")."""
    change = {"xl/worksheets/sheet1.xml": lambda xml: re.sub(rb'(<c r="F3" s="\d+")[^>]*>.*?</c>', lambda m: m[1] + cell, xml, count=1)}
    sound = read_xlsx(copy_of(tmp_path / "sound.xlsx", change))
    path = tmp_path / MAY_29.name
    path.write_bytes(unneeded("docProps/core.xml")((tmp_path / "sound.xlsx").read_bytes()))
    table = read_xlsx(path)
    assert table.modified_at is None and sound.modified_at is not None
    assert [(row.number, row.cells) for row in table.rows] == [(row.number, row.cells) for row in sound.rows]
    assert [n.problem for n in table.notes] == [n.problem for n in sound.notes]

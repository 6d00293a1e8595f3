"""A cell hyperlink's location (OOXML: a place within its target; Excel opens target#location, page=3 of a PDF) is
kept after a #, as Excel opens the link; it was dropped without a word, and so was the place of the registry's own
workbooks, whose writer puts an address's fragment in the location. A link with a location and no target is a place
in the workbook: no document's address, counted with the links to no web address (it was said nowhere)."""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile

import openpyxl
from openpyxl.worksheet.hyperlink import Hyperlink

from g287.exports.ice_workbook import IceRow, write_ice_workbook
from g287.registry.ingest import prepare

MOAS = "https://www.ice.gov/doclib/287gMOA/"
SAFE_LINKS = "https://nam12.safelinks.protection.outlook.com/?url=https%3A%2F%2Fwww.ice.gov%2Fdoclib%2F287gMOA%2Fwrapped.pdf&data=05%7C02%7Cjohn.doe%40ice.dhs.gov&reserved=0"
LINKS = [  # (target, location), one row each
    (MOAS + "harris.pdf", "page=3"),
    (SAFE_LINKS, "page=2"),
    (MOAS + "placed.pdf#page=1", "page=5"),
    (None, "'Sheet 2'!A1"),
    (MOAS + "carried.pdf", SAFE_LINKS),
    (MOAS + "plain.pdf", None),
    (MOAS + "marked.pdf#page=1", SAFE_LINKS),
]


def _workbook(path):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["STATE", "LAW ENFORCEMENT AGENCY", "TYPE", "COUNTY", "SUPPORT TYPE", "SIGNED", "MOA"])
    for number, (target, location) in enumerate(LINKS, start=2):
        sheet.append(["TEXAS", f"Agency {number}", "County", "Harris", "Task Force Model", dt.date(2025, 5, 1), "link"])
        sheet[f"G{number}"].hyperlink = Hyperlink(ref=f"G{number}", target=target, location=location)
    book.save(path)
    return path


def test_a_links_location_is_kept_after_a_hash_as_excel_opens_it(tmp_path):
    prepared = prepare(_workbook(tmp_path / "participatingAgencies05292025am.xlsx"))
    assert [r.moa_url for r in prepared.readings] == [
        MOAS + "harris.pdf#page=3",
        MOAS + "wrapped.pdf#page=2",  # a browser takes the redirect's fragment to the real address
        MOAS + "placed.pdf#page=1",
        None,  # a place in the workbook
        None,  # a location carrying a wrapper: no address, as an address carrying one
        MOAS + "plain.pdf",
        MOAS + "marked.pdf#page=1",
    ]
    notes = {n.problem: (n.action, n.raw_value) for n in prepared.table.notes}
    assert notes["2 links to a place within an address that names a place already (after its #)"] == (
        "the address is kept as the link gives it; the place the link adds (its location) is not kept", "page=5, " + MOAS + "wrapped.pdf",
    )
    assert any(problem.startswith("1 link to no web address") for problem in notes)
    assert any(problem.startswith("2 links wrapped in an e-mail safety redirect") for problem in notes)
    kept = repr((prepared.table.rows, prepared.table.notes, [(r.content, r.problems) for r in prepared.readings]))
    assert "john.doe" not in kept and "safelinks" not in kept


def test_the_registrys_own_workbook_gives_back_its_addresses_whole(tmp_path):
    """Its writer (xlsxwriter) stores x.pdf#page=3 as the target x.pdf and the location page=3."""
    buffer = io.BytesIO()
    write_ice_workbook(buffer, "participating", [IceRow("TEXAS", "Harris County Sheriff's Office", "County", "Harris", "Task Force Model", dt.date(2025, 5, 1), MOAS + "harris.pdf#page=3")], modified=dt.datetime(2025, 5, 29, 9))
    path = tmp_path / "participatingAgencies05292025am_registry.xlsx"
    path.write_bytes(buffer.getvalue())
    assert [r.moa_url for r in prepare(path, origin="registry").readings] == [MOAS + "harris.pdf#page=3"]


def test_a_link_whose_target_the_workbook_lacks_is_registered(tmp_path):
    """A damaged workbook: the sheet names a link's relationship that its list of link targets does not hold. The
    link was skipped without a word."""
    saved = tmp_path / "saved.xlsx"
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["STATE", "LAW ENFORCEMENT AGENCY", "TYPE", "COUNTY", "SUPPORT TYPE", "SIGNED", "MOA"])
    for number in (2, 3):
        sheet.append(["TEXAS", f"Agency {number}", "County", "Harris", "Task Force Model", dt.date(2025, 5, 1), "link"])
        sheet[f"G{number}"].hyperlink = MOAS + f"agency{number}.pdf"
    book.save(saved)
    path = tmp_path / "participatingAgencies05292025am.xlsx"
    with zipfile.ZipFile(saved) as original, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as damaged:
        for info in original.infolist():
            data = original.read(info)
            if info.filename == "xl/worksheets/_rels/sheet1.xml.rels":
                kept = re.sub(rb"<Relationship [^>]*agency3\.pdf[^>]*/>", b"", data)
                assert kept != data
                data = kept
            damaged.writestr(info, data)
    prepared = prepare(path)
    assert [r.moa_url for r in prepared.readings] == [MOAS + "agency2.pdf", None]
    notes = {n.problem: (n.action, n.raw_value) for n in prepared.table.notes}
    assert notes["1 link whose target the workbook does not hold (the sheet's list of link targets lacks it)"] == ("no address: the cells' links are unknown", "G3")


def _linked_rows(tmp_path, rewrite: dict, locations: dict[int, str] | None = None):
    """participatingAgencies05292025am.xlsx with four rows whose MOA cells G2 to G5 link agency2.pdf to agency5.pdf
    (openpyxl numbers their relationships rId1 to rId4, in row order), with `locations` by row number, and its parts
    rewritten by `rewrite` (a part's name -> a function of its bytes)."""
    saved = tmp_path / "saved.xlsx"
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["STATE", "LAW ENFORCEMENT AGENCY", "TYPE", "COUNTY", "SUPPORT TYPE", "SIGNED", "MOA"])
    for number in (2, 3, 4, 5):
        sheet.append(["TEXAS", f"Agency {number}", "County", "Harris", "Task Force Model", dt.date(2025, 5, 1), "link"])
        sheet[f"G{number}"].hyperlink = Hyperlink(ref=f"G{number}", target=MOAS + f"agency{number}.pdf", location=(locations or {}).get(number))
    book.save(saved)
    path = tmp_path / "participatingAgencies05292025am.xlsx"
    with zipfile.ZipFile(saved) as original, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as rewritten:
        for info in original.infolist():
            data = original.read(info)
            rewritten.writestr(info, rewrite[info.filename](data) if info.filename in rewrite else data)
    return path


def _tags(tags: dict[int, bytes]) -> dict:
    """A rewrite of the sheet for _linked_rows: the <hyperlink> tag of each row number replaced by the one given."""

    def replaced(data: bytes) -> bytes:
        data, count = re.subn(
            rb'<hyperlink xmlns:r="([^"]*)" ref="G(\d)" r:id="rId\d"/>',
            lambda m: tags[int(m[2])].replace(b"<hyperlink ", b'<hyperlink xmlns:r="' + m[1] + b'" '),
            data,
        )
        assert count == len(tags)
        return data

    return {"xl/worksheets/sheet1.xml": replaced}


def test_a_links_attributes_are_read_one_after_another(tmp_path):
    """A <hyperlink> tag's attributes were found by looking ahead for `ref=`, `r:id=` and `location=` anywhere in the
    tag: a tooltip or display text reading like one of them was taken for it (another link's target, a location the
    link does not have), a ">" inside a value (XML allows it unescaped) ended the tag early and the link was lost
    without a word, and a character reference in an id was not decoded."""
    tags = {
        2: b"""<hyperlink ref="G2" r:id="rId1" display="opens at location='page=9'"/>""",
        3: b"""<hyperlink display="A &gt; B > C" ref="G3" r:id="rId2"/>""",
        4: b"""<hyperlink ref="G4" r:id="rId3" tooltip="r:id='rId1'"/>""",
        5: b"""<hyperlink ref="G5" r:id="rId&#52;"/>""",
    }
    prepared = prepare(_linked_rows(tmp_path, _tags(tags)))
    assert [r.moa_url for r in prepared.readings] == [MOAS + f"agency{number}.pdf" for number in (2, 3, 4, 5)]
    assert not [n.problem for n in prepared.table.notes if "link" in n.problem]


def test_a_tab_or_line_break_in_a_links_address_is_removed_as_a_browser_does(tmp_path):
    """A target written with &#10;, &#13; or &#9; (decoded by the XML parser) was kept in the document's address with
    the line break or tab inside, an address no browser opens as written: it removes every ASCII tab and line break
    from an address first (WHATWG URL standard). Kept as the browser opens it; the register quotes the address as
    the sheet gives it."""
    rewrite = {
        "xl/worksheets/_rels/sheet1.xml.rels": lambda data: data.replace(b"287gMOA/agency2", b"287gMOA/&#13;&#10;agency2").replace(b"287gMOA/agency3", b"287g&#9;MOA/agency3"),
        "xl/worksheets/sheet1.xml": lambda data: data.replace(b'location="page=2"', b'location="page=&#10;2"'),
    }
    prepared = prepare(_linked_rows(tmp_path, rewrite, locations={5: "page=2"}))
    assert [r.moa_url for r in prepared.readings] == [
        MOAS + "agency2.pdf", MOAS + "agency3.pdf", MOAS + "agency4.pdf", MOAS + "agency5.pdf#page=2",
    ]
    assert not [r.content for r in prepared.readings if any(escaped in r.content for escaped in ("\\t", "\\n", "\\r"))]  # JSON
    [note] = [n for n in prepared.table.notes if "link" in n.problem]
    assert (note.problem, note.action, note.raw_value, note.category) == (
        "3 links whose address holds a tab or a line break",
        "kept without them, as a browser opens the address (it removes every tab and line break from one)",
        f"{MOAS}\r\nagency2.pdf, https://www.ice.gov/doclib/287g\tMOA/agency3.pdf, {MOAS}agency5.pdf#page=\n2",
        "repaired",
    )


def test_a_link_on_no_cell_of_the_sheets_values_is_registered(tmp_path):
    """A link whose cells lie below the last row or beyond the last column holding a value, or whose tag names no
    cell it can be placed on, was dropped without a word: no row holds it, and it is registered with its address."""
    tags = {
        2: b'<hyperlink ref="G2" r:id="rId1"/>',  # kept: the row's document
        3: b'<hyperlink ref="G40" r:id="rId2"/>',  # below the last row with a value
        4: b'<hyperlink ref="Q4" r:id="rId3"/>',  # beyond the last column with a value
        5: b'<hyperlink ref="here" r:id="rId4"/>',  # no cell reference
    }
    prepared = prepare(_linked_rows(tmp_path, _tags(tags)))
    assert [r.moa_url for r in prepared.readings] == [MOAS + "agency2.pdf", None, None, None]
    notes = {n.problem: (n.action, n.raw_value) for n in prepared.table.notes if "link" in n.problem}
    assert notes == {
        "3 links on no cell of the sheet's rows and columns (a cell reference that is none, or cells beyond the last row or column holding a value)": (
            "not read: no row of the list holds the link",
            f"G40 ({MOAS}agency3.pdf), Q4 ({MOAS}agency4.pdf), here ({MOAS}agency5.pdf)",
        )
    }


def test_a_location_holding_an_equals_sign_is_kept_in_a_sheet_whose_attributes_are_rewritten(tmp_path):
    """A sheet with a tag not written as Excel writes it (<c r = "B3">) has the spaces beside its attributes' "=" taken
    out before it is read; the spaces beside an "=" inside a quoted value went too, and a link's location
    "a = 'b'" was kept as "a='b'". Either quote, and a ">" inside the value (XML allows it there)."""
    locations = {2: "a = 'b'", 3: "x =y", 5: "p= 5"}

    def single_quoted(data: bytes) -> bytes:
        return data.replace(b'location="p= 5"', b"""location='p = "5" > 4'""")

    def with_a_spaced_cell(data: bytes) -> bytes:
        return single_quoted(data).replace(b'<c r="B3"', b'<c r = "B3"', 1)

    plain = prepare(_linked_rows(tmp_path, {"xl/worksheets/sheet1.xml": single_quoted}, locations))
    (tmp_path / "spaced").mkdir()
    spaced = prepare(_linked_rows(tmp_path / "spaced", {"xl/worksheets/sheet1.xml": with_a_spaced_cell}, locations))
    expected = [MOAS + "agency2.pdf#a = 'b'", MOAS + "agency3.pdf#x =y", MOAS + "agency4.pdf", MOAS + 'agency5.pdf#p = "5" > 4']
    assert [r.moa_url for r in plain.readings] == expected
    assert [r.moa_url for r in spaced.readings] == expected
    assert [r.content for r in spaced.readings] == [r.content for r in plain.readings]


def test_a_hyperlink_formula_in_a_cell_whose_reference_is_in_lower_case_gives_its_address(tmp_path):
    """calamine reads a cell written r="g3" as G3, and the reader's other patterns take either case: a HYPERLINK formula
    in such a cell gives its address as in G3, whichever way the reference is written (quoted either way, spaced, after
    another attribute) and whatever the case of the formula's name."""
    saved = tmp_path / "saved.xlsx"
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["STATE", "LAW ENFORCEMENT AGENCY", "TYPE", "COUNTY", "SUPPORT TYPE", "SIGNED", "MOA"])
    for number in (2, 3, 4, 5, 6):
        sheet.append(["TEXAS", f"Agency {number}", "County", "Harris", "Task Force Model", dt.date(2025, 5, 1), f'=HYPERLINK("{MOAS}agency{number}.pdf","MOA")'])
    book.save(saved)
    written = {  # how each row's MOA cell gives its reference, and the formula its name
        2: (b'<c r="g2"', b"HYPERLINK("),
        3: (b"<c r='g3'", b"hyperlink("),
        4: (b'<c r = "g4"', b"HYPERLINK("),
        5: (b'<c s="0" r="g5"', b"Hyperlink("),
        6: (b'<c r="G6"', b"HYPERLINK("),
    }

    def lower_case(data: bytes) -> bytes:
        for number, (opening, name) in written.items():
            data, cells = re.subn(rb'<c r="G%d"(.*?)HYPERLINK\(' % number, lambda m: opening + m[1] + name, data, count=1)
            assert cells == 1
        return data

    path = tmp_path / "participatingAgencies05292025am.xlsx"
    with zipfile.ZipFile(saved) as original, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as rewritten:
        for info in original.infolist():
            data = original.read(info)
            rewritten.writestr(info, lower_case(data) if info.filename == "xl/worksheets/sheet1.xml" else data)
    prepared = prepare(path)
    assert [r.moa_url for r in prepared.readings] == [MOAS + f"agency{number}.pdf" for number in (2, 3, 4, 5, 6)]
    assert not [n.problem for n in prepared.table.notes if "link" in n.problem or "formula" in n.problem]

"""Units of the source readers: file names, dates, links, whitespace, states."""

import datetime as dt
import json

import pytest

from g287.errors import G287Error
from g287.sources.dates import read_date
from g287.sources.filename import parse_file_name, parse_published
from g287.sources.links import unwrap
from g287.sources.text import clean_text, edit_distance, one_edit_apart


@pytest.mark.parametrize(
    "stem, kind, day, half",
    [
        ("participatingAgencies05292025am", "participating", dt.date(2025, 5, 29), "am"),
        ("pendingAgencies07112025am_b", "pending", dt.date(2025, 7, 11), "am"),
        ("participatingAgencies07032025pm__v2", "participating", dt.date(2025, 7, 3), "pm"),
        ("participatingAgencies07032025pm (1)", "participating", dt.date(2025, 7, 3), "pm"),
        ("PendingAgencies05302025PM-copy", "pending", dt.date(2025, 5, 30), "pm"),
        ("participatingAgencies05292025", "participating", dt.date(2025, 5, 29), None),
        ("participatingAgencies13292025am", "participating", None, "am"),
        ("participatingAgencies7032025pm", "participating", dt.date(2025, 7, 3), "pm"),  # 70/3 is no date: 7/03
        ("participatingAgencies1312025", "participating", dt.date(2025, 1, 31), None),  # 13/1 is no date: 1/31
        ("participatingAgencies1212025am", "participating", None, "am"),  # 1/21 or 12/1: ambiguous, no date
        ("participatingAgencies1112025am", "participating", None, "am"),  # 1/11 or 11/1
        ("participatingAgencies5_2_2025", "participating", dt.date(2025, 5, 2), None),
        ("agencies", None, None, None),
        # Only ASCII digits make a date: Arabic-Indic and fullwidth digits (which \d matches and int() reads) do not.
        ("participatingAgencies\u0660\u0665\u0662\u0669\u0662\u0660\u0662\u0665am", "participating", None, None),
        ("pendingAgencies\uff10\uff15\uff13\uff10\uff12\uff10\uff12\uff15pm", "pending", None, None),
        ("participatingAgencies05\u0662\u0669" + "2025am", "participating", None, None),
    ],
)
def test_file_names(stem, kind, day, half):
    named = parse_file_name(stem)
    assert (named.kind, named.published_on, named.half) == (kind, day, half)


def test_published_option():
    assert parse_published("2025-05-29am") == (dt.date(2025, 5, 29), "am")
    assert parse_published("2025-05-29") == (dt.date(2025, 5, 29), None)
    with pytest.raises(G287Error):
        parse_published("05/29/2025")
    with pytest.raises(G287Error):
        parse_published("2025-02-30")
    with pytest.raises(G287Error, match="expected YYYY-MM-DD"):  # ASCII digits only
        parse_published("\u0662\u0660\u0662\u0665-\u0660\u0665-\u0662\u0669")


@pytest.mark.parametrize(
    "raw, expected, category",
    [
        (dt.date(2025, 5, 8), dt.date(2025, 5, 8), None),
        (dt.datetime(2025, 5, 8, 0, 0), dt.date(2025, 5, 8), None),
        ("2025-05-08 00:00:00", dt.date(2025, 5, 8), "repaired"),  # typed as text in a workbook (in a CSV: see below)
        ("5/8/2025", dt.date(2025, 5, 8), "repaired"),
        ("05/082025", dt.date(2025, 5, 8), "repaired"),  # observed: a separator missing
        ("7/72025", dt.date(2025, 7, 7), "repaired"),  # observed
        ("5/8/25", dt.date(2025, 5, 8), "repaired"),
        ("May 8, 2025", dt.date(2025, 5, 8), "repaired"),
        ("2025/05/08", dt.date(2025, 5, 8), "repaired"),  # year first: one reading (was "not a valid date")
        ("2025.5.8", dt.date(2025, 5, 8), "repaired"),
        ("2025/13/08", None, "unknown"),
        (45785, dt.date(2025, 5, 8), "repaired"),  # an Excel serial number
        ("1122025", None, "unknown"),  # 1/12/2025 or 11/2/2025: ambiguous, stays unknown
        (dt.date(5025, 7, 7), None, "unknown"),  # observed: impossible year
        ("2/30/2025", None, "unknown"),
        ("13/05/2025", None, "unknown"),  # day first is not how ICE writes dates
        ("soon", None, "unknown"),
        ("", None, "unknown"),
        (dt.date(1990, 1, 1), None, "unknown"),  # before section 287(g) existed
        (3000000, None, "unknown"),  # a serial beyond any plausible date (and beyond Python's dates)
        (1e300, None, "unknown"),
        (float("inf"), None, "unknown"),
        (float("nan"), None, "unknown"),
    ],
)
def test_dates(raw, expected, category):
    reading = read_date(raw)
    assert reading.value == expected
    assert reading.category == category
    if category:
        assert reading.problem


@pytest.mark.parametrize(
    "raw, problem",
    [
        ("2025-05-08 00:00:00", None),  # how a CSV export writes a date
        ("2025-05-08", None),
        ("5/8/2025", None),
        ("May 8, 2025", None),
        ("5/8/25", "date written as text with a two-digit year"),  # the century is a guess: a repair in any file
        ("05/082025", "date written as text with a separator missing; only one reading is possible"),
    ],
)
def test_dates_in_a_csv(raw, problem):
    """Every date of a CSV is text: its form is no repair, as a date typed as text in a workbook is."""
    reading = read_date(raw, from_csv=True)
    assert (reading.value, reading.problem) == (dt.date(2025, 5, 8), problem)
    assert read_date(raw).problem == (problem or "date written as text")


def test_safe_links_unwrapped_without_identifiers():
    wrapped = (
        "https://gcc02.safelinks.protection.outlook.com/?url=https%3A%2F%2Fwww.ice.gov%2Fdoclib%2F287gMOA%2F"
        "CatoosaCoSheriffsOfficeGA_WSO_MOA_05.22.25.pdf&data=05%7C02%7CERO287g%40ice.dhs.gov%7C062e32&sdata=abc&reserved=0"
    )
    result = unwrap(wrapped)
    assert result.url == "https://www.ice.gov/doclib/287gMOA/CatoosaCoSheriffsOfficeGA_WSO_MOA_05.22.25.pdf"
    assert result.wrapper == "Microsoft Safe Links"
    proofpoint = "https://urldefense.proofpoint.com/v2/url?u=https-3A__www.ice.gov_doclib_287gMOA_X-5FTFM.pdf&d=DwMF&c=abc&r=someone"
    assert unwrap(proofpoint).url == "https://www.ice.gov/doclib/287gMOA/X_TFM.pdf"
    v3 = "https://urldefense.com/v3/__https://www.ice.gov/doclib/287gMOA/Y_WSO.pdf__;!!abc$"
    assert unwrap(v3).url == "https://www.ice.gov/doclib/287gMOA/Y_WSO.pdf"
    assert unwrap("https://www.ice.gov/a.pdf") == type(result)("https://www.ice.gov/a.pdf", None)


def test_clean_text_reports_every_repair():
    assert clean_text("Hollywood Police Department ") == ("Hollywood Police Department", ["leading or trailing spaces"])
    text, repairs = clean_text("link\xa0|\xa0addendum")
    assert text == "link | addendum" and repairs == ["non-breaking or other special spaces"]
    assert clean_text("A  B") == ("A B", ["repeated spaces"])
    assert clean_text("Plain") == ("Plain", [])


def test_links_written_as_hyperlink_formulas_are_read(tmp_path):
    import openpyxl

    from g287.sources.xlsx import read_xlsx

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["STATE", "LAW ENFORCEMENT AGENCY", "TYPE", "COUNTY", "SUPPORT TYPE", "SIGNED", "MOA"])
    sheet.append(["FLORIDA", "Formula County Sheriff's Office", "County", "Formula County", "Task Force Model", "05/01/2025", '=hyperlink("https://www.ice.gov/doclib/287gMOA/formulaCo.pdf","link")'])
    sheet.append(["FLORIDA", "Plain County Sheriff's Office", "County", "Plain County", "Task Force Model", "05/01/2025", "link pending"])
    path = tmp_path / "participatingAgencies05292025am.xlsx"
    book.save(path)
    rows = read_xlsx(path).rows
    assert rows[0].links == {6: "https://www.ice.gov/doclib/287gMOA/formulaCo.pdf"} and rows[1].links == {}


def test_link_addresses_are_read_exactly_as_written_ampersands_included(tmp_path):
    """A link's address is XML-escaped in the workbook once; it is read back as written, whatever follows an "&"
    (HTML's legacy entities such as "&reg" or "&copy" are not entities in an address)."""
    import openpyxl

    from g287.sources.xlsx import read_xlsx

    addresses = ["https://www.ice.gov/doclib/287gMOA/moa.pdf?a=1&region=2&copy=3", "https://www.ice.gov/doclib/287gMOA/x.pdf?q=a&amp;b&lt;c"]
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["STATE", "LAW ENFORCEMENT AGENCY", "TYPE", "COUNTY", "SUPPORT TYPE", "SIGNED", "MOA"])
    for number, address in enumerate(addresses):
        sheet.append(["FLORIDA", f"Agency {number}", "County", "Alachua County", "Task Force Model", "05/01/2025", "link"])
        sheet.cell(row=number + 2, column=7).hyperlink = address
    sheet.append(["FLORIDA", "Formula Agency", "County", "Alachua County", "Task Force Model", "05/01/2025", f'=hyperlink("{addresses[0]}","link")'])
    path = tmp_path / "participatingAgencies05292025am.xlsx"
    book.save(path)
    rows = read_xlsx(path).rows
    assert [row.links for row in rows] == [{6: addresses[0]}, {6: addresses[1]}, {6: addresses[0]}]


def test_a_row_read_before_is_found_by_its_cells_and_equal_values_of_other_types_are_not_confused(monkeypatch):
    """Interpretation is cached by the row's cells (read_row); only an identical row may share a reading."""
    from g287.sources import interpret
    from g287.sources.table import SourceRow, SourceTable

    header = ["STATE", "LAW ENFORCEMENT AGENCY", "TYPE", "COUNTY", "SUPPORT TYPE", "SIGNED", "MOA", "NOTE"]
    table = SourceTable(path="x.csv", file_name="x.csv", source_format="csv", header_row=1, header=header, rows=[], source_rows=0, carries_hyperlinks=False)
    layout = interpret.Layout(table, "participating")
    monkeypatch.setattr(interpret, "_readings", {})
    monkeypatch.setattr(interpret, "_readings_by_cells", {})

    def row(note, links=None):
        return SourceRow(number=2, cells=["FLORIDA", "Cache County Sheriff's Office", "County", "Cache County", "Task Force Model", "05/01/2025", "link", note], links=links or {})

    first = interpret.read_row(layout, row("1"))
    built = []
    real_content = interpret._raw_content
    monkeypatch.setattr(interpret, "_raw_content", lambda *a: built.append(1) or real_content(*a))
    assert interpret.read_row(layout, row("1")) is first and built == []  # found by its cells
    notes = ["1", 1, True, 1.0, -0.0, 0.0]  # equal in pairs, as values and as keys
    readings = [interpret.read_row(layout, row(note)) for note in notes]
    assert readings[0] is first and len(built) == 5
    written = [json.loads(r.content)["cells"]["NOTE"] for r in readings]
    assert [(type(v), repr(v)) for v in written] == [(type(v), repr(v)) for v in notes]
    assert len({id(r) for r in readings}) == 6
    linked = interpret.read_row(layout, row("1", {6: "https://www.ice.gov/a.pdf"}))
    assert linked is not first and '"links"' in linked.content
    # a row read before under another header is read again
    other = interpret.Layout(SourceTable(path="y.csv", file_name="y.csv", source_format="csv", header_row=1, header=header[:-1] + ["REMARK"], rows=[], source_rows=0, carries_hyperlinks=False), "participating")
    assert interpret.read_row(other, row("1")) is not first and '"REMARK":"1"' in interpret.read_row(other, row("1")).content


def test_fields_are_read_once_per_value_and_rows_sharing_them_get_their_own_problems(monkeypatch):
    """_read_fields reads each field's cell once per (column, type, value; link for a document cell): rows that
    differ in one cell share the other fields' readings, and equal values of other types stay apart."""
    import datetime as dt

    from g287.sources import interpret
    from g287.sources.table import SourceRow, SourceTable

    header = ["STATE", "LAW ENFORCEMENT AGENCY", "TYPE", "COUNTY", "SUPPORT TYPE", "SIGNED", "MOA"]
    table = SourceTable(path="x.xlsx", file_name="x.xlsx", source_format="xlsx", header_row=1, header=header, rows=[], source_rows=0, carries_hyperlinks=True)
    layout = interpret.Layout(table, "participating")
    for cache in ("_readings", "_readings_by_cells", "_field_readings"):
        monkeypatch.setattr(interpret, cache, {})
    calls = []
    real_text_value = interpret._text_value
    monkeypatch.setattr(interpret, "_text_value", lambda column, *a, **k: calls.append(column) or real_text_value(column, *a, **k))

    def read(county, signed=dt.datetime(2025, 5, 1), moa="link", link="https://www.ice.gov/a.pdf"):
        cells = ["FLORIDA", "Cache County Sheriff's Office", "County", county, "Task Force Model", signed, moa]
        return interpret.read_row(layout, SourceRow(number=2, cells=cells, links={6: link} if link else {}))

    first = read("Cache County")
    assert calls.count("STATE") == 1 and first.county_text == "Cache County" and first.problems == []
    second = read("Other County")
    assert calls.count("STATE") == 1 and calls.count("COUNTY") == 2  # only the changed cell is read again
    assert (second.state, second.agency_name, second.county_text, second.signed_on) == ("FL", first.agency_name, "Other County", dt.date(2025, 5, 1))
    unknown = read("Third County", signed="not a date")
    assert unknown.signed_on is None and [p.column for p in unknown.problems] == ["SIGNED"] and first.problems == [] and second.problems == []
    assert read("Cache County", signed="not a date").problems == unknown.problems  # the same problem, in each row's own list
    assert read("Cache County", link="https://www.ice.gov/b.pdf").moa_url == "https://www.ice.gov/b.pdf"
    assert read("Cache County", link=None).problems[-1].problem == "the cell says there is a link but carries no address"
    # equal values of other types: a number 1 and True are told apart; floats are never shared (0.0 and -0.0).
    # No county is named by a number or TRUE: each is unknown, registered with the value as Excel shows it.
    one, true = read(1), read(True)
    assert (one.county_text, true.county_text) == (None, None)
    assert [p.raw_value for p in one.problems] == ["1"] and [p.raw_value for p in true.problems] == ["TRUE"]
    negative, zero = read(-0.0), read(0.0)
    assert [(p.raw_value, p.problem) for p in negative.problems] == [(p.raw_value, p.problem) for p in zero.problems] == [("0", "placeholder instead of county")]
    assert negative.content != zero.content  # the row keeps what the cell stores


def test_one_edit_apart_is_an_edit_distance_of_exactly_one():
    """Every pair of short strings over a small alphabet: one insertion, deletion or substitution apart, no more
    and no less, whichever is first (the identity rules and the state-name repairs rely on it)."""
    import itertools

    words = ["".join(letters) for length in range(5) for letters in itertools.product("abc", repeat=length)]
    for a in words:
        for b in words:
            assert one_edit_apart(a, b) == (edit_distance(a, b) == 1), (a, b)
    assert one_edit_apart("ALACHUA POLICE DEPARTENT", "ALACHUA POLICE DEPARTMENT") and not one_edit_apart("ALACHUA", "ALAHCUA")


def test_wrapped_addresses_in_cell_text_are_replaced_whatever_their_case():
    from g287.sources.links import UNRECOVERED, scrubbed, without_wrappers

    wrapped = "https://nam12.SAFELINKS.protection.outlook.com/?url=https%3A%2F%2Fwww.ice.gov%2Fdoclib%2Fx.pdf&data=05%7C02%7Cjohn.doe%40ice.dhs.gov%7Cabc&sdata=xyz"
    assert without_wrappers(wrapped) == ("https://www.ice.gov/doclib/x.pdf", 1)
    assert without_wrappers("MOA: " + wrapped + " (signed)") == ("MOA: https://www.ice.gov/doclib/x.pdf (signed)", 1)
    assert without_wrappers(wrapped.removeprefix("https://")) == ("https://www.ice.gov/doclib/x.pdf", 1)  # no scheme
    assert without_wrappers("see the SafeLinks policy") == ("see the SafeLinks policy", 0)  # a mention, no address
    assert without_wrappers("https://[nam12.safelinks.protection.outlook.com/?url=x&data=john.doe%40ice.dhs.gov") == (UNRECOVERED, 1)
    assert scrubbed(["Texas", 3, None, "MOA: " + wrapped]) == (["Texas", 3, None, "MOA: https://www.ice.gov/doclib/x.pdf"], 1)


def test_a_wrapper_is_named_in_text_exactly_when_the_case_insensitive_pattern_finds_it():
    """names_a_wrapper answers most text without the pattern (lower() and `in`): it must find what the pattern finds,
    letters outside ASCII that the pattern takes for ASCII ones included (the long s, the Kelvin sign, dotted and
    dotless i), in sheets whose text also holds no-break spaces and curly apostrophes as ICE's does."""
    import re
    import sys

    from g287.sources import links

    pattern = re.compile("|".join(re.escape(word) for word in links.wrapper_rules().words), re.I)
    texts = [
        "SafeLinks", "nam12.SAFELINKS.protection.outlook.com", "urlDefense.com/v3/__x", "safe links", "url defense", "",
        "Sheriff\u2019s Office\xa0\nhttps://gcc02.safelinks.protection.outlook.com/?url=x", "Sheriff\u2019s Office\xa0",
        "\u017fafelinks", "safelin\u212as", "urlDEFEN\u017fE", "SAFEL\u0130NKS", "safel\u0131nks", "caf\xe9 \u017fafe links",
        "MIMECA\u017fT", "LinkProtect.CudaSvc.com", "protection.\u017fophos.com", "Secure-Web.Cisco.com", "secure web cisco",
    ]
    answers = [links.names_a_wrapper(text) for text in texts]
    assert answers == [pattern.search(text) is not None for text in texts]
    assert answers.count(True) == 13 and answers.count(False) == 6
    # The letters handed to the pattern are every one it takes for an ASCII letter (derived once by trying each).
    folding = {chr(c) for c in range(0x80, sys.maxunicode + 1) if re.fullmatch("[a-z]", chr(c), re.I)}
    assert folding == set(links._NON_ASCII_FOLDING_TO_ASCII)


def test_a_malformed_wrapped_address_is_not_recovered_instead_of_failing():
    unwrapped = unwrap("https://[nam.safelinks.protection.outlook.com/?url=https%3A%2F%2Fwww.ice.gov%2Fx.pdf&data=a%40b")
    assert unwrapped.url is None and unwrapped.wrapper


def _sheet_with_error_cells(tmp_path, g_cells: list[str]):
    """A workbook whose MOA column (G) holds the given raw cell XML, rows 2 onwards."""
    import zipfile

    import openpyxl

    book = openpyxl.Workbook()
    book.active.append(["STATE", "LAW ENFORCEMENT AGENCY", "TYPE", "COUNTY", "SUPPORT TYPE", "SIGNED", "MOA"])
    base = tmp_path / "base.xlsx"
    book.save(base)

    def inline(ref: str, text: str) -> str:
        return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'

    header = "".join(inline(f"{c}1", h) for c, h in zip("ABCDEFG", ["STATE", "LAW ENFORCEMENT AGENCY", "TYPE", "COUNTY", "SUPPORT TYPE", "SIGNED", "MOA"]))
    rows = [f'<row r="1">{header}</row>']
    for number, cell in enumerate(g_cells, start=2):
        values = ["Texas", f"Agency {number}", "County", "Harris", "Task Force Model", "3/1/2025"]
        rows.append(f'<row r="{number}">' + "".join(inline(f"{c}{number}", v) for c, v in zip("ABCDEF", values)) + cell.format(ref=f"G{number}") + "</row>")
    sheet = (
        '<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        f'<dimension ref="A1:G{len(g_cells) + 1}"/><sheetData>' + "".join(rows) + "</sheetData></worksheet>"
    )
    path = tmp_path / "participatingAgencies06012025am.xlsx"
    with zipfile.ZipFile(base) as source, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            target.writestr(item, sheet.encode() if item.filename == "xl/worksheets/sheet1.xml" else source.read(item))
    return path


def test_error_cells_after_a_shared_formula_are_each_read_as_errors(tmp_path):
    from g287.sources.table import CellError
    from g287.sources.xlsx import read_xlsx

    path = _sheet_with_error_cells(
        tmp_path,
        [
            '<c r="{ref}" t="e"><f t="shared" ref="G2:G3" si="0">NA()</f><v>#N/A</v></c>',
            '<c r="{ref}" t="e"><f t="shared" si="0"/><v>#N/A</v></c>',  # a shared formula's follower: self-closing
            '<c r="{ref}" t="e"><f>NA()</f><v>#N/A</v></c>',
            '<c r="{ref}" t="e"><v>#REF!</v></c>',
        ],
    )
    assert [row.cells[6] for row in read_xlsx(path).rows] == [CellError("#N/A"), CellError("#N/A"), CellError("#N/A"), CellError("#REF!")]


def test_an_excel_error_typed_as_text_is_unknown_not_a_name():
    from g287.sources.interpret import Layout, read_row
    from g287.sources.table import SourceRow, SourceTable

    header = ["STATE", "LAW ENFORCEMENT AGENCY", "TYPE", "COUNTY", "SUPPORT TYPE", "SIGNED", "MOA"]
    # Text cells of a workbook (an error cell would be a CellError): "#REF!" typed, or pasted as a value.
    row = SourceRow(number=2, cells=["Texas", "#REF!", "County", " #value! ", "Task Force Model", "3/1/2025", "link"])
    table = SourceTable(path="x.xlsx", file_name="x.xlsx", source_format="xlsx", header_row=1, header=header, rows=[row], source_rows=1)
    reading = read_row(Layout(table, "participating"), row)
    assert reading.agency_name is None and reading.county_text is None
    problems = {(p.column, p.raw_value, p.problem) for p in reading.problems}
    assert ("LAW ENFORCEMENT AGENCY", "#REF!", "Excel error value written as text instead of agency name") in problems
    assert ("COUNTY", " #value! ", "Excel error value written as text instead of county") in problems


def test_the_stored_row_holds_no_wrapped_address_even_if_a_reader_left_one():
    """The last guard before a row is stored: it missed a wrapper written in capitals or with text around it."""
    from g287.sources import interpret
    from g287.sources.table import SourceRow, SourceTable

    header = ["STATE", "LAW ENFORCEMENT AGENCY", "TYPE", "COUNTY", "SUPPORT TYPE", "SIGNED", "MOA", "NOTE"]
    table = SourceTable(path="x.csv", file_name="x.csv", source_format="csv", header_row=1, header=header, rows=[], source_rows=0, carries_hyperlinks=False)
    layout = interpret.Layout(table, "participating")
    wrapped = "https://nam12.SAFELINKS.protection.outlook.com/?url=https%3A%2F%2Fwww.ice.gov%2Fx.pdf&data=05%7Cjohn.doe%40ice.dhs.gov"
    for note in (wrapped, f"see {wrapped} (signed)"):
        cells = ["FLORIDA", "Cache County Sheriff's Office", "County", "Cache County", "Task Force Model", "05/01/2025", "link", note]
        reading = interpret.read_row(layout, SourceRow(number=2, cells=cells, links={}))
        assert "john.doe" not in reading.content and "https://www.ice.gov/x.pdf" in reading.content


def test_readers_say_whether_a_files_text_may_name_a_wrapper_and_the_guard_holds_where_it_may(tmp_path):
    """The interpreter asks each cell whether it names a safety redirect only when the reader found one named in the
    file's text (text_may_name_wrappers); where it did, the last guard still runs on every cell."""
    from g287.sources import interpret
    from g287.sources.csvfile import read_csv
    from g287.sources.xlsx import read_xlsx
    from tests.conftest import ICE

    assert read_xlsx(ICE / "participating" / "participatingAgencies05292025am.xlsx").text_may_name_wrappers is False
    header = "STATE,LAW ENFORCEMENT AGENCY,TYPE,COUNTY,SUPPORT TYPE,SIGNED,MOA,NOTE\n"
    plain = tmp_path / "participatingAgencies06012025am.csv"
    plain.write_text(header + "Texas,Harris County Sheriff's Office,County,Harris,Task Force Model,3/1/2025,link,\n", encoding="utf-8")
    assert read_csv(plain, None).text_may_name_wrappers is False
    wrapped = tmp_path / "participatingAgencies06022025am.csv"
    note = "see nam12.SafeLinks.protection.outlook.com/?url=https%3A%2F%2Fwww.ice.gov%2Fx.pdf&data=john.doe%40ice.dhs.gov"
    wrapped.write_text(header + f"Texas,Harris County Sheriff's Office,County,Harris,Task Force Model,3/1/2025,link,{note}\n", encoding="utf-8")
    table = read_csv(wrapped, None)
    assert table.text_may_name_wrappers is True
    table.rows[0].cells[-1] = note  # as a reader that replaced nothing would leave it
    reading = interpret.read_row(interpret.Layout(table, "participating"), table.rows[0])
    assert "john.doe" not in reading.content and "https://www.ice.gov/x.pdf" in reading.content


@pytest.mark.parametrize(
    "raw, expected, problem",
    [
        # Dots are no American way of writing a date: 05.08.2025 is 5 August where it is usual, so neither reading
        # is taken (it was read as 8 May and registered only as a date written as text).
        ("05.08.2025", None, "ambiguous date: written with dots, it reads as day/month and as month/day"),
        ("5.8.25", None, "ambiguous date: written with dots, it reads as day/month and as month/day"),
        ("05.28.2025", dt.date(2025, 5, 28), "date written with dots; only one reading is possible"),
        ("28.05.2025", dt.date(2025, 5, 28), "date written with dots; only one reading is possible"),  # was "not a valid date"
        ("05.05.2025", dt.date(2025, 5, 5), "date written with dots; only one reading is possible"),
        ("28.05.25", dt.date(2025, 5, 28), "date written with dots; only one reading is possible, with a two-digit year"),
        ("28.05.2150", None, "impossible date 2150-05-28"),
        ("13.13.2025", None, "not a valid date"),
    ],
)
def test_dates_written_with_dots(raw, expected, problem):
    """Read only when one order of day and month gives a date; registered in a CSV too (a reading was chosen)."""
    for from_csv in (False, True):
        reading = read_date(raw, from_csv=from_csv)
        assert (reading.value, reading.problem, reading.category) == (expected, problem, "repaired" if expected else "unknown")


def test_dates_with_slashes_or_hyphens_stay_month_first():
    assert read_date("05/08/2025").value == read_date("05-08-2025").value == dt.date(2025, 5, 8)
    assert read_date("28/05/2025").value is None


def test_document_cell_problems_quote_the_cell_as_it_is():
    """The MOA cell's register entries quote its raw text, spacing included, as every other column's do: the
    "link | addendum" cells of ICE's May-June 2025 lists, written with non-breaking spaces, were quoted with plain
    ones, a value no cell holds. The status is still read from the text with its spacing repaired."""
    from g287.sources import interpret
    from g287.sources.table import SourceRow, SourceTable

    header = ["STATE", "LAW ENFORCEMENT AGENCY", "TYPE", "COUNTY", "SUPPORT TYPE", "SIGNED", "MOA"]
    table = SourceTable(path="x.xlsx", file_name="x.xlsx", source_format="xlsx", header_row=1, header=header, rows=[], source_rows=0, carries_hyperlinks=True)
    layout = interpret.Layout(table, "participating")

    def problems(moa, link=None):
        cells = ["TEXAS", "Aransas County Sheriff's Office", "County", "Aransas County", "Jail Enforcement Model", "6/8/2020", moa]
        reading = interpret.read_row(layout, SourceRow(number=2, cells=cells, links={6: link} if link else {}))
        return reading.moa_status, [(p.raw_value, p.category) for p in reading.problems if p.column == "MOA"]

    assert problems("link\xa0|\xa0addendum") == ("link", [("link\xa0|\xa0addendum", "note"), ("link\xa0|\xa0addendum", "unknown")])
    assert problems(" link  pending\xa0", link="https://www.ice.gov/a.pdf") == ("pending", [(" link  pending\xa0", "note")])
    assert problems("see\xa0below") == ("unknown", [("see\xa0below", "unknown")])
    assert problems(" https://www.ice.gov/b.pdf ")[1] == [(" https://www.ice.gov/b.pdf ", "note")]
    wrapped = "https://nam12.safelinks.protection.outlook.com/?url=https%3A%2F%2Fwww.ice.gov%2Fc.pdf&data=05%7C02%7Cjohn.doe%40ice.dhs.gov"
    status, quoted = problems(f"signed\xa0MOA: {wrapped}")
    assert "john.doe" not in repr(quoted) and "safelinks" not in repr(quoted) and quoted  # a wrapper is never quoted

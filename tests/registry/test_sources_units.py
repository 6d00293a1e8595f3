"""Units of the source readers: file names, dates, links, whitespace, states."""

import datetime as dt

import pytest

from g287.errors import G287Error
from g287.sources.dates import read_date
from g287.sources.filename import parse_file_name, parse_published
from g287.sources.links import unwrap
from g287.sources.text import clean_text


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
        ("agencies", None, None, None),
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


@pytest.mark.parametrize(
    "raw, expected, category",
    [
        (dt.date(2025, 5, 8), dt.date(2025, 5, 8), None),
        (dt.datetime(2025, 5, 8, 0, 0), dt.date(2025, 5, 8), None),
        ("2025-05-08 00:00:00", dt.date(2025, 5, 8), None),  # how a CSV export writes a date
        ("5/8/2025", dt.date(2025, 5, 8), "repaired"),
        ("05/082025", dt.date(2025, 5, 8), "repaired"),  # observed: a separator missing
        ("7/72025", dt.date(2025, 7, 7), "repaired"),  # observed
        ("5/8/25", dt.date(2025, 5, 8), "repaired"),
        ("May 8, 2025", dt.date(2025, 5, 8), "repaired"),
        (45785, dt.date(2025, 5, 8), "repaired"),  # an Excel serial number
        ("1122025", None, "unknown"),  # 1/12/2025 or 11/2/2025: ambiguous, stays unknown
        (dt.date(5025, 7, 7), None, "unknown"),  # observed: impossible year
        ("2/30/2025", None, "unknown"),
        ("13/05/2025", None, "unknown"),  # day first is not how ICE writes dates
        ("soon", None, "unknown"),
        ("", None, "unknown"),
        (dt.date(1990, 1, 1), None, "unknown"),  # before section 287(g) existed
    ],
)
def test_dates(raw, expected, category):
    reading = read_date(raw)
    assert reading.value == expected
    assert reading.category == category
    if category:
        assert reading.problem


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

"""Reading the real MOAs: text layers, image-only and mixed documents, and what extraction finds in them."""

import datetime as dt
import subprocess

import pytest

from g287.documents.extract import FIELDS, extract, parse_dates
from g287.documents.reading import complete_reading, read_text_layers
from tests.conftest import MOA_DIR
from tests.documents.conftest import require

TEXT_LAYER = {  # file: pages (all with a text layer)
    "287gJEM_LavacaCoTX_06-08-2020.pdf": 12,
    "287gWSO_MonroeCoFl2019-10-15.pdf": 12,
    "BurlesonCoTX_WSO_MOA_04.16.2025.pdf": 10,
    "OwyheeCoID_TFM_MOA_03.07.25.pdf": 14,
    "VictoriaCo_WSO_MOA_02.26.25.pdf": 10,
    "gilchristCoSheriffOffice_WSO_MOA_02.20.2025.pdf": 10,
    "hIllsboroughCountySherrifsOffice_WSO_MOA_03122025.pdf": 10,
}
IMAGE_ONLY = {"SanibelPDFL_TFM_MOA_032625.pdf": 14, "westMiamiPoliceDeptFL_TFM_MOA_03.20.25.pdf": 14}
MIXED = "JupiterInletColonyPolice_TFM_MOA_031025.pdf"

# What the documents show, read by a person: (field, value, page). None: the document does not show it in
# machine-readable text (a handwritten date, a name only signed), so it must stay unknown.
EXPECTED = {
    "287gJEM_LavacaCoTX_06-08-2020.pdf": [("model", "JEM", 1), ("ice_signed_on", "2020-06-08", 7), ("addendum", "yes", 12), ("agency_name", "Lavaca County Sheriff's Office", 1), ("lea_signed_on", None, None)],
    "287gWSO_MonroeCoFl2019-10-15.pdf": [("model", "WSO", None), ("ice_signed_on", None, None), ("ice_signatory_name", "Timothy S. Robbins", 7), ("addendum", "no", None)],
    "BurlesonCoTX_WSO_MOA_04.16.2025.pdf": [("model", "WSO", 1), ("ice_signed_on", "2025-04-16", 7), ("ice_signatory_name", "Todd M. Lyons", 7), ("ice_signatory_title", "Acting Director", 7)],
    "OwyheeCoID_TFM_MOA_03.07.25.pdf": [("model", "TFM", None), ("ice_signed_on", "2025-03-07", 9), ("lea_signed_on", "2025-02-18", 9), ("agency_name", "Owyhee County Sheriff's Office", 1)],
    "VictoriaCo_WSO_MOA_02.26.25.pdf": [("model", "WSO", 1), ("ice_signed_on", "2025-02-26", 7), ("ice_signatory_name", "Caleb Vitello", 7)],
    "gilchristCoSheriffOffice_WSO_MOA_02.20.2025.pdf": [("model", "WSO", 1), ("ice_signed_on", "2025-02-26", 7), ("ice_signatory_title", "Acting Director", 7)],
    "hIllsboroughCountySherrifsOffice_WSO_MOA_03122025.pdf": [("model", "WSO", 1), ("ice_signed_on", "2025-02-26", 7), ("agency_name", "Hillsborough County Sheriff's Office", 1)],
    MIXED: [("ice_signed_on", "2025-03-10", 9), ("lea_signed_on", "2025-03-05", 9), ("model", None, None), ("addendum", None, None)],
}


@pytest.fixture(scope="session")
def layers():
    paths = sorted(MOA_DIR.glob("*.pdf"))
    results = read_text_layers(paths, workers=2)  # a pool of two processes, as imports and benchmarks use
    return {p.name: r for p, r in zip(paths, results)}


@pytest.fixture(scope="session")
def readings(layers):
    return {name: complete_reading(MOA_DIR / name, layer, ocr=False) for name, layer in layers.items()}


def pdfinfo_pages(path) -> int:
    output = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True).stdout
    return int(next(line.split()[-1] for line in output.splitlines() if line.startswith("Pages:")))


def test_text_layer_documents_are_read_page_by_page(readings):
    for name, pages in TEXT_LAYER.items():
        reading = readings[name]
        assert reading.page_count == pages == len(reading.pages)
        assert [p.source for p in reading.pages] == ["text"] * pages, name
        assert reading.text_pages == pages and reading.ocr_pages == 0 and reading.unread_pages == 0
        assert all(p.characters > 100 for p in reading.pages[:6]), name


def test_image_only_documents_stay_unread_without_ocr_and_their_facts_unknown(readings):
    for name, pages in IMAGE_ONLY.items():
        reading = readings[name]
        assert reading.page_count == pages
        assert {p.source for p in reading.pages} == {"unread"}
        assert all(p.note == "OCR is off" for p in reading.pages)
        facts = {f.field: f for f in extract(reading.pages)}
        assert list(facts) == list(FIELDS)
        assert {f.value for f in facts.values()} == {None}, name  # nothing invented
        assert "not read" in facts["model"].evidence


def test_mixed_document_has_text_on_some_pages_only(readings):
    reading = readings[MIXED]
    text_pages = [p.number for p in reading.pages if p.source == "text"]
    assert text_pages == [9, 14]
    assert all(p.source == "unread" for p in reading.pages if p.number not in text_pages)


def test_page_counts_agree_with_poppler(readings):
    for name in list(TEXT_LAYER)[:3] + [MIXED]:
        assert readings[name].page_count == pdfinfo_pages(MOA_DIR / name)


def test_extraction_finds_what_the_text_shows_and_nothing_else(readings):
    for name, expected in EXPECTED.items():
        facts = {f.field: f for f in extract(readings[name].pages)}
        for field, value, page in expected:
            fact = facts[field]
            assert fact.value == value, (name, field, fact)
            if value is None:
                assert fact.confidence == 0 and fact.source is None and fact.evidence
            else:
                assert 0 < fact.confidence <= 1 and fact.source == "text" and fact.evidence
                if page is not None:
                    assert fact.page == page, (name, field, fact)


def test_model_from_a_title_is_surer_than_from_wording(readings):
    burleson = {f.field: f for f in extract(readings["BurlesonCoTX_WSO_MOA_04.16.2025.pdf"].pages)}
    owyhee = {f.field: f for f in extract(readings["OwyheeCoID_TFM_MOA_03.07.25.pdf"].pages)}
    assert burleson["model"].confidence > owyhee["model"].confidence >= 0.5
    assert "no title line" in owyhee["model"].evidence


def test_ocr_makes_an_image_only_moa_readable(ocr_reading):
    reading = require(ocr_reading)
    sources = {p.number: p.source for p in reading.pages}
    assert sources[1] == "ocr" and sources[9] == "text+ocr"  # page 9 has a few typed words in a text layer
    assert all(sources[n] == "unread" for n in sources if n not in (1, 9))
    assert "Task Force Model" in reading.pages[0].text and "West Miami" in reading.pages[0].text
    assert reading.pages[0].ocr_confidence > 60
    assert "tesseract" in reading.reader
    facts = {f.field: f for f in extract(reading.pages)}
    assert (facts["model"].value, facts["model"].page, facts["model"].source) == ("TFM", 1, "ocr")
    assert facts["model"].confidence < 0.95  # OCR'd text counts less than a text layer
    assert (facts["ice_signed_on"].value, facts["ice_signed_on"].page) == ("2025-03-25", 9)
    assert facts["lea_signed_on"].value == "2025-03-12"
    assert facts["agency_name"].value.startswith("West Miami Police")
    assert facts["addendum"].value is None  # twelve pages not read: unknown, not "no"


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Date: 03/1 2/2025", [dt.date(2025, 3, 12)]),  # OCR splits digits
        ("Date,   04/ 16/2025 ~", [dt.date(2025, 4, 16)]),
        ("Date: 2020.06.08 10:59:08 -04'00'", [dt.date(2020, 6, 8)]),  # a digital signature
        ("February 26, 2025", [dt.date(2025, 2, 26)]),
        ("02-18-25", [dt.date(2025, 2, 18)]),
        ("Revised 02/15/2025", []),  # the template's revision, not a signature
        ("13/45/2025", []),
        ("Date: _ _o_cT _ _1_5_2_0_19_ _", []),  # handwriting read as noise stays unknown
    ],
)
def test_dates(text, expected):
    assert [value for value, _match in parse_dates(text)] == expected

"""Letters of interest and MOA drafts, as PDF and DOCX: their content, the draft banner on every page, sources
and unconfirmed facts, and user text that cannot change the document's structure."""

import datetime as dt
import io

import pytest
from docx import Document
from pypdf import PdfReader

from g287.program import agencies, applications, documents, moas
from g287.program.documents import Block, parse_blocks, to_pdf
from tests.conftest import MOA_DIR
from tests.program.world import ADMIN, OFFICER, build, letter

SECTIONS = ["Purpose", "Authority", "Functions this MOA authorizes", "Nomination of officers", "Training", "Certification and authorization", "Supervision by ICE", "Complaints", "Duration", "Termination", "Signatures"]


def pdf_pages(content: bytes) -> list[str]:
    return [" ".join((page.extract_text() or "").split()) for page in PdfReader(io.BytesIO(content)).pages]


def docx_text(content: bytes) -> tuple[list[str], list[str], str]:
    document = Document(io.BytesIO(content))
    headings = [p.text for p in document.paragraphs if p.style.name.startswith(("Heading", "Title"))]
    body = [p.text for p in document.paragraphs]
    header = " ".join(p.text for p in document.sections[0].header.paragraphs)
    return headings, body, header


@pytest.fixture
def world(sqlite_db):
    with sqlite_db.session() as session:
        built = build(session, "drafted")
    return sqlite_db, built


def test_letter_of_interest_as_pdf_and_docx(world):
    db, w = world
    with db.session() as session:
        pdf = applications.letter_document(session, w.user_a, w.application, "pdf")
        docx = applications.letter_document(session, w.user_a, w.application, "docx")
    assert pdf.media_type == "application/pdf" and pdf.filename.endswith(".pdf") and docx.filename.endswith(".docx")
    text = " ".join(pdf_pages(pdf.content))
    for expected in ("Testville County Sheriff's Office", "Letter of interest in the 287(g) program", "Task Force Model (TFM)", "Warrant Service Officer (WSO)", "The agency asks to take part.", "Sam Sample, Captain", "sam@agency.example", "Pat Example", "8 U.S.C. 1357(g)", "[CS]", "The Center Square"):
        assert expected in text, expected
    assert "DRAFT" not in text
    headings, body, header = docx_text(docx.content)
    assert "Letter of interest in the 287(g) program" in headings and "Task Force Model (TFM)" in headings
    assert any("The agency asks to take part." in p for p in body) and header == ""


def test_unconfirmed_facts_are_marked_in_the_letter(sqlite_db):
    with sqlite_db.session() as session:
        w = build(session, "agencies")
        application = applications.submit_letter(session, w.user_a, w.agency_a, letter(models=["JEM"]))
        text = application.letter["text"]
    assert "About four weeks (160 hours) at the Federal Law Enforcement Training Center. (unconfirmed) [Explorer]" in text


def test_draft_moa_is_marked_on_every_page_and_has_every_section(world):
    db, w = world
    with db.session() as session:
        pdf = moas.draft_document(session, w.user_a, w.tfm, "pdf")  # the agency may read its draft
        docx = moas.draft_document(session, OFFICER, w.tfm, "docx")
    pages = pdf_pages(pdf.content)
    assert len(pages) >= 3
    assert all("DRAFT FOR DISCUSSION" in page for page in pages)
    text = " ".join(pages)
    assert "Testville County Sheriff's Office" in text and "Testville County" in text and "Pat Example, Sheriff" in text
    assert "section 287(g) of the Immigration and Nationality Act (INA), 8 U.S.C. 1357(g)" in text
    # "Sworn" is The Center Square's word, not the MOAs': the rule cited [CS, MOA] for "two years of sworn law
    # enforcement experience" while the TFM MOAs held say "at least two years of LEA work experience".
    assert "Has at least two years of sworn law enforcement experience, as The Center Square reports (the TFM MOAs held: at least two years of LEA work experience). [CS, MOA]" in text
    assert "All candidates must have at least two years of LEA work experi" in moa_pdf_text("OwyheeCoID_TFM_MOA_03.07.25.pdf")
    assert "70 percent" in text and "Avoiding racial profiling" in text and "Multicultural communication" in text
    assert "(unconfirmed)" in text  # the number of examinations is not published
    headings, _body, header = docx_text(docx.content)
    assert "DRAFT FOR DISCUSSION" in header  # the header repeats on every page
    numbered = [h.split(". ", 1)[1] for h in headings if h[:1].isdigit()]
    assert numbered == SECTIONS


def test_a_letter_and_a_draft_downloaded_twice_are_the_same_bytes(world):
    """Dated by their records (the letter's submission, the draft's drafting), never by the download: python-docx
    dated each part of the DOCX package with the moment of writing (to two seconds), so two downloads differed."""
    import time
    import zipfile

    db, w = world

    def downloads():
        with db.session() as session:
            return [
                applications.letter_document(session, w.user_a, w.application, fmt).content for fmt in ("pdf", "docx")
            ] + [moas.draft_document(session, w.user_a, w.tfm, fmt).content for fmt in ("pdf", "docx")]

    first = downloads()
    time.sleep(2.1)  # past the two seconds a ZIP entry's time can tell apart
    assert downloads() == first
    assert {info.date_time for info in zipfile.ZipFile(io.BytesIO(first[1])).infolist()} == {(1980, 1, 1, 0, 0, 0)}


def test_drafting_again_makes_a_new_version(world):
    db, w = world
    with db.session() as session:
        moa = moas.draft_moa(session, OFFICER, w.tfm, today=dt.date(2025, 7, 1))
        assert moa.draft_version == 2 and moa.status == "draft"
        assert "version 2 of July 1, 2025" in moa.draft["text"].replace(documents.LITERAL, "")


def test_text_typed_by_a_user_stays_text(sqlite_db):
    hostile = "First paragraph.\n\n# Not a heading\n- not a bullet\n| not a line block\n{{ not a template }}"
    with sqlite_db.session() as session:
        w = build(session, "agencies")
        application = applications.submit_letter(session, w.user_a, w.agency_a, letter(justification=hostile, contact_name="## Mallory"))
        docx = applications.letter_document(session, w.user_a, application.id, "docx")
        blocks = parse_blocks(application.letter["text"])
    texts = {b.text for b in blocks if b.kind in ("title", "heading", "subheading", "bullet")}
    assert not any("Not a heading" in t or "not a bullet" in t or "Mallory" in t for t in texts)
    assert any(b.kind == "paragraph" and b.text == "# Not a heading\n- not a bullet\n| not a line block\n{{ not a template }}" for b in blocks)
    headings, body, _ = docx_text(docx.content)
    assert not any("Not a heading" in h for h in headings)
    assert any("{{ not a template }}" in p for p in body)


def test_a_justification_typed_on_several_lines_keeps_its_lines_in_the_letter(sqlite_db):
    # The application's page shows the justification as typed, line by line; the letter ran its lines together
    # ("Reasons: - the jail is full - ...") into one paragraph.
    justification = "Our reasons:\n- the county jail is full\n- 40 detainers a month\n\nA second paragraph."
    with sqlite_db.session() as session:
        w = build(session, "agencies")
        application = applications.submit_letter(session, w.user_a, w.agency_a, letter(justification=justification))
        pdf = applications.letter_document(session, w.user_a, application.id, "pdf")
        docx = applications.letter_document(session, w.user_a, application.id, "docx")
        text = application.letter["text"]
    lines = (PdfReader(io.BytesIO(pdf.content)).pages[0].extract_text() + PdfReader(io.BytesIO(pdf.content)).pages[1].extract_text()).split("\n")
    assert ["Our reasons:", "- the county jail is full", "- 40 detainers a month", "A second paragraph."] == [line for line in lines if line in justification.split("\n")]
    body = docx_text(docx.content)[1]
    assert "Our reasons:\n- the county jail is full\n- 40 detainers a month" in body and "A second paragraph." in body
    stored_before = text.replace(documents.VALUE_LINE, documents.LITERAL)  # as letters were stored until lines were kept
    assert Block("paragraph", "Our reasons: - the county jail is full - 40 detainers a month") in parse_blocks(stored_before)


def test_pdf_without_a_unicode_font_keeps_latin_text(monkeypatch):
    monkeypatch.setattr(documents, "unicode_font", lambda: None)
    content = to_pdf([Block("title", "Doña Ana County Sheriff’s Office — Ω")], title="t", banner="DRAFT FOR DISCUSSION", footer="f", created=dt.datetime(2025, 7, 1, tzinfo=dt.timezone.utc))
    text = pdf_pages(content)[0]
    assert "Doña Ana County Sheriff's Office - ?" in text and "DRAFT FOR DISCUSSION" in text


def test_pdf_shows_a_character_its_font_cannot_draw_as_a_mark_not_as_nothing():
    """DejaVu Sans has no CJK, Hangul or Thai glyphs: a contact named 王小明 was printed "Contact: , Captain", the
    name silently gone. Such a character is shown as "?" (as the core fonts show it); the scripts the font has
    (Greek, Cyrillic, Hebrew) stay, a space it has no glyph for (a tab, U+3000) is a space, and an invisible character
    it has no glyph for (U+061C) is left out."""
    if documents.unicode_font() is None:
        pytest.skip("DejaVu Sans is not installed")
    content = to_pdf(
        [Block("paragraph", "Contact: 王小明, Captain; Ελλάδα, Кириллица, עברית; A\u061cB\tC\u3000D")],
        title="Letter: 王小明", banner="DRAFT FOR DISCUSSION", footer="f 한국", created=dt.datetime(2025, 7, 1, tzinfo=dt.timezone.utc),
    )
    text = pdf_pages(content)[0]
    assert "Contact: ???, Captain;" in text and "Ελλάδα, Кириллица" in text and "AB C D" in text and "f ??" in text
    assert PdfReader(io.BytesIO(content)).metadata.title == "Letter: 王小明"  # the document's properties keep the name


def test_unknown_format_is_refused(world):
    db, w = world
    from g287.program.validation import InvalidInput

    with db.session() as session, pytest.raises(InvalidInput, match="format"):
        applications.letter_document(session, w.user_a, w.application, "html")


def draft_text(model: str, agency_name: str = "Testville County Sheriff's Office") -> str:
    """The text of a first draft of `model`'s MOA for a sample agency, without the marks of its values."""
    draft = {
        "model": model, "agency": {"name": agency_name, "agency_type": "county", "state_name": "Texas", "county": "Testville County"},
        "chief_executive": {"name": "Pat Example", "title": "Sheriff"}, "version": 1, "drafted_on": "2025-07-01",
        "application_id": 1, "letter_date": "2025-06-01",
    }
    return moas.moa_text(draft).replace(documents.LITERAL, "")


def section(text: str, heading: str) -> str:
    """One numbered section of a draft, its lines joined."""
    return " ".join(text.split(f"## {heading}\n", 1)[1].split("\n## ", 1)[0].split())


@pytest.mark.parametrize(("model", "who"), [("JEM", "ICE may revoke"), ("WSO", "ICE may revoke"), ("TFM", "ICE or the agency may revoke")])
def test_the_draft_says_who_may_revoke_an_authorization_as_the_models_moas_do(model, who):
    """The WSO MOAs held let ICE withdraw an authorization; the JEM MOA's authorization lasts until ICE's letter of
    revocation; only the TFM MOAs let ICE or the agency revoke one. The draft said "by ICE or the agency" for all."""
    text = draft_text(model)
    assert "at any time. [MOA]\n\n- Length of an authorization" in text
    text = " ".join(text.split())
    assert f"{who} an authorization at any time. [MOA]" in text
    assert "by ICE or the agency" not in text
    # The MOAs held have the agency make the complaint procedure known (posters, in the languages needed); none has ICE publish it.
    assert "The agency makes known in its facilities how people can complain" in text and "The agency and ICE will publish" not in text


def moa_pdf_text(name: str) -> str:
    return " ".join(pdf_pages((MOA_DIR / name).read_bytes()))


@pytest.mark.parametrize("model", ["JEM", "TFM", "WSO"])
def test_the_draft_gives_the_notice_a_termination_needs_as_the_models_moas_do(model):
    """Every draft said "Either party may end this MOA by written notice to the other ... at once". The WSO MOAs held
    take 90 days' written notice from either party (unless exigent circumstances involving public safety dictate
    otherwise); under the JEM and TFM MOAs held the agency terminates in writing to ICE's field office, while ICE
    suspends at once but terminates only on 90 days' notice, published on its website."""
    termination = section(draft_text(model), "10. Termination")
    assert "Either party may end this MOA by written notice" not in termination and termination.endswith("[MOA]")
    if model == "WSO":
        assert "takes effect 90 days after the notice is received, unless exigent circumstances involving public safety dictate otherwise" in termination
        held = moa_pdf_text("VictoriaCo_WSO_MOA_02.26.25.pdf")
        assert "upon 90-day written notice to the other party" in held and "take effect 90-days after receipt of such notice" in held
    else:
        assert "The agency may end this MOA by written notice to ICE's local field office" in termination
        assert "ICE gives the agency 90 days' notice and publishes its decision on its website 90 days before the termination" in termination
        held = moa_pdf_text("OwyheeCoID_TFM_MOA_03.07.25.pdf" if model == "TFM" else "287gJEM_LavacaCoTX_06-08-2020.pdf")
        assert "Termination by the LEA shall be provided, in writing, to the local Field Office" in held and "a 90-day notice in advance" in held


@pytest.mark.parametrize("model", ["JEM", "TFM", "WSO"])
def test_the_draft_lists_every_requirement_the_models_moas_set_for_nominees(model):
    """The JEM and WSO MOAs held require candidates trained in the security of the agency's facilities (the catalog's
    model requirement, which the letter of interest lists): the drafts of those models said "Each nominee must meet
    every one of these requirements" and listed only the three program-wide rules. Each model's own requirement
    (two years of experience; the facilities' security) is a rule of its own, listed once: once the JEM and WSO
    rule jail_security was added, their drafts listed the requirement twice, as the rule and as the catalog's
    statement ("Has been trained ..." and "Candidates must have been trained ...")."""
    nomination = section(draft_text(model), "4. Nomination of officers")
    facilities = "trained in maintaining the security of the agency's facilities"
    if model == "TFM":
        assert facilities not in nomination and nomination.count("Has at least two years") == 1
    else:
        assert f"Has been {facilities}" in nomination and nomination.index(facilities) < nomination.index("ICE may ask")
        assert nomination.count(facilities) == 1 and nomination.count("inmate accountability") == 1
        held = moa_pdf_text("287gJEM_LavacaCoTX_06-08-2020.pdf" if model == "JEM" else "VictoriaCo_WSO_MOA_02.26.25.pdf")
        assert "have been trained on maintaining the security of LEA facilities" in held


def test_a_name_with_its_own_article_is_not_given_another():
    # "the The Woodlands Township Police Department" read wrong, in the title, the first section and the signatures.
    text = draft_text("TFM", "The Woodlands Township Police Department")
    assert "the The" not in text and "The Woodlands Township Police Department" in text
    assert "Enforcement and The Woodlands Township Police Department:" in text
    assert "Enforcement and the Testville County Sheriff's Office:" in draft_text("TFM")
    assert documents.with_article("Theodore County Sheriff's Office") == "the Theodore County Sheriff's Office"
    assert documents.with_article("the Woodlands", capital=True) == "the Woodlands"  # as the agency writes it
    assert documents.with_article("Harris County", capital=True) == "The Harris County"


def test_a_letter_of_an_agency_whose_name_has_its_article(sqlite_db):
    with sqlite_db.session() as session:
        w = build(session, "agencies")
        application = applications.submit_letter(session, w.user_a, w.agency_a, letter())
        application.letter["agency"]["name"] = "The Woodlands Township Police Department"
        text = applications.letter_text(application.letter).replace(documents.LITERAL, "")
    assert "\nThe Woodlands Township Police Department, " in text and "The The" not in text


def test_an_agency_of_the_longest_name_has_its_letter_and_draft_as_docx(sqlite_db):
    # The title in a DOCX's properties ("Letter of interest: NAME (TFM, WSO)") went past the 255 characters a
    # DOCX property holds with a name of 220 or more (up to 255 are accepted): the download failed (500).
    name = "Sheriff's Office of " + "W" * 235
    with sqlite_db.session() as session:
        w = build(session, "agencies")
        agencies.update_agency(session, ADMIN, w.agency_a, name=name, state="FL", agency_type="county")
        application = applications.submit_letter(session, w.user_a, w.agency_a, letter())
        tfm = applications.moas_of(session, application.id)[0]
        moas.draft_moa(session, OFFICER, tfm.id)
        rendered = [applications.letter_document(session, w.user_a, application.id, "docx"), moas.draft_document(session, w.user_a, tfm.id, "docx")]
    for document in rendered:
        title = Document(io.BytesIO(document.content)).core_properties.title
        assert len(title) == 255 and title.startswith(("Letter of interest: Sheriff's Office of WWW", "Draft MOA (TFM), Sheriff's Office of WWW")) and title.endswith("W\u2026")
        assert any(name in p for p in docx_text(document.content)[1])  # the text itself keeps the whole name


def test_right_to_left_text_is_drawn_in_its_reading_order(world):
    """A Hebrew or Arabic address or name was drawn letter by letter from left to right, so the letter showed "םולש"
    for "שלום" (and Arabic's letters unjoined): fpdf2 shapes text with HarfBuzz now. pypdf's layout mode gives the
    glyphs in the order they are drawn, left to right: a right-to-left text drawn right is its reverse there."""
    if documents.unicode_font() is None:
        pytest.skip("DejaVu Sans is not installed")
    content = to_pdf(
        [Block("paragraph", "Street: שלום עולם. Agency: شرطة دبي.")],
        title="Letter", banner=None, footer="f", created=dt.datetime(2025, 7, 1, tzinfo=dt.timezone.utc),
    )
    drawn = PdfReader(io.BytesIO(content)).pages[0].extract_text(extraction_mode="layout")
    assert "שלום עולם"[::-1] in drawn and "شرطة دبي"[::-1] in drawn
    assert "Street:" in drawn and "Agency:" in drawn  # left-to-right text as it was


@pytest.mark.parametrize("text, needed", [
    ("Doña Ana County Sheriff’s Office — 12 officers, €0, “TFM” …", False),
    ("Ελλάδα, Кириллица, Łódź, Nguyễn", False),
    ("Street: שלום", True),  # right to left
    ("شرطة دبي", True),  # right to left, letters joined
    ("नमस्ते", True),  # letters reordered and joined
    ("e\u0301", True),  # a combining mark placed on its letter
    ("A\u200fB", True),  # a bidirectional control
])
def test_text_shaping_is_asked_for_the_texts_that_need_it(text, needed):
    assert documents.needs_shaping(text) is needed


def test_right_to_left_text_stays_in_its_reading_order_after_a_page_break():
    """Shaping is on for a block that needs it only, and the banner and footer drawn at a page break inside such a
    block set their own (off): the block's lines on the next page must still be shaped."""
    if documents.unicode_font() is None:
        pytest.skip("DejaVu Sans is not installed")
    content = to_pdf(
        [Block("paragraph", " ".join(["שלום עולם"] * 700))],
        title="Letter", banner="DRAFT FOR DISCUSSION", footer="Letter of interest", created=dt.datetime(2025, 7, 1, tzinfo=dt.timezone.utc),
    )
    pages = PdfReader(io.BytesIO(content)).pages
    assert len(pages) >= 2
    for page in pages[:2]:
        drawn = page.extract_text(extraction_mode="layout")
        assert "שלום עולם"[::-1] in drawn and "DRAFT FOR DISCUSSION" in drawn and "Letter of interest" in drawn


def test_a_document_drawn_again_with_any_argument_changed_is_drawn_anew():
    """Documents drawn are kept (documents.rendered_bytes): each argument is part of what names one."""
    base = dict(filename="letter", title="Letter", banner="DRAFT", footer="page", created=dt.datetime(2025, 7, 1, tzinfo=dt.timezone.utc))
    first = documents.render_document("Text of the letter.", "docx", **base)
    assert documents.render_document("Text of the letter.", "docx", **base).content == first.content
    changed = [
        documents.render_document("Text of the letter, changed.", "docx", **base),
        documents.render_document("Text of the letter.", "pdf", **base),
        *(documents.render_document("Text of the letter.", "docx", **{**base, name: value}) for name, value in (
            ("title", "Letter 2"), ("banner", None), ("footer", "page 2"), ("created", dt.datetime(2025, 7, 2, tzinfo=dt.timezone.utc)),
        )),
    ]
    assert all(document.content != first.content for document in changed)

"""Letters and MOA drafts: text templates (g287/data/program/templates, Jinja2) rendered to a small block format,
then to PDF (fpdf2) and DOCX (python-docx).

The block format, one block per paragraph (blocks are separated by blank lines):
    # Title            ## Heading         ### Subheading
    - bullet item      | a line kept as a line (addresses, signature blocks)
    anything else: a paragraph (its lines are joined).

Values put into templates are plain text: every line of a value is marked so that text typed by a user can never
become a heading, a bullet or a line block, and nothing in it is ever interpreted (PDF and DOCX get plain runs). A
line break within a value (a justification typed on several lines) stays a line break of its paragraph.
A banner (e.g. "DRAFT FOR DISCUSSION") is printed in the header of every page of both formats.
"""

from __future__ import annotations

import datetime as dt
import io
import unicodedata
import zipfile
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from g287.catalog import Source, Statement, catalog
from g287.config import DATA_DIR
from g287.xmlchars import NOT_IN_XML

TEMPLATES_DIR = DATA_DIR / "program" / "templates"
LITERAL = "\u2060"  # marks a line that came from a value: never a block marker; removed before rendering
VALUE_LINE = LITERAL * 2  # marks a value's second and later lines (a value holds no LITERAL): its line breaks
FONT_DIRS = (Path("/usr/share/fonts/truetype/dejavu"), Path("/usr/share/fonts/dejavu"), Path("/usr/local/share/fonts"))


@dataclass(frozen=True)
class Block:
    kind: str  # title | heading | subheading | bullet | lines | paragraph
    text: str  # for "lines": the lines joined by "\n"


def _literal(value) -> str:
    if value is None:
        return ""
    text = str(value).replace(LITERAL, "")
    return "\n".join((VALUE_LINE if index else LITERAL) + line if line.strip() else line for index, line in enumerate(text.split("\n")))


def with_article(name, capital: bool = False) -> str:
    """ "the Harris County Sheriff's Office"; a name that begins with its own article ("The Woodlands Township")
    is written as it is, not "the The Woodlands Township"."""
    text = "" if name is None else str(name)
    if text[:4].lower() == "the " and text[4:].strip():
        return text
    return ("The " if capital else "the ") + text


@cache
def environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(str(TEMPLATES_DIR)),
        undefined=StrictUndefined,
        autoescape=False,  # the output is plain text for PDF and DOCX, never HTML
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        finalize=_literal,
    )
    env.filters["the"] = with_article
    return env


class Citations:
    """Collects the sources cited while a template renders, in order of first citation."""

    def __init__(self) -> None:
        self.sources: dict[str, Source] = {}

    def cite(self, statement: Statement | object) -> str:
        """The statement's text (a rule's requirement) followed by its source keys, and "(unconfirmed)" where it is
        not confirmed."""
        for source in statement.sources:
            self.sources.setdefault(source.key, source)
        keys = ", ".join(s.key for s in statement.sources)
        unconfirmed = "" if getattr(statement, "confirmed", True) else " (unconfirmed)"
        text = statement.requirement if hasattr(statement, "requirement") else statement.text
        return f"{text}{unconfirmed} [{keys}]"

    def ref(self, *keys: str) -> str:
        """Cite sources by key for text written in the template itself."""
        known = catalog().sources
        for key in keys:
            self.sources.setdefault(key, known[key])
        return "[" + ", ".join(keys) + "]"

    def cited(self) -> list[Source]:
        return list(self.sources.values())


def render_text(template: str, context: dict) -> str:
    """Render a template to the block format; `cite`, `ref` and `cited` are available in the template."""
    citations = Citations()
    return environment().get_template(template).render(**context, cite=citations.cite, ref=citations.ref, cited=citations.cited)


def parse_blocks(text: str) -> list[Block]:
    blocks: list[Block] = []
    paragraph: list[str] = []
    lines: list[str] = []

    def flush() -> None:
        if paragraph:
            blocks.append(Block("paragraph", " ".join(paragraph)))
            paragraph.clear()
        if lines:
            blocks.append(Block("lines", "\n".join(lines)))
            lines.clear()

    for raw in text.split("\n"):
        line = raw.rstrip()
        if not line.strip():
            flush()
            continue
        if line.startswith(LITERAL) or not line.startswith(("#", "- ", "| ", "|")):
            if lines:  # a value continuing a line block stays a line of it
                lines.append(line.replace(LITERAL, "").strip())
            elif paragraph and line.startswith(VALUE_LINE):
                # The value's own line break, kept (a letter stored before VALUE_LINE keeps its lines joined).
                paragraph[-1] += "\n" + line.replace(LITERAL, "").strip()
            else:
                paragraph.append(line.replace(LITERAL, "").strip())
            continue
        if line.startswith("|"):
            if paragraph:
                flush()
            lines.append(line[1:].strip().replace(LITERAL, ""))
            continue
        flush()
        for marker, kind in (("### ", "subheading"), ("## ", "heading"), ("# ", "title"), ("- ", "bullet")):
            if line.startswith(marker):
                blocks.append(Block(kind, line[len(marker) :].replace(LITERAL, "").strip()))
                break
        else:
            paragraph.append(line.replace(LITERAL, "").strip())
    flush()
    return blocks


# PDF ----------------------------------------------------------------------------------------------------------


@cache
def unicode_font() -> tuple[Path, Path] | None:
    """DejaVu Sans (regular, bold) when installed (Debian: fonts-dejavu-core); else None and the core fonts."""
    for folder in FONT_DIRS:
        regular, bold = folder / "DejaVuSans.ttf", folder / "DejaVuSans-Bold.ttf"
        if regular.is_file() and bold.is_file():
            return regular, bold
    return None


_LATIN1_FALLBACKS = {"\u2014": "-", "\u2013": "-", "\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"', "\u2022": "-", "\u2026": "...", "\u00a0": " ", "\u00b7": "-"}


def latin1(text: str) -> str:
    """Text the PDF core fonts can show: typographic marks simplified, accents kept where Latin-1 has them."""
    out = []
    for char in text:
        char = _LATIN1_FALLBACKS.get(char, char)
        if len(char) == 1 and ord(char) > 255:
            char = unicodedata.normalize("NFKD", char).encode("latin-1", "ignore").decode("latin-1") or "?"
        out.append(char)
    return "".join(out)


def shown_with(cmaps: list[dict]):
    """A function giving text as the fonts whose character maps are `cmaps` can show it: a character one of them has
    no glyph for, which the PDF would silently leave out ("Contact: 王小明" printed "Contact: "), is shown as "?",
    as the core fonts show it; a space it lacks (a tab, U+3000) is a space, and an invisible one (a format or control
    character, a combining mark) is left out. Line breaks stay."""

    def shown(text: str) -> str:
        out = []
        for char in text:
            if char == "\n" or all(ord(char) in cmap for cmap in cmaps):
                out.append(char)
            elif char.isspace():
                out.append(" ")
            elif not unicodedata.category(char).startswith(("C", "M")):
                out.append("?")
        return "".join(out)

    return shown


# Characters text shaping changes nothing for but kerning: Latin, Greek and Cyrillic letters and the punctuation,
# currency and symbols of U+1E00-U+2BFF, none of them a mark (drawn over another character) or a format character
# (the bidirectional controls are ones).
def needs_shaping(text: str) -> bool:
    """Whether the text needs text shaping (HarfBuzz) to be drawn as read: a right-to-left name or address (Hebrew,
    Arabic) in its reading order and Arabic's letters joined (without it each word was drawn letter by letter left to
    right, so the letter showed "םולש" for "שלום"), a script whose letters change shape or order (Devanagari, Thai),
    a combining mark placed on its letter."""
    for char in text:
        code = ord(char)
        if code < 0x0300:
            continue
        if (code < 0x0590 or 0x1E00 <= code < 0x2C00) and unicodedata.category(char)[0] not in "MC":
            continue
        return True
    return False


def to_pdf(blocks: list[Block], *, title: str, banner: str | None, footer: str, created: dt.datetime) -> bytes:
    from fpdf import FPDF

    font = unicode_font()
    clean = latin1  # replaced by the font's own coverage once it is loaded
    family = "DejaVu" if font else "Helvetica"

    class Pdf(FPDF):
        def shaped_for(self, text: str) -> None:
            """Text shaping on for a text that needs it only: shaping measures every character of every line again
            through HarfBuzz, which made a letter or an MOA of ten pages take seconds to draw."""
            self.set_text_shaping(bool(font) and needs_shaping(text))

        def header(self) -> None:
            if banner:
                self.shaped_for(banner)  # a block's fragments keep the shaping they were made with
                self.set_font(family, "B", 11)
                self.set_text_color(150, 0, 0)
                self.cell(0, 8, clean(banner), border="TB", align="C", new_x="LMARGIN", new_y="NEXT")
                self.set_text_color(0, 0, 0)
                self.ln(4)

        def footer(self) -> None:
            self.shaped_for(footer)
            self.set_y(-15)
            self.set_font(family, "", 8)
            self.set_text_color(90, 90, 90)
            self.cell(0, 10, clean(f"{footer} - page {self.page_no()} of {{nb}}"), align="C")

    pdf = Pdf(format="Letter")
    if font:
        pdf.add_font(family, "", str(font[0]))
        pdf.add_font(family, "B", str(font[1]))
        clean = shown_with([loaded.cmap for loaded in pdf.fonts.values()])
    pdf.set_title(title if font else latin1(title))  # the title in the document's properties needs no glyph
    pdf.set_author("g287")
    pdf.set_creation_date(created)
    pdf.set_auto_page_break(True, margin=20)
    pdf.set_margins(22, 18, 22)
    pdf.add_page()
    width = pdf.epw
    for block in blocks:
        text = clean(block.text)
        pdf.shaped_for(text)
        if block.kind == "title":
            pdf.set_font(family, "B", 15)
            pdf.multi_cell(width, 8, text, new_x="LMARGIN", new_y="NEXT")
            pdf.ln(3)
        elif block.kind in ("heading", "subheading"):
            pdf.ln(2)
            pdf.set_font(family, "B", 12 if block.kind == "heading" else 11)
            pdf.multi_cell(width, 6.5, text, new_x="LMARGIN", new_y="NEXT")
            pdf.ln(1)
        elif block.kind == "bullet":
            pdf.set_font(family, "", 10.5)
            pdf.set_x(pdf.l_margin + 4)
            pdf.multi_cell(width - 4, 5.5, clean("\u2022 ") + text, new_x="LMARGIN", new_y="NEXT")
            pdf.ln(1)
        else:
            pdf.set_font(family, "", 10.5)
            pdf.multi_cell(width, 5.5, text, new_x="LMARGIN", new_y="NEXT")
            pdf.ln(2.5)
    return bytes(pdf.output())


# DOCX ---------------------------------------------------------------------------------------------------------


def xml_text(text: str) -> str:
    """The text without the characters XML cannot hold: the forms refuse them, but a record stored before they did
    may still have one, and its letter or MOA must still open."""
    return NOT_IN_XML.sub("", text)


DOCX_PROPERTY_LENGTH = 255  # python-docx refuses a longer core property, and the title holds an agency's name (255)


def docx_property(text: str) -> str:
    """The text as a DOCX core property holds it: a longer one cut, its end marked "…"."""
    return text if len(text) <= DOCX_PROPERTY_LENGTH else text[: DOCX_PROPERTY_LENGTH - 1].rstrip() + "\u2026"


def to_docx(blocks: list[Block], *, title: str, banner: str | None, footer: str, created: dt.datetime) -> bytes:
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt, RGBColor

    blocks = [Block(block.kind, xml_text(block.text)) for block in blocks]
    title, footer = xml_text(title), xml_text(footer)
    banner = xml_text(banner) if banner else banner

    document = Document()
    properties = document.core_properties
    properties.title = docx_property(title)
    properties.author = "g287"
    properties.created = created.replace(tzinfo=None)
    properties.modified = created.replace(tzinfo=None)
    section = document.sections[0]
    if banner:
        paragraph = section.header.paragraphs[0]
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        run = paragraph.add_run(banner)
        run.bold = True
        run.font.size = Pt(11)
        run.font.color.rgb = RGBColor(150, 0, 0)
    section.footer.paragraphs[0].text = footer
    for block in blocks:
        if block.kind == "title":
            document.add_heading(block.text, level=0)
        elif block.kind == "heading":
            document.add_heading(block.text, level=1)
        elif block.kind == "subheading":
            document.add_heading(block.text, level=2)
        elif block.kind == "bullet":
            document.add_paragraph(block.text, style="List Bullet")
        elif block.kind == "lines":
            paragraph = document.add_paragraph()
            for index, line in enumerate(block.text.split("\n")):
                run = paragraph.add_run(line)
                if index < len(block.text.split("\n")) - 1:
                    run.add_break()
        else:
            document.add_paragraph(block.text)
    buffer = io.BytesIO()
    document.save(buffer)
    return _parts_dated_alike(buffer.getvalue())


# The date of every part of the package, as xlsxwriter dates a workbook's (Excel's own): the document's time is in
# its properties (created, modified).
PART_DATE = (1980, 1, 1, 0, 0, 0)


def _parts_dated_alike(package: bytes) -> bytes:
    """The package with every part dated PART_DATE: python-docx dates each with the moment of writing, so the same
    letter or draft gave other bytes at each download."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(package)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            part = zipfile.ZipInfo(info.filename, date_time=PART_DATE)
            part.compress_type, part.external_attr = info.compress_type, info.external_attr
            target.writestr(part, source.read(info))
    return out.getvalue()


FORMATS = {"pdf": ("application/pdf", to_pdf), "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", to_docx)}


@dataclass(frozen=True)
class RenderedDocument:
    filename: str
    media_type: str
    content: bytes


def render_document(text: str, fmt: str, *, filename: str, title: str, banner: str | None, footer: str, created: dt.datetime) -> RenderedDocument:
    if fmt not in FORMATS:
        raise ValueError(f"unknown document format {fmt!r}: pdf or docx")
    media_type = FORMATS[fmt][0]
    return RenderedDocument(f"{filename}.{fmt}", media_type, rendered_bytes(text, fmt, title, banner, footer, created))


@lru_cache(maxsize=16)
def rendered_bytes(text: str, fmt: str, title: str, banner: str | None, footer: str, created: dt.datetime) -> bytes:
    """The document's bytes, which depend on these arguments only (the same bytes each time): the few last drawn are
    kept, as a letter or a draft is often downloaded again (by its agency, by the program office, as PDF and DOCX),
    and drawing a PDF of ten pages takes a second or two."""
    renderer = FORMATS[fmt][1]
    return renderer(parse_blocks(text), title=title, banner=banner, footer=footer, created=created)

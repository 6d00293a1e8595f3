"""The parts of an .xlsx workbook, and which one is missing or damaged when a workbook cannot be read.

A workbook is a zip archive of XML parts: the list of its sheets, each sheet, the text of its cells (the shared
strings)... The errors of zipfile, zlib, the XML parser and calamine name a byte, a position or an XML tag ("damaged
or truncated (t)", for a shared strings part cut short): the message names the part instead, in words.
"""

from __future__ import annotations

import copy
import re
import zipfile
import zlib
from xml.etree import ElementTree
from xml.parsers import expat

from g287.sources.table import column_index, column_letter
from g287.sources.xlsx_attributes import ATTRIBUTES, QUOTED_VALUE, references_given
from g287.sources.xlsx_grid import SHARED_STRING_TYPE, SheetUnreadable, is_panic
from g287.wording import quoted

_READ_ERRORS = (zipfile.BadZipFile, zlib.error, EOFError)
# What each part holds, said of the workbook, and whether the words are plural.
_PARTS = {
    "_rels/.rels": ("table of contents", False),
    "xl/workbook.xml": ("list of sheets", False),
    "xl/_rels/workbook.xml.rels": ("index of its parts", False),
    "xl/sharedStrings.xml": ("shared strings (the text of its cells)", True),
    "xl/styles.xml": ("cell formats", True),
    "docProps/core.xml": ("document properties", True),
}
# The parts calamine reads besides the sheets, in the order a reader needs them.
_READ_BY_CALAMINE = ("_rels/.rels", "xl/workbook.xml", "xl/_rels/workbook.xml.rels", "xl/sharedStrings.xml", "xl/styles.xml")


class PartError(Exception):
    """A part of the archive is missing, or cannot be decompressed or parsed."""

    def __init__(self, member: str, missing: bool = False, unsupported: bool = False, encrypted: bool = False, utf16: bool = False, entities: bool = False):
        super().__init__(member)
        self.member, self.missing, self.unsupported, self.encrypted, self.utf16 = member, missing, unsupported, encrypted, utf16
        self.entities = entities

    def describe(self, sheets: list[tuple[str, str]]) -> str:
        """One line naming the part, in words and by its path; `sheets`: (name, path) of the sheets known so far."""
        words, plural = _what(self.member, sheets)
        verb = "are" if plural else "is"
        if self.missing:
            return f"{words} {verb} missing ({self.member} is not in the archive)"
        if self.utf16:
            return f"{words} {verb} written in UTF-16, which this reader does not read ({self.member}); save the workbook again in Excel"
        if self.encrypted:
            return f"{words} {verb} encrypted with a password in the zip archive ({self.member}), which g287 does not read"
        if self.entities:
            return f"{words} {verb} written with entities of {'their' if plural else 'its'} own (declared in a DOCTYPE), which this reader does not read ({self.member})"
        if self.unsupported:  # Deflate64, Zstandard... (zipfile reads stored, deflated, bzip2 and LZMA parts; calamine the first two)
            named = "" if words.endswith(self.member) else f" ({self.member})"
            return f"{words} {verb} compressed with a method this reader does not know{named}; save the workbook again in Excel"
        return f"{words} {verb} damaged or truncated ({self.member})"


def _what(member: str, sheets: list[tuple[str, str]]) -> tuple[str, bool]:
    if member in _PARTS:
        words, plural = _PARTS[member]
        return f"the workbook's {words}", plural
    for name, target in sheets:
        if member == target:
            return f"the workbook's sheet {quoted(name)}", False
        if member == _relationships_of(target):
            return f"the links of the workbook's sheet {quoted(name)}", True
    return f"the workbook's part {member}", False


def _relationships_of(sheet_path: str) -> str:
    folder, _, file_name = sheet_path.rpartition("/")
    return f"{folder}/_rels/{file_name}.rels"


def part_bytes(archive: zipfile.ZipFile, member: str) -> bytes:
    info = archive.NameToInfo.get(member)
    if info is None:
        raise PartError(member, missing=True)
    if _is_encrypted(info):  # zipfile would ask for a password (RuntimeError)
        raise PartError(member, encrypted=True)
    try:
        return archive.read(info)
    except _READ_ERRORS:
        raise PartError(member) from None
    except NotImplementedError:  # a compression method zipfile does not read
        raise PartError(member, unsupported=True) from None


# The most one byte of deflated data can decompress to (a deflate block codes at most 258 bytes in 2 bits).
_DEFLATE_MOST = 1032


def decompressed_beyond(archive: zipfile.ZipFile, limit: int) -> str | None:
    """The first part that decompresses past `limit` bytes, the parts before it included, or None.

    The sizes an archive declares are checked first (xlsx.py), but they may lie: a part declared 1 KB may hold
    gigabytes, which calamine, the spreadsheet reader, would decompress whole. The parts are decompressed here, a
    megabyte at a time and no further than the limit, only when their compressed sizes leave room for that (a part
    stored uncompressed holds what it declares; a deflated one at most 1032 times its compressed size): not for ICE's
    lists so far (100 KB compressed: 100 MB at most), whose parts cannot reach the limit."""
    parts = archive.infolist()
    most = sum(info.compress_size * (1 if info.compress_type == zipfile.ZIP_STORED else _DEFLATE_MOST if info.compress_type == zipfile.ZIP_DEFLATED else limit + 1) for info in parts)
    if most <= limit:
        return None
    total = 0
    for info in parts:
        if _is_encrypted(info):
            continue  # no reader here decrypts it, so none decompresses it; one that needs it says it is encrypted
        probe = copy.copy(info)
        probe.file_size = 1 << 62  # read to the data's end, not to what it declares (reading stops past the limit)
        try:
            with archive.open(probe) as member:
                while chunk := member.read(1 << 20):
                    total += len(chunk)
                    if total > limit:
                        return info.filename
        except _READ_ERRORS:
            # Damaged, but read within the limit so far: no bomb. The reader that needs the part names the damage;
            # a part nothing needs (damaged document properties: the modification time unknown) refuses nothing.
            continue
        except NotImplementedError:
            if info.filename.startswith("docProps/"):  # read by g287 alone (zipfile: no further than declared), if at all
                continue
            # Its size cannot be checked, and calamine may read the method: it is not let to.
            raise PartError(info.filename, unsupported=True) from None
    return None


# The parts calamine reads that g287 parses nowhere else. zipfile checks a part against its checksum when it reads it
# whole; calamine does not: a part changed in place (in a stored part, its text is in the file as it is) gave its
# changed text as the cells' ("Xheriff's Office" for "Sheriff's Office"), or its number formats.
_READ_BY_CALAMINE_ALONE = ("xl/sharedStrings.xml", "xl/styles.xml")


def checked_parts(archive: zipfile.ZipFile) -> dict[str, bytes]:
    """The parts only calamine reads, by name, each read whole once so that its checksum is checked (PartError)."""
    return {member: part_bytes(archive, member) for member in _READ_BY_CALAMINE_ALONE if member in archive.NameToInfo}


# calamine reserves memory for as many strings as the shared strings' uniqueCount says, 24 bytes each, before it reads
# one: uniqueCount="4294967295" asked for 103 GB, and the allocation's failure ended the process (an abort, which no
# exception handler sees). The smallest string a part can hold is <si/>: a count beyond its size over that is false.
_UNIQUE_COUNT = re.compile(rb"""\suniqueCount\s*=\s*(?:"([0-9]+)"|'([0-9]+)')""")  # calamine takes no other form
_SMALLEST_STRING = len(b"<si/>")


def strings_overcounted(strings: bytes | None) -> str | None:
    """What to say of shared strings (the part's bytes, or None when the workbook has none) that declare more strings
    than they could hold; None when they do not."""
    declared = _UNIQUE_COUNT.search(strings, 0, _ROOT_END) if strings else None
    count = int(declared[1] or declared[2]) if declared else 0
    if count <= len(strings or b"") // _SMALLEST_STRING:
        return None
    return f"refused: the workbook's shared strings declare {count:,} strings, more than their {len(strings):,} bytes can hold (xl/sharedStrings.xml)"


def _is_encrypted(info: zipfile.ZipInfo) -> bool:
    return bool(info.flag_bits & 0x1)  # bit 0 of the general purpose flags (APPNOTE 4.4.4)


# calamine inflates stored and deflated parts only; zipfile reads bzip2 and LZMA too, so such a part passed every
# check here and calamine's 'compression method not supported: 12' said the workbook was damaged or truncated.
_INFLATED_BY_CALAMINE = (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED)
# calamine reads XML in UTF-8 only, while the format allows UTF-16 too (and Python's parser reads both): a sheet in
# UTF-16 was "the workbook is empty", any other part "damaged or truncated". Such a part opens with a byte-order
# mark or with "<" written in two bytes.
_UTF16_OPENINGS = (b"\xff\xfe", b"\xfe\xff", b"<\x00", b"\x00<")


def check_calamine_reads(archive: zipfile.ZipFile, sheets: list[tuple[str, str]]) -> None:
    """PartError for the first part calamine reads that it cannot: compressed with a method it does not inflate
    (unsupported), or written in UTF-16."""
    for member in (*_READ_BY_CALAMINE, *(target for _name, target in sheets)):
        info = archive.NameToInfo.get(member)
        if info is None:
            continue
        if info.compress_type not in _INFLATED_BY_CALAMINE:
            raise PartError(member, unsupported=True)
        if _is_encrypted(info):
            raise PartError(member, encrypted=True)
        try:
            with archive.open(info) as part:
                opening = part.read(2)
        except _READ_ERRORS:
            raise PartError(member) from None
        if opening in _UTF16_OPENINGS:
            raise PartError(member, utf16=True)


def part_xml(archive: zipfile.ZipFile, member: str) -> ElementTree.Element:
    data = part_bytes(archive, member)
    try:
        return ElementTree.fromstring(data)
    except ElementTree.ParseError:
        raise PartError(member) from None


def calamine_failure(path, sheets: list[tuple[str, str]], parts: dict[str, bytes], error: BaseException) -> str:
    """What to say when calamine cannot read the workbook: the first part it reads that is missing or damaged, found
    by reading each again (calamine's own message names an XML tag, "t" or "sst", not a part); failing that, its
    message, when it says more than a name."""
    try:
        with zipfile.ZipFile(path) as archive:
            problem = _first_damaged_part(archive, sheets, parts)
    except (OSError, zipfile.BadZipFile):
        problem = None
    if problem is not None:
        return problem.describe(sheets)
    sheet = error if isinstance(error, SheetUnreadable) else None
    cause = error.__cause__ if sheet is not None and error.__cause__ is not None else error
    text = str(cause).strip().splitlines()[0] if str(cause).strip() else ""
    detail = text[:200] if " " in text else ""  # a bare name ("t", "Relationships") tells a reader nothing
    if is_panic(error):  # a fault of calamine's (xlsx_grid avoids the one known), not of the file
        return f"the workbook cannot be read: calamine, the spreadsheet reader, failed on it ({detail or 'a panic'}); please report this file"
    if sheet is not None:
        return f"the workbook's sheet {quoted(sheet.sheet_name)} cannot be read{f' ({detail})' if detail else ''} ({sheet.part})"
    return f"the workbook is damaged or truncated ({detail})" if detail else "the workbook is damaged or truncated"


def _first_damaged_part(archive: zipfile.ZipFile, sheets, parts: dict[str, bytes]) -> PartError | None:
    shared_strings_used = any(SHARED_STRING_TYPE.search(xml) for xml in parts.values())
    required = {"_rels/.rels", "xl/workbook.xml", "xl/_rels/workbook.xml.rels"} | ({"xl/sharedStrings.xml"} if shared_strings_used else set())
    for member in (*_READ_BY_CALAMINE, *(target for _name, target in sheets)):
        if member not in archive.NameToInfo:
            if member in required:
                return PartError(member, missing=True)
            continue
        try:
            problem = _xml_problem(member, part_bytes(archive, member))
        except PartError as unreadable:
            return unreadable
        if problem is not None:
            return problem
    return None


def _xml_problem(member: str, data: bytes) -> PartError | None:
    """What calamine cannot read in a part: its XML not one whole document (a part cut short is not), or entities its
    own DOCTYPE declares, which calamine does not know ("unrecognized entity `&name;`", said of the workbook, not the
    part) and the XML parser refuses to expand past a limit (a billion laughs)."""
    parser = expat.ParserCreate()
    declared: list[str] = []
    parser.EntityDeclHandler = lambda name, is_parameter_entity, *_rest: None if is_parameter_entity else declared.append(name)
    try:
        parser.Parse(data, True)
        damaged = False
    except expat.ExpatError:
        damaged = True
    if any(f"&{name};".encode("utf-8") in data for name in declared):
        return PartError(member, entities=True)
    return PartError(member) if damaged else None


# Markup that holds no cell, whose text may look like tags: comments, processing instructions, a DOCTYPE, and CDATA
# sections (text). The reader finds links, error cells, hidden rows and the references its limits count by patterns
# on the sheet's bytes, which took a comment holding <c r="B4" t="e"><v>#REF!</v></c> for an error cell in B4 (the
# agency of row 4 unknown, though Excel shows its name), and a comment holding a row 999,999 for cells beyond the
# limits. Excel writes none: one search tells, and a sheet with some is read without them, its CDATA escaped.
_NO_CELL_OPENING = re.compile(rb"<!--|<\?|<!\[CDATA\[|<!DOCTYPE")
_MAY_OPEN_NO_CELL = re.compile(rb"<[!?]")  # what every opening above begins with
_NO_CELL_CLOSING = {b"<!--": b"-->", b"<?": b"?>", b"<![CDATA[": b"]]>", b"<!DOCTYPE": b">"}


def without_markup_of_no_cell(xml: bytes) -> bytes:
    """The sheet's XML without its comments, processing instructions and DOCTYPE, each CDATA section's text escaped
    (see above); its XML declaration kept. One never closed ends the work: the rest is left as it is (calamine names
    the damage). Each byte is searched once."""
    start = xml.find(b"?>") + 2 if xml.lstrip(b"\xef\xbb\xbf").startswith(b"<?xml") else 0
    if _MAY_OPEN_NO_CELL.search(xml, start) is None:  # one scan of the sheet (two finds took 1.6 times as long)
        return xml
    pieces, kept_from = [], 0
    opening = _NO_CELL_OPENING.search(xml, start)
    while opening is not None:
        body = opening.end()
        if opening[0] == b"<!DOCTYPE" and -1 < xml.find(b"[", body) < xml.find(b">", body):
            body = xml.find(b"]", xml.find(b"[", body))  # an internal subset: its declarations end in ">" too
        end = xml.find(_NO_CELL_CLOSING[opening[0]], body) if body != -1 else -1
        if end == -1:
            break
        pieces.append(xml[kept_from : opening.start()])
        if opening[0] == b"<![CDATA[":
            pieces.append(xml[opening.end() : end].replace(b"&", b"&amp;").replace(b"<", b"&lt;").replace(b">", b"&gt;"))
        kept_from = end + len(_NO_CELL_CLOSING[opening[0]])
        opening = _NO_CELL_OPENING.search(xml, kept_from)
    pieces.append(xml[kept_from:])
    return b"".join(pieces)


# Attributes written with spaces around their "=" (r = "C7"), which XML allows and calamine reads, while the reader's
# patterns look for r="C7" as Excel writes it: a cell <c r = "ZZZ3"> passed the limit of columns (a grid of 18,278
# columns) and <c r= "A999993"> the limit of rows (a million rows, 500 MB). Such a row or cell tag does not begin
# with r=" (see _TAG_NOT_BEGUN_BY_REFERENCE), nor does any tag of a sheet that has them but is not written as Excel
# writes it: then every tag is written without whitespace beside the "=" of its attributes, and nothing else changes.
# The sheet is read from its first byte: each quoted value, and the text from a tag's end to the next "<", is taken
# whole and kept (a link's location "a = 'b'" was stored as "a='b'"), so what is left to match is the tags' names and
# their "=".
# A quoted value is taken whole, as calamine reads it (xlsx_attributes.QUOTED_VALUE).
_KEPT_OR_SPACED_EQUALS = re.compile(rb"(>[^<]*|" + QUOTED_VALUE + rb""")|(?:\s+=\s*|=\s+)(?=["'])""")


def with_plain_attributes(xml: bytes) -> bytes:
    """The sheet's XML with no whitespace beside the "=" of any attribute, its values and text as they are (see
    above). One scan, as fast as the search of each tag it replaced."""
    return _KEPT_OR_SPACED_EQUALS.sub(lambda match: match[1] or b"=", xml)


def sheet_as_excel_writes_it(xml: bytes) -> bytes:
    """A sheet's XML as the reader's patterns expect it, which is how Excel writes it (see each step); one search
    tells that a sheet's rows and cells are written as Excel writes them, as every list of ICE's is."""
    xml = without_prefixes(without_markup_of_no_cell(xml))
    if _TAG_NOT_BEGUN_BY_REFERENCE.search(xml) is None:
        return xml
    return with_references(with_plain_attributes(xml))


# A sheet of a workbook is a worksheet (rows of cells) or a chart sheet (a chart alone), and a damaged or altered
# workbook may name any part of the archive as a sheet (its cell formats, its theme...): calamine reads a part without
# rows as an empty sheet, and such a workbook was "empty". The part's root element tells (its prefix, if any, aside).
_ROOT_ELEMENT = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?([A-Za-z_][\w.-]*)")
_SHEETS_OF_CELLS = frozenset((b"worksheet", b"macrosheet", b"dialogsheet"))


def not_a_worksheet(xml: bytes) -> str | None:
    """"chart" for a chart sheet's part, "other" for a part that is no sheet at all; None for a sheet of cells, or a
    part with no element to tell by (damaged: calamine names it)."""
    root = _ROOT_ELEMENT.search(xml)
    if root is None or root[1] in _SHEETS_OF_CELLS:
        return None
    return "chart" if root[1] == b"chartsheet" else "other"


# A sheet's elements in the spreadsheet namespace, and the relationship ids of its links, are written without a prefix
# by Excel (<c r="A1">, r:id="rId1"); other writers may bind the namespaces to prefixes of their own (<x:c r="A1">),
# which calamine reads alike. Excel's ("transitional") namespaces and ISO's strict ones.
_MAIN_NAMESPACE = re.compile(
    rb'\sxmlns:([A-Za-z_][\w.-]*)\s*=\s*["\'](?:http://schemas\.openxmlformats\.org/spreadsheetml/2006/main|http://purl\.oclc\.org/ooxml/spreadsheetml/main)["\']'
)
_RELATIONSHIP_NAMESPACE = re.compile(
    rb'\sxmlns:([A-Za-z_][\w.-]*)\s*=\s*["\'](?:http://schemas\.openxmlformats\.org/officeDocument/2006/relationships|http://purl\.oclc\.org/ooxml/officeDocument/relationships)["\']'
)
_ROOT_END = 8192  # namespaces are declared on the root element, which opens the part


def without_prefixes(xml: bytes) -> bytes:
    """A sheet's XML as Excel writes it: the spreadsheet namespace's prefix taken off its elements (declared as the
    default namespace instead), and the relationships' prefix written "r", so that the sheet's links, error cells
    and hidden rows, which the reader finds in the XML itself (xlsx.py), are found whatever prefixes the writer
    chose. A sheet without such prefixes, as Excel writes it, is returned as it is."""
    head = xml[:_ROOT_END]
    main, relationships = _MAIN_NAMESPACE.search(head), _RELATIONSHIP_NAMESPACE.search(head)
    if main is not None:
        xml = re.sub(rb"<(/?)" + re.escape(main[1]) + rb":", rb"<\1", xml)
        if not re.search(rb"\sxmlns\s*=", xml[:_ROOT_END]):
            declared = _MAIN_NAMESPACE.search(xml, 0, _ROOT_END)  # where the declaration is now, the tags shortened
            xml = xml[: declared.start()] + b" xmlns=" + declared[0].split(b"=", 1)[1] + xml[declared.start() :]
    if relationships is not None and relationships[1] != b"r":
        xml = re.sub(rb"(\s)" + re.escape(relationships[1]) + rb":id(?=\s*=)", rb"\1r:id", xml)
    return xml


# A row's or a cell's reference (r="7", r="C7") may be left out: the row is then the one after the row before it, the
# cell the one after the cell before it (ECMA-376, 18.3.1.73 and 18.3.1.4). Excel writes every one; a sheet without
# them is given them, so that the reader finds its links, error cells and hidden rows where calamine puts its values.
# A tag's attributes are read one after another, each quoted value whole (xlsx_attributes): a ">" in a value ended the
# tag early, and r="C7" in another attribute's value (title='r="C7"') was taken for the tag's reference.
_ROW_OR_CELL_TAG = re.compile(rb"<(row|c)(?=[\s/>])" + ATTRIBUTES + rb">")
_COLUMN_LETTERS = re.compile(rb"^([A-Za-z]{1,3})")


# For the size checks (xlsx.py), which read every row's tag, and every cell's in a sheet naming a column past Z or a row
# past 99,999: a reference written first, as Excel writes it, is read at once, and the attributes after it one after
# another only when they may hold another (r="C7" r="ZZZ7" is no XML, and calamine takes a cell's last).
_REFERENCE_FIRST = rb"""(?:\s+r\s*=\s*["']([^"']*)["'])?"""
_ROW_TAG = re.compile(rb"<row(?=[\s/>])" + _REFERENCE_FIRST + ATTRIBUTES + rb">")
_CELL_TAG = re.compile(rb"<c(?=[\s/>])" + _REFERENCE_FIRST + ATTRIBUTES + rb">")


def row_tags(xml: bytes) -> list[tuple[bytes, bytes]]:
    """Each row's tag: the reference it gives (b"" for none; the first, for a tag giving two, as calamine numbers the
    row) and its attributes after it (all of them, when it does not begin with it), read as calamine reads them (see
    above)."""
    return [(first or next(iter(references_given(rest)), b""), rest) for first, rest in _ROW_TAG.findall(xml)]


def cell_references(xml: bytes) -> list[bytes]:
    """Every reference the sheet's cells give (<c r="C7">), and no text or other attribute's value reading like one."""
    return [
        reference
        for first, rest in _CELL_TAG.findall(xml)
        for reference in ([first] if first else []) + (references_given(rest) if b"r" in rest else [])
    ]


def with_references(xml: bytes) -> bytes:
    """A sheet's XML with every row and cell carrying its reference (see above); a sheet whose rows and cells all
    carry one, as Excel writes it, is returned as it is."""
    if not _lacks_references(xml):
        return xml
    row, column = 0, -1

    def referenced(match: re.Match) -> bytes:
        nonlocal row, column
        name, attributes = match[1], match[2]
        given = references_given(attributes)
        if name == b"row":
            row = int(given[0]) if given and given[0].isdigit() else row + 1
            column = -1
            return match[0] if given else b"<row r=\"%d\"%s>" % (row, attributes)
        letters = _COLUMN_LETTERS.match(given[-1]) if given else None  # calamine takes a cell's last, a row's first
        column = column_index(letters[1].decode("ascii")) if letters else column + 1
        return match[0] if given else b"<c r=\"%s%d\"%s>" % (column_letter(column).encode("ascii"), row, attributes)

    return _ROW_OR_CELL_TAG.sub(referenced, xml)


# Excel writes a row's or a cell's reference as its first attribute (<row r="7" ...>, <c r="C7" ...>). One search
# for a row or cell tag that does not begin so tells that all do (2 ms for ICE's largest sheet); a sheet with such a
# tag has every tag looked at.
_TAG_NOT_BEGUN_BY_REFERENCE = re.compile(rb"""<(?:row|c)(?:[\t\n\r/>]| (?!r=["']))""")


def _lacks_references(xml: bytes) -> bool:
    """Whether a row or a cell of the sheet lacks a reference. calamine numbers such a row or cell after the one
    before it, wherever it is: a row of 16,000 cells without one in the middle of a sheet made its grid 16,000
    columns wide for every row (450 MB), past the limit of columns, which counts the references the sheet gives."""
    if _TAG_NOT_BEGUN_BY_REFERENCE.search(xml) is None:
        return False
    return any(not references_given(match[2]) for match in _ROW_OR_CELL_TAG.finditer(xml))

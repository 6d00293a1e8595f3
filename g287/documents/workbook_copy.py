"""A copy of an ICE workbook fit to keep and publish: the list as ICE published it, without what it says about people.

ICE's workbooks name the staff who created and last saved them (docProps/core.xml), the OneDrive folder of the one
who saved them (`absPath` in xl/workbook.xml: a personal mailbox's folder), carry SharePoint's document properties
(customXml/, docProps/custom.xml), and some link their documents through e-mail safety redirects whose addresses
hold mailbox identifiers. A workbook can also name people in comments, shared-workbook revisions, file-sharing
settings and core properties kept elsewhere by other tools. The archive keeps, and the site serves, this copy: every
sheet, value, style and hyperlink as published; the parts that are about people or editing (properties, comments,
revisions) removed with every reference to them; the names left in kept parts blanked; every wrapped address
replaced by the real one (as the ingest does: g287.sources.links). The same workbook always gives the same copy.
"""

from __future__ import annotations

import codecs
import io
import re
import zipfile
from functools import lru_cache
from pathlib import Path, PurePosixPath
from xml.sax.saxutils import escape

from g287.sources import links

# Parts that are not the list, or are about people or editing: SharePoint's properties, core properties kept by
# other packaging tools, comments and their drawings, the people of threaded comments, shared-workbook revisions,
# and whatever an editor left outside the package.
_DROPPED_PREFIXES = (
    "customxml/", "[trash]/", "package/services/metadata/", "xl/comments", "xl/threadedcomments/", "xl/persons/",
    "xl/revisions/", "xl/drawings/vmldrawing",
)
_DROPPED_PARTS = {"docprops/custom.xml"}
# Elements whose text names a person (any namespace prefix, or none): core and extended properties.
_PERSON_ELEMENTS = re.compile(r"<((?:[\w.-]+:)?(?:creator|lastModifiedBy|Manager|Company))(\s[^>]*)?>[^<]*</\1\s*>")
# Attributes naming a person or a person's folder: the OneDrive path of the one who saved, file-sharing's user.
_PERSON_ATTRIBUTES = re.compile(r"(<(?:[\w.-]+:)?(?:absPath|fileSharing)\b[^>]*?\b(?:url|userName)\s*=\s*)(\"[^\"]*\"|'[^']*')")
_RELATIONSHIP = re.compile(r"<Relationship\b[^>]*?/>|<Relationship\b[^>]*>.*?</Relationship\s*>", re.S)
_OVERRIDE = re.compile(r"<Override\b[^>]*?/>|<Override\b[^>]*>.*?</Override\s*>", re.S)
_ATTRIBUTE = re.compile(r"\b(Id|Target|TargetMode|PartName)\s*=\s*(?:\"([^\"]*)\"|'([^']*)')")
_RELATED = re.compile(r"<(?:[\w.-]+:)?\w+\b[^>]*?\br:id\s*=\s*(?:\"([^\"]*)\"|'([^']*)')[^>]*?/>")
# A string item of a cell (shared or inline): its text may run over several formatted runs.
_STRING_ITEM = re.compile(r"<(si|is)\b([^>]*)>(.*?)</\1\s*>", re.S)
_TEXT = re.compile(r"<t\b[^>]*>(.*?)</t\s*>|<t\b[^>]*/>", re.S)
_XML_PARTS = (".xml", ".rels", ".vml", ".psmdcp")
_QUOTES = {'"': "&quot;", "'": "&apos;"}


def publishable_copy(data: bytes) -> bytes:
    """The copy of a workbook (the bytes of an .xlsx) to keep and publish."""
    with zipfile.ZipFile(io.BytesIO(data)) as source:
        entries = [info for info in source.infolist() if not info.is_dir()]
        dropped = {info.filename.lower() for info in entries if _is_dropped(info.filename)}
        texts = {info.filename: _decoded(source.read(info.filename)) for info in entries if info.filename.lower().endswith(_XML_PARTS) and info.filename.lower() not in dropped}
        # Relationships to dropped parts go first, and with them the references (r:id) to those relationships.
        removed_ids: dict[str, set[str]] = {}
        for name, (text, codec) in list(texts.items()):
            if name.lower().endswith(".rels"):
                gone: set[str] = set()

                def keep(match: re.Match, rels_name: str = name, gone: set[str] = gone) -> str:
                    if _points_to(rels_name, match[0], dropped):
                        gone.add(_attributes(match[0]).get("Id", ""))
                        return ""
                    return match[0]

                texts[name] = (_RELATIONSHIP.sub(keep, text), codec)
                removed_ids[_described_part(name)] = gone
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
            for info in entries:
                if info.filename.lower() in dropped:
                    continue
                if info.filename in texts:
                    text, codec = texts[info.filename]
                    content = _encoded(_cleaned_part(info.filename, text, dropped, removed_ids.get(info.filename.lower(), set())), codec)
                else:
                    content = source.read(info.filename)
                copied = zipfile.ZipInfo(info.filename, date_time=info.date_time)
                copied.compress_type = zipfile.ZIP_DEFLATED
                copied.external_attr = info.external_attr
                target.writestr(copied, content)
    return out.getvalue()


def write_publishable_copy(source: Path, target: Path) -> None:
    target.write_bytes(publishable_copy(Path(source).read_bytes()))


def served_copy(path: Path) -> bytes:
    """The publishable copy of an archived workbook, for serving it (a copy already is its own copy). Archive files
    never change, so a few recent copies are kept rather than made again on every request."""
    status = Path(path).stat()
    return _copy_of_file(str(path), status.st_size, status.st_mtime_ns)


@lru_cache(maxsize=8)
def _copy_of_file(path: str, _size: int, _modified_ns: int) -> bytes:
    return publishable_copy(Path(path).read_bytes())


def _is_dropped(name: str) -> bool:
    lowered = name.lower()
    return lowered.startswith(_DROPPED_PREFIXES) or lowered in _DROPPED_PARTS


def _decoded(content: bytes) -> tuple[str, str]:
    """A part's text and its encoding (UTF-8 or UTF-16, by its byte-order mark; the copy keeps it)."""
    for mark, codec in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16")):
        if content.startswith(mark):
            return content.decode(codec, errors="surrogateescape" if codec == "utf-8-sig" else "replace"), codec
    return content.decode("utf-8", errors="surrogateescape"), "utf-8"


def _encoded(text: str, codec: str) -> bytes:
    return text.encode(codec, errors="surrogateescape" if codec.startswith("utf-8") else "replace")


def _cleaned_part(name: str, text: str, dropped: set[str], removed_ids: set[str]) -> str:
    lowered = name.lower()
    if lowered == "[content_types].xml":
        text = _OVERRIDE.sub(lambda m: "" if _attributes(m[0]).get("PartName", "").lstrip("/").lower() in dropped else m[0], text)
    if removed_ids:  # elements of this part that refer to a relationship now gone (a sheet's legacyDrawing, say)
        text = _RELATED.sub(lambda m: "" if (m[1] if m[1] is not None else m[2]) in removed_ids else m[0], text)
    text = _PERSON_ELEMENTS.sub(lambda m: f"<{m[1]}{m[2] or ''}></{m[1]}>", text)
    text = _PERSON_ATTRIBUTES.sub(lambda m: f'{m[1]}""', text)
    # Read as text (character references decoded): "&#115;afelinks" hides a wrapper from the part's bytes, not from
    # a reader of the workbook.
    if links.names_a_wrapper(_xml_unescaped(text)):
        text = _STRING_ITEM.sub(_string_item_without_wrappers, text)
        text = _without_wrapped_addresses(text)
    return text


def _attributes(element: str) -> dict[str, str]:
    return {key: _xml_unescaped(double if double is not None else single) for key, double, single in _ATTRIBUTE.findall(element)}


def _described_part(rels_name: str) -> str:
    """The part a .rels part describes (`xl/worksheets/_rels/sheet1.xml.rels` -> `xl/worksheets/sheet1.xml`)."""
    path = PurePosixPath(rels_name)
    return str(path.parent.parent / path.name[: -len(".rels")]).lower().lstrip("./")


def _points_to(rels_name: str, relationship: str, dropped: set[str]) -> bool:
    """Whether a relationship (in the .rels part `rels_name`) targets a part that is dropped."""
    attributes = _attributes(relationship)
    if attributes.get("TargetMode") == "External" or "Target" not in attributes:
        return False
    target = attributes["Target"]
    if target.startswith("/"):
        resolved = PurePosixPath(target.lstrip("/"))
    else:  # relative to the folder of the part the .rels describes (`xl/_rels/workbook.xml.rels` -> `xl/`)
        resolved = PurePosixPath(rels_name).parent.parent / target
    parts: list[str] = []
    for piece in resolved.parts:
        if piece == "..":
            if parts:
                parts.pop()
        elif piece != ".":
            parts.append(piece)
    return "/".join(parts).lower() in dropped


def _string_item_without_wrappers(match: re.Match) -> str:
    """A cell's string whose text, read whole, holds a wrapped address (split over formatted runs, the pieces of
    its identifiers would escape a search run by run): one plain run of the text with the real address."""
    whole = "".join(_xml_unescaped(piece or "") for piece in _TEXT.findall(match[3]))
    cleaned, replaced = links.without_wrappers(whole)
    if not replaced:
        return match[0]
    return f'<{match[1]}{match[2]}><t xml:space="preserve">{escape(cleaned)}</t></{match[1]}>'


def _without_wrapped_addresses(text: str) -> str:
    """XML text with every safety-redirect address replaced by the real one, wherever it is written: the part is
    read token by token (a tag, whose quoted values may hold ">", a run of text, a CDATA section, a comment, a
    processing instruction), each read as text (its character references decoded) and written back escaped as its
    kind requires; a token that held no wrapped address is left exactly as it was."""

    def attribute(match: re.Match) -> str:
        quote = '"' if match[2] is not None else "'"
        cleaned, replaced = links.without_wrappers(_xml_unescaped(match[2] if match[2] is not None else match[3]))
        return f"{match[1]}{quote}{escape(cleaned, _QUOTES)}{quote}" if replaced else match[0]

    def token(match: re.Match) -> str:
        part = match[0]
        if not links.names_a_wrapper(_xml_unescaped(part)):
            return part
        if part.startswith(("<!--", "<?")):
            return ""  # a comment or an instruction to a program is no value of the list: it goes with the wrapper
        if part.startswith("<![CDATA["):
            cleaned, _ = links.without_wrappers(part[9:-3])  # CDATA holds its characters as they are
            return "<![CDATA[" + cleaned.replace("]]>", "]]]]><![CDATA[>") + "]]>"
        if part.startswith("<"):
            return _VALUE_IN_TAG.sub(attribute, part)
        cleaned, replaced = links.without_wrappers(_xml_unescaped(part))
        return escape(cleaned) if replaced else part

    return _XML_TOKEN.sub(token, text)


def _xml_unescaped(text: str) -> str:
    """Text with XML's character references decoded, and only XML's (html.unescape reads &#x80; as "€", as HTML
    does, where XML means the character U+0080)."""
    if "&" not in text:
        return text

    def character(match: re.Match) -> str:
        if match[3]:
            return _NAMED[match[3]]
        try:
            return chr(int(match[1], 16) if match[1] else int(match[2]))
        except (ValueError, OverflowError):  # no character has that number: left as written
            return match[0]

    return _XML_REFERENCE.sub(character, text)


_XML_REFERENCE = re.compile(r"&(?:#x([0-9a-fA-F]+)|#([0-9]+)|(amp|lt|gt|quot|apos));")
_NAMED = {"amp": "&", "lt": "<", "gt": ">", "quot": '"', "apos": "'"}
_XML_TOKEN = re.compile(r"<!--.*?-->|<!\[CDATA\[.*?\]\]>|<\?.*?\?>|<(?:\"[^\"]*\"|'[^']*'|[^'\">])*>|[^<]+", re.S)
_VALUE_IN_TAG = re.compile(r"""(=\s*)(?:"([^"]*)"|'([^']*)')""")

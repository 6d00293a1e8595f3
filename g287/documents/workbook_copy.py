"""A copy of an ICE workbook fit to keep and publish: the list as ICE published it, without what it says about people.

ICE's workbooks name the staff who created and last saved them (docProps/core.xml), carry SharePoint's document
properties (customXml/, docProps/custom.xml: fields that can name people), and some link their documents through
e-mail safety redirects whose addresses hold mailbox identifiers. The archive keeps, and the site serves, this copy:
every sheet, value, style and hyperlink as published, with the people's names blanked, SharePoint's parts and any
leftover parts outside the package (`[trash]/`) removed, and every wrapped address replaced by the real one (as the
ingest does: g287.sources.links). The same workbook always gives the same copy, byte for byte.
"""

from __future__ import annotations

import html
import io
import re
import zipfile
from pathlib import Path, PurePosixPath
from xml.sax.saxutils import escape

from g287.sources import links

# Parts that are not the list: SharePoint's properties and whatever an editor left outside the package.
_DROPPED_PREFIXES = ("customxml/", "[trash]/")
_DROPPED_PARTS = {"docprops/custom.xml"}
# Elements whose text names a person: core properties, extended properties, the authors of cell comments.
_PERSON_ELEMENTS = re.compile(r"<((?:dc:creator|cp:lastModifiedBy|Manager|Company|author))(\s[^>]*)?>[^<]*</\1>")
# Attributes of people in threaded comments' list of persons.
_PERSON_ATTRIBUTES = re.compile(r'\b(displayName|userId)="[^"]*"')
_RELATIONSHIP = re.compile(r"<Relationship\b[^>]*/>|<Relationship\b[^>]*>.*?</Relationship>", re.S)
_OVERRIDE = re.compile(r"<Override\b[^>]*/>")
_ATTRIBUTE = re.compile(r'\b(Target|TargetMode|PartName)="([^"]*)"')


def publishable_copy(data: bytes) -> bytes:
    """The copy of a workbook (the bytes of an .xlsx) to keep and publish."""
    with zipfile.ZipFile(io.BytesIO(data)) as source:
        entries = [info for info in source.infolist() if not info.is_dir()]
        dropped = {info.filename for info in entries if _is_dropped(info.filename)}
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
            for info in entries:
                if info.filename in dropped:
                    continue
                content = source.read(info.filename)
                if info.filename.lower().endswith((".xml", ".rels", ".vml")):
                    content = _cleaned_part(info.filename, content, dropped)
                copied = zipfile.ZipInfo(info.filename, date_time=info.date_time)
                copied.compress_type = zipfile.ZIP_DEFLATED
                copied.external_attr = info.external_attr
                target.writestr(copied, content)
    return out.getvalue()


def write_publishable_copy(source: Path, target: Path) -> None:
    target.write_bytes(publishable_copy(Path(source).read_bytes()))


def _is_dropped(name: str) -> bool:
    lowered = name.lower()
    return lowered.startswith(_DROPPED_PREFIXES) or lowered in _DROPPED_PARTS


def _cleaned_part(name: str, content: bytes, dropped: set[str]) -> bytes:
    text = content.decode("utf-8", errors="surrogateescape")
    lowered = name.lower()
    if lowered.endswith(".rels"):
        text = _RELATIONSHIP.sub(lambda m: "" if _points_to(name, m[0], dropped) else m[0], text)
    elif lowered == "[content_types].xml":
        text = _OVERRIDE.sub(lambda m: "" if _overridden_part(m[0]) in {d.lower() for d in dropped} else m[0], text)
    if lowered.startswith("docprops/") or "/comments" in lowered or lowered.startswith("xl/comments"):
        text = _PERSON_ELEMENTS.sub(lambda m: f"<{m[1]}{m[2] or ''}></{m[1]}>", text)
    if "/persons/" in lowered:
        text = _PERSON_ATTRIBUTES.sub(lambda m: f'{m[1]}=""', text)
    if links.may_hold_wrappers(content):
        text = _without_wrapped_addresses(text)
    return text.encode("utf-8", errors="surrogateescape")


def _points_to(rels_name: str, relationship: str, dropped: set[str]) -> bool:
    """Whether a relationship (in the .rels part `rels_name`) targets a part that is dropped."""
    attributes = dict(_ATTRIBUTE.findall(relationship))
    if attributes.get("TargetMode") == "External" or "Target" not in attributes:
        return False
    target = html.unescape(attributes["Target"])
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
    return "/".join(parts).lower() in {d.lower() for d in dropped}


def _overridden_part(override: str) -> str:
    return html.unescape(dict(_ATTRIBUTE.findall(override)).get("PartName", "")).lstrip("/").lower()


def _without_wrapped_addresses(text: str) -> str:
    """XML text with every safety-redirect address (in attributes, cell text or formulas) replaced by the real one."""

    def real(match: re.Match) -> str:
        token = html.unescape(match[0])
        cleaned, replaced = links.without_wrappers(token)
        return escape(cleaned, {'"': "&quot;"}) if replaced else match[0]

    return links.WRAPPED_IN_TEXT.sub(real, text)

"""A sheet's cell hyperlinks (the MOA and ADDENDUM addresses), read from its XML, and what the register says of them.

A link is a <hyperlink> tag naming its cells (ref) and its target (r:id, a relationship of the sheet) or a place in
the workbook (location), or a HYPERLINK("...") formula. Addresses are unwrapped from e-mail safety redirects
(links.unwrap); a link that gives no document's address is counted, never dropped unsaid.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field

from g287.sources.links import (
    BIDI_CONTROL,
    Unwrapped,
    links_with_breaks_note,
    links_with_spaces_note,
    refused_address,
    refused_links_note,
    unwrap,
    without_breaks,
    without_wrappers,
    wrapped_links_note,
)
from g287.sources.table import Note, parse_cell_ref
from g287.wording import counted

# A <hyperlink> tag's attributes, read one after another: a value may hold ">" (XML allows it unescaped), or read
# like another attribute (display="see location='page=3'"), and is never taken for the tag's end or for a name.
# A link's location is a place within its target (Excel opens target#location: page=3 of a PDF), or, with no target
# (no r:id), a place in the workbook ('Sheet 2'!A1: either quote may be inside the other).
_HYPERLINK_TAG = re.compile(rb'<hyperlink\b((?:[^>"\']|"[^"]*"|\'[^\']*\')*)>')
_ATTRIBUTE = re.compile(rb'([^\s=/>"\']+)\s*=\s*(?:"([^"]*)"|\'([^\']*)\')')
# The address's quotes are written as they are (openpyxl, Excel) or escaped (&quot;).
# Only an address that is one string is read: one built by the formula ("..."&C7&".pdf") is no address.
# re.I: the formula's name, and the cell's reference, in either case (r="g3" is G3 to calamine).
_HYPERLINK_FORMULA = re.compile(rb'<c\b[^>]*\br=["\']([A-Z]+\d+)["\'][^>]*>\s*<f[^>]*>\s*HYPERLINK\(\s*(?:&quot;|")((?:(?!&quot;)[^"])*)(?:&quot;|")\s*[,)]', re.S | re.I)
# A document's address (Excel opens "www.ice.gov/..." as a web page too); a link's target may be no web address.
_WEB_ADDRESS = re.compile(r"https?://|www\.", re.I)


class RangesOverlap(Exception):
    """A sheet's links, or its merged ranges, name its cells over and over: more cells in all than the sheet holds,
    and one more for each link or range. Giving each cell its link or value takes as long as their areas add up to
    (4,000 links over the rows of a list of 648: 5 s; 100,000, minutes), and a sheet a spreadsheet wrote has none such
    (Excel does not let merged ranges overlap at all)."""

    def __init__(self, what: str, count: int, area: int, cells: int):
        super().__init__(f"refused: the sheet's {what} name its cells over and over (the first {count:,} name {area:,} cells; it holds {cells:,}): a damaged or altered workbook")


def overlap_budget(cells: int):
    """A function called with the area each link or range names (clipped to the sheet), which raises RangesOverlap
    once their areas add up to more than `cells` and one for each."""
    named = [0, 0]  # areas, count

    def name(area: int, what: str) -> None:
        named[0] += area
        named[1] += 1
        if named[0] > cells + named[1]:
            raise RangesOverlap(what, named[1], named[0], cells)

    return name


@dataclass
class _LinksNotKept:
    """What the register says of a sheet's links (see read_links)."""

    wrapped: int = 0  # wrapped in a safety redirect
    unrecovered: int = 0  # of those, not carrying the real address
    not_web: int = 0  # to no web address
    locations_not_kept: list[str] = field(default_factory=list)
    without_target: list[str] = field(default_factory=list)  # cells of links whose target the sheet lacks
    with_breaks: list[str] = field(default_factory=list)  # addresses holding a tab or line break, as given
    no_cell: list[str] = field(default_factory=list)  # what a link names for its cells, when no cell of the sheet's values
    with_spaces: list[str] = field(default_factory=list)  # addresses with spaces around them, as given
    refused: dict[str, list[str]] = field(default_factory=dict)  # addresses refused (links.refused_address), by reason

    def notes(self) -> list[Note]:
        notes = []
        if self.not_web:
            notes.append(
                Note(
                    problem=f"{counted(self.not_web, 'link')} to no web address (an e-mail address, a file on someone's computer, a place in the workbook...)",
                    action="no document address: a document's address is a web address (http or https); the link's target is not kept",
                )
            )
        if self.locations_not_kept:
            notes.append(
                Note(
                    problem=f"{counted(len(self.locations_not_kept), 'link')} to a place within an address that names a place already (after its #)",
                    action="the address is kept as the link gives it; the place the link adds (its location) is not kept",
                    raw_value=", ".join(dict.fromkeys(self.locations_not_kept)),
                )
            )
        if self.without_target:
            notes.append(
                Note(
                    problem=f"{counted(len(self.without_target), 'link')} whose target the workbook does not hold (the sheet's list of link targets lacks it)",
                    action="no address: the cells' links are unknown",
                    raw_value=", ".join(self.without_target),
                )
            )
        if self.no_cell:
            notes.append(
                Note(
                    problem=f"{counted(len(self.no_cell), 'link')} on no cell of the sheet's rows and columns (a cell reference that is none, or cells beyond the last row or column holding a value)",
                    action="not read: no row of the list holds the link",
                    raw_value=", ".join(self.no_cell),
                )
            )
        if self.wrapped:
            notes.append(wrapped_links_note(self.wrapped, self.unrecovered))
        if self.with_breaks:
            notes.append(links_with_breaks_note(self.with_breaks))
        if self.with_spaces:
            notes.append(links_with_spaces_note(self.with_spaces))
        notes.extend(refused_links_note(reason, addresses) for reason, addresses in self.refused.items())
        return notes


def read_links(xml: bytes, rels: dict[str, str], rows: int, columns: int) -> tuple[dict[int, dict[int, str]], list[Note]]:
    """Hyperlink addresses by row and column, unwrapped, for the cells of the sheet's `rows` x `columns` (a link's
    range may claim the whole sheet: only cells that exist are given it), and the register's notes on the links not
    kept as they are: wrapped in a safety redirect (the wrapper is never kept), to no web address (mailto:john.doe@...,
    file:///C:/Users/..., #Sheet2!A1: no document's address, and may name a person, so not kept), a location (a
    place within the target, kept after a # as Excel opens it) given to an address that names a place already, a
    target the sheet's relationships lack (a damaged file), an address holding a tab or line break (kept without them,
    as a browser opens it: a target written with &#10; or &#9;, which the XML parser decodes) or with spaces around
    it (kept without them), an address links.refused_address refuses (bidirectional controls, a user and password:
    no address), and a link on no cell of the sheet's values."""
    links: dict[int, dict[int, str]] = {}
    said = _LinksNotKept()
    named = overlap_budget(rows * columns)

    def put(ref: str, address: str, location: str = "") -> None:
        result = unwrap(address)
        # unwrap strips spaces around the address, as a browser does ("leading and trailing C0 control or space"): said
        # with the address as given. A wrapped address is said as unwrapped (wrapped_links_note), never as given.
        spaced = result.wrapper is None and without_breaks(address) != without_breaks(address).strip()
        if result.url and location and _WEB_ADDRESS.match(without_breaks(result.url)):
            if "#" in result.url:
                said.locations_not_kept.append(without_wrappers(location)[0])  # quoted in the register: no wrapper's identifiers
            else:
                # The place after the real address, as a browser takes a redirect's fragment along; a location
                # carrying a wrapper's address gives no address, as an address carrying one does (links.unwrap).
                located = unwrap(result.url + "#" + location)
                result = Unwrapped(located.url, result.wrapper or located.wrapper)
        if result.wrapper:
            said.wrapped += 1
        if not result.url:
            said.unrecovered += result.wrapper is not None
            return
        # An unwrapped address is without them already; the address it carried, or a location, is not (links.unwrap).
        url = without_breaks(result.url)
        if not _WEB_ADDRESS.match(url) and not _WEB_ADDRESS.match(BIDI_CONTROL.sub("", url)):  # refused below, with its address
            said.not_web += 1
            said.unrecovered += result.wrapper is not None  # unwrapped to no document's address
            return
        cells = ref.split(":")
        first = parse_cell_ref(cells[0])
        last = parse_cell_ref(cells[-1]) or first
        if not first or first[0] > rows or first[1] >= columns:
            said.no_cell.append(f"{ref or '(no cell named)'} ({url})")  # no wrapper's identifiers: url is unwrapped
            return
        refused = refused_address(url)
        if refused:
            # Bidirectional controls, or a user and password before the host: the link is left unknown, said with
            # its address (unwrapped: no wrapper's identifiers).
            said.refused.setdefault(refused, []).append(result.url)
            return
        if url != result.url:
            said.with_breaks.append(result.url)  # no wrapper's identifiers: a wrapper is never kept, nor its address (unwrap)
        if spaced:
            said.with_spaces.append(address)
        named(max(0, min(last[0], rows) - first[0] + 1) * max(0, min(last[1], columns - 1) - first[1] + 1), "links")
        for row in range(first[0], min(last[0], rows) + 1):
            for column in range(first[1], min(last[1], columns - 1) + 1):
                links.setdefault(row, {})[column] = url

    for ref, relationship, location in map(_hyperlink_attributes, _HYPERLINK_TAG.findall(xml)):
        target = rels.get(relationship) if relationship else None
        if target:
            put(ref, target, location)  # the target already unescaped by the XML parser: as written
        elif not relationship and location:
            said.not_web += 1  # a place in the workbook ('Sheet 2'!A1), no document's address
        elif relationship:
            said.without_target.append(ref or "(no cell named)")
    has_formulas = b"<f>" in xml or b"<f " in xml  # most sheets have none: skip a scan of every cell
    for ref, address in _HYPERLINK_FORMULA.findall(xml) if has_formulas and b"hyperlink(" in xml.lower() else ():
        put(ref.decode("ascii"), html.unescape(address.decode("utf-8", "replace")))
    return links, said.notes()


def _hyperlink_attributes(attributes: bytes) -> tuple[str, str, str]:
    """A <hyperlink> tag's ref, r:id and location ("" for one it lacks), as the XML says them (references decoded).
    An attribute written twice (no valid XML) counts once, the first time."""
    found: dict[bytes, bytes] = {}
    for name, double_quoted, single_quoted in _ATTRIBUTE.findall(attributes):
        found.setdefault(name, double_quoted or single_quoted)
    return tuple(_attribute_text(found.get(name, b"")) for name in (b"ref", b"r:id", b"location"))


def _attribute_text(value: bytes) -> str:
    text = value.decode("utf-8", "replace")
    return html.unescape(text) if "&" in text else text

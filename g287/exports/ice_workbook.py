"""Workbooks in ICE's own layout (the columns and values of ICE's participating and pending lists).

Written for exports and for the registry's own lists; `g287 ingest` reads them back to the same figures.
Each row carries the values as the registry read them; where a value is unknown, ICE's own cell is written as text,
as the quality register gives it ("N/A", "#N/A", a date in the year 5025 as "5025-07-07", "link" with no address),
so the list keeps what ICE published and a re-ingest registers the same problem rather than inventing a value.
A value longer than an Excel cell holds is cut with a note saying so and where the whole value is (within_cell_limit).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import IO, Iterable

import xlsxwriter
from xlsxwriter.url import Url
from sqlalchemy import select
from sqlalchemy.orm import Session

from g287.catalog import catalog
from g287.db.chunks import chunks
from g287.db.models.registry import AgencyName, Publication, PublicationRows, RawRow
from g287.exports.formulas import is_formula_like
from g287.registry.runs import decode_row_map
from g287.sources.interpret import as_shown
from g287.sources.rules import source_rules, states

COLUMNS = {
    "participating": ["STATE", "LAW ENFORCEMENT AGENCY", "TYPE", "COUNTY", "SUPPORT TYPE", "SIGNED", "MOA", "ADDENDUM"],
    "pending": ["STATE", "LAW ENFORCEMENT AGENCY", "TYPE", "COUNTY", "SUPPORT TYPE"],
}
TYPE_LABELS = {"county": "County", "municipality": "Municipality", "state_agency": "State Agency", "other": "Other"}


@dataclass(frozen=True)
class IceRow:
    state: str  # as ICE writes it: the state's name in capitals
    agency: str
    agency_type: str
    county: str
    model: str  # ICE's SUPPORT TYPE label
    signed: dt.date | None = None
    moa_url: str | None = None
    moa_pending: bool = False
    addendum_url: str | None = None
    # ICE's cell as written where the registry read no value from it (an impossible date, "link" with no address).
    signed_text: str = ""
    moa_text: str = ""
    addendum_text: str = ""


def write_ice_workbook(target: str | Path | IO[bytes], kind: str, rows: Iterable[IceRow], modified: dt.datetime, *, addendum: bool = True) -> None:
    """Write an .xlsx workbook with ICE's columns; MOA and ADDENDUM cells say "link" and carry the hyperlink.
    `addendum`: whether the list has the ADDENDUM column (ICE's participating lists have had it since July 2025).

    `modified` is the time the workbook's metadata gives (its created and modified times), as ICE's own files carry
    one: a time of the list's own (naive: UTC), never the moment of writing, so that the same list always gives the
    same bytes (xlsxwriter dates every part of the package 1980-01-01)."""
    options = {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False}
    book = xlsxwriter.Workbook(target if not isinstance(target, Path) else str(target), options)
    book.set_properties({"created": modified.astimezone(dt.timezone.utc).replace(tzinfo=None) if modified.tzinfo else modified})
    sheet = book.add_worksheet("Sheet1")
    bold = book.add_format({"bold": True})
    date_format = book.add_format({"num_format": "m/d/yyyy"})
    quoted = book.add_format({"quote_prefix": True})
    columns = [c for c in COLUMNS[kind] if addendum or c != "ADDENDUM"]
    for column, title in enumerate(columns):
        sheet.write_string(0, column, title, bold)
    for index, row in enumerate(rows, start=1):
        texts = [row.state, row.agency, row.agency_type, row.county, row.model]
        for column, value in enumerate(texts):
            _write_text(sheet, index, column, value or "", quoted)
        if kind == "participating":
            if row.signed:
                sheet.write_datetime(index, 5, dt.datetime.combine(row.signed, dt.time()), date_format)
            elif row.signed_text:
                _write_text(sheet, index, 5, row.signed_text, quoted)
            if row.moa_url:
                _write_link(sheet, index, 6, row.moa_url, quoted)
            else:
                _write_text(sheet, index, 6, "link pending" if row.moa_pending else row.moa_text, quoted)
            if not addendum:
                continue
            if row.addendum_url:
                _write_link(sheet, index, 7, row.addendum_url, quoted)
            elif row.addendum_text:
                _write_text(sheet, index, 7, row.addendum_text, quoted)
    sheet.autofilter(0, 0, 0, len(columns) - 1)
    book.close()


def _write_text(sheet, row: int, column: int, text: str, quoted) -> None:
    sheet.write_string(row, column, within_cell_limit(text, sheet.xls_strmax), quoted if is_formula_like(text) else None)


# Said at the end of a value cut to fit a cell: where it was cut, and where the whole value is.
CUT_NOTE = " [cut: Excel holds at most {limit:,} characters in a cell, and this value has {length:,}; the SQLite download (/exports/g287.sqlite) holds it whole]"


def utf16_length(text: str) -> int:
    """The text's length as Excel counts characters: in UTF-16 units (a character beyond U+FFFF is two)."""
    return len(text.encode("utf-16-le")) // 2


def within_cell_limit(text: str, limit: int) -> str:
    """The text, or the start of it that fits a cell with CUT_NOTE after it. Excel refuses or cuts a cell longer than
    32,767 characters, counted in UTF-16 units (xlsxwriter's xls_strmax), and xlsxwriter cut it there without a word;
    a list read from CSV has no such limit (an agency's name, a county, an address may be longer). The cut never
    splits a character written as two units, and the note counts the value's length as it counts the limit."""
    if utf16_length(text) <= limit:
        return text
    note = CUT_NOTE.format(limit=limit, length=utf16_length(text))
    room = limit - utf16_length(note)
    return text.encode("utf-16-le")[: 2 * room].decode("utf-16-le", "ignore") + note


def _write_link(sheet, row: int, column: int, address: str, quoted) -> None:
    """A cell that says "link", linking the address, as ICE's cells do. An address that is not a web address (a
    relative path, another scheme) or that Excel cannot hold as a link (over 2,079 characters, or a character XML
    cannot hold) is written as text
    instead: the export keeps it, and no cell links to something a browser should not open."""
    if _WEB_ADDRESS.match(address) and not _NOT_IN_XML.search(address) and _fits_a_link(sheet, address) and sheet.write_url(row, column, _link_to(address), string="link") == 0:
        return
    _write_text(sheet, row, column, address, quoted)


def _fits_a_link(sheet, address: str) -> bool:
    """Whether Excel holds the address as a link: the address and its location after a "#", each at most the sheet's
    max_url_length (2,079) UTF-16 units, as write_url counts them. Checked here because write_url refuses a longer one
    with a warning that prints the whole address to the log."""
    return all(utf16_length(part) <= sheet.max_url_length for part in address.split("#", 1))


class _ExactUrl(Url):
    """A link whose target is written as given. xlsxwriter's Url percent-encodes % " space < > [ ] ^ ` { } in every
    address holding no %xx escape already: the brackets of an IPv6 host, http://[2001:db8::1]:8000/..., became
    %5b...%5d, an address no browser opens (and the registry's list, read back, carried another address, so `program
    publish` found it changed every time)."""

    @staticmethod
    def _escape_url(url: str) -> str:
        return url


def _link_to(address: str) -> str | Url:
    """What write_url is given for a web address: the address itself, written exactly (_ExactUrl), when it is a valid
    one (RFC 3986: every character one a URI may hold, brackets only around the host, % only in a %xx escape; a
    character beyond ASCII as an IRI holds it, which xlsxwriter never changes), as its cell says "link"; any other
    is left to xlsxwriter, which escapes the characters no address may hold (a space: %20) as Excel does, so that
    Excel opens the file without repairing it. xlsxwriter writes what follows a "#" as the link's location, unescaped,
    and g287's reader joins it back (g287.sources.xlsx_links)."""
    if not _is_valid_address(address):
        return address
    link = _ExactUrl(address)
    link.text = "link"  # write_url gives its `string` to an address it makes a Url of, not to a Url given
    return link


def _is_valid_address(address: str) -> bool:
    """Whether the web address is a valid URI (RFC 3986) or IRI (RFC 3987: characters beyond ASCII as they are):
    only the characters an address may hold, % only in a %xx escape, one "#" at most, and brackets only around an IP
    literal host ([2001:db8::1], [fe80::1%25eth0], [v1.x]) with nothing but a port after it."""
    parts = _AUTHORITY.match(address)
    if parts is None:
        return False
    host = parts.end() - len(parts[1].rpartition("@")[2])
    literal = _IP_LITERAL.match(address, host)
    outside = address[len(parts[0]) - len(parts[1]) : host] + address[literal.end() if literal else host :]
    return _URI_TEXT.fullmatch(outside.replace("#", "", 1)) is not None


_AUTHORITY = re.compile(r"https?://([^/?#]*)", re.IGNORECASE)
_IP_LITERAL = re.compile(r"\[(?:[0-9A-Fa-f:.]+(?:%25(?:[A-Za-z0-9\-._~]|%[0-9A-Fa-f]{2})+)?|v[0-9A-Fa-f]+\.[A-Za-z0-9\-._~!$&'()*+,;=:]+)\](?::[0-9]*)?(?=[/?#]|$)")
# What an address holds besides an IP literal: unreserved, sub-delims, : @ / ?, %xx, and (IRI) any character beyond
# ASCII but the controls U+0080-U+009F, the surrogates and U+FFFE, U+FFFF, which no address holds (nor XML: written
# unescaped, they made the workbook one that no reader opens).
_URI_TEXT = re.compile(r"(?:[A-Za-z0-9\-._~!$&'()*+,;=:@/?\u00a0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]|%[0-9A-Fa-f]{2})*")
_WEB_ADDRESS = re.compile(r"^https?://", re.IGNORECASE)
# Characters XML cannot hold: a link's target is written as it is, and made the workbook one no reader opens; as
# text, xlsxwriter writes them escaped (_xFFFF_). (An address read from a CSV may hold them; a workbook's cannot.)
_NOT_IN_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def rows_of_publication(session: Session, publication: Publication) -> list[IceRow]:
    """The listings of a publication in its own row order, in ICE's layout."""
    blob = session.get(PublicationRows, publication.id)
    if blob is None:
        return []
    mapped = decode_row_map(blob.row_map)
    ids = sorted({m.raw_row_id for m in mapped})
    raw: dict[int, tuple[RawRow, str | None]] = {}
    for chunk in chunks(ids):
        query = select(RawRow, AgencyName.name).outerjoin(AgencyName, AgencyName.id == RawRow.agency_name_id).where(RawRow.id.in_(chunk))
        for row, name in session.execute(query):
            raw[row.id] = (row, name)
    return [ice_row(*raw[m.raw_row_id]) for m in mapped]


def ice_row(row: RawRow, agency_name: str | None) -> IceRow:
    texts = _texts_by_field(json.loads(row.content)["cells"])

    def original(field: str) -> str:
        return texts.get(field, "")

    state_names = {s.usps: s.name.upper() for s in states()}
    labels = {code: model.ice_label for code, model in catalog().models.items()}
    return IceRow(
        state=state_names[row.state_usps] if row.state_usps else original("state"),
        agency=agency_name or original("agency"),
        agency_type=TYPE_LABELS.get(row.agency_type or "", original("type")) if row.agency_type != "other" else original("type"),
        county=row.county_text or original("county"),
        model=labels[row.model] if row.model else original("model"),
        signed=row.signed_on,
        moa_url=row.moa_url,
        moa_pending=row.moa_status == "pending",
        addendum_url=row.addendum_url,
        signed_text="" if row.signed_on else original("signed"),
        moa_text="" if row.moa_url or row.moa_status == "pending" else original("moa"),
        addendum_text="" if row.addendum_url else original("addendum"),
    )


def _texts_by_field(cells: dict) -> dict[str, str]:
    """A raw row's cells as they show, by the field their column holds, the column known by its header under any
    spelling the reader accepts: not by position, since a list may order its columns otherwise."""
    texts: dict[str, str] = {}
    for header, value in cells.items():
        field = _field_of_header(header)
        shown = _shown(value)
        if field is not None and shown is not None:
            texts.setdefault(field, shown)
    return texts


def _shown(value) -> str | None:
    """A cell as the row's content keeps it (g287.sources.interpret._encode), as the cell shows it; None for a
    formula without a saved result, which shows no value."""
    if isinstance(value, str):
        return value
    if isinstance(value, dict):  # {"error": "#N/A"}, {"date": "5025-07-07"}, {"datetime": ...}, {"number": "NaN"}, {"formula": ...}
        if "datetime" in value:
            return as_shown(dt.datetime.fromisoformat(value["datetime"]))
        return value.get("error") or value.get("date") or value.get("number")
    return as_shown(value)


@lru_cache(maxsize=1024)
def _field_of_header(header: str) -> str | None:
    # An export reads every cell of hundreds of rows under the same few headers: each header is matched once.
    column = source_rules().column_for(header)
    return column.field if column is not None else None

"""Reading a list exported to CSV (by ICE or by anyone who saved a workbook as CSV).

A CSV carries no hyperlinks, no filter and no metadata, and its encoding is not declared: UTF-8 (with or without
a byte-order mark) and UTF-16 with a byte-order mark are read as such; otherwise Windows-1252, the encoding Excel
uses on Windows, is tried and the choice is registered. Text that holds control characters is binary, not CSV.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from pathlib import Path

from g287 import config
from g287.errors import SourceError
from g287.sources.header import HEADER_SEARCH_ROWS, find_header
from g287.sources.links import names_a_wrapper, scrubbed, wrapped_in_text_note
from g287.sources.table import EXCEL_ERRORS, CellError, Note, SourceRow, SourceTable, is_blank

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def read_csv(path: Path, encoding: str | None = None) -> SourceTable:
    name = path.name
    try:
        size = path.stat().st_size
        if size > config.max_workbook_bytes():
            raise SourceError(name, f"refused: {size / 1048576:.0f} MB is larger than any list (limit G287_MAX_WORKBOOK_MB)")
        data = path.read_bytes()
    except OSError as error:
        raise SourceError(name, f"cannot be read ({error.strerror or error})") from None
    if not data.strip():
        raise SourceError(name, "the file is empty")
    text, used, note = _decode(name, data, encoding)
    if _CONTROL.search(text):
        raise SourceError(name, f"unreadable: decoded as {used}, the text holds control characters (a binary file, or another encoding; pass --encoding)")
    max_rows = config.max_source_rows()
    try:
        dialect = _dialect(text)
        records = []
        for record in csv.reader(io.StringIO(text, newline=""), dialect):
            records.append(record)
            if len(records) > max_rows + HEADER_SEARCH_ROWS:  # more rows of data than the limit, wherever the header is
                break
    except csv.Error as error:
        raise SourceError(name, f"not a readable CSV file ({error})") from None
    header_index = find_header(records)
    if header_index is None:
        raise SourceError(name, f"no header row with the columns STATE and LAW ENFORCEMENT AGENCY in the first {HEADER_SEARCH_ROWS} rows")
    if len(records) - 1 - header_index > max_rows:  # as a workbook's sheet is (xlsx.py), before any row is read
        raise SourceError(name, f"refused: it holds more rows below its header than the limit of {max_rows} (G287_MAX_SOURCE_ROWS)")
    width = max(len(r) for r in records)
    header = [h.strip() for h in records[header_index]] + [""] * (width - len(records[header_index]))
    rows = []
    last_data = header_index
    scrub = names_a_wrapper(text)  # addresses wrapped in a safety redirect: see links.py
    wrapped_in_text = 0
    for index in range(header_index + 1, len(records)):
        cells = [_cell(v) for v in records[index]] + [None] * (width - len(records[index]))
        if scrub:
            cells, replaced = scrubbed(cells)
            wrapped_in_text += replaced
        rows.append(SourceRow(number=index + 1, cells=cells))
        if any(not is_blank(v) for v in cells):
            last_data = index
    notes = [note] if note else []
    if wrapped_in_text:
        notes.append(wrapped_in_text_note(wrapped_in_text))
    trailing = len(records) - 1 - last_data
    if trailing:
        notes.append(
            Note(
                problem=f"{trailing} empty rows after the last row with data",
                action="not listings",
                raw_value=f"rows {last_data + 2}-{len(records)}",
                row_number=last_data + 2,
                category="not_a_listing",
                rows_skipped=trailing,
            )
        )
        rows = rows[: len(rows) - trailing]
    notes.append(
        Note(
            problem="a CSV file carries no hyperlinks",
            action="the addresses of the MOA and addendum documents are unknown for this publication",
        )
    )
    return SourceTable(
        path=str(path),
        file_name=name,
        source_format="csv",
        header_row=header_index + 1,
        header=header,
        rows=rows,
        source_rows=len(records) - 1 - header_index,
        notes=notes,
        carries_hyperlinks=False,
    )


def _decode(name: str, data: bytes, encoding: str | None) -> tuple[str, str, Note | None]:
    if encoding:
        try:
            return data.decode(encoding), encoding, None
        except (UnicodeDecodeError, LookupError) as error:
            raise SourceError(name, f"cannot be decoded as {encoding} ({error})") from None
    for bom, codec in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16")):
        if data.startswith(bom):
            try:
                return data.decode(codec), codec, None
            except UnicodeDecodeError as error:
                raise SourceError(name, f"unreadable: it starts with a {codec} byte-order mark but is not {codec} ({error.reason})") from None
    try:
        return data.decode("utf-8"), "utf-8", None
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:
        raise SourceError(name, "unreadable: the text is neither UTF-8 nor Windows-1252 (pass --encoding)") from None
    note = Note(problem="the file is not UTF-8", action="read as Windows-1252 (Excel's encoding for CSV on Windows)", raw_value="cp1252")
    return text, "Windows-1252", note


def _dialect(text: str):
    first = text.split("\n", 1)[0]
    delimiter = max((",", ";", "\t"), key=first.count)

    class Dialect(csv.excel):
        pass

    Dialect.delimiter = delimiter if first.count(delimiter) else ","
    return Dialect


def _cell(value: str):
    if value.strip() in EXCEL_ERRORS:
        return CellError(value.strip())
    return value

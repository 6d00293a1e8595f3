"""Reading a list exported to CSV (by ICE or by anyone who saved a workbook as CSV).

A CSV carries no hyperlinks, no filter and no metadata, and its encoding is not declared: UTF-8 (with or without
a byte-order mark) and UTF-16 with a byte-order mark are read as such; otherwise Windows-1252, the encoding Excel
uses on Windows, is tried and the choice is registered, unless the file holds UTF-8 text beside bytes that are not
(two encodings), which is refused. Text that holds control characters is binary, not CSV.

A title line may stand above the header, as in a workbook: the delimiter is the one under which a header is found in
the top rows. Quotes are read strictly: a stray double quote would otherwise open a cell that swallows the rows
below it, dropping them without a word, so a quoted field that is never closed, is closed in the middle of a cell,
runs over more lines than a cell holds or holds a whole row refuses the file, naming the line it opened on.
"""

from __future__ import annotations

import codecs
import csv
import io
import itertools
import re
from pathlib import Path

from g287 import config
from g287.errors import SourceError
from g287.sources.header import HEADER_SEARCH_ROWS, find_header
from g287.sources.links import names_a_wrapper, scrubbed, wrapped_in_text_note
from g287.sources.table import COMPOUND_FILE_HEADER, EXCEL_ERRORS, OLD_STYLE_WORKBOOK, ZIP_HEADER, CellError, Note, SourceRow, SourceTable, is_blank
from g287.wording import megabytes

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_DELIMITERS = (",", ";", "\t")
# A quoted cell may hold line breaks (a name typed on two lines in Excel); ICE's cells hold a line or two. A quoted
# field over more lines than this is a stray quote that swallowed the rows below it, not a cell.
_MOST_LINES_IN_A_CELL = 5
_LINE_BREAK = re.compile(r"\r\n|\r|\n")  # the line ends io.StringIO(newline="") splits on: physical lines
_QUOTE_OR_LINE_BREAK = re.compile(r'"|\r\n|\r|\n')
_DAMAGED = "the file is damaged (a stray double quote?)"


def read_csv(path: Path, encoding: str | None = None) -> SourceTable:
    name = path.name
    try:
        size = path.stat().st_size
        if size > config.max_workbook_bytes():
            raise SourceError(name, f"refused: {megabytes(size)} is larger than any list (limit G287_MAX_WORKBOOK_MB)")
        data = path.read_bytes()
    except OSError as error:
        raise SourceError(name, f"cannot be read ({error.strerror or error})") from None
    if not data.strip():
        raise SourceError(name, "the file is empty")
    if data.startswith(ZIP_HEADER):
        raise SourceError(name, _zip_named_as_text(data, path.suffix))
    if data.startswith(COMPOUND_FILE_HEADER):
        named = f"named {path.suffix}" if path.suffix else "given as CSV"
        raise SourceError(name, f"{OLD_STYLE_WORKBOOK} {named}, not a CSV file: save it as .xlsx to ingest it")
    text, used, note = _decode(name, data, encoding)
    _admit_fields_up_to(config.max_workbook_bytes())
    if _CONTROL.search(text):
        raise SourceError(name, f"unreadable: decoded as {used}, the text holds control characters (a binary file, or another encoding; pass --encoding)")
    max_rows = config.max_source_rows()
    reader = _read(name, text, max_rows)
    records, header_index = reader.records, reader.header_index
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
    if scrub:  # the header is stored with the publication, and names the raw rows' cells
        header, wrapped_in_text = scrubbed(header)
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
        text_may_name_wrappers=scrub,
    )




def _zip_named_as_text(data: bytes, suffix: str) -> str:
    """What a file named .csv that is a zip archive is: most often a workbook saved (or renamed) under the wrong name,
    which was refused as text of no known encoding. A workbook's archive names its part xl/workbook.xml in the clear
    (the archive is not opened: its listing is the workbook reader's to bound)."""
    named = f"named {suffix}" if suffix else "given as CSV"
    if b"xl/workbook.xml" in data:
        return f"an Excel workbook (.xlsx) {named}, not a CSV file: rename it .xlsx to ingest it"
    return f"a zip archive {named}, not a CSV file (an .xlsx workbook is one: rename it .xlsx if it is)"


def _admit_fields_up_to(size: int) -> None:
    """Lets csv read a cell as long as a file admitted by its size holds (a cell's characters are no more than the
    file's bytes, whatever its encoding). csv's own limit, 131,072 characters, refused a long cell as "field larger
    than field limit", while the readers keep names and texts whole whatever their length. The limit is the process's:
    it is only ever raised, so that two files read at once never lower it under each other (and kept within a C long
    of 32 bits, which csv takes on every platform)."""
    wanted = min(size, 2**31 - 1)
    if csv.field_size_limit() < wanted:
        csv.field_size_limit(wanted)


def _decode(name: str, data: bytes, encoding: str | None) -> tuple[str, str, Note | None]:
    if encoding:
        try:
            return data.decode(encoding), encoding, None
        except LookupError:  # Python's words for a codec that decodes no text ("hex") advise codecs.decode()
            raise SourceError(name, f"cannot be decoded as {encoding}: no encoding of text has that name") from None
        except UnicodeError as error:  # also a codec such as "undefined", which decodes nothing
            raise SourceError(name, f"cannot be decoded as {encoding} ({error})") from None
    for bom, codec in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16")):
        if data.startswith(bom):
            try:
                return data.decode(codec), codec, None
            except UnicodeDecodeError as error:
                raise SourceError(name, f"unreadable: it starts with a {codec} byte-order mark but is not {codec} ({error.reason})") from None
    try:
        return data.decode("utf-8"), "utf-8", None
    except UnicodeDecodeError as error:
        not_utf8 = error.start
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:
        raise SourceError(name, "unreadable: the text is neither UTF-8 nor Windows-1252 (pass --encoding)") from None
    utf8 = _UTF8_SEQUENCE.search(data)
    if utf8:
        # Text of two encodings (two exports pasted together, a line typed in another editor): read as Windows-1252,
        # the UTF-8 lines are garbled for good ("Sheriff’s" becomes "Sheriffâ€™s", another agency), unregistered.
        raise SourceError(
            name,
            f"unreadable: line {_line_of(data, utf8.start())} is UTF-8 text, line {_line_of(data, not_utf8)} is not (two encodings in one file; pass --encoding)",
        )
    note = Note(problem="the file is not UTF-8", action="read as Windows-1252 (Excel's encoding for CSV on Windows)", raw_value="cp1252")
    return text, "Windows-1252", note


# A character of names' text written in UTF-8 (U+00A0 to U+017F: a no-break space, accented Latin letters; U+2000 to
# U+206F: curly quotes, dashes; the euro sign): the bytes read as Windows-1252 are mojibake ("Ã©", "â€™"), which
# Windows-1252 text hardly ever holds. Other UTF-8 forms are left out: "JOSÉ" and a no-break space in Windows-1252
# (C9 A0) form a well-formed UTF-8 character too (U+0260), one no list holds.
_UTF8_SEQUENCE = re.compile(rb"[\xc2-\xc5][\x80-\xbf]|\xe2[\x80\x81][\x80-\xbf]|\xe2\x82\xac")


def _line_of(data: bytes, offset: int) -> int:
    return data.count(b"\n", 0, offset) + 1


def _read(name: str, text: str, max_rows: int) -> _Reader:
    """The file read under the delimiter with which one of the top rows is the header, through the first row past
    the limit (the rest is not parsed: one row tells that the limit is passed). A title line above the header
    ("287(g) Participating Agencies; as of May 16 2025") may hold any delimiter, so the first line alone does not
    decide. The delimiter the first line holds most (comma when it holds none) is tried first, so a file read before
    is read as it was. With a header under none, the top rows are read under that first guess, so that a damaged
    quote there is reported rather than the missing header it hides."""
    first = text.split("\n", 1)[0]
    guess = max(_DELIMITERS, key=first.count) if any(d in first for d in _DELIMITERS) else ","
    for delimiter in (guess, *(d for d in _DELIMITERS if d != guess)):
        reader = _Reader(name, text, delimiter)
        try:
            found = reader.seek_header()
        except csv.Error:
            continue  # a quote out of place under this delimiter need not be under the file's own
        if found:
            reader.read(reader.header_index + 1 + max_rows + 1)
            reader.check_quoted_cells()
            return reader
    reader = _Reader(name, text, guess)
    reader.read(HEADER_SEARCH_ROWS)
    reader.check_quoted_cells()
    return reader


class _Reader:
    """A strict reading of a CSV text under one delimiter that keeps the physical lines each record spans (a quoted
    cell may hold line breaks), so that a quote out of place is reported with the line it opened on."""

    def __init__(self, name: str, text: str, delimiter: str):
        self.name, self.text, self.delimiter = name, text, delimiter
        self.records: list[list[str]] = []
        self.spans: list[tuple[int, int]] = []  # the first and last physical line (1-based) of each record
        self.header_index: int | None = None
        self._lines_read = 0
        self._record_start = 1

        class Dialect(csv.excel):
            strict = True  # the lenient reader takes a quote never closed, or closed mid-cell, as text and reads on

        Dialect.delimiter = delimiter
        self._reader = csv.reader(self._numbered_lines(), Dialect)

    def _numbered_lines(self):
        # csv reads a line only when its record needs it: the count is the last line of the record just read
        for line in io.StringIO(self.text, newline=""):
            self._lines_read += 1
            yield line

    def _next(self) -> bool:
        self._record_start = self._lines_read + 1
        record = next(self._reader, None)
        if record is None:
            return False
        self.records.append(record)
        self.spans.append((self._record_start, self._lines_read))
        return True

    def seek_header(self) -> bool:
        """Reads the top rows through the header, if one of them is (csv.Error if a quote among them is out of place)."""
        while len(self.records) < HEADER_SEARCH_ROWS and self._next():
            if find_header(self.records[-1:]) is not None:
                self.header_index = len(self.records) - 1
                return True
        return False

    def read(self, count: int) -> None:
        """Reads on, to `count` records or the end; a quote out of place refuses the file."""
        try:
            while len(self.records) < count and self._next():
                pass
        except csv.Error as error:
            problem = _misplaced_quote(self._rest_from(self._record_start), self.delimiter, self._record_start)
            raise SourceError(self.name, problem or f"not a readable CSV file (line {self._record_start}: {error})") from None

    def _rest_from(self, line: int) -> str:
        return "".join(itertools.islice(io.StringIO(self.text, newline=""), line - 1, None))

    def check_quoted_cells(self) -> None:
        """Refuses a quoted field that swallowed rows with quotes that pair up (two stray quotes), which csv reads
        without error: one over more lines than a cell holds, or holding a line with the delimiters of a whole row
        (as many as the header has columns, less one; at least two, as one is ordinary in a cell: "Dallas, Texas")."""
        row_delimiters = None
        if self.header_index is not None:
            row_delimiters = max(2, sum(1 for cell in self.records[self.header_index] if cell.strip()) - 1)
        for record, (first, last) in zip(self.records, self.spans):
            if first == last:
                continue
            line = first  # a field with a line break was quoted (an unquoted one ends with its line): it opened here
            for field in record:
                lines = _LINE_BREAK.split(field)
                if len(lines) > _MOST_LINES_IN_A_CELL:
                    raise SourceError(self.name, _runs_over(line, line + len(lines) - 1))
                for offset, held in enumerate(lines[1:], 1):
                    if row_delimiters and held.count(self.delimiter) >= row_delimiters:
                        raise SourceError(self.name, f"a quoted field opened on line {line} holds line {line + offset}, with the delimiters of a whole row: {_DAMAGED}")
                line += len(lines) - 1


def _misplaced_quote(record: str, delimiter: str, line: int) -> str | None:
    """What csv refused in the record that `record` starts with (its first line is `line`), with the lines that
    csv.Error does not give: a quoted field never closed, closed by a quote followed by more text, or over more lines
    than a cell holds. None when its quotes are in place (csv refused something else)."""
    opened = None  # the line the quoted field being read opened on
    doubled = -1  # the second quote of a pair, a quote in the cell's text
    for mark in _QUOTE_OR_LINE_BREAK.finditer(record):
        at = mark.start()
        if mark.group() != '"':
            if opened is None:
                return None  # the record ended with its quotes in place
            line += 1
        elif opened is None:
            if at == 0 or record[at - 1] == delimiter:  # a quote elsewhere in an unquoted cell is text
                opened = line
        elif at != doubled:
            after = record[at + 1 : at + 2]
            if after == '"':
                doubled = at + 1
            elif after in (delimiter, "\r", "\n", ""):
                if line - opened + 1 > _MOST_LINES_IN_A_CELL:
                    return _runs_over(opened, line)
                opened = None
            else:
                return f"a quoted field opened on line {opened} is closed on line {line} by a quote followed by more text: {_DAMAGED}"
    if opened is not None:
        return f"a quoted field opened on line {opened} is never closed: {_DAMAGED}"
    return None


def _runs_over(opened: int, last: int) -> str:
    return f"a quoted field opened on line {opened} runs over {last - opened + 1} lines, to line {last} (a cell holds a line or two): {_DAMAGED}"


def _cell(value: str):
    if value.strip() in EXCEL_ERRORS:
        return CellError(value.strip())
    return value

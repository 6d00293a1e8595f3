"""Reading an Excel workbook (.xlsx) as published by ICE.

Cell values come from python-calamine (fast, Rust). What calamine does not expose is read from the sheet's XML
with one pass of regular expressions: cell hyperlinks (the MOA addresses), error cells (calamine turns #N/A into
an empty string), rows hidden by a filter, the declared dimension, and the workbook's own modification time.
Before anything is decompressed, the archive's declared sizes are checked, so a zip bomb or a sheet declaring a
million rows is refused instead of exhausting memory. Workbook metadata about people (creator, last modified by)
is never read into the registry.
"""

from __future__ import annotations

import datetime as dt
import html
import posixpath
import re
import zipfile
from pathlib import Path

from g287 import config
from g287.errors import SourceError
from g287.sources.header import find_header
from g287.sources.links import names_a_wrapper, scrubbed, wrapped_in_text_note
from g287.sources.table import COMPOUND_FILE_HEADER, OLD_STYLE_WORKBOOK, UNSAVED_FORMULA, CellError, Note, SourceRow, SourceTable, column_index, is_blank, parse_cell_ref
from g287.sources.xlsx_attributes import CELL_TAG, attributes_given
from g287.sources.xlsx_grid import StoredNumbers, invented, is_panic, read_grids, rows_with_invented_values
from g287.sources.xlsx_links import RangesOverlap, overlap_budget, read_links
from g287.sources.xlsx_parts import (
    PartError, calamine_failure, cell_references, check_calamine_reads, checked_parts, decompressed_beyond,
    not_a_worksheet, part_bytes, part_xml, row_tags, sheet_as_excel_writes_it, strings_overcounted,
)
from g287.sources.xlsx_types import FORMULA_AND_VALUE, FORMULA_TAG, CellOpenings
from g287.wording import counted, megabytes, quoted

_NS_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_NS_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_NS_PKG_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_MAX_COLUMNS = 256
_MAX_RATIO = 300  # uncompressed/compressed beyond this, for a member over 1 MB, is a zip bomb, not a spreadsheet

# Attribute values may be quoted either way (XML allows both; Excel writes double quotes, other tools may not), and
# an attribute's "=" may have spaces around it (t = "e"). A reference's letters may be written in either case (b3), as
# calamine reads them. A cell's or a row's own attributes are read one after another, each quoted value whole
# (xlsx_attributes.CELL_TAG, attributes_given): t="e", hidden="1" or r="Z9" inside another attribute's value is none of
# the tag's, and a ">" inside a value (XML allows it) does not end the tag.
_DIMENSION = re.compile(rb'<dimension\s+ref\s*=\s*["\']([^"\']+)["\']')
_ERROR_TYPE = re.compile(rb't\s*=\s*["\']e["\']')  # a fast scan: the cell it is in, if any, is then read
_ERROR_CELL = re.compile(CELL_TAG + rb">" + FORMULA_AND_VALUE)
# Only columns of two letters or more can pass the column limit; one-letter columns (A-Z) never do. calamine reads a
# reference's letters in either case and however many (ZZZZ3 is column 475,254, made for every row of the sheet).
# A cell's own reference may also name a row far below its <row> tag (six digits or more): calamine would allocate the
# whole grid. One fast scan (the pattern starts with a literal) tells whether anything in the sheet reads like either;
# ICE's lists hold nothing such. Only then are the cells' own references read (xlsx_parts.cell_references): text or
# another attribute's value reading r="ZZZ3" is no cell, and a sheet holding some was refused.
_WIDE_OR_DEEP = re.compile(rb'r=["\'](?:[A-Za-z]{2,}\d|[A-Za-z]+\d{6})')
_REFERENCE_PARTS = re.compile(rb"([A-Za-z]+)(\d+)")


def _widest_and_deepest(xml: bytes) -> tuple[list[bytes], list[int]]:
    """The column letters of the sheet's cells named past column Z, and their rows past 99,999."""
    if _WIDE_OR_DEEP.search(xml) is None:
        return [], []
    parts = [match for match in map(_REFERENCE_PARTS.fullmatch, cell_references(xml)) if match]
    return [match[1] for match in parts if len(match[1]) > 1], [int(match[2]) for match in parts if len(match[2]) > 5]


def read_xlsx(path: Path) -> SourceTable:
    name = path.name
    try:
        archive = zipfile.ZipFile(path)
    except zipfile.BadZipFile:
        raise SourceError(name, _not_a_workbook(path)) from None
    except OSError as error:
        raise SourceError(name, f"cannot be read ({error.strerror or error})") from None
    with archive:
        _check_part_names(name, archive)
        _check_archive_sizes(name, archive)
        sheets: list[tuple[str, str]] = []
        try:
            sheets, hidden_sheets, dates_from_1904, missing_sheets = _workbook_facts(archive)
            check_calamine_reads(archive, sheets)
            modified_at = _modified_at(archive)
            parts = {sheet_name: sheet_as_excel_writes_it(part_bytes(archive, target)) for sheet_name, target in sheets}
            kinds = {sheet_name: not_a_worksheet(parts[sheet_name]) for sheet_name, _target in sheets}
            no_cells = [(sheet_name, target, kinds[sheet_name]) for sheet_name, target in sheets if kinds[sheet_name]]
            sheets = [(sheet_name, target) for sheet_name, target in sheets if not kinds[sheet_name]]
            rels = {
                sheet_name: _sheet_relationships(archive, target) for sheet_name, target in sheets
            }
            overcounted = strings_overcounted(checked_parts(archive).get("xl/sharedStrings.xml"))
        except PartError as error:
            raise SourceError(name, error.describe(sheets)) from None
        if overcounted:
            raise SourceError(name, overcounted)
    if not sheets:
        if missing_sheets:
            sheet_name, target = missing_sheets[0]
            raise SourceError(name, f"the workbook's sheet {quoted(sheet_name)} is missing ({target} is not in the archive)")
        if no_cells:  # a part that is no sheet at all (damage) is named before a chart sheet
            raise SourceError(name, _holds_no_cells(*min(no_cells, key=lambda sheet: sheet[2] == "chart"), named=quoted))
        raise SourceError(name, "the workbook has no worksheet")
    row_facts = {sheet_name: _check_dimensions(name, sheet_name, parts[sheet_name]) for sheet_name, _target in sheets}
    try:
        grids, misfits = read_grids(path, sheets, parts)
    except BaseException as error:  # calamine raises several exception types for damaged files, and may panic
        if not (isinstance(error, Exception) or is_panic(error)):
            raise
        raise SourceError(name, calamine_failure(path, sheets, parts, error)) from None

    chosen = None
    # A sheet the workbook names whose part is not in the archive: damaged, but the list may be on another sheet.
    notes: list[Note] = [
        Note(problem=f"the workbook names a sheet {sheet_name!r} whose part is missing ({target} is not in the archive)", action="not read; the list was looked for on the other sheets")
        for sheet_name, target in missing_sheets
    ]
    # A chart sheet holds nothing to read, as an empty sheet; a part that is no sheet at all is damage, and said.
    notes += [
        Note(problem=_holds_no_cells(sheet_name, target, kind), action="not read; the list was looked for on the other sheets")
        for sheet_name, target, kind in no_cells if kind != "chart"
    ]
    headers = {sheet_name: find_header(grids[sheet_name]) for sheet_name, _target in sheets}
    # A sheet with a header and no row below it (a template, the header of a list not pasted yet) is no list while a
    # later sheet holds one: the workbook was refused as holding no rows, its list on the next sheet unread.
    with_rows = [s for s, _t in sheets if headers[s] is not None and any(not is_blank(v) for row in grids[s][headers[s] + 1 :] for v in row)]
    first_list = with_rows[0] if with_rows else next((s for s, _t in sheets if headers[s] is not None), None)
    for sheet_name, _target in sheets:
        grid = grids[sheet_name]
        header = headers[sheet_name]
        if sheet_name == first_list:
            chosen = (sheet_name, header)
            if sheet_name in hidden_sheets:
                notes.append(Note(problem=f"the list is on a hidden sheet, {sheet_name!r}: no visible sheet holds one", action="read: it is the only list in the workbook"))
        elif any(not is_blank(v) for row in grid for v in row):
            hidden_text = " (hidden)" if sheet_name in hidden_sheets else ""
            notes.append(Note(problem=f"the workbook has another sheet with data: {sheet_name!r}{hidden_text}", action="not read; only the sheet with the list is a publication"))
    if chosen is None:
        if all(not any(not is_blank(v) for row in grids[s] for v in row) for s, _ in sheets):
            raise SourceError(name, "the workbook is empty")
        raise SourceError(name, "no header row with the columns STATE and LAW ENFORCEMENT AGENCY in the first 25 rows")
    sheet_name, header_index = chosen
    xml = parts[sheet_name]
    # Cell text may hold a safety-redirect address (typed or pasted): the cells are scrubbed when their text, as
    # read (character references decoded, any case), names a wrapper's host. The file's bytes cannot tell: a
    # character reference (&#115;afelinks) or another encoding hides the name from them.
    grid = grids[sheet_name]
    scrub = names_a_wrapper("\n".join(v for row in grid for v in row if type(v) is str))
    table = _build_table(path, sheet_name, grid, header_index, xml, rels[sheet_name], row_facts[sheet_name], modified_at, notes, scrub)
    table.dates_from_1904 = dates_from_1904
    table.notes.extend(cell.note(table.header) for cell in misfits.get(sheet_name, ()))
    return table


def _holds_no_cells(sheet_name: str, target: str, kind: str, named=repr) -> str:
    """`named` quotes the sheet's name: repr in the quality register's note (its stored wording), wording.quoted in
    the error line that refuses the workbook."""
    if kind == "chart":
        return f"the workbook has no worksheet: its sheet {named(sheet_name)} is a chart sheet ({target}), which holds no cells"
    return f"the workbook's sheet {named(sheet_name)} is not a worksheet: its part ({target}) holds no rows of cells"


def _build_table(path, sheet_name, grid, header_index, xml: bytes, rels: dict[str, str], row_facts, modified_at, notes, scrub: bool = False) -> SourceTable:
    errors = _error_cells(xml)
    unsaved = _unsaved_formulas(xml)
    hidden, last_declared_row, declared_corner = row_facts
    width = max((len(r) for r in grid), default=0)
    try:
        links, link_notes = read_links(xml, rels, len(grid), width)
        merged, across = _merged_values(xml, grid, header_index + 1, width)
    except RangesOverlap as overlap:
        raise SourceError(path.name, str(overlap)) from None
    wrapped_in_text = 0
    header_cells = list(grid[header_index]) + [None] * (width - len(grid[header_index]))
    header = [h.strip() if isinstance(h, str) else ("" if h is None else str(h)) for h in header_cells]
    if scrub:  # the header is stored with the publication, and names the raw rows' cells
        header, wrapped_in_text = scrubbed(header)
    rows: list[SourceRow] = []
    stored = StoredNumbers(xml)  # read only if calamine gives a value no cell holds
    suspect_rows = rows_with_invented_values(grid)
    filled = 0
    for index in range(header_index + 1, len(grid)):
        number = index + 1
        cells = list(grid[index]) + [None] * (width - len(grid[index]))
        suspect = index in suspect_rows
        if number in merged and any(not is_blank(v) for v in cells):  # a row of its own, not an empty row of a range
            for column, value in merged[number].items():
                if is_blank(cells[column]):
                    cells[column] = value
                    filled += 1
                    suspect = suspect or invented(value)
        for column, code in errors.get(number, {}).items():
            if column < width:
                cells[column] = CellError(code)
        for column, formula in unsaved.get(number, {}).items():
            if column < width and is_blank(cells[column]):
                cells[column] = CellError(formula, UNSAVED_FORMULA)
        if suspect:
            cells = stored.restore(number, cells)
        if scrub:
            cells, replaced = scrubbed(cells)
            wrapped_in_text += replaced
        rows.append(SourceRow(number=number, cells=cells, links=links.get(number, {}), hidden=number in hidden))
    last_data_row = len(grid)
    last_row = max(last_declared_row, last_data_row)
    if declared_corner > last_row:  # the sheet's dimension claims rows it does not hold: they are not source rows
        notes.append(
            Note(
                problem=f"the sheet declares its data reaches row {declared_corner}, but its last row is {last_row}",
                action="only the rows the sheet holds are counted",
                category="note",
            )
        )
    if last_row > last_data_row:
        notes.append(
            Note(
                problem=f"{last_row - last_data_row} formatted but empty rows after the last row with data",
                action="not listings",
                raw_value=f"rows {last_data_row + 1}-{last_row}",
                row_number=last_data_row + 1,
                category="not_a_listing",
                rows_skipped=last_row - last_data_row,
            )
        )
    if filled:
        notes.append(
            Note(
                problem=f"{counted(filled, 'cell')} inside merged ranges of cells {'holds' if filled == 1 else 'hold'} no value of {'its' if filled == 1 else 'their'} own",
                action="each takes the value of its range, as Excel shows it across the rows",
                category="repaired",
            )
        )
    if across:
        notes.append(_across_columns_note(across))
    if wrapped_in_text:
        notes.append(wrapped_in_text_note(wrapped_in_text))
    notes.extend(link_notes)
    return SourceTable(
        path=str(path),
        file_name=path.name,
        source_format="xlsx",
        header_row=header_index + 1,
        header=header,
        rows=rows,
        source_rows=last_row - (header_index + 1),
        sheet_name=sheet_name,
        modified_at=modified_at,
        notes=notes,
        text_may_name_wrappers=scrub,
    )


_MERGE_CELL = re.compile(rb'<mergeCell\b[^>]*\bref\s*=\s*["\']([A-Za-z]{1,3}\d+):([A-Za-z]{1,3}\d+)["\']')


def _merged_values(xml: bytes, grid, first_row: int, width: int) -> tuple[dict[int, dict[int, object]], list[str]]:
    """For the rows from `first_row` on, the value each cell inside a merged range shows: its range's first cell's.
    Excel keeps the value in that cell only, so a STATE merged down a state's rows leaves the rows below it with
    no state, though the sheet shows one on each. A range over several columns gives its value to its first column
    only, down its rows: an agency's name merged across TYPE and COUNTY names no type and no county. Also the
    references of those ranges that reach these rows with a value, by their first cell (for the register)."""
    found: dict[int, dict[int, object]] = {}
    across: list[tuple[tuple[int, int], str]] = []
    named = overlap_budget(len(grid) * width)
    for start, end in _MERGE_CELL.findall(xml):
        top, bottom = parse_cell_ref(start.decode("ascii")), parse_cell_ref(end.decode("ascii"))
        if not top or not bottom or top[0] > len(grid) or top[1] >= width:
            continue
        row = grid[top[0] - 1]
        value = row[top[1]] if top[1] < len(row) else None
        if is_blank(value):
            continue
        named(max(0, min(bottom[0], len(grid)) - max(top[0], first_row) + 1) * max(0, min(bottom[1], width - 1) - top[1] + 1), "merged ranges")
        if bottom[1] > top[1] and bottom[0] > first_row:  # reaching a row below the header (first_row is its number)
            across.append((top, f"{start.decode('ascii')}:{end.decode('ascii')}".upper()))
        for number in range(max(top[0] + 1, first_row), min(bottom[0], len(grid)) + 1):
            found.setdefault(number, {})[top[1]] = value
    return found, [reference for _top, reference in sorted(across)]  # in the sheet's order, as a reader meets them


def _across_columns_note(across: list[str]) -> Note:
    shown = ", ".join(across[:_RANGES_QUOTED]) + (f" and {len(across) - _RANGES_QUOTED:,} more" if len(across) > _RANGES_QUOTED else "")
    many = len(across) > 1
    return Note(
        problem=f"{len(across):,} merged range{'s' if many else ''} of cells span{'' if many else 's'} several columns in the list's rows",
        action="the value is read in the range's first column only, where the sheet stores it; the other columns it covers are empty",
        raw_value=shown,
        row_number=parse_cell_ref(across[0].split(":")[0])[0],
        category="note",
    )


_RANGES_QUOTED = 10


def _not_a_workbook(path: Path) -> str:
    try:
        with open(path, "rb") as handle:
            head = handle.read(8)
    except OSError as error:
        return f"cannot be read ({error.strerror or error})"
    if not head:
        return "the file is empty (0 bytes)"
    if head.startswith(COMPOUND_FILE_HEADER):
        return f"{OLD_STYLE_WORKBOOK}, not an .xlsx workbook; save it as .xlsx"
    if head.startswith(b"PK"):
        return "a damaged or truncated .xlsx workbook (the zip archive cannot be opened)"
    return "not an Excel workbook (.xlsx): the file is not a zip archive"


def _check_part_names(name: str, archive: zipfile.ZipFile) -> None:
    """Refuse an archive holding two parts of one name: zipfile and calamine each read one of them (the last, so
    far), and which one Excel shows is not known; the register would quote a sheet or strings that may not be the
    workbook's."""
    seen: set[str] = set()
    for info in archive.filelist:
        if info.filename in seen:
            raise SourceError(name, f"the zip archive holds two parts named {info.filename}: which is the workbook's cannot be told (a damaged or altered file)")
        seen.add(info.filename)


def _check_archive_sizes(name: str, archive: zipfile.ZipFile) -> None:
    limit = config.max_workbook_bytes()
    total = 0
    for info in archive.infolist():
        total += info.file_size
        if info.file_size > 1024 * 1024 and info.compress_size and info.file_size / info.compress_size > _MAX_RATIO:
            raise SourceError(name, f"refused: {info.filename} would decompress {info.file_size / info.compress_size:.0f} times its size (a zip bomb, not a spreadsheet)")
    if total > limit:
        raise SourceError(name, f"refused: the workbook would decompress to {megabytes(total)} (limit {megabytes(limit)}, G287_MAX_WORKBOOK_MB)")
    try:
        held = decompressed_beyond(archive, limit)
    except PartError as error:
        raise SourceError(name, error.describe([])) from None
    if held is not None:
        raise SourceError(name, f"refused: {held} holds more than the archive declares, and the workbook would decompress to over {megabytes(limit)} (limit G287_MAX_WORKBOOK_MB): a zip bomb, not a spreadsheet")


def _workbook_facts(archive: zipfile.ZipFile) -> tuple[list[tuple[str, str]], set[str], bool, list[tuple[str, str]]]:
    """The sheets as (name, path of its XML in the archive), visible ones first, each in workbook order; the names
    of the hidden ones; whether the workbook counts dates in the 1904 date system; and the sheets it names whose
    part is not in the archive (name, path)."""
    workbook = part_xml(archive, "xl/workbook.xml")
    rels_root = part_xml(archive, "xl/_rels/workbook.xml.rels")
    targets = {rel.get("Id"): rel.get("Target") for rel in rels_root.iter(f"{_NS_PKG_REL}Relationship")}
    sheets, hidden, missing = [], set(), []
    for sheet in workbook.iter(f"{_NS_MAIN}sheet"):
        target = targets.get(sheet.get(f"{_NS_REL}id"))
        if not target:
            continue
        if sheet.get("name") is None:  # a name is required (calamine finds a sheet by it): the list is damaged
            raise PartError("xl/workbook.xml")
        path = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join("xl", target))
        if path not in archive.NameToInfo:
            missing.append((sheet.get("name"), path))
            continue
        sheets.append((sheet.get("name"), path))
        if sheet.get("state") in ("hidden", "veryHidden"):
            hidden.add(sheet.get("name"))
    # A hidden sheet is not what the workbook shows: the list is looked for on the visible sheets first.
    sheets.sort(key=lambda item: item[0] in hidden)
    properties = workbook.find(f"{_NS_MAIN}workbookPr")
    from_1904 = properties is not None and (properties.get("date1904") or "").strip().lower() in ("1", "true")
    return sheets, hidden, from_1904, missing


def _sheet_relationships(archive: zipfile.ZipFile, sheet_path: str) -> dict[str, str]:
    rels_path = posixpath.join(posixpath.dirname(sheet_path), "_rels", posixpath.basename(sheet_path) + ".rels")
    if rels_path not in archive.NameToInfo:
        return {}
    root = part_xml(archive, rels_path)
    return {rel.get("Id"): rel.get("Target") for rel in root.iter(f"{_NS_PKG_REL}Relationship")}


def _modified_at(archive: zipfile.ZipFile) -> dt.datetime | None:
    """The workbook's own last-modified time (docProps/core.xml); the people named there are not read."""
    if "docProps/core.xml" not in archive.NameToInfo:
        return None
    try:
        root = part_xml(archive, "docProps/core.xml")
    except PartError:  # the time is the only thing read there: a damaged part leaves it unknown, the list readable
        return None
    for element in root:
        if element.tag.endswith("}modified") and element.text:
            try:
                value = dt.datetime.fromisoformat(element.text.strip().replace("Z", "+00:00"))
            except ValueError:
                return None
            # In UTC, as g287 stores every time: SQLite keeps no offset, so 10:00-05:00 would be stored as 10:00
            # and two files of one name compared by their local times.
            return value.astimezone(dt.timezone.utc) if value.tzinfo else value.replace(tzinfo=dt.timezone.utc)
    return None


def _check_dimensions(name: str, sheet_name: str, xml: bytes) -> tuple[set[int], int]:
    """Refuse a sheet that declares, or holds, more rows or columns than any list could have."""
    max_rows = config.max_source_rows()
    match = _DIMENSION.search(xml, 0, 4096)
    if match:
        ref = match[1].decode("ascii", "replace").split(":")[-1]
        corner = parse_cell_ref(ref)
        if corner and (corner[0] > max_rows or corner[1] >= _MAX_COLUMNS):
            raise SourceError(
                name,
                f"refused: sheet {quoted(sheet_name)} declares its data reaches {ref} "
                f"(limit {max_rows} rows, G287_MAX_SOURCE_ROWS, and {_MAX_COLUMNS} columns)",
            )
    hidden, last_row, _declared = facts = _row_facts(xml)
    wide, deep = _widest_and_deepest(xml)
    last_column = column_index(max(wide, key=lambda w: (len(w), w.upper())).decode("ascii")) if wide else 0
    last_row = max([last_row, *deep])
    if last_row > max_rows or last_column >= _MAX_COLUMNS:
        raise SourceError(name, f"refused: sheet {quoted(sheet_name)} has cells beyond {max_rows} rows or {_MAX_COLUMNS} columns")
    return facts


def _error_cells(xml: bytes) -> dict[int, dict[int, str]]:
    found: dict[int, dict[int, str]] = {}
    # Error cells are few: each t="e" is found by a fast scan, and the pattern is tried only at the start of its
    # cell's tag (what a scan of every cell with the pattern would find, without trying it at every cell).
    openings = CellOpenings(xml)
    matched_to = 0
    for error_type in _ERROR_TYPE.finditer(xml):
        position = error_type.start()
        if position < matched_to:
            continue  # inside the error cell just read
        start, new = openings.before(position)
        match = _ERROR_CELL.match(xml, start) if new and start >= matched_to else None
        if match and match.end() > position:
            matched_to = match.end()
            attributes = attributes_given(match[1])
            cell = _cell_given(attributes) if attributes.get(b"t") == b"e" else None
            if cell:
                found.setdefault(cell[0], {})[cell[1]] = html.unescape(match[2].decode("utf-8", "replace"))
    return found


def _unsaved_formulas(xml: bytes) -> dict[int, dict[int, str]]:
    """The cells holding a formula and no saved result, by row and column, each with its formula ("=..."). A workbook
    written by a program and never opened in a spreadsheet has no results: calamine reads such a cell as empty, so a
    row of them was an "empty row", and a name "no agency name", with nothing to say why."""
    found: dict[int, dict[int, str]] = {}
    # Formulas are few (ICE's lists hold none): each is found by a fast scan, and only its cell is looked at.
    openings = CellOpenings(xml)
    for tag in _FORMULA_TAG.finditer(xml):
        start, new = openings.before(tag.start())
        match = _FORMULA_WITHOUT_VALUE.match(xml, start) if new else None
        if match is None or match.end() < tag.start():
            continue
        attributes, formula, empty_value = attributes_given(match[1]), match[2], match[3]
        if empty_value and attributes.get(b"t") == b"str":
            continue  # a saved empty string
        cell = _cell_given(attributes)
        if formula and _HYPERLINK_CALL.match(formula):
            continue  # its link is read as a link (xlsx_links); the text it shows is no field's value
        if cell:
            text = html.unescape(formula.decode("utf-8", "replace")) if formula else "(a formula shared with another cell)"
            found.setdefault(cell[0], {})[cell[1]] = "=" + text if formula else text
    return found


_FORMULA_TAG = re.compile(rb"<f[\s>/]")
_HYPERLINK_CALL = re.compile(rb"\s*HYPERLINK\s*\(", re.I)
# A cell with a formula (a body, or self-closing: a shared formula's follower) and no value, or an empty one.
# The value may be missing or empty (<v></v>: openpyxl writes a formula so); an empty value in a cell typed as a
# string (t="str") is a saved result, the empty string (=IF(A2="","",A2)), not a missing one.
_FORMULA_WITHOUT_VALUE = re.compile(
    CELL_TAG + rb'(?<!/)>\s*' + FORMULA_TAG + rb'(?:(?<=/)>|(?<!/)>([^<]*)</f>)\s*(<v\s*/>|<v>\s*</v>)?\s*</c>'
)  # a formula's text is escaped XML: it holds no "<", so the pattern never runs on into the next cell; its tag is read
# as xlsx_types reads it, each quoted value whole (a ">" in one began the formula's text: "=b">1+1" for "=1+1")


def _cell_given(attributes: dict[bytes, bytes]) -> tuple[int, int] | None:
    """The row and column of a cell by its attributes (attributes_given): its reference, the last when it gives two,
    as calamine places it."""
    reference = attributes.get(b"r")
    return parse_cell_ref(reference.decode("ascii", "replace")) if reference else None


_HIDDEN = (b"1", b"true")  # a row's hidden="..." that hides it


def _row_facts(xml: bytes) -> tuple[set[int], int, int]:
    """Rows hidden (by a filter or by hand), the last row the sheet holds (formatted rows included), and the last
    row its dimension declares (which may claim more)."""
    hidden: set[int] = set()
    last = 0
    for number, attributes in row_tags(xml):
        if not number.isdigit():
            continue
        row = int(number)
        if row > last:
            last = row
        if b"hidden" in attributes and attributes_given(attributes).get(b"hidden") in _HIDDEN:
            hidden.add(row)
    declared = 0
    match = _DIMENSION.search(xml, 0, 4096)
    if match:
        corner = parse_cell_ref(match[1].decode("ascii", "replace").split(":")[-1])
        if corner:
            declared = corner[0]
    return hidden, last, declared

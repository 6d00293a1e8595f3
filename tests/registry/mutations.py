"""Variants of real publications for the mutation campaign (test_mutation_campaign.py): each builder takes the bytes
of one of ICE's files and gives the bytes of a damaged or hostile copy, the same for every run (no random seed).

A workbook is a zip archive of XML parts: the archive itself is changed (cut short, a byte flipped in a part's
compressed data, a part left out or written twice, a header field rewritten), or one part's XML (a function of its
bytes). A CSV export is changed as text or as bytes."""

from __future__ import annotations

import io
import re
import struct
import zipfile
from typing import Callable

SHEET = "xl/worksheets/sheet1.xml"
STRINGS = "xl/sharedStrings.xml"
STYLES = "xl/styles.xml"
WORKBOOK = "xl/workbook.xml"
WORKBOOK_RELS = "xl/_rels/workbook.xml.rels"
SHEET_RELS = "xl/worksheets/_rels/sheet1.xml.rels"
TOC = "_rels/.rels"
CONTENT_TYPES = "[Content_Types].xml"
CORE = "docProps/core.xml"

Mutation = Callable[[bytes], bytes]


def rezipped(
    data: bytes, change: dict[str, Mutation] | None = None, drop: tuple[str, ...] = (), extra: tuple[tuple[str, bytes], ...] = (),
    method: int = zipfile.ZIP_DEFLATED,
) -> bytes:
    """The archive written again with some parts changed, left out, or added after the others (a name already in
    the archive: a second part of that name)."""
    change = change or {}
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as original, zipfile.ZipFile(out, "w", method) as copy:
        for info in original.infolist():
            if info.filename in drop:
                continue
            content = original.read(info.filename)
            copy.writestr(_entry(info.filename, method), change[info.filename](content) if info.filename in change else content)
        for name, content in extra:
            with _quietly_duplicated():
                copy.writestr(_entry(name, method), content)
    return out.getvalue()


def _entry(name: str, method: int) -> zipfile.ZipInfo:
    entry = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))  # a fixed time: the same bytes on every run
    entry.compress_type = method  # a ZipInfo's own, which writestr takes over the archive's
    return entry


class _quietly_duplicated:
    """zipfile warns when a name is written twice, which is what the variant is for."""

    def __enter__(self):
        import warnings

        self.catcher = warnings.catch_warnings()
        self.catcher.__enter__()
        warnings.filterwarnings("ignore", message="Duplicate name")

    def __exit__(self, *exc):
        return self.catcher.__exit__(*exc)


def parts_changed(change: dict[str, Mutation] | None = None, **options) -> Mutation:
    return lambda data: rezipped(data, change, **options)


def part(name: str, mutation: Mutation) -> Mutation:
    return parts_changed({name: mutation})


def replaced(pattern: bytes, replacement, count: int = 1) -> Mutation:
    """A part's XML with the first `count` matches of `pattern` (0: all) replaced."""
    return lambda xml: re.sub(pattern, replacement, xml, count=count, flags=re.S)


def in_cell(reference: str, xml: bytes) -> Mutation:
    """The sheet with the shared-string cell `reference` (such as B3) written as `xml` (the tag's attributes kept):
    what comes after the cell's opening tag, through its end."""
    return replaced(rb'<c r="' + reference.encode() + rb'"([^>]*?) t="s"><v>\d+</v></c>', lambda m: b'<c r="' + reference.encode() + b'"' + m[1] + xml)


def after_declaration(prologue: bytes) -> Mutation:
    """A part with `prologue` (a DOCTYPE) after its XML declaration."""
    return lambda xml: re.sub(rb"^(<\?xml[^>]*\?>)", lambda m: m[1] + prologue, xml, count=1)


def cut(offset: int) -> Mutation:
    """The file cut short at `offset` (a negative offset counts from its end)."""
    return lambda data: data[:offset]


def _local_data_start(data: bytes, member: str) -> tuple[int, zipfile.ZipInfo]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        info = archive.getinfo(member)
    name_length, extra_length = struct.unpack_from("<HH", data, info.header_offset + 26)
    return info.header_offset + 30 + name_length + extra_length, info


def flipped(member: str, where: float) -> Mutation:
    """One byte of `member`'s compressed data inverted, at `where` (0 to 1) of its length."""

    def flip(data: bytes) -> bytes:
        start, info = _local_data_start(data, member)
        at = start + min(int(info.compress_size * where), info.compress_size - 1)
        return data[:at] + bytes([data[at] ^ 0xFF]) + data[at + 1 :]

    return flip


def header_field(member: str, fmt: str, local: int, central: int, value: int | Callable[[zipfile.ZipInfo], int]) -> Mutation:
    """One field of `member`'s headers set: at offset `local` of its local header and `central` of its entry in the
    central directory (struct format `fmt`); `value` may be a function of the member's ZipInfo."""

    def rewrite(data: bytes) -> bytes:
        buffer = bytearray(data)
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            info = archive.getinfo(member)
        number = value(info) if callable(value) else value
        struct.pack_into(fmt, buffer, info.header_offset + local, number)
        entry = buffer.find(b"PK\x01\x02")
        while entry != -1:
            length = struct.unpack_from("<H", buffer, entry + 28)[0]
            if buffer[entry + 46 : entry + 46 + length] == member.encode():
                struct.pack_into(fmt, buffer, entry + central, number)
            entry = buffer.find(b"PK\x01\x02", entry + 4)
        return bytes(buffer)

    return rewrite


def declaring(member: str, size: int) -> Mutation:
    """`member` declaring `size` bytes uncompressed."""
    return header_field(member, "<I", 22, 24, size)


def wrong_checksum(member: str) -> Mutation:
    return header_field(member, "<I", 14, 16, lambda info: info.CRC ^ 1)


def flagged_encrypted(member: str) -> Mutation:
    """`member` marked as encrypted (bit 0 of its general purpose flags), its data left as it is."""
    return header_field(member, "<H", 6, 8, lambda info: info.flag_bits | 1)


def stored_then(change: Mutation) -> Mutation:
    """The archive with every part stored uncompressed, then changed as bytes (a stored part's text is in the file)."""
    return lambda data: change(rezipped(data, method=zipfile.ZIP_STORED))


def text_replaced(old: str, new: str, count: int = 1) -> Mutation:
    """A CSV file's UTF-8 text with `old` replaced."""
    return lambda data: data.decode("utf-8").replace(old, new, count).encode("utf-8")


def encoded(codec: str, prefix: bytes = b"") -> Mutation:
    return lambda data: prefix + data.decode("utf-8").encode(codec)


def lines_changed(change: Callable[[int, str], str]) -> Mutation:
    """A CSV file with each line (its number from 0, its text with its line break) changed."""
    return lambda data: "".join(change(number, line) for number, line in enumerate(data.decode("utf-8").splitlines(keepends=True))).encode("utf-8")

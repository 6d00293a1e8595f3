"""Unpacking the streams of a PDF with a limit: a small file must not take gigabytes of memory.

A PDF's content streams are compressed, and pdfminer.six unpacks each one whole, with no limit: a 2 MB file whose
page is 2 GB of compressed whitespace took 4.3 GB of memory to read. Here pdfminer's PDFStream.decode is replaced
by the same decoding with limits (`install`, done before any PDF is read): each stream may unpack to at most
MAX_STREAM_BYTES, and the streams of one document together (pdfminer keeps every decoded object of a document
until it is closed) to at most MAX_DOCUMENT_BYTES. The filters that can expand their input without bound
(Flate, LZW, RunLength) stop as soon as they pass the limit, before the memory is taken; a stream over it raises
StreamTooLarge, and the reading refuses the file.

The real MOAs are far below the limits: their largest stream unpacks to 0.4 MB and all the streams of one
document to 1.7 MB (tests/data/moa, the ten MOAs of ICE's list of 2025-07-09).

Image data is never needed to read text: pdfminer already leaves DCT, JPX and JBIG2 data packed; CCITT fax data
(whose expansion the data alone does not bound) is left packed too.
"""

from __future__ import annotations

import contextvars
import zlib
from contextlib import contextmanager
from dataclasses import dataclass
from io import BytesIO

MAX_STREAM_BYTES = 32 * 1024 * 1024
MAX_DOCUMENT_BYTES = 128 * 1024 * 1024
_CHUNK = 1 << 16


class StreamTooLarge(Exception):
    """A stream (or the streams of a document together) unpacks to more than the limit."""


@dataclass
class _Budget:
    remaining: int
    exceeded: str | None = None  # why, once a stream went over (kept even if the reader swallowed the exception)


_budget: contextvars.ContextVar[_Budget | None] = contextvars.ContextVar("g287_pdf_budget", default=None)


@contextmanager
def document_budget():
    """Count the bytes unpacked while one document is read, against MAX_DOCUMENT_BYTES. Yields the budget, whose
    `exceeded` says why a stream was refused (pdfminer may catch an exception; the budget remembers)."""
    budget = _Budget(MAX_DOCUMENT_BYTES)
    token = _budget.set(budget)
    try:
        yield budget
    finally:
        _budget.reset(token)


def _limit() -> int:
    budget = _budget.get()
    return MAX_STREAM_BYTES if budget is None else min(MAX_STREAM_BYTES, max(budget.remaining, 0))


def _too_large(limit: int) -> StreamTooLarge:
    budget = _budget.get()
    if budget is not None and budget.remaining <= limit:  # what the document had left was the limit
        why = f"its streams unpack to more than {_size(MAX_DOCUMENT_BYTES)} in all"
    else:
        why = f"a stream unpacks to more than {_size(limit)}"
    if budget is not None and budget.exceeded is None:
        budget.exceeded = why
    return StreamTooLarge(why)


def _size(count: int) -> str:
    return f"{count / (1024 * 1024):g} MB" if count >= 1024 * 1024 else f"{count:,} bytes"


def inflate(data: bytes, limit: int) -> bytes:
    """zlib data unpacked, at most `limit` bytes (StreamTooLarge beyond). Like pdfminer: a stream cut short gives
    what it holds, and a stream damaged only in its last bytes (its checksum) what came before them; one damaged
    earlier gives nothing."""
    inflater = zlib.decompressobj()
    out = bytearray()
    for start in range(0, len(data), _CHUNK):
        chunk = data[start : start + _CHUNK]
        before = inflater.copy()
        try:
            out += inflater.decompress(chunk, limit + 1 - len(out))
            if len(out) > limit or inflater.unconsumed_tail:
                raise _too_large(limit)
        except zlib.error:
            inflater = before  # find the damaged byte: feed the chunk again one byte at a time
            for offset in range(len(chunk)):
                try:
                    out += inflater.decompress(chunk[offset : offset + 1], limit + 1 - len(out))
                except zlib.error:
                    return bytes(out) if start + offset >= len(data) - 3 else b""
                if len(out) > limit:
                    raise _too_large(limit) from None
        if inflater.eof:
            break
    return bytes(out)


def lzw(data: bytes, limit: int) -> bytes:
    from pdfminer.lzw import LZWDecoder

    out = bytearray()
    for piece in LZWDecoder(BytesIO(data)).run():  # each piece is at most a table entry (4 KB)
        out += piece
        if len(out) > limit:
            raise _too_large(limit)
    return bytes(out)


def run_length(data: bytes, limit: int) -> bytes:
    from pdfminer.runlength import rldecode

    size, position = 0, 0  # the unpacked size, counted before anything is unpacked
    while position < len(data) and data[position] != 128:
        length = data[position]
        size += length + 1 if length < 128 else 257 - length
        position += length + 2 if length < 128 else 2
        if size > limit:
            raise _too_large(limit)
    return rldecode(data)


def bounded_decode(stream) -> None:
    """pdfminer's PDFStream.decode (filters in order, then predictors), each step within the limit."""
    from pdfminer.ascii85 import ascii85decode, asciihexdecode
    from pdfminer.pdfexceptions import PDFNotImplementedError
    from pdfminer.pdftypes import (
        LITERAL_CRYPT, LITERALS_ASCII85_DECODE, LITERALS_ASCIIHEX_DECODE, LITERALS_CCITTFAX_DECODE, LITERALS_DCT_DECODE,
        LITERALS_FLATE_DECODE, LITERALS_JBIG2_DECODE, LITERALS_JPX_DECODE, LITERALS_LZW_DECODE, LITERALS_RUNLENGTH_DECODE,
    )
    from pdfminer.pdftypes import int_value
    from pdfminer.utils import apply_png_predictor, apply_tiff_predictor

    assert stream.data is None and stream.rawdata is not None
    limit = _limit()
    data = stream.rawdata
    if stream.decipher:
        data = stream.decipher(stream.objid, stream.genno, data, stream.attrs)
    for name, params in stream.get_filters():
        if name in LITERALS_FLATE_DECODE:
            data = inflate(data, limit)
        elif name in LITERALS_LZW_DECODE:
            data = lzw(data, limit)
        elif name in LITERALS_ASCII85_DECODE:
            data = ascii85decode(data)
        elif name in LITERALS_ASCIIHEX_DECODE:
            data = asciihexdecode(data)
        elif name in LITERALS_RUNLENGTH_DECODE:
            data = run_length(data, limit)
        elif name in LITERALS_CCITTFAX_DECODE or name in LITERALS_DCT_DECODE or name in LITERALS_JBIG2_DECODE or name in LITERALS_JPX_DECODE:
            pass  # image data, left packed (see the module's docstring)
        elif name == LITERAL_CRYPT:
            raise PDFNotImplementedError("/Crypt filter is unsupported")
        else:
            raise PDFNotImplementedError(f"Unsupported filter: {name!r}")
        if params and "Predictor" in params:  # a predictor never makes its data larger
            predictor = int_value(params["Predictor"])
            colors, columns = int_value(params.get("Colors", 1)), int_value(params.get("Columns", 1))
            bits = int_value(params.get("BitsPerComponent", 8))
            if predictor == 2:
                data = apply_tiff_predictor(colors, columns, bits, data)
            elif predictor >= 10:
                data = apply_png_predictor(predictor, colors, columns, bits, data)
            elif predictor != 1:
                raise PDFNotImplementedError(f"Unsupported predictor: {predictor!r}")
    if len(data) > limit:  # filters that only shrink, applied to a raw stream over the limit
        raise _too_large(limit)
    budget = _budget.get()
    if budget is not None:
        budget.remaining -= len(data)
    stream.data = data
    stream.rawdata = None


def install() -> None:
    """Make pdfminer unpack every stream with bounded_decode (once per process; reading a PDF calls it first)."""
    from pdfminer.pdftypes import PDFStream

    if PDFStream.decode is not bounded_decode:
        PDFStream.decode = bounded_decode

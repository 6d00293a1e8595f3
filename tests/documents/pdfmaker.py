"""Small PDFs written byte by byte for tests of hostile or odd files (a page whose content unpacks to more than
g287 reads, a page too large to render), so no test depends on files outside the repository."""

from __future__ import annotations

import zlib

TEXT_PAGE = b"BT /F1 12 Tf 72 700 Td (Memorandum of Agreement) Tj ET"


def raw_pdf(objects: list[bytes]) -> bytes:
    """A PDF of `objects` (numbered from 1; the first is the catalog), with a correct cross-reference table."""
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def stream(data: bytes, extra: bytes = b"", *, filters: bytes = b"") -> bytes:
    return b"<< /Length %d %s %s >>\nstream\n" % (len(data), b"/Filter " + filters if filters else b"", extra) + data + b"\nendstream"


def flate(data: bytes) -> bytes:
    return stream(zlib.compress(data, 9), filters=b"/FlateDecode")


def pages_pdf(contents: list[bytes], mediabox: bytes = b"[0 0 612 792]", resources: bytes = b"/Font << /F1 3 0 R >>", extra_objects: list[bytes] = ()) -> bytes:
    """A PDF with one page per content stream (each given whole, e.g. by `flate`): objects 1 catalog, 2 pages,
    3 a font, then the extra objects, then each page and its content."""
    first = 4 + len(extra_objects)
    kids = b" ".join(b"%d 0 R" % (first + 2 * i) for i in range(len(contents)))
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [" + kids + b"] /Count %d >>" % len(contents),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        *extra_objects,
    ]
    for index, content in enumerate(contents):
        objects.append(b"<< /Type /Page /Parent 2 0 R /MediaBox " + mediabox + b" /Resources << " + resources + b" >> /Contents %d 0 R >>" % (first + 2 * index + 1))
        objects.append(content)
    return raw_pdf(objects)


def image_page_pdf(width: int, height: int) -> bytes:
    """One page of `width` x `height` points holding only a tiny grey image (a page OCR would read)."""
    image = stream(b"\x80" * 4, b"/Type /XObject /Subtype /Image /Width 2 /Height 2 /ColorSpace /DeviceGray /BitsPerComponent 8")
    content = stream(b"q %d 0 0 %d 0 0 cm /Im1 Do Q" % (width, height))
    return pages_pdf([content], mediabox=b"[0 0 %d %d]" % (width, height), resources=b"/XObject << /Im1 4 0 R >>", extra_objects=[image])


def text_pdf(words: bytes = b"Memorandum of Agreement") -> bytes:
    """One page with one line of text: read in milliseconds."""
    return pages_pdf([flate(b"BT /F1 12 Tf 72 700 Td (" + words + b") Tj ET")])


def scattered_text_pdf(shows: int = 1000) -> bytes:
    """One page of `shows` one-letter text-show operators scattered over it (a few kilobytes): pdfminer's layout
    analysis, which groups characters into lines, takes half a minute or more over a thousand of them."""
    operators = b"".join(b"%d %d Td (x) Tj " % (i % 97, (i * 7) % 89) for i in range(shows))
    return pages_pdf([flate(b"BT /F1 4 Tf " + operators + b"ET")])

"""Content codings (HTTP Content-Encoding) undone within a size limit. g287 asks for `Accept-Encoding: identity`,
but a server may compress anyway; httpx would unpack each piece whole, however large it grows, so the raw bytes
are read and unpacked here."""

from __future__ import annotations

import zlib

_CODINGS = {"gzip": 16 + zlib.MAX_WBITS, "x-gzip": 16 + zlib.MAX_WBITS, "deflate": zlib.MAX_WBITS}


def content_codings(headers) -> list[str]:
    """The content codings of a response, in the order they were applied (`identity` left out)."""
    listed = (coding.strip().lower() for coding in headers.get("Content-Encoding", "").split(","))
    return [coding for coding in listed if coding and coding != "identity"]


def unpacked(data: bytes, codings: list[str], limit: int) -> tuple[bytes, bool]:
    """`data` with its content codings undone, the last applied first, and whether each was read to its end. No step
    gives more than limit + 1 bytes, and one that reaches that is the last (its bytes, more than `limit`, tell the
    caller so): a small body that unpacks to gigabytes (once, or coded again and again) costs no more memory than
    the limit. Raises ValueError for a coding not read here, or data that is not of its coding."""
    whole = True
    for coding in reversed(codings):
        if coding not in _CODINGS:
            raise ValueError(f"content encoded as {coding[:40]!r}, which g287 does not read (it asks for identity)")
        attempts = (_CODINGS[coding], -zlib.MAX_WBITS) if coding == "deflate" else (_CODINGS[coding],)  # raw deflate too, as browsers read it
        for wbits in attempts:
            decompressor = zlib.decompressobj(wbits)
            try:
                out = decompressor.decompress(data, limit + 1)
            except zlib.error:
                if wbits == attempts[-1]:
                    raise ValueError(f"content that is not {coding} data, though encoded as {coding}") from None
                continue
            if len(out) > limit:
                return out, False
            data, whole = out, whole and decompressor.eof
            break
    return data, whole

"""Content-Disposition values that any file name survives (RFC 6266): an ASCII fallback in `filename` for old
clients and the exact name, percent-encoded UTF-8, in `filename*`. A header is sent as Latin-1: a raw name with any
other character (a workbook named "… (Ł).xlsx") cannot be written there at all."""

from __future__ import annotations

import re
import unicodedata
import urllib.parse


def ascii_name(filename: str) -> str:
    """The fallback: accents dropped ("é" -> "e"), every run of other characters one underscore; "download" where
    nothing of the name is left ("Ł.pdf" -> "download.pdf", never a hidden ".pdf")."""
    folded = "".join(c for c in unicodedata.normalize("NFKD", filename) if not unicodedata.combining(c))
    name = re.sub(r"[^A-Za-z0-9._-]+", "_", folded).strip("_")
    if not name.strip("._-"):
        return "download"
    return "download" + name if name.startswith(".") else name


def content_disposition(filename: str, disposition: str = "attachment") -> str:
    """`attachment` (a download) or `inline` (shown by the browser), with both forms of the name."""
    if disposition not in ("attachment", "inline"):
        raise ValueError(f"unknown disposition {disposition!r}")
    return f"{disposition}; filename=\"{ascii_name(filename)}\"; filename*=UTF-8''{urllib.parse.quote(filename, safe='')}"


def attachment(filename: str) -> str:
    """A download under `filename`."""
    return content_disposition(filename, "attachment")

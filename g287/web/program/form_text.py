"""The text of a submitted urlencoded form is UTF-8, percent-encoded, or the form is refused.

Starlette decodes an urlencoded form's escaped bytes as UTF-8 with errors="replace", and its unescaped bytes as
Latin-1: `full_name=%ff%fe` was kept, and shown, as a nominee's name of two U+FFFD, as if it had been typed, and
`full_name=José` sent unescaped (curl -d) as "JosÃ©". Every page of the site sends its forms in UTF-8,
percent-encoded, so such a field comes from no form of this site: it is refused naming it, and nothing is changed.

A multipart form's text fields (the signed MOA's upload) are not checked here: Starlette reads one that is not UTF-8
as Latin-1, and telling it apart would mean splitting the body a second time, as Starlette does, within its limits
(a second parser of the standard library's split some bodies otherwise, crashed on others and took seconds on many
empty parts)."""

from __future__ import annotations

from urllib.parse import unquote_to_bytes

from starlette.requests import Request

from g287.program.validation import InvalidInput

NOT_UTF8 = "not text as the site's forms send it (UTF-8, percent-encoded); nothing was changed"


async def refuse_text_not_utf8(request: Request) -> None:
    """InvalidInput naming each field of an urlencoded form whose name or value is not percent-encoded UTF-8. The
    body read is kept by the request: request.form() reads it again."""
    if request.headers.get("content-type", "").split(";")[0].strip().lower() != "application/x-www-form-urlencoded":
        return
    refused = _urlencoded_not_utf8(await request.body())
    if refused:
        raise InvalidInput({name: NOT_UTF8 for name in refused})


def _urlencoded_not_utf8(body: bytes) -> list[str]:
    refused = []
    for pair in body.split(b"&"):
        name, _equals, value = pair.partition(b"=")
        # Unescaped bytes beyond ASCII are read as Latin-1 by Starlette: refused, as escaped bytes that are not UTF-8.
        raw_ascii = name.isascii() and value.isascii()
        name, value = (unquote_to_bytes(part.replace(b"+", b" ")) for part in (name, value))
        if not (raw_ascii and _is_utf8(name) and _is_utf8(value)):
            refused.append(name.decode("utf-8", "replace") or "(a field with no name)")
    return refused


def _is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True

"""The text of a submitted form is UTF-8, or the form is refused.

Starlette decodes an urlencoded form's fields with errors="replace", and a multipart form's text fields, when they
are not UTF-8, as Latin-1: `full_name=%ff%fe` was kept, and shown, as a nominee's name of two U+FFFD, as if it had
been typed. Every page of the site sends its forms in UTF-8 (and the API's multipart upload is documented so), so such
a field comes from no form of this site: it is refused naming it, and nothing is changed."""

from __future__ import annotations

from email import policy
from email.parser import BytesParser
from urllib.parse import unquote_to_bytes

from starlette.requests import Request

from g287.program.validation import InvalidInput

NOT_UTF8 = "not UTF-8 text: the site's forms send UTF-8; nothing was changed"


async def refuse_text_not_utf8(request: Request) -> None:
    """InvalidInput naming each field of the request's form (urlencoded or multipart; a file's content is no text)
    whose name or text is not UTF-8. The body read is kept by the request: request.form() reads it again."""
    content_type = request.headers.get("content-type", "")
    kind = content_type.split(";")[0].strip().lower()
    if kind == "application/x-www-form-urlencoded":
        refused = _urlencoded_not_utf8(await request.body())
    elif kind == "multipart/form-data":
        refused = _multipart_not_utf8(content_type, await request.body())
    else:
        return
    if refused:
        raise InvalidInput({name: NOT_UTF8 for name in refused})


def _urlencoded_not_utf8(body: bytes) -> list[str]:
    refused = []
    for pair in body.split(b"&"):
        name, _equals, value = pair.partition(b"=")
        name, value = (unquote_to_bytes(part.replace(b"+", b" ")) for part in (name, value))
        if not (_is_utf8(name) and _is_utf8(value)):
            refused.append(name.decode("utf-8", "replace") or "(a field with no name)")
    return refused


def _multipart_not_utf8(content_type: str, body: bytes) -> list[str]:
    """The text parts (no file name) whose name or content is not UTF-8, as the standard library's MIME parser
    splits the body (Starlette's parser would have read them as Latin-1)."""
    message = BytesParser(policy=policy.HTTP).parsebytes(b"Content-Type: " + content_type.encode("latin-1", "replace") + b"\r\n\r\n" + body)
    if not message.is_multipart():
        return []  # a body Starlette's parser refuses on its own (400)
    refused = []
    for part in message.iter_parts():
        if part.get_filename() is not None:
            continue
        name = part.get_param("name", header="content-disposition") or ""
        raw_name = str(name).encode("utf-8", "surrogateescape")
        if not (_is_utf8(raw_name) and _is_utf8(part.get_payload(decode=True) or b"")):
            refused.append(raw_name.decode("utf-8", "replace") or "(a field with no name)")
    return refused


def _is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True

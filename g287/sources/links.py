"""Document addresses: e-mail safety redirects unwrapped to the real address.

ICE's staff paste links from e-mail, so some cells link to Microsoft Safe Links
(`https://gcc02.safelinks.protection.outlook.com/?url=<address>&data=<mailbox and tenant identifiers>...`)
or Proofpoint URL Defense instead of the document. Only the real address is kept: the wrapper and the
identifiers it carries (mailboxes, tenant and message ids) are never stored or shown.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import parse_qs, unquote, urlsplit

from g287.sources.table import Note
from g287.wording import counted

_SAFELINKS_HOST = re.compile(r"(^|\.)safelinks\.protection\.outlook\.com$|(^|\.)safelinks\.protection\.office365\.us$", re.I)
_URLDEFENSE_V2_HOST = re.compile(r"^urldefense\.proofpoint\.com$", re.I)
_URLDEFENSE_V3_HOST = re.compile(r"^urldefense\.com$", re.I)


@dataclass(frozen=True)
class Unwrapped:
    url: str | None  # the real address, or None when it cannot be recovered
    wrapper: str | None  # the kind of wrapper removed ("Microsoft Safe Links", "Proofpoint URL Defense"), or None


@lru_cache(maxsize=65536)
def unwrap(address: str) -> Unwrapped:
    """The real document address behind a safety redirect (repeatedly, for wrappers inside wrappers)."""
    current = address.strip()
    lowered = current.lower()
    if "safelinks" not in lowered and "urldefense" not in lowered:
        return Unwrapped(current, None)
    wrapper = None
    for _ in range(5):
        try:
            parts = urlsplit(current)
        except ValueError:  # a malformed address ("https://[host..." reads as an unclosed IPv6 host)
            return Unwrapped(None, wrapper or "an unreadable address naming a safety redirect")
        host = (parts.hostname or "").rstrip(".")  # "outlook.com." is the same host, fully qualified
        inner = None
        if _SAFELINKS_HOST.search(host):
            wrapper = "Microsoft Safe Links"
            inner = _first(parse_qs(parts.query).get("url"))
        elif _URLDEFENSE_V2_HOST.search(host) and parts.path.startswith(("/v1/url", "/v2/url")):
            wrapper = "Proofpoint URL Defense"
            encoded = _first(parse_qs(parts.query).get("u"))
            # v1 carries the address percent-encoded (parse_qs decoded it), v2 in its own encoding
            inner = (encoded if parts.path.startswith("/v1/") else _decode_urldefense_v2(encoded)) if encoded else None
        elif _URLDEFENSE_V3_HOST.search(host) and parts.path.startswith(("/v3/__", "/v4/__")):
            wrapper = "Proofpoint URL Defense"
            inner = _decode_urldefense_v3(current)
        elif "." in host and ("safelinks" in host.lower() or "urldefense" in host.lower()):  # a host, not a mere word
            # A wrapper in a form not known here: its identifiers are not kept, and no address is guessed.
            return Unwrapped(None, "an e-mail safety redirect of an unknown form")
        else:
            return Unwrapped(current, wrapper)
        if not inner:
            return Unwrapped(None, wrapper)
        current = inner.strip()
    return Unwrapped(current, wrapper)


# A wrapped address inside a cell's text: a run of non-space characters naming a wrapper's host (with or without
# its scheme). Wrappers are recognized whatever their case ("nam12.SAFELINKS.protection.outlook.com").
_WRAPPER_HINT = re.compile(r"safelinks|urldefense", re.I)
WRAPPED_IN_TEXT = re.compile(r"[^\s<>\"']*(?:safelinks|urldefense)[^\s<>\"']*", re.I)
_ONE_URL = re.compile(r"^\s*https?://\S+\s*$", re.I)
_SCHEME = re.compile(r"^https?://", re.I)
UNRECOVERED = "(a wrapped address that could not be recovered)"


def names_a_wrapper(text: str) -> bool:
    """Whether a text names a wrapper's host (any case)."""
    if text.isascii() or not any(letter in text for letter in _NON_ASCII_FOLDING_TO_ASCII):
        # The common case, six times faster than the case-insensitive pattern over a sheet's text (the reader asks
        # about every string of a sheet at once): lower() then `in` finds what the pattern matches, in any text
        # without the only letters the pattern also takes for ASCII ones (which the pattern is left to judge).
        lowered = text.lower()
        return "safelinks" in lowered or "urldefense" in lowered
    return _WRAPPER_HINT.search(text) is not None


# The letters outside ASCII that a case-insensitive pattern takes for ASCII letters (İ and ı for i, the long s ſ
# for s, the Kelvin sign for k), found by trying every character; also the only ones lower() turns into ASCII.
_NON_ASCII_FOLDING_TO_ASCII = ("\u0130", "\u0131", "\u017f", "\u212a")


def without_wrappers(text: str) -> tuple[str, int]:
    """A cell's text with every safety-redirect address in it replaced by the real address (or by a note that it
    could not be recovered), and how many were replaced. Text that merely mentions a wrapper's name is kept."""
    replaced = 0

    def real(match: re.Match) -> str:
        nonlocal replaced
        token = match[0]
        # Punctuation closing the sentence around the address ("(see https://...)") is the text's, not the address's.
        stripped = token.rstrip(").,;:!?]}")
        trail = token[len(stripped):]
        address = stripped if _SCHEME.match(stripped) else "https://" + stripped
        unwrapped = unwrap(address)
        if not unwrapped.wrapper:
            return token
        replaced += 1
        return (unwrapped.url or UNRECOVERED) + trail

    cleaned = WRAPPED_IN_TEXT.sub(real, text) if names_a_wrapper(text) else text
    return cleaned, replaced


def scrubbed(cells: list) -> tuple[list, int]:
    """A row's cells with the safety-redirect addresses in their text replaced (without_wrappers), and how many."""
    total = 0
    result = []
    for value in cells:
        if type(value) is str:
            value, replaced = without_wrappers(value)
            total += replaced
        result.append(value)
    return result, total


def wrapped_in_text_note(count: int) -> Note:
    return Note(
        problem=f"{counted(count, 'address', 'addresses')} written in cells wrapped in an e-mail safety redirect",
        action="replaced by the document's real address; the wrapper and its e-mail identifiers are not kept",
        category="repaired",
    )


def _first(values: list[str] | None) -> str | None:
    return values[0] if values else None


def _decode_urldefense_v2(encoded: str) -> str:
    # v2 encodes '-' as '-2D', '_' as '/', and other characters as -XX hex.
    text = encoded.replace("_", "/")
    return re.sub(r"-([0-9A-F]{2})", lambda m: chr(int(m[1], 16)), text)


def _decode_urldefense_v3(url: str) -> str | None:
    match = re.match(r"^https?://urldefense\.com\.?/v[34]/__(?P<inner>.+?)__;(?P<rest>.*)$", url, re.I)
    if not match:
        return None
    # v3 replaces some characters by '*'; the replacement characters are base64 in the tail. Links to ICE's
    # documents use none of them; when the inner address has any, it cannot be recovered safely.
    inner = match["inner"]
    if "*" in inner:
        return None
    return unquote(inner) if "%" in inner and "://" not in inner else inner


def looks_like_url(text: str) -> bool:
    return _ONE_URL.match(text) is not None

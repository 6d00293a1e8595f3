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
        parts = urlsplit(current)
        host = parts.hostname or ""
        inner = None
        if _SAFELINKS_HOST.search(host):
            wrapper = "Microsoft Safe Links"
            inner = _first(parse_qs(parts.query).get("url"))
        elif _URLDEFENSE_V2_HOST.search(host) and parts.path.startswith("/v2/url"):
            wrapper = "Proofpoint URL Defense"
            encoded = _first(parse_qs(parts.query).get("u"))
            inner = _decode_urldefense_v2(encoded) if encoded else None
        elif _URLDEFENSE_V3_HOST.search(host) and parts.path.startswith("/v3/__"):
            wrapper = "Proofpoint URL Defense"
            inner = _decode_urldefense_v3(current)
        else:
            return Unwrapped(current, wrapper)
        if not inner:
            return Unwrapped(None, wrapper)
        current = inner.strip()
    return Unwrapped(current, wrapper)


def _first(values: list[str] | None) -> str | None:
    return values[0] if values else None


def _decode_urldefense_v2(encoded: str) -> str:
    # v2 encodes '-' as '-2D', '_' as '/', and other characters as -XX hex.
    text = encoded.replace("_", "/")
    return re.sub(r"-([0-9A-F]{2})", lambda m: chr(int(m[1], 16)), text)


def _decode_urldefense_v3(url: str) -> str | None:
    match = re.match(r"^https?://urldefense\.com/v3/__(?P<inner>.+?)__;(?P<rest>.*)$", url, re.I)
    if not match:
        return None
    # v3 replaces some characters by '*'; the replacement characters are base64 in the tail. Links to ICE's
    # documents use none of them; when the inner address has any, it cannot be recovered safely.
    inner = match["inner"]
    if "*" in inner:
        return None
    return unquote(inner) if "%" in inner and "://" not in inner else inner


def looks_like_url(text: str) -> bool:
    return bool(re.match(r"^\s*https?://\S+\s*$", text, re.I))

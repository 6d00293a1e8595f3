"""Document addresses: e-mail safety redirects unwrapped to the real address.

ICE's staff paste links from e-mail, so some cells link to Microsoft Safe Links
(`https://gcc02.safelinks.protection.outlook.com/?url=<address>&data=<mailbox and tenant identifiers>...`)
or another wrapper instead of the document. Only the real address is kept: the wrapper and the identifiers it
carries (mailboxes, tenant and message ids) are never stored or shown. The wrappers known, and where each carries
the address, are in g287/data/rules/safety_redirects.toml with their sources.
"""

from __future__ import annotations

import base64
import binascii
import re
import tomllib
import unicodedata
from dataclasses import dataclass
from functools import cache, lru_cache
from urllib.parse import parse_qs, unquote, urlsplit

from g287.config import DATA_DIR
from g287.sources.table import Note
from g287.wording import counted
from g287.xmlchars import BIDIRECTIONAL_OVERRIDES


@dataclass(frozen=True)
class Unwrapped:
    url: str | None  # the real address, or None when it cannot be recovered
    wrapper: str | None  # the kind of wrapper removed ("Microsoft Safe Links", "Proofpoint URL Defense"), or None


@dataclass(frozen=True)
class WrapperForm:
    name: str
    host: re.Pattern
    path: str
    address: str  # how the real address is carried: see safety_redirects.toml
    parameter: str | None


@dataclass(frozen=True)
class WrapperRules:
    words: tuple[str, ...]  # lower case
    any_form: tuple[str, ...]
    forms: tuple[WrapperForm, ...]


_ADDRESS_KINDS = {"query", "query-base64", "proofpoint-v2", "proofpoint-v3", "path-after-token", "none"}


@cache
def wrapper_rules() -> WrapperRules:
    with open(DATA_DIR / "rules" / "safety_redirects.toml", "rb") as handle:
        data = tomllib.load(handle)
    forms = []
    for form in data["form"]:
        kind, _, parameter = form["address"].partition(" ")
        if kind not in _ADDRESS_KINDS:
            raise ValueError(f"safety_redirects.toml: {form['name']}: unknown address kind {kind!r}")
        forms.append(WrapperForm(form["name"], re.compile(form["host"]), form["path"], kind, parameter or None))
    words = tuple(word.lower() for word in data["hints"]["words"])
    return WrapperRules(words, tuple(word.lower() for word in data["hints"]["any_form"]), tuple(forms))


def _names_a_hint(lowered: str) -> bool:
    return any(word in lowered for word in _WORDS)


# Wrappers inside wrappers are followed this deep; wrapped more deeply, an address is not followed further, and
# nothing of it is kept.
_MOST_NESTED = 5
# A decoded address holding a control character (a line break, NUL) is no address: no database keeps NUL, and a
# line break would end up inside a cell's text.
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
# A scheme: letters without a dot ("nam12.safelinks.protection.outlook.com:443/..." is a host and its port).
_SCHEME_NAME = re.compile(r"^([a-z][a-z0-9+-]*):", re.I)
# What can begin an address written without its scheme: a host (with a dot), a user before it, a port after it.
_HOST_FIRST = re.compile(r"(?:[^\s@/?#\\]*@)?[^\s@/?#\\:]+\.[^\s@/?#\\:]+(?::\d*)?")
_BEFORE_QUERY = re.compile(r"[^?#]*")


def _as_browsers_read(address: str):
    """The parts of a web address as a browser reads it, so that a wrapper is found however it is written: with or
    without its scheme, with one slash, or with backslashes for slashes before the query (https:\\\\host\\url?...).
    None for what is no web address: another scheme (mailto:, file:), or a path relative to the workbook
    ([Archive]/policy.pdf), which names no host however it is read."""
    scheme = _SCHEME_NAME.match(address)
    if scheme:
        if scheme[1].lower() not in ("http", "https"):
            return None
        rest = address[scheme.end():].lstrip("/\\")
    else:
        rest = address.lstrip("/\\")
        if not _HOST_FIRST.fullmatch(_BEFORE_QUERY.match(rest)[0].replace("\\", "/").split("/", 1)[0]):
            return None
    head = _BEFORE_QUERY.match(rest)[0]
    return urlsplit("https://" + head.replace("\\", "/") + rest[len(head):])


# The characters a browser removes from a host (UTS #46 maps them to nothing: the soft hyphen, zero-width space, word
# joiner, variation selectors, byte-order mark...), as the idna package's table lists them: "safe<soft hyphen>links" is
# "safelinks" to a browser.
_IGNORED_IN_HOSTS = re.compile(
    "[\u00ad\u034f\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b\u2060-\u2064\u206a-\u206f\u3164\ufe00-\ufe0f\ufeff\uffa0"
    "\U0001bca0-\U0001bca3\U0001d173-\U0001d17a\U000e0100-\U000e01ef]"
)


def _decoded(text: str) -> str:
    """A text as a browser reads a host in it: percent-encoding decoded, compatibility forms folded (a full-width
    "ｓ" is "s", the long s "ſ" is "s"), the characters UTS #46 ignores removed."""
    if "%" in text:
        text = unquote(text)
    return text if text.isascii() else _IGNORED_IN_HOSTS.sub("", unicodedata.normalize("NFKC", text))


# Browsers remove every ASCII tab and line break from an address before reading it (WHATWG URL standard, "remove
# all ASCII tab or newline"): "safe<line break>links" names the same host as "safelinks". A long link wrapped by a
# mail program, or pasted across two lines of a cell, is one address.
def without_breaks(text: str) -> str:
    return text.replace("\t", "").replace("\n", "").replace("\r", "") if "\t" in text or "\n" in text or "\r" in text else text


def _plain(text: str) -> str:
    return _decoded(without_breaks(text)).lower()


@lru_cache(maxsize=65536)
def unwrap(address: str) -> Unwrapped:
    """The real document address behind a safety redirect (repeatedly, for wrappers inside wrappers). Whatever
    names a wrapper's host and cannot be unwrapped gives no address: a wrapper is never kept, nor its identifiers."""
    original = address.strip()
    if not _names_a_hint(_plain(original)):
        return Unwrapped(original, None)
    current = without_breaks(original)
    rules = wrapper_rules()
    wrapper = None
    for _ in range(_MOST_NESTED + 1):
        try:
            parts = _as_browsers_read(current)
            # "outlook.com." is the same host, fully qualified; "cuda%73vc.com" the same as "cudasvc.com"
            host = _plain(parts.hostname or "").rstrip(".") if parts is not None else ""
        except ValueError:  # a malformed address ("https://[host..." reads as an unclosed IPv6 host)
            return Unwrapped(None, wrapper or "an unreadable address naming a safety redirect")
        form = next((f for f in rules.forms if f.host.search(host) and parts.path.startswith(f.path)), None) if parts is not None else None
        if form is not None:
            wrapper = form.name
            inner = _carried_address(form, parts)
        elif "." in host and (any(f.host.search(host) for f in rules.forms) or any(word in host for word in rules.any_form)):
            # A wrapper in a form not known here (a host, not a mere word): its identifiers are not kept, and no
            # address is guessed.
            return Unwrapped(None, "an e-mail safety redirect of an unknown form")
        elif parts is not None and _carries_a_wrapper(parts, rules):
            # Another site's redirect to a wrapped link (https://example.org/r?u=<a Safe Links address>): the wrapper
            # and its identifiers are inside the address, which no rule here unwraps; no address is guessed.
            return Unwrapped(None, wrapper or "an address carrying an e-mail safety redirect")
        else:
            return Unwrapped(current if wrapper else original, wrapper)
        if not inner or _CONTROL.search(inner):
            return Unwrapped(None, wrapper)
        current = inner.strip()
    return Unwrapped(None, wrapper)


# A host written inside an address's path, query or fragment (once percent-decoded): letters, digits, dots, hyphens.
_HOST_RUN = re.compile(r"[a-z0-9.-]+")


def _carries_a_wrapper(parts, rules: WrapperRules) -> bool:
    """Whether an address that is no wrapper holds a wrapper's host after its own (in a parameter, percent-encoded
    once or more, or in its path): its identifiers would be kept with it. Only the wrappers' own hosts are looked
    for, not mere words ("/doclib/safelinks-policy.pdf" names no wrapper)."""
    rest = parts.path + "?" + parts.query + "#" + parts.fragment
    for _ in range(_MOST_NESTED):
        if "%" not in rest:
            break
        rest = unquote(rest)
    rest = _plain(rest)
    return any(any(form.host.search(run.strip(".")) for form in rules.forms) for run in _HOST_RUN.findall(rest) if _names_a_hint(run))


def _carried_address(form: WrapperForm, parts) -> str | None:
    if form.address == "none":
        return None
    if form.address == "proofpoint-v3":
        return _decode_urldefense_v3(parts.geturl())
    if form.address == "path-after-token":
        pieces = parts.path.split("/", 2)  # "", the token, the address
        if len(pieces) < 3 or not pieces[2]:
            return None
        if "://" not in pieces[2]:  # percent-encoded whole: a query or fragment after it is the wrapper's own
            return unquote(pieces[2])
        # written as it is: the query and fragment are the address's
        return pieces[2] + (f"?{parts.query}" if parts.query else "") + (f"#{parts.fragment}" if parts.fragment else "")
    # A base64 value may hold "+", which a query's decoding would take for a space.
    query = parts.query.replace("+", "%2B") if form.address == "query-base64" else parts.query
    value = _first(parse_qs(query).get(form.parameter))
    if not value:
        return None
    if form.address == "proofpoint-v2":
        return _decode_urldefense_v2(value)
    if form.address == "query-base64":
        return _decode_base64(value)
    return value


def _decode_base64(value: str) -> str | None:
    text = value.strip().translate(str.maketrans("-_", "+/"))
    try:
        return base64.b64decode(text + "=" * (-len(text) % 4), validate=True).decode("utf-8")
    except (binascii.Error, ValueError):  # not base64, or not text: no address is guessed
        return None


# A wrapped address inside a cell's text: a run of non-space characters naming a wrapper's host (with or without
# its scheme). Wrappers are recognized whatever their case ("nam12.SAFELINKS.protection.outlook.com").
_WORDS = wrapper_rules().words  # looked up once: names_a_wrapper is asked about every text of a sheet
_HINTS = "|".join(re.escape(word) for word in _WORDS)
_WRAPPER_HINT = re.compile(_HINTS, re.I)
_TOKEN = re.compile(r"[^\s<>\"']+(?:[\t\n\r]+[^\s<>\"']+)*")  # across tabs and line breaks: see without_breaks
_BEFORE_AN_ADDRESS = re.compile(r"([\t\n\r]+)(?=https?:)", re.I)
_ADDRESS_START = re.compile(r"https?:[/\\]*", re.I)
_HOST_CHARACTERS = re.compile(r"[A-Za-z0-9.%@:\-]*$")
_ONE_URL = re.compile(r"^\s*https?://\S+\s*$", re.I)
UNRECOVERED = "(a wrapped address that could not be recovered)"


def names_a_wrapper(text: str) -> bool:
    """Whether a text names a wrapper's host (any case; percent-encoded or in full-width letters, as a browser reads
    a host, too)."""
    text = without_breaks(text)
    if text.isascii() and "%" not in text:
        # The common case, six times faster than the case-insensitive pattern over a sheet's text (the reader asks
        # about every string of a sheet at once).
        return _names_a_hint(text.lower())
    decoded = _decoded(text)
    if not any(letter in decoded for letter in _NON_ASCII_FOLDING_TO_ASCII):
        # lower() then `in` finds what the pattern matches, in any text without the only letters the pattern also
        # takes for ASCII ones (which the pattern is left to judge: "İ".lower() is two characters).
        return _names_a_hint(decoded.lower())
    return _WRAPPER_HINT.search(decoded) is not None


# The letters outside ASCII that a case-insensitive pattern takes for ASCII letters (İ and ı for i, the long s ſ
# for s, the Kelvin sign for k), found by trying every character; also the only ones lower() turns into ASCII.
_NON_ASCII_FOLDING_TO_ASCII = ("\u0130", "\u0131", "\u017f", "\u212a")


def without_wrappers(text: str) -> tuple[str, int]:
    """A cell's text with every safety-redirect address in it replaced by the real address (or by a note that it
    could not be recovered), and how many were replaced. Text that merely mentions a wrapper's name is kept."""
    replaced = 0

    def one(token: str) -> str:
        nonlocal replaced
        if not _names_a_hint(_plain(token)):
            return token
        start, _address, trail, unwrapped = _address_in(token)
        if not unwrapped.wrapper:
            return token
        replaced += 1
        return token[:start] + (unwrapped.url or UNRECOVERED) + trail

    def real(match: re.Match) -> str:
        # A run of text broken by tabs or line breaks is read as browsers read an address, whole; a break before
        # another address ends the one before it, once that one is whole (it is no wrapper, or it unwraps to an
        # address by itself): two links on two lines of a cell are two.
        pieces = _BEFORE_AN_ADDRESS.split(match[0])  # text, break, text, break, ...
        result, group = [], pieces[0]
        for index in range(1, len(pieces), 2):
            if _whole(group):
                result += [one(group), pieces[index]]
                group = pieces[index + 1]
            else:
                group += pieces[index] + pieces[index + 1]
        result.append(one(group))
        return "".join(result)

    cleaned = _TOKEN.sub(real, text) if names_a_wrapper(text) else text
    return cleaned, replaced


def _address_in(token: str) -> tuple[int, str, str, Unwrapped]:
    """Where the address naming a wrapper begins in a run of text, the address, the punctuation after it, and the
    address unwrapped."""
    start = _address_start(token)
    # Punctuation closing the sentence around the address ("(see https://...)") is the text's, not the address's.
    address = token[start:].rstrip(").,;:!?]}")
    trail = token[start + len(address):]
    return start, address, trail, unwrap(address if _ADDRESS_START.match(address) else "https://" + address)


def _whole(token: str) -> bool:
    if not _names_a_hint(_plain(token)):
        return True
    unwrapped = _address_in(token)[3]
    return unwrapped.wrapper is not None and unwrapped.url is not None


def _address_start(token: str) -> int:
    """Where the address naming a wrapper begins in a run of text: what comes before it ("(", "MOA:") is the
    text's. At the last scheme after which the run still names a wrapper (a wrapper's own address may hold another
    scheme); without a scheme, at the host holding a hint word."""
    for scheme in reversed(list(_ADDRESS_START.finditer(token))):
        if _names_a_hint(_plain(token[scheme.start():])):
            return scheme.start()
    lowered = token.lower()
    at = min((lowered.find(word) for word in _WORDS if word in lowered), default=-1)
    if at == -1:  # the hint is spelled otherwise (percent-encoded, full-width): what opens a sentence is the text's
        return len(token) - len(token.lstrip("([{<\"'"))
    return at - len(_HOST_CHARACTERS.search(token[:at])[0].split(":")[-1])


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


def links_with_breaks_note(addresses: list[str]) -> Note:
    """The register's entry for a sheet's links whose address holds a tab or line break (a target written with &#9;
    or &#10;, which the XML parser decodes): each is kept as a browser opens it (without_breaks), the addresses as the
    sheet gives them quoted."""
    return Note(
        problem=f"{counted(len(addresses), 'link')} whose address holds a tab or a line break",
        action="kept without them, as a browser opens the address (it removes every tab and line break from one)",
        raw_value=", ".join(dict.fromkeys(addresses)),
        category="repaired",
    )


def wrapped_links_note(count: int, unrecovered: int) -> Note:
    """The register's entry for a sheet's links wrapped in a safety redirect, `unrecovered` of which did not carry
    the real address (its row's document cell then says why it has no address)."""
    kept = "the wrapper and its e-mail identifiers are not kept"
    if not unrecovered:
        action = f"unwrapped to the document's real address; {kept}"
    elif unrecovered == count:
        action = f"no document address: the redirects do not carry a web address; {kept}" if count > 1 else f"no document address: the redirect does not carry a web address; {kept}"
    else:
        action = f"{count - unrecovered} unwrapped to the document's real address, {unrecovered} not (the redirect does not carry a web address); {kept}"
    return Note(problem=f"{counted(count, 'link')} wrapped in an e-mail safety redirect", action=action, category="repaired" if not unrecovered else "unknown")


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


# The bidirectional controls: the embeddings, overrides and isolates (U+202A to U+202E, U+2066 to U+2069) and the
# marks U+200E, U+200F. In an address they show it in another order than it is ("https://www.ice.gov\u202e..." shows
# a host that is not the one opened); no address of ICE's holds one.
BIDI_CONTROL = re.compile(f"[\u200e\u200f{BIDIRECTIONAL_OVERRIDES}]")
# An address's authority (user, host and port), after its scheme if it has one: up to the first slash, backslash (a
# slash to browsers), query or fragment.
_AUTHORITY = re.compile(r"(?:[a-z][a-z0-9+-]*:)?[/\\]*([^/\\?#]*)", re.I)
BIDI_ADDRESS = "bidirectional control characters (U+202A to U+202E, U+2066 to U+2069, U+200E, U+200F), which show it in another order than it is"
USERINFO_ADDRESS = "a user name or password before its host (user:password@host), which can make it read as another host"


def refused_address(address: str) -> str | None:
    """What a document address holds that makes it no address to keep or fetch (BIDI_ADDRESS, USERINFO_ADDRESS), or
    None. "https://www.ice.gov@example.org/x.pdf" opens example.org, as "https://user:password@www.ice.gov/x.pdf"
    carries a password: ICE links its documents by their plain addresses."""
    address = address.strip()
    if not address.isascii() and BIDI_CONTROL.search(address):
        return BIDI_ADDRESS
    if "@" in _AUTHORITY.match(address)[1]:
        return USERINFO_ADDRESS
    return None


def refused_links_note(reason: str, addresses: list[str]) -> Note:
    """The register's entry for a sheet's links whose address refused_address refuses, the addresses quoted (a wrapper
    never: they are unwrapped)."""
    return Note(
        problem=f"{counted(len(addresses), 'link')} whose address holds {reason}",
        action="no document address: the cells' links are unknown, and the address is never fetched",
        raw_value=", ".join(dict.fromkeys(addresses)),
        category="unknown",
    )


def links_with_spaces_note(addresses: list[str]) -> Note:
    """The register's entry for a sheet's links whose address has spaces around it: each is kept without them, as a
    browser opens it, the addresses as the sheet gives them quoted."""
    return Note(
        problem=f"{counted(len(addresses), 'link')} whose address has spaces around it",
        action="kept without them, as a browser opens the address",
        raw_value=", ".join(dict.fromkeys(addresses)),
        category="repaired",
    )


def looks_like_url(text: str) -> bool:
    return _ONE_URL.match(text) is not None

"""Characters XML 1.0 cannot hold: control characters other than tab and line ends, lone surrogates, U+FFFE and
U+FFFF. Escaping cannot save them (one makes a whole document unreadable), so every text written into XML (the
Atom feed, SVG maps and the PNG and PDF drawn from them, DOCX) is cleaned here, and the workflow refuses them.

What is shown to a reader (the site's pages, the maps, the feed) also never holds a bidirectional embedding, override
or isolate raw: XML holds them, but they make a name read as another ("Gone\u202efdp.exe.pdf" shows as
"Gonefdp.pdf.exe"), so they are shown as U+FFFD. The API, the exports and --json keep the exact values."""

from __future__ import annotations

import html
import re
import xml.etree.ElementTree as ET

NOT_IN_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_text(text, replacement: str = " ") -> str:
    """`text` (any value, as str) with every character XML cannot hold replaced."""
    return NOT_IN_XML.sub(replacement, str(text))


# The embeddings, overrides and isolates reorder whole runs of text; the marks (ALM, LRM, RLM) only neutral characters.
BIDIRECTIONAL_OVERRIDES = "\u202a-\u202e\u2066-\u2069"
_NOT_SHOWN = re.compile(f"{NOT_IN_XML.pattern}|[{BIDIRECTIONAL_OVERRIDES}]")


def has_unshown(text: str) -> bool:
    return _NOT_SHOWN.search(text) is not None


def shown_text(text, replacement: str = " ") -> str:
    """`text` (any value, as str) fit to show in XML or HTML: what XML cannot hold replaced by `replacement`, each
    bidirectional embedding, override or isolate by U+FFFD."""
    return _NOT_SHOWN.sub(lambda match: replacement if NOT_IN_XML.match(match.group()) else "\ufffd", str(text))


# XML readers normalize a raw carriage return to a line feed (XML 1.0, 2.11), and a raw tab or line end in an attribute
# value to a space (3.3.3): written as character references, each reads back as written. ElementTree writes them so
# in attributes, not in text.
_WHITESPACE_REFERENCES = str.maketrans({"\r": "&#13;", "\n": "&#10;", "\t": "&#9;"})


def xml_escaped(text) -> str:
    """`text` fit for XML written as a string (an SVG map), as text or as an attribute value: shown_text, the markup
    characters (quotes included) escaped, and a carriage return, line feed or tab written as a character reference."""
    return html.escape(shown_text(text), quote=True).translate(_WHITESPACE_REFERENCES)


def xml_serialized(element: ET.Element) -> str:
    """An ElementTree element as XML text, with a carriage return in a text written as &#13; (ElementTree leaves it
    raw there; the only raw carriage returns in its output are in texts)."""
    return ET.tostring(element, encoding="unicode").replace("\r", "&#13;")

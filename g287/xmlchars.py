"""Characters XML 1.0 cannot hold: control characters other than tab and line ends, lone surrogates, U+FFFE and
U+FFFF. Escaping cannot save them (one makes a whole document unreadable), so every text written into XML (the
Atom feed, SVG maps and the PNG and PDF drawn from them, DOCX) is cleaned here, and the workflow refuses them.

What is shown to a reader (the site's pages, the maps, the feed) also never holds a bidirectional embedding, override
or isolate raw: XML holds them, but they make a name read as another ("Gone\u202efdp.exe.pdf" shows as
"Gonefdp.pdf.exe"), so they are shown as U+FFFD. The API, the exports and --json keep the exact values."""

from __future__ import annotations

import re

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

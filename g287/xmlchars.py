"""Characters XML 1.0 cannot hold: control characters other than tab and line ends, lone surrogates, U+FFFE and
U+FFFF. Escaping cannot save them (one makes a whole document unreadable), so every text written into XML (the
Atom feed, SVG maps and the PNG and PDF drawn from them, DOCX) is cleaned here, and the workflow refuses them."""

from __future__ import annotations

import re

NOT_IN_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_text(text, replacement: str = " ") -> str:
    """`text` (any value, as str) with every character XML cannot hold replaced."""
    return NOT_IN_XML.sub(replacement, str(text))

"""Names and text from outside, fit to show: link names (percent-decoded from ICE's addresses: %1B is ESC, %0A a
line break), file names, text read from PDFs.

The characters never shown raw: those the site's pages replace (g287.xmlchars.NOT_IN_XML, as g287.web.render
does: control characters), and also line breaks, DEL and the C1 controls (8-bit escape sequences of a terminal)
and the bidirectional controls (which make a name read as another: "Gone\u202efdp.exe" shows as "Goneexe.pdf").
A tab is kept: it is how page text separates columns.
"""

from __future__ import annotations

import re

from g287.xmlchars import BIDIRECTIONAL_OVERRIDES, NOT_IN_XML

BIDIRECTIONAL_CONTROLS = f"\u061c\u200e\u200f{BIDIRECTIONAL_OVERRIDES}"
# DEL, the C1 controls and the bidirectional controls: shown replaced, and escaped in JSON output (g287.cli.common).
MISLEADING_IN_A_TERMINAL = f"\x7f-\x9f{BIDIRECTIONAL_CONTROLS}"

NOT_DISPLAYED = re.compile(f"{NOT_IN_XML.pattern}|[\r\n{MISLEADING_IN_A_TERMINAL}]")


def displayable(value, replacement: str = "?") -> str:
    """`value` as text with every character that must not be shown raw replaced."""
    return NOT_DISPLAYED.sub(replacement, "" if value is None else str(value))

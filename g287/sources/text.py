"""Repairing the whitespace of text cells, saying what was repaired."""

from __future__ import annotations

import re
import unicodedata

_ODD_SPACES = re.compile(r"[\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000\t\r\n]")
# Blanks that are no space to Unicode: the line and paragraph separators (U+2028, U+2029: a line break pasted from a
# web page or a PDF) and the braille blank U+2800 (a symbol, shown as a space, a known way to type a name that looks
# empty). They become spaces.
BRAILLE_BLANK = "\u2800"
_SEPARATORS = re.compile(f"[\u2028\u2029{BRAILLE_BLANK}]")
# The characters that show nothing and are no format character (category Cf, all of which clean_text removes): the
# Hangul fillers (U+115F, U+1160, U+3164, U+FFA0: letters to Unicode, blank in every font), the variation selectors
# (U+FE00 to U+FE0F, U+E0100 to U+E01EF, Mongolian's U+180B to U+180D and U+180F), the combining grapheme joiner U+034F
# and the Khmer inherent vowels U+17B4, U+17B5. With the format characters, they are what UTS #46 maps to nothing in a
# host (g287.sources.links._IGNORED_IN_HOSTS).
_INVISIBLE = re.compile("[\u034f\u115f\u1160\u17b4\u17b5\u180b-\u180d\u180f\u3164\ufe00-\ufe0f\uffa0\U000e0100-\U000e01ef]")
_SPACE_RUN = re.compile(r" {2,}")
# The control characters other than tab and the line breaks: C0, DEL and C1 (U+0080 to U+009F, a terminal's 8-bit
# escapes: U+009B is CSI). They have no place in a name and C0 breaks XML (feeds, SVG): the registry's cells are
# repaired, the program's forms refuse them (g287.program.validation).
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def clean_text(raw: str) -> tuple[str, list[str]]:
    """The text with its spacing repaired, and what was repaired (empty when nothing was)."""
    if raw.isascii() and raw == raw.strip() and "  " not in raw and raw.isprintable():
        return raw, []
    repairs = []
    text = unicodedata.normalize("NFC", raw)
    if CONTROL.search(text):
        repairs.append("control characters")
        text = CONTROL.sub(" ", text)
    visible = without_invisible(text)
    if visible != text:
        # Unicode's format characters, all of them, not the zero-width spaces alone: a soft hyphen, a zero-width joiner,
        # a word joiner, a direction mark (U+200E, U+202B...) pasted from a web page or a document; and the other
        # characters that show nothing (_INVISIBLE). The agency key splits a word at them ("Sher\u00adiff's" is "sher
        # iffs"): one agency was counted as two, and nothing was registered.
        repairs.append("invisible characters (zero-width spaces and joiners, direction marks, soft hyphens, variation selectors, Hangul fillers)")
        text = visible
    if _SEPARATORS.search(text):
        repairs.append("line or paragraph separators or braille blanks")
        text = _SEPARATORS.sub(" ", text)
    if _ODD_SPACES.search(text):
        repairs.append("non-breaking or other special spaces")
        text = _ODD_SPACES.sub(" ", text)
    if text != text.strip():
        repairs.append("leading or trailing spaces")
        text = text.strip()
    if "  " in text:
        repairs.append("repeated spaces")
        text = _SPACE_RUN.sub(" ", text)
    return text, repairs


def without_invisible(text: str) -> str:
    """The text without the characters that show nothing: format characters (Cf) and _INVISIBLE."""
    if text.isascii():  # none is ASCII: most cells are not looked at
        return text
    if any(unicodedata.category(c) == "Cf" for c in text):
        text = "".join(c for c in text if unicodedata.category(c) != "Cf")
    return _INVISIBLE.sub("", text)


def one_edit_apart(a: str, b: str) -> bool:
    """True when one insertion, deletion or substitution turns a into b (and a != b)."""
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    short, long = (a, b) if len(a) <= len(b) else (b, a)
    # After the first difference the rest must be equal: skipping one character of each (substitution) or of the
    # longer one only (insertion). Names compared here mostly differ at once, so the loop is short.
    i, end = 0, len(short)
    while i < end and short[i] == long[i]:
        i += 1
    return short[i + 1 :] == long[i + 1 :] if len(short) == len(long) else short[i:] == long[i + 1 :]


def edit_distance(a: str, b: str, limit: int = 3) -> int:
    """Levenshtein distance, giving up (returning limit) once it reaches limit."""
    if abs(len(a) - len(b)) >= limit:
        return limit
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        if min(current) >= limit:
            return limit
        previous = current
    return min(previous[-1], limit)

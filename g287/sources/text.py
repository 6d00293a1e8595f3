"""Repairing the whitespace of text cells, saying what was repaired."""

from __future__ import annotations

import re
import unicodedata

_ODD_SPACES = re.compile(r"[\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000\t\r\n]")
_ZERO_WIDTH = re.compile(r"[\u200b-\u200d\u2060\ufeff]")


def clean_text(raw: str) -> tuple[str, list[str]]:
    """The text with its spacing repaired, and what was repaired (empty when nothing was)."""
    if raw.isascii() and raw == raw.strip() and "  " not in raw and raw.isprintable():
        return raw, []
    repairs = []
    text = unicodedata.normalize("NFC", raw)
    if _ZERO_WIDTH.search(text):
        repairs.append("invisible zero-width characters")
        text = _ZERO_WIDTH.sub("", text)
    if _ODD_SPACES.search(text):
        repairs.append("non-breaking or other special spaces")
        text = _ODD_SPACES.sub(" ", text)
    if text != text.strip():
        repairs.append("leading or trailing spaces")
        text = text.strip()
    if "  " in text:
        repairs.append("repeated spaces")
        text = re.sub(r" {2,}", " ", text)
    return text, repairs

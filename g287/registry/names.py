"""The normalized key of an agency name: one key for the spellings that differ only in case, spacing,
punctuation, accents or apostrophes ("Sheriff’s Office", "Sheriff's Office", "SHERIFFS OFFICE")."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_APOSTROPHES = re.compile(r"['’‘`´ʼ]")
_NON_WORD = re.compile(r"[^a-z0-9]+")


@lru_cache(maxsize=65536)
def agency_key(name: str) -> str:
    if name.isascii():  # nothing to decompose: skip the per-character pass (most names)
        text = name.lower()
    else:
        text = unicodedata.normalize("NFKD", name)
        text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    text = _APOSTROPHES.sub("", text).replace("&", " and ")
    return _NON_WORD.sub(" ", text).strip()


_LETTERS_AND_DIGITS = re.compile(r"[^\W_]+")


def person_key(name: str) -> str:
    """A person's name (a nominee's: g287.program.nominees) as a reader compares it: "John  O'Neil", "john oneil"
    and "JOHN O’NEIL" are one name, "José" is "Jose". Unlike an agency's key, it keeps letters of every script
    ("Иван Петров", "李小龍", "Łukasz"): the agency key keeps a-z and digits only, and would make every Cyrillic or
    Chinese name one empty name. Empty when the name holds no letter or digit; such a key matches no other."""
    text = unicodedata.normalize("NFKD", name)
    text = unicodedata.normalize("NFKC", "".join(c for c in text if not unicodedata.combining(c))).casefold()
    return " ".join(_LETTERS_AND_DIGITS.findall(_APOSTROPHES.sub("", text)))

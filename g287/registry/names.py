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


# A person's name (a nominee's: g287.program.nominees) is spelled in the same different ways, and compared by the
# same key: "John  O'Neil", "john oneil" and "JOHN O’NEIL" are one name, and "José" is "Jose".
person_key = agency_key

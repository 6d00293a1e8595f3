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


# The accents of the Latin, Greek and Cyrillic scripts (é, ö, й's breve): the marks a person's name is written with
# or without ("José", "Jose"). Other scripts' marks are letters of the name: a Devanagari vowel sign or virama, a
# Japanese voiced mark (カ, ガ) makes another name.
_ACCENTS = re.compile("[\u0300-\u036f]")


def person_key(name: str) -> str:
    """A person's name (a nominee's: g287.program.nominees) as a reader compares it: "John  O'Neil", "john oneil"
    and "JOHN O’NEIL" are one name, "José" is "Jose". Unlike an agency's key, it keeps the letters of every script
    ("Иван Петров", "李小龍", "Łukasz", "मोहन"): the agency key keeps a-z and digits only, and would make every
    Cyrillic or Chinese name one empty name. Empty when the name holds no letter or digit; such a key matches no
    other."""
    text = _ACCENTS.sub("", unicodedata.normalize("NFKD", name))
    text = _APOSTROPHES.sub("", unicodedata.normalize("NFKC", text).casefold())
    return " ".join(_mark_aware_split(text))


def _mark_aware_split(text: str) -> list[str]:
    # Words are runs of letters, digits and combining marks (a mark belongs to the letter before it: "मोहन" is one
    # word, though its vowel sign is no "\w" character).
    words, word = [], []
    for character in text:
        if unicodedata.category(character)[0] in "LMN":
            word.append(character)
        elif word:
            words.append("".join(word))
            word = []
    if word:
        words.append("".join(word))
    return words

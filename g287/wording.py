"""Counts written with their noun: "1 state", "2 states" (never "1 states")."""

from __future__ import annotations

# Nouns whose plural is not the singular plus "s".
_PLURALS = {
    "agency": "agencies",
    "state or territory": "states and territories",
    "pending listing": "pending listings",
}


def noun(count: int, singular: str, plural: str | None = None) -> str:
    """The noun for a count: the singular for exactly one, else the plural."""
    if count == 1:
        return singular
    return plural or _PLURALS.get(singular, singular + "s")


def counted(count: int, singular: str, plural: str | None = None) -> str:
    """A count with its noun, the count with thousands separators: "1 MOA", "1,204 MOAs"."""
    return f"{count:,} {noun(count, singular, plural)}"

"""Text that a spreadsheet would run as a formula, neutralized.

A cell starting with =, +, -, @ (or a tab or carriage return before them) is executed by spreadsheet programs
when a CSV file is opened. Exports prefix such text with an apostrophe in CSV; in XLSX the text is written as a
string cell with Excel's "quote prefix", so it is shown as typed and never run, and reads back unchanged.
"""

from __future__ import annotations

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")


def is_formula_like(text: str) -> bool:
    return isinstance(text, str) and text.startswith(FORMULA_STARTS)


def neutralize_csv(value):
    if isinstance(value, str) and is_formula_like(value):
        return "'" + value
    return value

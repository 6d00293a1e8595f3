"""Text that a spreadsheet would run as a formula, neutralized.

A cell starting with =, +, -, @ (or a tab or carriage return before them) is executed by spreadsheet programs
when a CSV file is opened. Exports prefix such text with an apostrophe in CSV; in XLSX the text is written as a
string cell with Excel's "quote prefix", so it is shown as typed and never run, and reads back unchanged.

The sign may follow spaces, which LibreOffice's CSV import trims ("Trim spaces") before it evaluates formulas, and
may be written in its full-width form (＝, ＋, －, ＠), which Excel in East Asian locales reads as the ASCII sign:
both are formulas too.
"""

from __future__ import annotations

import unicodedata

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")


def is_formula_like(text: str) -> bool:
    if not isinstance(text, str) or not text:
        return False
    if text.startswith(FORMULA_STARTS):
        return True
    # str.strip's whitespace includes the no-break and ideographic spaces; NFKC folds a full-width sign to ASCII.
    rest = text.lstrip()
    return bool(rest) and unicodedata.normalize("NFKC", rest[0]).startswith(FORMULA_STARTS)


def neutralize_csv(value):
    if isinstance(value, str) and is_formula_like(value):
        return "'" + value
    return value

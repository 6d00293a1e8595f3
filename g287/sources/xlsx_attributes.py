"""A tag's own attributes, read as calamine reads them: one after another, each quoted value whole.

The reader finds some facts of a sheet by patterns on its XML (xlsx.py, xlsx_parts, xlsx_grid, xlsx_types). A pattern
that read a tag up to its first ">", or took t="s" or r="C7" from anywhere in it, was misled by attribute values: a ">"
in a value (XML allows it) ended the tag early, and r="C7" in another attribute's value (title='r="C7"') was taken for
the tag's own. Apart from xlsx_parts, which reads xlsx_grid, so that xlsx_grid and xlsx_types read tags alike.
"""

from __future__ import annotations

import re

# A quoted value runs to its closing quote, as calamine reads it: it may hold ">" (XML allows it) and "<" (XML does
# not, calamine reads it), and the tag goes on after it.
QUOTED_VALUE = rb""""[^"]*"|'[^']*'"""
# A tag's attributes up to its closing ">", each quoted value whole. Possessive (a tag is read one way only), and
# unrolled: the text between values read as one run, 1.2 times as fast.
_OUTSIDE_VALUES = rb"""[^<>"']*+"""
ATTRIBUTE_TEXT = _OUTSIDE_VALUES + rb"(?:(?:" + QUOTED_VALUE + rb")" + _OUTSIDE_VALUES + rb")*+"
ATTRIBUTES = rb"(" + ATTRIBUTE_TEXT + rb")"  # the same, as a group
CELL_TAG = rb"<c(?=[\s/>])" + ATTRIBUTES  # a cell's opening tag up to its closing ">", its attributes the group
_VALUE_OR_ATTRIBUTE = re.compile(QUOTED_VALUE + rb"""|\s([^\s="'<>/]+)\s*=\s*(?:"([^"]*)"|'([^']*)')""")


def references_given(attributes: bytes) -> list[bytes]:
    """The references (r="C7") among a row's or a cell's attributes, as written: one, unless the tag gives it twice (no
    XML; calamine takes a row's first and a cell's last)."""
    return [double_quoted or single_quoted for name, double_quoted, single_quoted in _VALUE_OR_ATTRIBUTE.findall(attributes) if name == b"r"]


def attributes_given(attributes: bytes) -> dict[bytes, bytes]:
    """A tag's attributes (as ATTRIBUTES reads them), by name, each value as written: hidden="1" or t="e" inside
    another attribute's value is none of the tag's own. An attribute given twice (no XML) has its last value, as
    calamine reads a cell's type and reference. (findall, not finditer: twice as fast, for the hidden rows.)"""
    return {name: double_quoted or single_quoted for name, double_quoted, single_quoted in _VALUE_OR_ATTRIBUTE.findall(attributes) if name}


def with_attribute(attributes: bytes, name: bytes, written: bytes) -> bytes:
    """A tag's attributes with each of its own `name` attributes (given twice, both) written `written` instead, with
    its leading space (b"" drops it); the same text inside another attribute's value is left as it is."""
    return _VALUE_OR_ATTRIBUTE.sub(lambda match: written if match[1] == name else match[0], attributes)

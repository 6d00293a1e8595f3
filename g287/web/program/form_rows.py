"""Repeated rows of a form (the periods of service, the signatories). A page sends them as one list per column
(period_start, period_end, with the empty rows), which is read into the services' list of items (service_periods:
[{start, end}], without the empty rows). A refusal names an item of that list as the services do
(service_periods[1].end): on the page it is named again as the form shows it, the row's field (period_end[2],
the third row when the second was left empty), so that it is shown beside that row's input, and in words for the
summary at the top ("Period 3, To"). The API names the fields as the services do; only the pages rename them."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Any

from g287.web.program.core import Problem, strings


@dataclass(frozen=True)
class FormRows:
    listed_as: str  # the services' list: service_periods
    words: str  # the whole list in words, for a problem of the list (too many, none for ICE)
    row_words: str  # a row in words, numbered from 1 as the page shows them: "Period"
    columns: dict[str, tuple[str, str]]  # each part of an item: the form's field and its label there
    filled_by: tuple[str, ...]  # the parts that make a row an item: a row with none of them typed in is left out

    def read(self, values: dict[str, Any]) -> list[tuple[int, dict[str, str]]]:
        """Each row typed in: its place among the form's rows (from 0) and its parts, as typed."""
        columns = {part: strings(values, field) for part, (field, _label) in self.columns.items()}
        rows = []
        for place in range(max(len(items) for items in columns.values())):
            row = {part: items[place] if place < len(items) else "" for part, items in columns.items()}
            if any(row[part].strip() for part in self.filled_by):
                rows.append((place, row))
        return rows

    def field_of(self, place: int, part: str) -> str:
        """The name a problem of one row's part takes on the page (the input's `key`)."""
        return f"{self.columns[part][0]}[{place}]"

    def as_shown(self, problem: Problem, values: dict[str, Any]) -> Problem:
        """The problem with the list's items named as the form that sent `values` shows them."""
        places = [place for place, _row in self.read(values)]
        item = re.compile(rf"{re.escape(self.listed_as)}\[(\d+)\]\.(\w+)")
        fields, labels = {}, dict(problem.labels)
        for name, message in problem.fields.items():
            found = item.fullmatch(name)
            if name == self.listed_as:
                labels[name] = self.words
            elif found and int(found[1]) < len(places) and found[2] in self.columns:
                place = places[int(found[1])]
                name = self.field_of(place, found[2])
                labels[name] = f"{self.row_words} {place + 1}, {self.columns[found[2]][1]}"
            fields[name] = message
        return replace(problem, fields=fields, labels=labels)


PERIOD_ROWS = FormRows(
    "service_periods", "Periods of sworn law enforcement service", "Period",
    {"start": ("period_start", "From"), "end": ("period_end", "To")}, filled_by=("start", "end"),
)
# The party is chosen in advance on the form's first rows (the agency, ICE): a row counts once a name or title is typed.
SIGNATORY_ROWS = FormRows(
    "signatories", "Signatories", "Signatory",
    {"party": ("signatory_party", "Party"), "name": ("signatory_name", "Name"), "title": ("signatory_title", "Title")}, filled_by=("name", "title"),
)

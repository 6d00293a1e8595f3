"""The reviewed alias table: a data file (g287/data/rules/agency_aliases.csv, or $G287_ALIASES_FILE) saying
that two published names of one state are, or are not, one agency. It overrides every identity rule.

Columns: state (USPS), name, relation (same | different), other_name, reason, reviewed (YYYY-MM-DD).
Names are compared up to case, spacing, punctuation and apostrophes.
"""

from __future__ import annotations

import csv
import io
import os
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from g287 import days
from g287.config import DATA_DIR, setting
from g287.errors import G287Error
from g287.files import write_atomically
from g287.registry.names import agency_key
from g287.wording import in_quotes

COLUMNS = ["state", "name", "relation", "other_name", "reason", "reviewed"]
RELATIONS = ("same", "different")


def path() -> Path:
    return Path(setting("G287_ALIASES_FILE") or DATA_DIR / "rules" / "agency_aliases.csv")


@dataclass(frozen=True)
class Alias:
    state: str
    name: str
    relation: str
    other_name: str
    reason: str
    reviewed: str

    def statement(self) -> str:
        """What the entry says, for a person: `FL 'Ocala PD' different 'Ocala Police Department'`."""
        return f"{self.state} {in_quotes(self.name)} {self.relation} {in_quotes(self.other_name)}"

    def pair(self) -> tuple[str, str, frozenset[str]]:
        """The entry up to its reason, date, and the spelling and order of its names."""
        return self.state, self.relation, frozenset((agency_key(self.name), agency_key(self.other_name)))


@dataclass
class AliasTable:
    entries: list[Alias]

    def _joined(self, state: str | None, keys: set[str]) -> set[str]:
        """The keys of every name that `same` entries join to one of `keys`, directly or through other names (as a
        merge joins them: A same B and B same C make A, B and C one agency), `keys` included."""
        edges = _same_edges(self.entries)
        joined, frontier = set(keys), set(keys)
        while frontier:
            following = {other for key in frontier for other, _entry in edges.get((state, key), ()) if other not in joined}
            joined |= following
            frontier = following
        return joined

    def same_as(self, state: str | None, name: str) -> set[str]:
        """Keys of the names the table says are the same agency as `name`, directly or through other names."""
        key = agency_key(name)
        return self._joined(state, {key}) - {key}

    def different_from(self, state: str | None, name: str) -> set[str]:
        """Keys of the names a `different` entry parts from `name` (each entry parts its own two names: a chain of
        `same` entries joins names, as contradictions() follows them, and a `different` entry between two names it
        joins is a contradiction)."""
        key = agency_key(name)
        found = set()
        for entry in self.entries:
            if entry.state != state or entry.relation != "different":
                continue
            if agency_key(entry.name) == key:
                found.add(agency_key(entry.other_name))
            elif agency_key(entry.other_name) == key:
                found.add(agency_key(entry.name))
        return found

    def contradictions(self) -> list[list[Alias]]:
        """Entries that cannot all be true: a `different` entry between two names that `same` entries make one
        agency (the same pair, or a chain through other names, as same_as follows it), with those `same` entries
        in the order of the chain; or a `different` entry alone, between two names of one key (the same up to case,
        spacing and punctuation: one name). One list per `different` entry contradicted."""
        joined = _same_edges(self.entries)
        found = []
        for entry in self.entries:
            if entry.relation == "different" and agency_key(entry.name) == agency_key(entry.other_name):
                found.append([entry])  # one name: identity joins names of one key whatever the table says
            elif entry.relation == "different":
                chain = _chain(joined, entry.state, agency_key(entry.name), agency_key(entry.other_name))
                if chain is not None:
                    found.append([entry, *chain])
        return found

    def contradicted_by(self, entry: Alias) -> list[Alias]:
        """The entries that `entry`, added to the table, would contradict (none when every contradiction it would be
        part of is one the table has already: an entry recorded again)."""
        before = {frozenset(e.pair() for e in found) for found in self.contradictions()}
        after = AliasTable([*self.entries, entry]).contradictions()
        contradicted: dict[Alias, None] = {}
        for found in after:
            if frozenset(e.pair() for e in found) not in before and any(e.pair() == entry.pair() for e in found):
                contradicted.update(dict.fromkeys(e for e in found if e.pair() != entry.pair()))
        return list(contradicted)


def _same_edges(entries: list[Alias]) -> dict[tuple[str, str], list[tuple[str, Alias]]]:
    """The names `same` entries join, both ways: (state, key) -> [(the other name's key, the entry)], in table order.
    What same_as and contradictions both walk."""
    edges: dict[tuple[str, str], list[tuple[str, Alias]]] = {}
    for entry in entries:
        if entry.relation == "same":
            a, b = agency_key(entry.name), agency_key(entry.other_name)
            edges.setdefault((entry.state, a), []).append((b, entry))
            edges.setdefault((entry.state, b), []).append((a, entry))
    return edges


def _chain(joined: dict, state: str, start: str, end: str) -> list[Alias] | None:
    """The shortest chain of `same` entries from the name key `start` to `end` in one state (None: there is none)."""
    came_by: dict[str, tuple[str, Alias] | None] = {start: None}
    frontier = [start]
    while frontier and end not in came_by:
        following = []
        for key in frontier:
            for other, entry in sorted(joined.get((state, key), ()), key=lambda found: found[0]):
                if other not in came_by:
                    came_by[other] = (key, entry)
                    following.append(other)
        frontier = following
    if end not in came_by or start == end:
        return None
    chain, key = [], end
    while (step := came_by[key]) is not None:
        key, entry = step
        chain.append(entry)
    return chain[::-1]


def load() -> AliasTable:
    """The table as the file holds it now (a fresh copy: callers may change it before saving it)."""
    file = path()
    try:
        content = file.read_bytes()
    except (FileNotFoundError, NotADirectoryError):  # no table (as Path.exists() says of both)
        return AliasTable([])
    except OSError as error:
        raise G287Error(f"the alias table {file} cannot be read ({error.strerror or error}): it must be a UTF-8 CSV file") from None
    # Every ingest reads the table (twice); parsed once per content, as the file changes only by a review.
    key = (str(file), content)
    if _parsed[0] != key:
        _parsed[:] = [key, _parse(file, content)]
    return AliasTable(list(_parsed[1]))


_parsed: list = [None, None]  # [(file, content), its entries]


def _parse(file: Path, content: bytes) -> list[Alias]:
    try:
        # utf-8-sig: a table saved by a spreadsheet program starts with a byte-order mark, which is no part of
        # the first column's name.
        records = _records(io.StringIO(content.decode("utf-8-sig"), newline=""))
    except UnicodeDecodeError as error:
        raise G287Error(f"the alias table {file} cannot be read ({error}): it must be a UTF-8 CSV file") from None
    except csv.Error as error:
        raise G287Error(f"{file}: not a readable CSV file ({error})") from None
    entries = []
    header: list[str] | None = None
    for number, values in records:
        if header is None:
            header = [v.strip() for v in values]
            continue
        row = dict(zip(header, values))
        if row.get("relation") not in RELATIONS or not row.get("state") or not row.get("name") or not row.get("other_name"):
            raise G287Error(f"{file}: line {number}: expected state, name, relation (same|different), other_name")
        entries.append(Alias(row["state"].strip().upper(), row["name"].strip(), row["relation"], row["other_name"].strip(), (row.get("reason") or "").strip(), (row.get("reviewed") or "").strip()))
    return entries


def _records(handle) -> list[tuple[int, list[str]]]:
    """The CSV records with the number of the file line each starts on: comment lines are skipped but counted,
    so an error names the line a person sees in an editor."""
    numbered = [(number, line) for number, line in enumerate(handle, start=1) if not line.startswith("#")]
    reader = csv.reader(line for _number, line in numbered)
    records = []
    while True:
        start = reader.line_num  # lines of `numbered` consumed before this record
        try:
            values = next(reader)
        except StopIteration:
            return records
        if values:  # a blank line is no record
            records.append((numbered[start][0], values))


def ensure_writable() -> None:
    """Refuse, before anything changes, a decision that could not be written to the alias table."""
    file = path()
    target = file if file.exists() else file.parent
    if not os.access(target, os.W_OK):
        raise G287Error(f"the alias table {file} cannot be written: set G287_ALIASES_FILE to a file of your own")


def save(table: AliasTable) -> None:
    file = path()
    header = []
    if file.exists():
        header = [line for line in file.read_text(encoding="utf-8-sig").splitlines(keepends=True) if line.startswith("#")]
    out = io.StringIO(newline="")
    out.writelines(header)
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    for e in sorted(table.entries, key=lambda e: (e.state, agency_key(e.name), agency_key(e.other_name))):
        writer.writerow([e.state, e.name, e.relation, e.other_name, e.reason, e.reviewed])
    write_atomically(file, out.getvalue().encode("utf-8"))


class PendingChange:
    """A change of the alias table made inside a database transaction (see kept_only_if_committed)."""

    def __init__(self) -> None:
        self.file = path()
        self.previous: bytes | None = None
        self.saved = False

    def save(self, table: AliasTable) -> None:
        if not self.saved:
            self.previous = self.file.read_bytes() if self.file.exists() else None
        save(table)
        self.saved = True

    def undo(self) -> None:
        if not self.saved:
            return
        if self.previous is None:
            self.file.unlink(missing_ok=True)
        else:
            write_atomically(self.file, self.previous)


@contextmanager
def kept_only_if_committed():
    """Wrap a database transaction that changes the alias table: the file is written inside the transaction (a
    file that cannot be written aborts it), and put back as it was if the transaction then fails to commit."""
    change = PendingChange()
    try:
        yield change
    except BaseException:
        change.undo()
        raise


def today() -> str:
    return days.today().isoformat()

"""Documents that contradict their listings, registered in the quality register.

When the MOA a row links names another model, or another agency, than the row itself, the row gets a
`row_problems` entry (category "note", column "MOA document" or "ADDENDUM document"): the listing is kept as ICE
published it, and the contradiction is visible wherever the row's publications' registers are shown. Only facts
read with at least the configured confidence count (g287/data/rules/documents.toml); OCR noise is not evidence.

Entries are recomputed, not accumulated: for each row checked, its document entries are replaced by the current
ones, so reading a document again, or linking it again, never duplicates an entry and clears a stale one.
"""

from __future__ import annotations

import difflib
import re
from functools import cache

from sqlalchemy import bindparam, delete, insert, select
from sqlalchemy.engine import Connection

from g287.catalog import catalog
from g287.db.chunks import chunks
from g287.db.plain import plain
from g287.db.models.documents import DocumentAddress, DocumentFact, DocumentRowLink
from g287.db.models.registry import AgencyName, RawRow, RowProblem
from g287.documents.reading import reading_rules
from g287.registry.names import agency_key

COLUMNS = {"moa": "MOA document", "addendum": "ADDENDUM document"}
ACTION = "kept as published; the signed document is the primary record: to be reviewed"


def rows_linking_documents(conn: Connection, document_ids: list[int]) -> list[int]:
    if not document_ids:
        return []
    return list(
        conn.execute(
            select(DocumentRowLink.raw_row_id)
            .join(DocumentAddress, DocumentAddress.id == DocumentRowLink.address_id)
            .where(DocumentAddress.document_id.in_(sorted(set(document_ids))))
            .distinct()
        ).scalars()
    )


def check_rows(conn: Connection, raw_row_ids: list[int], *, new_rows: bool = False, address_ids: set[int] | None = None) -> int:
    """Recompute the document entries of these rows; returns how many entries they now have.
    `new_rows`: the rows were stored in this transaction, so they have no entries to replace; `address_ids`: every
    address these rows link (as link_rows returns them), when the caller has them: rows linking no address that
    holds a document have nothing to check."""
    ids = sorted(set(raw_row_ids))
    if not ids:
        return 0
    if new_rows and address_ids is not None and not _any_holding_a_document(conn, address_ids):
        return 0
    minimum = float(reading_rules()["contradictions"]["minimum_confidence"])
    entries = []
    for chunk in chunks(ids):
        if not new_rows:
            conn.execute(delete(RowProblem).where(RowProblem.raw_row_id.in_(chunk), RowProblem.column.in_(COLUMNS.values())))
        linked = conn.execute(
            select(DocumentRowLink.raw_row_id, DocumentRowLink.role, DocumentAddress.link_name, DocumentAddress.document_id, RawRow.model, AgencyName.name)
            .join(DocumentAddress, DocumentAddress.id == DocumentRowLink.address_id)
            .join(RawRow, RawRow.id == DocumentRowLink.raw_row_id)
            .outerjoin(AgencyName, AgencyName.id == RawRow.agency_name_id)
            .where(DocumentRowLink.raw_row_id.in_(chunk), DocumentAddress.document_id.is_not(None))
        ).all()
        document_ids = sorted({row.document_id for row in linked})
        facts: dict[int, dict[str, tuple]] = {}
        for document_id, field, value, page, confidence in conn.execute(
            select(DocumentFact.document_id, DocumentFact.field, DocumentFact.value, DocumentFact.page, DocumentFact.confidence).where(
                DocumentFact.document_id.in_(document_ids), DocumentFact.field.in_(("model", "agency_name"))
            )
        ).all() if document_ids else ():
            if value is not None and confidence >= minimum:
                facts.setdefault(document_id, {})[field] = (value, page)
        for raw_row_id, role, link_name, document_id, listed_model, listed_agency in linked:
            known = facts.get(document_id, {})
            what = "MOA" if role == "moa" else "addendum"
            if "model" in known and listed_model and known["model"][0] != listed_model:
                value, page = known["model"]
                entries.append(
                    {
                        "raw_row_id": raw_row_id,
                        "column": COLUMNS[role],
                        "raw_value": link_name,
                        "problem": f"the linked {what} ({link_name}, page {page}) is for the {_model_name(value)}; the listing says {_model_name(listed_model)}",
                        "action": ACTION,
                        "category": "note",
                    }
                )
            if "agency_name" in known and listed_agency and not same_agency(known["agency_name"][0], listed_agency):
                value, page = known["agency_name"]
                entries.append(
                    {
                        "raw_row_id": raw_row_id,
                        "column": COLUMNS[role],
                        "raw_value": link_name,
                        "problem": f"the linked {what} ({link_name}, page {page}) names the agency {value!r}; the listing names {listed_agency!r}",
                        "action": ACTION,
                        "category": "note",
                    }
                )
    if entries:
        conn.execute(insert(RowProblem.__table__), entries)
    return len(entries)


# Columns of the tables the plain statements below use (Core, not ORM attributes: see g287.db.plain).
_addresses = DocumentAddress.__table__.c

_HOLDING_A_DOCUMENT = plain(
    select(_addresses.id).where(_addresses.id.in_(bindparam("ids", expanding=True)), _addresses.document_id.is_not(None)).limit(1)
)


def _any_holding_a_document(conn: Connection, address_ids: set[int]) -> bool:
    return any(_HOLDING_A_DOCUMENT.rows(conn, ids=chunk) for chunk in chunks(sorted(address_ids)))


def _model_name(code: str) -> str:
    model = catalog().models.get(code)
    return f"{model.name} ({code})" if model else code


@cache
def _agency_rules() -> tuple[dict[str, str], frozenset[str]]:
    rules = reading_rules()["agency_names"]
    return dict(rules["abbreviations"]), frozenset(rules["generic"])


def distinctive_words(name: str) -> list[str]:
    """The words that tell an agency from others of its kind: 'Burleson County Sheriffs Office, TX' -> ['burleson']."""
    from g287.sources.rules import states

    abbreviations, generic = _agency_rules()
    words = []
    for word in agency_key(name).split():
        words.extend(abbreviations.get(word, word).split())
    state_words = set()
    for state in states():
        state_words.add(state.usps.lower())
    # a trailing state code ("..., TX") is an address, not part of the name
    while words and words[-1] in state_words and len(words) > 1:
        words.pop()
    return [w for w in words if w not in generic and not re.fullmatch(r"\d+", w)]


def same_agency(document_name: str, listed_name: str) -> bool:
    """Whether two names can be the same agency: their distinctive words overlap (allowing OCR's small misreadings).
    Names without distinctive words cannot be told apart, so they do not contradict."""
    a, b = distinctive_words(document_name), distinctive_words(listed_name)
    if not a or not b:
        return True
    for x in a:
        for y in b:
            if x == y or (min(len(x), len(y)) >= 5 and difflib.SequenceMatcher(None, x, y).ratio() >= 0.8):
                return True
    # names written as one word in link names or initials ("WestMiami", "WMPD") are compared as joined text
    joined_a, joined_b = "".join(a), "".join(b)
    return joined_a in joined_b or joined_b in joined_a

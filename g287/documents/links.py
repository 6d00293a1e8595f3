"""Addresses and the listings that link them.

Every MOA and ADDENDUM address a source row gives becomes a `document_addresses` record (once), and the row is
linked to it (`document_row_links`). Agreements and publications that point to a document follow from those rows:
a row names an agency and a model (the agreement), and is listed in runs of publications.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass
from posixpath import basename
from urllib.parse import unquote, urlsplit

from sqlalchemy import and_, bindparam, insert, select
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from g287.db.chunks import chunks
from g287.db.plain import plain
from g287.db.models.documents import DocumentAddress, DocumentRowLink
from g287.db.models.registry import Agency, AgencyName, Agreement, ListingRun, Publication, RawRow, series_of
from g287.registry.publications import order_key


def url_key(url: str) -> str:
    """The key two document addresses are compared by: the sha256 of the address with its scheme and host in lower case
    (RFC 3986, 6.2.2.1: they are case-insensitive; "HTTPS://WWW.ICE.GOV/doclib/x.pdf" is the same document as
    "https://www.ice.gov/doclib/x.pdf"), the rest as it is: a path is case-sensitive on ICE's server (".../X.pdf" and
    ".../x.pdf" are two files), and so are a query and a user."""
    return _digest(comparable_address(url))


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


# The scheme with its "//", and the authority (user, host and port) up to the path, query or fragment; a backslash
# ends it too, as a slash does to browsers (as g287.sources.links reads an address's authority).
_SCHEME_AND_AUTHORITY = re.compile(r"([a-z][a-z0-9+.-]*://)?([^/\\?#]*)", re.I)


def comparable_address(url: str) -> str:
    """The address with its scheme and host in lower case, the rest as it is (see url_key)."""
    match = _SCHEME_AND_AUTHORITY.match(url)
    head = match[0]
    if head == head.lower():  # most addresses: nothing to change
        return url
    user, at, host = match[2].rpartition("@")
    return (match[1] or "").lower() + user + at + host.lower() + url[match.end():]


def fetched_address(url: str) -> str:
    """The address a document is fetched from: a link's without its fragment. A fragment (`#page=3`, a link's place
    within the document, as Excel opens it) is for the browser; no HTTP request carries it (RFC 9110, 4.2.4), so links
    to two places in one PDF are one address and one download; the listings keep their links whole."""
    return url.split("#", 1)[0]


def link_name_of(url: str) -> str:
    """The file name an address ends with (`.../287gMOA/SumnerCoSOTN_WSO_MOA_042925.pdf` -> the last part)."""
    try:
        parts = urlsplit(url)
        path, host = parts.path, parts.hostname
    except ValueError:  # a malformed address (`https://[www.ice.gov/...`, as a workbook cell may hold) still ends with a name
        path, host = url.split("?", 1)[0].split("#", 1)[0], None
    name = unquote(basename(path.rstrip("/"))) or host or url
    return name.strip()[:255]


_ADDRESS_COLUMNS = ("id", "url", "url_key", "link_name", "link_key", "role", "status", "failures", "first_seen_at")
# Columns of the tables the plain statements below use (Core, not ORM attributes: see g287.db.plain).
_addresses = DocumentAddress.__table__.c
_row_links = DocumentRowLink.__table__.c

_ADDRESSES_OF_KEYS = plain(select(_addresses.url_key, _addresses.id).where(_addresses.url_key.in_(bindparam("keys", expanding=True))))
_NEW_ADDRESS = plain(insert(DocumentAddress.__table__), columns=_ADDRESS_COLUMNS)
_LINKS_OF_ROWS = plain(
    select(_row_links.address_id, _row_links.raw_row_id, _row_links.role).where(_row_links.raw_row_id.in_(bindparam("ids", expanding=True)))
)
_NEW_LINK = plain(insert(DocumentRowLink.__table__), columns=("address_id", "raw_row_id", "role"))


def link_names(urls) -> dict[str, str]:
    """link_name_of() of each address (as link_rows takes it: stripped), for the documents processor's pure work,
    done where a file is read (see g287.registry.processors)."""
    return {url: link_name_of(url) for url in {u.strip() for u in urls if u} if url}


def ensure_addresses(conn: Connection, wanted: dict[str, str], now: dt.datetime | None = None, names: dict[str, str] | None = None) -> dict[str, int]:
    """Address ids for URLs (url -> role), recording the ones not seen before, each as fetched_address() gives it
    (URLs differing only by their fragment have one address). `names`: link_name_of() of some of the URLs, worked
    out already."""
    fetched = {url: fetched_address(url) for url in wanted}
    keys = {url: url_key(fetched[url]) for url in wanted}
    # An address recorded before url_key lower-cased scheme and host has the digest of the address as it was for its
    # key: an address whose scheme or host has capitals is looked for under that digest too, and takes its id.
    earlier = {url: key for url in wanted if (key := _digest(fetched[url])) != keys[url]}
    ids: dict[str, int] = {}
    by_key: dict[str, int] = dict(_ADDRESSES_OF_KEYS.rows_in_chunks(conn, "keys", sorted(set(keys.values()) | set(earlier.values()))))
    for url, key in earlier.items():
        if keys[url] not in by_key and key in by_key:
            by_key[keys[url]] = by_key[key]
    first_of_key: dict[str, str] = {}
    for url in wanted:
        if keys[url] not in by_key:
            first_of_key.setdefault(keys[url], url)
    new = list(first_of_key.values())
    if new:
        now = now or dt.datetime.now(dt.timezone.utc)
        rows = [
            {
                "url": fetched[url],
                "url_key": keys[url],
                "link_name": name,
                "link_key": name.lower(),
                "role": wanted[url],
                "status": "new",
                "failures": 0,
                "first_seen_at": now,
            }
            for url in new
            for name in [names[url] if names and url in names else link_name_of(url)]
        ]
        by_key.update((row["url_key"], address_id) for row, address_id in zip(rows, _NEW_ADDRESS.inserted_ids(conn, rows)))
    for url in wanted:
        ids[url] = by_key[keys[url]]
    return ids


def link_rows(conn: Connection, raw_row_ids: list[int], *, new_rows: bool = False, stored=None, names: dict[str, str] | None = None) -> set[int]:
    """Link source rows to the addresses in their MOA and ADDENDUM cells; returns the address ids involved.
    `new_rows`: the rows were stored in this transaction, so none is linked yet; `stored`: those rows' stored
    facts (with raw_row_id, moa_url, addendum_url), when the caller has them; `names`: link_names() of some of
    their addresses."""
    rows = [(r.raw_row_id, r.moa_url, r.addendum_url) for r in stored if r.moa_url is not None or r.addendum_url is not None] if stored is not None else []
    ids = sorted(set(raw_row_ids)) if stored is None else []
    for chunk in chunks(ids):
        rows.extend(
            conn.execute(
                select(RawRow.id, RawRow.moa_url, RawRow.addendum_url).where(
                    RawRow.id.in_(chunk), (RawRow.moa_url.is_not(None)) | (RawRow.addendum_url.is_not(None))
                )
            ).all()
        )
    wanted: dict[str, str] = {}
    pairs: list[tuple[int, str, str]] = []
    for raw_id, moa, addendum in rows:
        for url, role in ((moa, "moa"), (addendum, "addendum")):
            if url and url.strip():
                wanted.setdefault(url.strip(), role)
                pairs.append((raw_id, url.strip(), role))
    if not pairs:
        return set()
    address_ids = ensure_addresses(conn, wanted, names=names)
    existing = set(_LINKS_OF_ROWS.rows_in_chunks(conn, "ids", sorted({p[0] for p in pairs}))) if not new_rows else set()
    new = {(address_ids[url], raw_id, role) for raw_id, url, role in pairs} - existing
    _NEW_LINK.many(conn, [{"address_id": a, "raw_row_id": r, "role": role} for a, r, role in sorted(new)])
    return {address_ids[url] for _raw, url, _role in pairs}


def link_unlinked_rows(conn: Connection) -> int:
    """Link the rows of ICE's lists stored before the document archive existed (or by any path that did not link
    them); the registry's own lists are never linked (see g287.registry.processors.documents)."""
    linked = select(DocumentRowLink.raw_row_id)
    of_ice = select(ListingRun.raw_row_id).where(ListingRun.series.in_([series_of("ice", kind) for kind in ("participating", "pending")]))
    ids = conn.execute(
        select(RawRow.id).where((RawRow.moa_url.is_not(None)) | (RawRow.addendum_url.is_not(None)), RawRow.id.not_in(linked), RawRow.id.in_(of_ice))
    ).scalars().all()
    if ids:
        link_rows(conn, list(ids))
    return len(ids)


def current_address_ids(conn: Connection, *, every_publication: bool = False) -> list[int]:
    """Addresses the latest participating list of ICE links (or that any publication ever linked)."""
    links = DocumentRowLink.__table__
    if every_publication:
        return list(conn.execute(select(links.c.address_id).distinct().order_by(links.c.address_id)).scalars())
    series = series_of("ice", "participating")
    latest = conn.execute(select(Publication.seq).where(Publication.series == series).order_by(Publication.seq.desc()).limit(1)).scalar()
    if latest is None:
        return []
    listed = select(ListingRun.raw_row_id).where(ListingRun.series == series, ListingRun.first_seq <= latest, ListingRun.last_seq >= latest)
    return list(conn.execute(select(links.c.address_id).where(links.c.raw_row_id.in_(listed)).distinct().order_by(links.c.address_id)).scalars())


@dataclass(frozen=True)
class LinkedAgreement:
    address_id: int
    role: str  # moa | addendum
    agency_id: int
    agency_name: str
    state: str | None
    model: str | None
    agreement_id: int | None


def agreements_of_addresses(conn: Connection, address_ids: list[int]) -> dict[int, list[LinkedAgreement]]:
    """The agencies and agreements whose listings link each address."""
    result: dict[int, list[LinkedAgreement]] = {a: [] for a in address_ids}
    ids = sorted(set(address_ids))
    for chunk in chunks(ids):
        rows = conn.execute(
            select(DocumentRowLink.address_id, DocumentRowLink.role, Agency.id, Agency.name, Agency.state_usps, RawRow.model, Agreement.id)
            .join(RawRow, RawRow.id == DocumentRowLink.raw_row_id)
            .join(AgencyName, AgencyName.id == RawRow.agency_name_id)
            .join(Agency, Agency.id == AgencyName.agency_id)
            .outerjoin(Agreement, and_(Agreement.agency_id == Agency.id, Agreement.model == RawRow.model))
            .where(DocumentRowLink.address_id.in_(chunk))
            .distinct()
        ).all()
        for address_id, role, agency_id, name, state, model, agreement_id in rows:
            result[address_id].append(LinkedAgreement(address_id, role, agency_id, name, state, model, agreement_id))
    for items in result.values():
        items.sort(key=lambda a: (a.state or "", a.agency_name, a.model or "", a.role))
    return result


def publications_of_addresses(session: Session, address_ids: list[int]) -> list[Publication]:
    """The publications that list a row linking any of these addresses, in publication order: by date, am before
    pm, then as ICE published them (publications.order_key), whatever their list or origin, so that the first and
    the last are the earliest and the latest (not the first of one list and the last of another)."""
    if not address_ids:
        return []
    runs = session.execute(
        select(ListingRun.series, ListingRun.first_seq, ListingRun.last_seq)
        .join(DocumentRowLink, DocumentRowLink.raw_row_id == ListingRun.raw_row_id)
        .where(DocumentRowLink.address_id.in_(sorted(set(address_ids))))
        .distinct()
    ).all()
    wanted: set[tuple[str, int]] = set()
    for series, first, last in runs:
        wanted.update((series, seq) for seq in range(first, last + 1))
    if not wanted:
        return []
    publications = session.scalars(select(Publication).where(Publication.series.in_({s for s, _ in wanted}))).all()
    listed = (p for p in publications if (p.series, p.seq) in wanted)
    return sorted(listed, key=lambda p: order_key(p.published_on, p.half, p.source_modified_at, p.imported_at, p.id))

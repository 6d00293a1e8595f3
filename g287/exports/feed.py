"""An Atom feed of ICE's publications: one entry per list that changed something, with its figures and what it
changed agency by agency against the list of the same kind before it (national, or for one state: only the lists
that changed that state). Participating lists are compared by history's diff (additions, moves from and back to
the pending list, ends and omissions, renames with their reason, signed dates changed); pending lists by the
agreements that entered and left them. Built as XML elements, so every text is escaped."""

from __future__ import annotations

import datetime as dt
import heapq
import xml.etree.ElementTree as ET

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

from g287.db.models.history import IdentityMerge
from g287.db.models.registry import AgencyName, ListingRun, Publication, RawRow
from g287.db.times import as_utc
from g287.history.diff import diff, pending_changes
from g287.history.identity import SYSTEM
from g287.registry.figures import in_places
from g287.registry.publications import distinct_labels, label, labels_of, list_publications
from g287.registry.queries import Filters, figures_of, listings, state_name
from g287.wording import counted
from g287.xmlchars import shown_text, xml_serialized

ATOM = "http://www.w3.org/2005/Atom"
MAX_ENTRIES = 50
MAX_NAMED = 100
TITLES = {
    "added": "Newly listed as participating",
    "from_pending": "Moved from the pending list to participating",
    "removed": "Missing from this participating list",
    "to_pending": "Moved back to the pending list",
    "renamed": "Renamed",
    "signed_date_changed": "Signed date changed",
    "pending_added": "Newly pending",
    "pending_to_participating": "No longer pending, listed as signed (on the participating list in force, or on one published between the two pending lists)",
    "pending_not_participating": "No longer pending, not listed as signed (on neither the participating list in force nor one published between the two pending lists)",
    "pending_renamed": "Renamed (pending list)",
}


# Characters XML 1.0 forbids: one in a name would make the whole feed unreadable for every subscriber (and a
# bidirectional override would make a name read as another: g287.xmlchars.shown_text).
def _el(parent, tag, text=None, **attributes):
    element = ET.SubElement(parent, f"{{{ATOM}}}{tag}", {k: shown_text(v) for k, v in attributes.items()})
    if text is not None:
        element.text = shown_text(text)
    return element


def _stamp(value: dt.datetime | None) -> str:
    if value is None:
        return dt.datetime(1970, 1, 1, tzinfo=dt.timezone.utc).isoformat()
    return as_utc(value).astimezone(dt.timezone.utc).replace(microsecond=0).isoformat()


def _dates(values) -> str:
    return " and ".join(v or "unknown" for v in values) if values else "unknown"


def describe(kind: str, item: dict) -> str:
    """One change as a line of text."""
    where = f" ({item['state']})" if item.get("state") else ""
    if kind in ("renamed", "pending_renamed"):
        return f"{item['old_name']} is now {item['new_name']}{where}: {item.get('reason') or 'joined by an identity rule'}"
    text = f"{item.get('agency') or 'agency unknown'}{where}, {item.get('model') or 'model unknown'}"
    if kind == "signed_date_changed":
        return f"{text}: signed {_dates(item['old_signed'])}, now {_dates(item['new_signed'])}"
    if item.get("signed"):
        text += f", signed {_dates(item['signed'])}"
    if item.get("model_added"):
        text += " (a model added to an agency already participating)"
    if item.get("model_dropped"):
        text += " (the agency keeps its other models)"
    if kind in SAYS_STATUS and item.get("status_since"):
        text += f": {item['status_since']}"
    if item.get("note"):
        text += f": {item['note']}"
    return text


def _changes_of(session: Session, publication, previous, state: str | None) -> dict[str, list[dict]]:
    """What a publication changed against the one before it, agency by agency (only in `state`, when given)."""
    if publication.kind == "participating":
        found = diff(session, previous, publication, state=state)
        changes = {k: found[k] for k in ("added", "from_pending", "removed", "to_pending", "renamed", "signed_date_changed")}
    else:
        found = pending_changes(session, previous, publication, state=state)
        changes = {f"pending_{k}": found[k] for k in ("added", "to_participating", "not_participating", "renamed")}
    return {k: v for k, v in changes.items() if v}


def _entry_ids(session: Session, publications: list, state: str | None) -> dict[int, str]:
    """Each entry's id, for good: its file's sha256, and for the same bytes published again on another day (a
    publication of its own, migration 0017) that day too, so that two entries never share an id. The first
    publication of the bytes (the lowest id: ingested first) keeps the id it had before a second one existed."""
    first = dict(session.execute(
        select(Publication.sha256, func.min(Publication.id)).where(Publication.sha256.in_({p.sha256 for p in publications})).group_by(Publication.sha256)
    ).all()) if publications else {}
    where = state or "national"
    return {
        p.id: f"tag:g287,2025:publication/{p.sha256}/{where}" if first[p.sha256] == p.id
        else f"tag:g287,2025:publication/{p.sha256}/{p.published_on.isoformat()}{p.half or ''}/{where}"
        for p in publications
    }


def _in_publication_order(session: Session):
    """(publication, the one before it of its kind) for both lists, oldest first, in the registry's publication
    order (list_publications: same day pm after am; the same list published twice by the workbook's modification
    time, else ingestion). Merged, never re-sorted: a sort by date and time of ingestion put a superseded list,
    ingested last, above the list in force. Between the two kinds only the date and half of a day compare."""
    series = []
    for kind in ("pending", "participating"):  # on a tie, the participating list ends up newer: it is the main list
        publications = list_publications(session, kind, "ice")
        series.append([(p, publications[i - 1] if i else None) for i, p in enumerate(publications)])
    return heapq.merge(*series, key=lambda pair: (pair[0].published_on, pair[0].half == "pm"))


# The diff's items name the later publication whose arrival decided each of their words, if any did.
DECIDED_BY = ("status_decided_by", "note_decided_by", "pending_decided_by", "signed_decided_by")
# Which kinds of item say their absence's status (describe): a list ingested late that changes the status of an
# agreement moved back to the pending list, which the entry does not say, moved its `updated` with nothing changed.
SAYS_STATUS = ("removed",)


def _entry_updated(publication, previous, changes: dict | None = None, held: dict | None = None, identity=None) -> dt.datetime | None:
    """An entry shows its list compared with the one before it, so it changed when either was ingested (a list
    ingested late, between two others, changes the entry of the list after it); when a later list changed the words
    of an agreement (diff's *_decided_by: "absent from fewer than 2 lists in force so far" became "no longer listed"
    when the next list arrived, an addition became "listed again" or a move from the pending list when a list older
    than it arrived); and when the agencies of a name either list gives changed (`identity`: _IdentityTimes, a merge
    or its undo). `held`: the feed's publications by id."""
    pair = [p for p in (publication, previous) if p is not None]
    for kind, items in (changes or {}).items():
        fields = [f for f in DECIDED_BY if f != "status_decided_by" or kind in SAYS_STATUS]
        pair += [(held or {}).get(item.get(field)) for item in items for field in fields if item.get(field)]
    stamps = [p.imported_at for p in pair if p is not None and p.imported_at is not None]
    stamps += _label_changed(publication, previous, held or {})
    if identity is not None and previous is not None:
        stamps += identity.changed(publication, previous)
    return max(stamps, key=as_utc, default=None)


def _label_changed(publication, previous, held: dict) -> list[dt.datetime]:
    """When the entry's title last changed after its lists were ingested: the list's label names its file once ICE
    published another list of its date and half (distinct_labels), and that list may arrive later."""
    peers = [p for p in held.values() if p.series == publication.series and label(p) == label(publication)]
    if len(peers) < 2:
        return []  # its date and half alone (or the feed's publications not given)
    since = max(as_utc(p.imported_at) for p in (publication, previous) if p is not None)
    now = distinct_labels(sorted(peers, key=lambda p: p.seq))[publication.id]
    for event in sorted((p for p in peers if as_utc(p.imported_at) > since), key=lambda p: as_utc(p.imported_at), reverse=True):
        before = sorted((p for p in peers if as_utc(p.imported_at) < as_utc(event.imported_at)), key=lambda p: p.seq)
        if distinct_labels(before).get(publication.id) != now:
            return [event.imported_at]
    return []


class _IdentityTimes:
    """When the agencies of the names two lists give last changed after both were ingested: a merge (an identity rule,
    a reviewer, an alias) or its undo (a person's, or the one a list ingested late makes). Either changes the text of
    the entry comparing them (two agencies, one removed and one added, become one renamed, or the reverse; the counts
    of agencies). A name goes with the names of its key (identity.unmerge moves them together), so a merge is matched
    to the lists by its names' keys. Built once per feed: the merges held are few."""

    def __init__(self, session: Session, state: str | None):
        self.session, self.state = session, state
        query = select(
            IdentityMerge.at, IdentityMerge.undone_at, IdentityMerge.actor, IdentityMerge.publication_id, AgencyName.state_usps, AgencyName.key
        ).join(AgencyName, AgencyName.id == IdentityMerge.agency_name_id)
        self.merges = session.execute(query).all()

    def changed(self, publication, previous) -> list[dt.datetime]:
        since = max(as_utc(publication.imported_at), as_utc(previous.imported_at))
        events = []
        for at, undone_at, actor, made_by, state, key in self.merges:
            # The rules' merges made by the ingestion of either list are part of the entry as first written.
            if as_utc(at) > since and not (actor == SYSTEM and made_by in (publication.id, previous.id)):
                events.append((at, state, key))
            if undone_at is not None and as_utc(undone_at) > since:
                events.append((undone_at, state, key))
        if not events:
            return []
        listed = set(self._keys_listed(publication, previous, sorted({key for _at, _state, key in events})))
        return [at for at, state, key in events if (state, key) in listed]

    def _keys_listed(self, publication, previous, keys: list[str]):
        """The (state, key) of the names, of `keys`, that either publication lists (in the feed's state only)."""
        listed_by = [and_(ListingRun.first_seq <= p.seq, ListingRun.last_seq >= p.seq) for p in (publication, previous)]
        query = (
            select(AgencyName.state_usps, AgencyName.key)
            .distinct()
            .select_from(ListingRun)
            .join(RawRow, RawRow.id == ListingRun.raw_row_id)
            .join(AgencyName, AgencyName.id == RawRow.agency_name_id)
            .where(ListingRun.series == publication.series, or_(*listed_by), AgencyName.key.in_(keys))
        )
        if self.state:
            query = query.where(RawRow.state_usps == self.state)
        return self.session.execute(query).all()


def atom_feed(session: Session, base_url: str, state: str | None = None) -> bytes:
    """The feed; `base_url` is the site's address (links in a feed must be absolute)."""
    ET.register_namespace("", ATOM)
    base = base_url.rstrip("/")
    filters = Filters(state=state) if state else None
    where = f" in {state_name(state)}" if state else ""
    feed = ET.Element(f"{{{ATOM}}}feed")
    _el(feed, "title", f"ICE's 287(g) lists{where}: each publication and what it changed")
    _el(feed, "id", f"tag:g287,2025:feed/{state or 'national'}")
    _el(feed, "link", rel="self", href=f"{base}/exports/feed{'/' + state if state else ''}.atom")
    _el(feed, "link", rel="alternate", href=f"{base}/states/{state}" if state else f"{base}/")
    author = _el(feed, "author")
    _el(author, "name", "g287, from ICE's published lists")
    candidates = list(_in_publication_order(session))[::-1]
    entries = []
    figures_by_id: dict[int, dict] = {}  # a publication is compared twice: as the newer and as the older of a pair

    def figures_for(publication) -> dict:
        if publication.id not in figures_by_id:
            figures_by_id[publication.id] = figures_of(listings(session, publication, filters))
        return figures_by_id[publication.id]

    for publication, previous in candidates:  # newest first, so only the entries shown are compared
        if len(entries) == MAX_ENTRIES:
            break
        counts = figures_for(publication)
        if previous is None:
            if counts["rows"]:
                entries.append((publication, None, counts, None, {}))
            continue
        changes = _changes_of(session, publication, previous, state)
        if changes:
            entries.append((publication, previous, counts, figures_for(previous), changes))
    # A feed with no entry (a state no list has named) was still brought up to date by the newest list held.
    newest = _entry_updated(*candidates[0]) if candidates else None
    held = {p.id: p for p, _previous in candidates}
    identity = _IdentityTimes(session, state)
    updated = {e[0].id: _entry_updated(e[0], e[1], e[4], held, identity) for e in entries}
    _el(feed, "updated", _stamp(max((u for u in updated.values() if u is not None), key=as_utc, default=newest)))
    labels = labels_of(session, [e[0] for e in entries])
    entry_ids = _entry_ids(session, [e[0] for e in entries], state)
    for publication, previous, counts, before, changes in entries:
        what = ("MOA", "MOAs") if publication.kind == "participating" else ("pending listing", "pending listings")
        change = f" ({counts['rows'] - before['rows']:+d})" if before else ""
        entry = _el(feed, "entry")
        _el(entry, "title", f"ICE's {publication.kind} list of {labels[publication.id]}: {counted(counts['rows'], *what)}{where}{change}")
        _el(entry, "id", entry_ids[publication.id])
        _el(entry, "link", rel="alternate", href=f"{base}/publications/{publication.id}")
        if previous is not None:
            _el(entry, "link", rel="related", href=f"{base}/changes?kind={publication.kind}&from={previous.id}&to={publication.id}{'&state=' + state if state else ''}")
        _el(entry, "updated", _stamp(updated[publication.id]))
        _el(entry, "published", _stamp(dt.datetime.combine(publication.published_on, dt.time(), dt.timezone.utc)))
        # A state's feed names its state: its count of states, that state, read "in Georgia ... in 1 state".
        states = "" if state else f" in {in_places(counts)}"
        lines = [
            f"Source: ICE, {publication.file_name} (sha256 {publication.sha256[:16]}...), published on {label(publication)}.",
            f"{counted(counts['rows'], *what)}{where} with {counted(counts['agencies'], 'agency')}{states}; "
            + ", ".join(f"{m} {n:,}" for m, n in counts["by_model"].items()) + ".",
        ]
        if before is None:
            lines.append("The first list of its kind held here.")
        for kind, items in changes.items():
            lines.append(f"{TITLES[kind]} ({len(items)}):")
            lines += [f"- {describe(kind, item)}" for item in items[:MAX_NAMED]]
            if len(items) > MAX_NAMED:
                lines.append(f"- and {len(items) - MAX_NAMED} more")
        _el(entry, "content", "\n".join(lines), type="text")
    # A carriage return is written &#13;: raw, a reader reads it as a line feed (a file name holding one read back wrong).
    text = xml_serialized(feed)
    return b'<?xml version="1.0" encoding="utf-8"?>\n' + text.encode("utf-8")


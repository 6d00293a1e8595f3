"""An Atom feed of ICE's publications: one entry per publication with its figures, the change from the list
before it, and the rows it added and dropped (national, or for one state: then only the publications that
changed that state's rows). Built as XML elements, so every text is escaped."""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET

from sqlalchemy.orm import Session

from g287.registry.publications import label, list_publications
from g287.registry.queries import Filters, figures_of, listings, row_changes, state_name

ATOM = "http://www.w3.org/2005/Atom"
MAX_ENTRIES = 50
MAX_NAMED_ROWS = 100


def _el(parent, tag, text=None, **attributes):
    element = ET.SubElement(parent, f"{{{ATOM}}}{tag}", {k: str(v) for k, v in attributes.items()})
    if text is not None:
        element.text = text
    return element


def _stamp(value: dt.datetime | None) -> str:
    if value is None:
        return dt.datetime(1970, 1, 1, tzinfo=dt.timezone.utc).isoformat()
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.timezone.utc)
    return value.astimezone(dt.timezone.utc).replace(microsecond=0).isoformat()


def _describe(row) -> str:
    signed = f", signed {row.signed_on.isoformat()}" if row.signed_on else ""
    return f"{row.agency_name or 'agency unknown'} ({row.state or 'state unknown'}), {row.model or 'model unknown'}{signed}"


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
    entries = []
    for kind in ("participating", "pending"):
        previous_counts = None
        for publication in list_publications(session, kind, "ice"):
            rows = listings(session, publication, filters)
            counts = figures_of(rows)
            added, removed = row_changes(session, publication, filters)
            changed = previous_counts is None or added or removed
            if changed and (rows or added or removed):
                entries.append((publication, counts, previous_counts, added, removed))
            previous_counts = counts
    entries.sort(key=lambda e: (e[0].published_on, e[0].half or "", e[0].imported_at.isoformat() if e[0].imported_at else ""), reverse=True)
    _el(feed, "updated", _stamp(max((e[0].imported_at for e in entries), default=None)))
    for publication, counts, before, added, removed in entries[:MAX_ENTRIES]:
        what = "MOAs" if publication.kind == "participating" else "pending listings"
        change = f" ({counts['rows'] - before['rows']:+d})" if before else ""
        entry = _el(feed, "entry")
        _el(entry, "title", f"ICE's {publication.kind} list of {label(publication)}: {counts['rows']:,} {what}{where}{change}")
        _el(entry, "id", f"tag:g287,2025:publication/{publication.sha256}/{state or 'national'}")
        _el(entry, "link", rel="alternate", href=f"{base}/publications/{publication.id}")
        _el(entry, "updated", _stamp(publication.imported_at))
        _el(entry, "published", _stamp(dt.datetime.combine(publication.published_on, dt.time(), dt.timezone.utc)))
        lines = [
            f"Source: {publication.file_name} (sha256 {publication.sha256[:16]}...), published by ICE on {label(publication)}.",
            f"{counts['rows']:,} {what}{where} with {counts['agencies']:,} agencies in {counts['states']} states; "
            + ", ".join(f"{m} {n:,}" for m, n in counts["by_model"].items()) + ".",
        ]
        if before is not None:
            lines.append(f"Rows not in the list before: {len(added)}; rows of the list before no longer listed: {len(removed)}.")
            for title, items in (("New rows", added), ("Rows no longer listed", removed)):
                if items:
                    lines.append(f"{title}:")
                    lines += [f"- {_describe(r)}" for r in items[:MAX_NAMED_ROWS]]
                    if len(items) > MAX_NAMED_ROWS:
                        lines.append(f"- and {len(items) - MAX_NAMED_ROWS} more")
        _el(entry, "content", "\n".join(lines), type="text")
    return b'<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(feed, encoding="unicode").encode("utf-8")

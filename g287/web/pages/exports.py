"""Downloads: agreements as CSV, JSON and XLSX (ICE's layout) for any date and filter; Atom feeds; the public
SQLite database."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import tempfile
import threading
from email.utils import format_datetime
from pathlib import Path
from typing import Optional

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response

from g287.db.models.registry import Publication
from g287.db.times import as_utc
from g287.errors import NotFound
from g287.exports import tables
from g287.exports.disposition import attachment  # also the program's downloads' (g287.web.program)
from g287.exports.feed import atom_feed
from g287.exports.geojson import counties_geojson, states_geojson
from g287.exports.ice_workbook import write_ice_workbook
from g287.exports.selection import selected_rows
from g287.exports.snapshot import write_snapshot
from g287.registry.counties import county_fips_of_texts
from g287.registry.publications import in_force, whose_list
from g287.registry.queries import InForce, agreements_as_of, publications_in_force
from g287.sources.header import columns_of_fields
from g287.web.api.errors import invalid_parameter
from g287.web.api.geography import VINTAGE, Vintage
from g287.web.api.resources import ListParameters, state_or_404
from g287.web.app import site_of
from g287.web.http import ResumableFile, not_modified
from g287.web.params import Day, IdParameter, ModelCode, StateCode

router = APIRouter(prefix="/exports")


def _filter_values(p: ListParameters) -> dict:
    f = p.filters
    return {"as_of": p.as_of.isoformat() if p.as_of else None, "state": f.state, "county": f.fips or f.county, "model": f.model, "type": f.agency_type, "status": p.status}


class Window:
    """`limit` and `offset` as the API takes them (the same rows, in the same order, as /api/v1/agreements), except
    that an export without `limit` holds every row of the selection from `offset` on (the API's default is 100)."""

    def __init__(self, request: Request, p: ListParameters):
        self.offset = p.offset
        self.limit: Optional[int] = p.limit if "limit" in request.query_params else None

    def __call__(self, rows: list) -> list:
        return rows[self.offset :] if self.limit is None else rows[self.offset : self.offset + self.limit]

    def label(self, total: int) -> Optional[str]:
        """For the file name, so that a part is never taken for the whole: the rows it holds of the `total` of the
        selection, "rows11-20" ("rows801-806" when the selection ends there; "rows901-none" past its end)."""
        if self.offset == 0 and (self.limit is None or self.limit >= total):
            return None
        end = total if self.limit is None else min(total, self.offset + self.limit)
        return f"rows{self.offset + 1}-{end if end > self.offset else 'none'}"


def _name(p: ListParameters, window: Window, total: int, publication: Optional[int], suffix: str) -> str:
    """The file's name says which lists, which status and which rows: two different selections never share one."""
    when = f"publication{publication}" if publication is not None else (p.as_of.isoformat() if p.as_of else "latest")
    status = None if p.status == "participating" else p.status.replace(" ", "-")
    parts = ["g287-agreements", when]
    parts += [v for v in (status, p.filters.state, p.filters.fips or p.filters.county, p.filters.model, p.filters.agency_type, window.label(total)) if v]
    return "-".join(parts) + suffix


PUBLICATION = Query(None, description="A publication id instead of a date: the lists as that publication left them")


def _chosen_publication(session, p: ListParameters, publication_id: int) -> Publication:
    """The publication a download names instead of a date (both at once is a 422)."""
    if p.as_of is not None:
        raise invalid_parameter("publication", "give a date (as_of) or a publication, not both")
    chosen = session.get(Publication, publication_id)
    if chosen is None:
        raise NotFound(f"no publication with id {publication_id}")
    return chosen


def _lists_in_force(session, p: ListParameters, publication_id: Optional[int]) -> InForce:
    """The lists a download is made of: those in force on `as_of`, or those as a publication left them (that
    publication, and the latest list of the other kind published on or before its day)."""
    if publication_id is None:
        return publications_in_force(session, p.as_of)
    chosen = _chosen_publication(session, p, publication_id)
    other = "pending" if chosen.kind == "participating" else "participating"
    lists = {chosen.kind: chosen, other: in_force(session, other, chosen.published_on, chosen.origin)}
    return InForce(chosen.published_on, lists["participating"], lists["pending"], frozenset())


def _agreement_records(request: Request, p: ListParameters, publication: Optional[int], window: Window) -> tuple[InForce, int, list[dict]]:
    """The lists a CSV or JSON download is made of, the rows of its whole selection, and the records of the rows
    in its window (with each row's county FIPS code)."""
    with site_of(request).read() as session:
        force = _lists_in_force(session, p, publication)
        rows = agreements_as_of(session, force, p.filters, p.status)
        chosen = window(rows)
        return force, len(rows), tables.records(force, chosen, county_fips_of_texts(session, {(row.state, row.county) for row in chosen}))


@router.get("/agreements.csv")
def agreements_csv(request: Request, p: ListParameters = Depends(), publication: Optional[IdParameter] = PUBLICATION):
    window = Window(request, p)
    force, total, items = _agreement_records(request, p, publication, window)
    return Response(
        # With a byte order mark: Excel reads a UTF-8 file without one in the machine's own code page, and names
        # such as "Sheriff’s Office" come out garbled; every other reader skips it (Python: encoding utf-8-sig).
        tables.to_csv(items).encode("utf-8-sig"),
        media_type="text/csv; charset=utf-8",
        headers={"content-disposition": attachment(_name(p, window, total, publication, ".csv")), "x-total-count": str(total)},
    )


@router.get("/agreements.json")
def agreements_json(request: Request, p: ListParameters = Depends(), publication: Optional[IdParameter] = PUBLICATION):
    window = Window(request, p)
    force, total, items = _agreement_records(request, p, publication, window)
    document = tables.to_json(force, items, dict(_filter_values(p), publication=publication), total=total, limit=window.limit, offset=window.offset)
    return Response(document.encode("utf-8"), media_type="application/json", headers={"content-disposition": attachment(_name(p, window, total, publication, ".json"))})


@router.get("/agreements.xlsx")
def agreements_xlsx(
    request: Request,
    p: ListParameters = Depends(),
    publication: Optional[IdParameter] = PUBLICATION,
):
    """The rows of ICE's list in force (participating, or pending with status=pending), in ICE's columns."""
    if p.status not in ("participating", "pending"):
        # ICE's layout holds one list: the participating and the pending lists together would be neither.
        raise invalid_parameter("status", f"the XLSX in ICE's layout holds one list: status=participating or status=pending, not {p.status}")
    kind = p.status
    window = Window(request, p)  # counted in the rows of ICE's list
    with site_of(request).read() as session:
        if publication is not None:
            chosen = _chosen_publication(session, p, publication)
            if "status" in request.query_params and p.status != chosen.kind:
                # The workbook is the publication's own list: a status naming the other list was ignored, and
                # `publication=10&status=pending` gave the participating list under a request for the pending one.
                raise invalid_parameter("status", f"publication {chosen.id} is {whose_list(chosen)}: its workbook holds that list, status={chosen.kind} or no status")
            kind = chosen.kind
        else:
            force = publications_in_force(session, p.as_of)
            chosen = force.participating if kind == "participating" else force.pending
            if chosen is None:
                raise NotFound(f"no {kind} list was published on or before {force.as_of.isoformat()}")
        selection = selected_rows(session, chosen, p.filters)
        rows = window(selection)
        stem = chosen.file_name.rsplit(".", 1)[0]
        # The workbook's time is the list's, not the download's: `g287 ingest` orders two lists of one date and
        # half by it, and copies downloaded in another order would otherwise put the replaced list in force. A list
        # whose source carried no time (a CSV) gets the time it was ingested, as the registry ordered it.
        modified = as_utc(chosen.source_modified_at or chosen.imported_at).replace(tzinfo=None)
        # ICE's columns as that list had them: the lists before July 2025 had no ADDENDUM column (nor a row an addendum).
        addendum = kind == "participating" and "addendum" in columns_of_fields(chosen.columns or [])[0]
    buffer = io.BytesIO()
    write_ice_workbook(buffer, kind, rows, modified, addendum=addendum)
    suffix = "".join(f"_{v}" for v in (p.filters.state, p.filters.fips or p.filters.county, p.filters.model, p.filters.agency_type, window.label(len(selection))) if v)
    return Response(
        buffer.getvalue(),
        media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers={"content-disposition": attachment(f"{stem}_g287{suffix}.xlsx")},
    )


GEOJSON = "application/geo+json"


@router.get("/states.geojson")
def states_download(request: Request, as_of: Optional[Day] = Query(None), model: Optional[ModelCode] = Query(None)):
    """Every state with its figures as of a date (WGS 84 geometry recovered from the map shapes)."""
    with site_of(request).read() as session:
        body = states_geojson(session, publications_in_force(session, as_of), model)
    name = "-".join(str(v) for v in ("g287-states", as_of or "latest", model) if v)  # two selections never share a name
    return Response(body, media_type=GEOJSON, headers={"content-disposition": attachment(f"{name}.geojson")})


@router.get("/counties.geojson")
def counties_download(
    request: Request,
    as_of: Optional[Day] = Query(None),
    state: Optional[StateCode] = Query(None),
    model: Optional[ModelCode] = Query(None),
    vintage: Optional[Vintage] = VINTAGE,
):
    """Every county (of a state) with its figures as of a date."""
    with site_of(request).read() as session:
        body = counties_geojson(session, publications_in_force(session, as_of), state=state, model=model, vintage=vintage)
    name = "-".join(str(v) for v in ("g287-counties", as_of or "latest", state, model, f"vintage{vintage}" if vintage else None) if v)
    return Response(body, media_type=GEOJSON, headers={"content-disposition": attachment(f"{name}.geojson")})


@router.get("/feed.atom")
def feed(request: Request):
    with site_of(request).read() as session:
        body = atom_feed(session, site_of(request).address(request))
    return Response(body, media_type="application/atom+xml; charset=utf-8")


@router.get("/feed/{usps}.atom")
def state_feed(request: Request, usps: str):
    state_or_404(usps)
    with site_of(request).read() as session:
        body = atom_feed(session, site_of(request).address(request), usps.upper())
    return Response(body, media_type="application/atom+xml; charset=utf-8")


_snapshot_lock = threading.Lock()
_snapshot_dirs: list[Path] = []
_snapshot_tags: dict[Path, str] = {}  # each snapshot's ETag: a hash of its bytes, the same in every worker


def _snapshot_dir() -> Path:
    """One temporary folder per process for the SQLite downloads, made on first use."""
    if not _snapshot_dirs:
        _snapshot_dirs.append(Path(tempfile.mkdtemp(prefix="g287-snapshot-")))
    return _snapshot_dirs[0]


def _file_tag(path: Path) -> str:
    with open(path, "rb") as handle:
        return f'"{hashlib.file_digest(handle, lambda: hashlib.blake2b(digest_size=16)).hexdigest()}"'


@router.get("/g287.sqlite")
def sqlite_download(request: Request):
    """The public tables as one SQLite file, made once per data version. The site's cache passes this route by (the
    file is large), so it answers conditional requests itself: 304 while the data is unchanged."""
    site = site_of(request)
    version = site.clock.current()
    with _snapshot_lock:
        path = _snapshot_dir() / f"{abs(hash((site.db.url, version.token)))}.sqlite"
        if not path.exists():
            write_snapshot(site.db, path)
            # Older versions go, but not the one just before: a response may still be about to send it.
            older = sorted((p for p in path.parent.glob("*.sqlite") if p != path), key=lambda p: p.stat().st_mtime)
            for old in older[:-1]:
                old.unlink(missing_ok=True)
                _snapshot_tags.pop(old, None)
        if path not in _snapshot_tags:
            _snapshot_tags[path] = _file_tag(path)
        etag = _snapshot_tags[path]
        changed = version.modified_at or dt.datetime.fromtimestamp(path.stat().st_mtime, dt.timezone.utc)  # aware: data_version
    last_modified = format_datetime(changed.astimezone(dt.timezone.utc), usegmt=True)
    validators = {"etag": etag, "last-modified": last_modified, "cache-control": "no-cache"}  # always asked again
    if not_modified(request.scope, etag.encode(), changed):
        return Response(status_code=304, headers=validators)
    return ResumableFile(path, media_type="application/vnd.sqlite3", headers={**validators, "content-disposition": attachment("g287.sqlite")})

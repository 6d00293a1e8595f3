"""Downloads: agreements as CSV, JSON and XLSX (ICE's layout) for any date and filter; Atom feeds; the public
SQLite database."""

from __future__ import annotations

import io
import re
import tempfile
import threading
import urllib.parse
from pathlib import Path
from typing import Optional

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import FileResponse, Response

from g287.db.models.registry import Publication
from g287.errors import NotFound
from g287.exports import tables
from g287.exports.feed import atom_feed
from g287.exports.geojson import counties_geojson, states_geojson
from g287.exports.ice_workbook import write_ice_workbook
from g287.exports.selection import selected_rows
from g287.exports.snapshot import write_snapshot
from g287.registry.queries import agreements_as_of, publications_in_force
from g287.web.api import schemas
from g287.web.api.geography import VINTAGE, Vintage
from g287.web.api.resources import ListParameters, state_or_404
from g287.web.app import site_of
from g287.web.params import Day

router = APIRouter(prefix="/exports")


def _filter_values(p: ListParameters) -> dict:
    f = p.filters
    return {"as_of": p.as_of.isoformat() if p.as_of else None, "state": f.state, "county": f.fips or f.county, "model": f.model, "type": f.agency_type, "status": p.status}


def attachment(filename: str) -> str:
    """A Content-Disposition value that any name survives: an ASCII fallback and the exact name (RFC 6266)."""
    fallback = re.sub(r"[^A-Za-z0-9._-]+", "_", filename).strip("_") or "download"
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{urllib.parse.quote(filename, safe='')}"


def _name(p: ListParameters, suffix: str) -> str:
    parts = ["g287-agreements", p.as_of.isoformat() if p.as_of else "latest"]
    parts += [v for v in (p.filters.state, p.filters.fips or p.filters.county, p.filters.model, p.filters.agency_type) if v]
    return "-".join(parts) + suffix


@router.get("/agreements.csv")
def agreements_csv(request: Request, p: ListParameters = Depends()):
    with site_of(request).read() as session:
        force = publications_in_force(session, p.as_of)
        items = tables.records(force, agreements_as_of(session, force, p.filters, p.status))
    return Response(
        tables.to_csv(items).encode("utf-8"),
        media_type="text/csv; charset=utf-8",
        headers={"content-disposition": attachment(_name(p, ".csv"))},
    )


@router.get("/agreements.json")
def agreements_json(request: Request, p: ListParameters = Depends()):
    with site_of(request).read() as session:
        force = publications_in_force(session, p.as_of)
        items = tables.records(force, agreements_as_of(session, force, p.filters, p.status))
    return Response(tables.to_json(force, items, _filter_values(p)).encode("utf-8"), media_type="application/json")


@router.get("/agreements.xlsx")
def agreements_xlsx(
    request: Request,
    p: ListParameters = Depends(),
    publication: Optional[int] = Query(None, ge=1, le=2**31 - 1, description="A publication id instead of a date"),
):
    """The rows of ICE's list in force (participating, or pending with status=pending), in ICE's columns."""
    kind = "pending" if p.status == "pending" else "participating"
    with site_of(request).read() as session:
        if publication is not None:
            chosen = session.get(Publication, publication)
            if chosen is None:
                raise NotFound(f"no publication with id {publication}")
            kind = chosen.kind
        else:
            force = publications_in_force(session, p.as_of)
            chosen = force.participating if kind == "participating" else force.pending
            if chosen is None:
                raise NotFound(f"no {kind} list was published on or before {force.as_of.isoformat()}")
        rows = selected_rows(session, chosen, p.filters)
        stem = chosen.file_name.rsplit(".", 1)[0]
    buffer = io.BytesIO()
    write_ice_workbook(buffer, kind, rows)
    suffix = "".join(f"_{v}" for v in (p.filters.state, p.filters.fips or p.filters.county, p.filters.model, p.filters.agency_type) if v)
    return Response(
        buffer.getvalue(),
        media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers={"content-disposition": attachment(f"{stem}_g287{suffix}.xlsx")},
    )


GEOJSON = "application/geo+json"


@router.get("/states.geojson")
def states_download(request: Request, as_of: Optional[Day] = Query(None), model: Optional[schemas.Model] = Query(None)):
    """Every state with its figures as of a date (WGS 84 geometry recovered from the map shapes)."""
    with site_of(request).read() as session:
        body = states_geojson(session, publications_in_force(session, as_of), model)
    return Response(body, media_type=GEOJSON, headers={"content-disposition": attachment(f"g287-states-{as_of or 'latest'}.geojson")})


@router.get("/counties.geojson")
def counties_download(
    request: Request,
    as_of: Optional[Day] = Query(None),
    state: Optional[schemas.StateCode] = Query(None),
    model: Optional[schemas.Model] = Query(None),
    vintage: Optional[Vintage] = VINTAGE,
):
    """Every county (of a state) with its figures as of a date."""
    with site_of(request).read() as session:
        body = counties_geojson(session, publications_in_force(session, as_of), state=state, model=model, vintage=vintage)
    name = "-".join(str(v) for v in ("g287-counties", as_of or "latest", state, model) if v)
    return Response(body, media_type=GEOJSON, headers={"content-disposition": attachment(f"{name}.geojson")})


@router.get("/feed.atom")
def feed(request: Request):
    with site_of(request).read() as session:
        body = atom_feed(session, str(request.base_url))
    return Response(body, media_type="application/atom+xml; charset=utf-8")


@router.get("/feed/{usps}.atom")
def state_feed(request: Request, usps: str):
    state_or_404(usps)
    with site_of(request).read() as session:
        body = atom_feed(session, str(request.base_url), usps.upper())
    return Response(body, media_type="application/atom+xml; charset=utf-8")


_snapshot_lock = threading.Lock()
_snapshot_dirs: list[Path] = []


def _snapshot_dir() -> Path:
    """One temporary folder per process for the SQLite downloads, made on first use."""
    if not _snapshot_dirs:
        _snapshot_dirs.append(Path(tempfile.mkdtemp(prefix="g287-snapshot-")))
    return _snapshot_dirs[0]


@router.get("/g287.sqlite")
def sqlite_download(request: Request):
    """The public tables as one SQLite file, made once per data version."""
    site = site_of(request)
    version = site.clock.current().token
    with _snapshot_lock:
        path = _snapshot_dir() / f"{abs(hash((site.db.url, version)))}.sqlite"
        if not path.exists():
            write_snapshot(site.db, path)
            # Older versions go, but not the one just before: a response may still be about to send it.
            older = sorted((p for p in path.parent.glob("*.sqlite") if p != path), key=lambda p: p.stat().st_mtime)
            for old in older[:-1]:
                old.unlink(missing_ok=True)
    return FileResponse(path, media_type="application/vnd.sqlite3", filename="g287.sqlite")

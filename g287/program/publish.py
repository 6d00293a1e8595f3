"""The registry's own lists: its participating and pending agreements written as workbooks in ICE's layout and
ingested as publications of origin "registry", so `g287 stats`-style figures (g287.registry.figures.stats with
origin="registry") describe them exactly as they describe ICE's lists, each figure naming its source.

A list identical to the registry's latest publication of that kind is not published again; an empty list is
published only to replace a list that had rows (its figures then fall to zero).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from g287 import config, days
from g287.access import Actor, authorize
from g287.catalog import catalog
from g287.db.engine import Database
from g287.db.models.registry import Publication
from g287.exports.ice_workbook import TYPE_LABELS, IceRow, rows_of_publication, write_ice_workbook
from g287.program import settings
from g287.program.views import public_participating, public_pending
from g287.registry import figures
from g287.registry.ingest import already_ingested, prepare, registry_change, unchanged_result, write_publication
from g287.registry.publications import in_force
from g287.sources.rules import states

KINDS = ("participating", "pending")


@dataclass
class ListResult:
    kind: str
    status: str  # published | unchanged | empty
    rows: int
    file: str | None = None
    publication_id: int | None = None


@dataclass
class PublishResult:
    lists: list[ListResult] = field(default_factory=list)
    figures: dict | None = None


# The site's public page of a signed MOA (g287.web.program.moas.signed_download), which anyone may read.
SIGNED_MOA_PATH = "/program/moas/{moa_id}/signed.pdf"


def signed_moa_address(site: str, moa_id: int) -> str:
    """The public address of an MOA's signed PDF on the site at `site` (config.site_url: scheme and host only)."""
    return site + SIGNED_MOA_PATH.format(moa_id=int(moa_id))


def ice_rows(rows: list[dict], kind: str, site: str | None = None) -> list[IceRow]:
    """The rows in ICE's layout. With the site's address, a participating row whose signed PDF the site serves links
    it from its MOA cell, as ICE's rows link theirs ("link"); without it, or for an MOA recorded with no PDF, the cell
    stays empty, and reading the list back registers "no MOA document link" for the row, as it is."""
    state_names = {s.usps: s.name.upper() for s in states()}
    labels = {code: model.ice_label for code, model in catalog().models.items()}
    result = []
    for row in rows:
        agency = row["agency"]
        result.append(
            IceRow(
                state=state_names[agency["state"]],
                agency=agency["name"],
                agency_type=TYPE_LABELS[agency["agency_type"]],
                county=agency["county"] or "",
                model=labels[row["model"]],
                signed=dt.date.fromisoformat(row["signed_on"]) if kind == "participating" else None,
                moa_url=signed_moa_address(site, row["moa_id"]) if kind == "participating" and site and row["signed_document"] else None,
            )
        )
    return result


def registry_lists(session: Session, actor: Actor) -> dict[str, list[IceRow]]:
    """The rows of the registry's participating and pending lists, in ICE's layout, the MOAs linked on the site when
    its address (G287_SITE_URL) is set."""
    site = config.site_url()
    return {"participating": ice_rows(public_participating(session, actor), "participating", site), "pending": ice_rows(public_pending(session, actor), "pending")}


def _same(a: list[IceRow], b: list[IceRow]) -> bool:
    return sorted(map(repr, a)) == sorted(map(repr, b))


def list_directory(database_url: str) -> Path:
    """Where a database's published lists are kept: a folder of its own under registry-lists/. Databases that share
    a G287_HOME (the default one and demo.sqlite) shared one folder, so each numbered its lists after the other's
    (its first list of a half-day named _registry_2) and two publishing at once could write one file. Lists
    published before were kept in registry-lists/ itself, and stay there."""
    return settings.program_files_dir() / "registry-lists" / database_folder(database_url)


def database_folder(database_url: str) -> str:
    """A folder name for a database: its kind, its name and a digest of where it is (an SQLite file's resolved path;
    a PostgreSQL database's host, port and name: never its user or password), as `sqlite-g287-1a2b3c4d5e6f`."""
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:"):
        path = Path(url.database).expanduser().resolve()
        name, place = path.stem, str(path)
    else:
        name, place = url.database or "", f"{url.host or ''}:{url.port or ''}/{url.database or ''}"
    readable = re.sub(r"[^A-Za-z0-9_.-]", "_", name)[:40].strip(".") or "database"
    return f"{url.get_backend_name()}-{readable}-{hashlib.sha256(place.encode()).hexdigest()[:12]}"


def _target(directory: Path, kind: str, now: dt.datetime, held: set[str]) -> Path:
    """The next free name of the half-day's list, created empty at once (exclusively: another process publishing
    at the same moment takes the next name, never this file); a name the database already holds for one of its lists
    is passed over, so that a list written where an earlier one is not (before the folder per database) is never
    named as that one."""
    stem = f"{kind}Agencies{now:%m%d%Y}{'am' if now.hour < 12 else 'pm'}_registry"
    number = 1
    while True:
        target = directory / (f"{stem}.xlsx" if number == 1 else f"{stem}_{number}.xlsx")
        if target.name not in held:
            try:
                target.open("xb").close()
                return target
            except FileExistsError:
                pass
        number += 1


def publish(db: Database, actor: Actor, *, directory: Path | None = None, now: dt.datetime | None = None) -> PublishResult:
    """Write the registry's lists that changed since its last publication and ingest them (origin "registry");
    return what was done and the registry's figures. The lists are read, compared with the last published and
    ingested in one transaction, in the registry's turn: two publishing at once both found the lists changed and both
    published them (each its own files); now the second finds them published."""
    authorize(actor, "program.publish")
    now = now or days.now()
    directory = Path(directory) if directory else list_directory(db.url)
    result = PublishResult()
    with registry_change(db) as session:
        lists = registry_lists(session, actor)
        held = set(session.scalars(select(Publication.file_name).where(Publication.origin == "registry")))
        for kind in KINDS:
            rows, publication = lists[kind], in_force(session, kind, None, "registry")
            if not rows and publication is None:
                result.lists.append(ListResult(kind, "empty", 0))
            elif publication is not None and _same(rows, rows_of_publication(session, publication)):
                result.lists.append(ListResult(kind, "unchanged", len(rows)))
            else:
                authorize(actor, "publication.ingest")
                config.make_folder(directory)
                target = _target(directory, kind, now, held)
                # Dated by its publication (its moment, not the writing's): the same records published at the same
                # moment give the same workbook, byte for byte.
                write_ice_workbook(target, kind, rows, now)
                prepared = prepare(target, kind=kind, published=(now.date(), "am" if now.hour < 12 else "pm"), origin="registry")
                existing = already_ingested(session, prepared.sha256, prepared.published_on, prepared.half)
                ingested = unchanged_result(target, existing) if existing is not None else write_publication(session, prepared, actor)
                result.lists.append(ListResult(kind, "published", len(rows), str(target), ingested.publication_id))
    with db.session() as session:
        result.figures = figures.stats(session, now.date(), origin="registry")
    return result

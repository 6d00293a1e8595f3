"""The data page (downloads, publications, the quality register) and each publication's page."""

from __future__ import annotations

import hashlib
from functools import cache
from typing import Annotated

from fastapi import APIRouter, Path, Request

from g287.db.models.registry import Publication
from g287.errors import NotFound
from g287.registry import figures, quality
from g287.registry.bundled import bundled_files
from g287.registry.publications import distinct_label, in_force, list_publications
from g287.registry.queries import publications_in_force
from g287.web.app import site_of
from g287.web.params import IdParameter
from g287.web.render import render

router = APIRouter()

# Where the bundled lists come from (g287/data/ice/SOURCES.md): their names carry suffixes ICE never gave them.
ARCHIVE_PROVENANCE = (
    "The lists of May–July 2025 bundled here were published on ICE's 287(g) page and preserved by the public archive "
    "appelson/Tracking_287g; suffixes such as _b and __v2 were added by the archive, not ICE."
)


@cache
def bundled_names_and_sha256() -> frozenset[tuple[str, str]]:
    """The name and SHA-256 of each list bundled with g287: a publication of one of them is a file of the archive. By
    name too: the same bytes under another day's name are a publication of that day (migration 0017), not one of the
    archive's files."""
    return frozenset((path.name, hashlib.sha256(path.read_bytes()).hexdigest()) for path in bundled_files())


@router.get("/data")
def data_page(request: Request):
    with site_of(request).read() as session:
        publications = list_publications(session)
        entries = {p.id: quality.register(session, p) for p in publications}
        force = publications_in_force(session, None)  # the XLSX downloads are these lists: offered only when one is held
    every = [e for items in entries.values() for e in items]
    return render(
        "data.html",
        publications=publications,
        counts={pid: len(items) for pid, items in entries.items()},
        summary=quality.summary(every),
        dialect=site_of(request).db.dialect_name,
        force=force,
    )


@router.get("/publications/{publication_id}")
def publication_page(request: Request, publication_id: Annotated[IdParameter, Path()]):
    with site_of(request).read() as session:
        publication = session.get(Publication, publication_id)
        if publication is None:
            raise NotFound(f"no publication with id {publication_id}")
        counts = figures.participating_figures(session, publication) if publication.kind == "participating" else figures.pending_figures(session, publication)
        entries = quality.register(session, publication)
        # The agency list shows ICE's lists in force on a day: a list replaced the same day (a second version) or
        # a list of the registry's own is not what it shows on the publication's date.
        shown = in_force(session, publication.kind, publication.published_on)
        named = distinct_label(publication)  # its file too, when another list has its date and half (07/03 pm and its __v2)
    return render(
        "publication.html", publication=publication, named=named, counts=counts, entries=entries, summary=quality.summary(entries), shown_on_its_day=shown,
        provenance=ARCHIVE_PROVENANCE if (publication.file_name, publication.sha256) in bundled_names_and_sha256() else None,
    )

"""The about page: sources, the exact definition of every figure (with the rules they depend on, read from the
same data files the code reads), and the known problems of the data."""

from __future__ import annotations

from fastapi import APIRouter, Request

from g287.geo import reference
from g287.geo.store import match_summary, unmatched
from g287.history.lifecycle import end_after_default
from g287.history.names import RULE_TEXT, identity_rules
from g287.history.review import candidates
from g287.registry import quality
from g287.registry.publications import list_publications
from g287.web.app import site_of
from g287.web.pages.data import ARCHIVE_PROVENANCE
from g287.web.render import render

router = APIRouter()


@router.get("/about")
def about_page(request: Request):
    with site_of(request).read() as session:
        publications = list_publications(session, origin="ice")
        entries = [e for p in publications for e in quality.register(session, p)]
        counties_unmatched = unmatched(session)
        matching = match_summary(session)
        waiting = candidates(session)
    rules = identity_rules()
    return render(
        "about.html",
        publications=publications,
        summary=quality.summary(entries)[:15],
        unmatched=counties_unmatched,
        matching=matching,
        waiting=waiting,
        vintages=reference.vintages(),
        counts={v.name: len(reference.counties_in(v.name)) for v in reference.vintages()},
        end_after=end_after_default(),
        threshold=rules.threshold,
        review_floor=rules.review_floor,
        rule_text=RULE_TEXT,
        confidences=rules.confidence,
        ARCHIVE_PROVENANCE=ARCHIVE_PROVENANCE,
    )

"""Search: agencies (by every name they were published under), states and counties, tolerating typos."""

from __future__ import annotations

from typing import Optional

from fastapi import APIRouter, Query, Request

from g287.registry.search import search
from g287.web.api.resources import hit_url
from g287.web.app import site_of
from g287.web.render import render

router = APIRouter()


SHOWN = 50  # the best matches shown; one more is asked for, to say when there are more


@router.get("/search")
def search_page(request: Request, q: Optional[str] = Query(None, max_length=200)):
    q = (q or "").strip()
    hits = []
    if q:
        with site_of(request).read() as session:
            hits = [{"hit": h, "url": hit_url(h)} for h in search(session, q, SHOWN + 1)]
    return render("search.html", q=q, hits=hits[:SHOWN], more=len(hits) > SHOWN)

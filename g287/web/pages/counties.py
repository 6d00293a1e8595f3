"""County pages, keyed by FIPS code: the agencies located in the county (by county matching), their figures and
models as of a date, and the agencies located there at another time. The older address, by the county's name as
ICE's COUNTY column gives it (/states/FL/counties/brevard), redirects to the county's page."""

from __future__ import annotations

from typing import Annotated, Optional

from fastapi import APIRouter, Path, Request
from fastapi.responses import RedirectResponse

from g287.errors import NotFound
from g287.geo.matching import match_county
from g287.registry.counties import county_or_404, county_record
from g287.registry.queries import Filters, agencies_as_of, publications_in_force
from g287.web.app import site_of
from g287.web.pages.common import AsOf, ModelChoice, date_choices, labels_in_force, list_heads, lists_named, selected_date
from g287.web.pages.states import known_state
from g287.web.render import render, url
from g287.web.params import Day, FipsCode
from g287.wording import quoted

router = APIRouter()


@router.get("/counties/{fips}")
def county_page(request: Request, fips: Annotated[FipsCode, Path()], as_of: Optional[Day] = AsOf, model: ModelChoice = None):
    county = county_or_404(fips)
    with site_of(request).read() as session:
        force = publications_in_force(session, as_of)
        record = county_record(session, county.fips, force, model)
        agencies = agencies_as_of(session, force, Filters(state=county.usps, model=model, fips=county.fips), "listed")
        choices = date_choices(session)
        labels = labels_in_force(force)
    heads = list_heads(force, as_of, labels)
    return render(
        "county.html",
        heads=heads,
        lists=lists_named(heads, as_of),
        county=county,
        state=known_state(county.usps)[1],
        record=record,
        agencies=agencies,
        force=force,
        model=model,
        choices=choices,
        as_of=selected_date(as_of),
    )


@router.get("/states/{usps}/counties/{name}")
def county_by_name(request: Request, usps: str = Path(max_length=2), name: str = Path(max_length=100), as_of: Optional[Day] = AsOf, model: ModelChoice = None):
    """The county a name designates in a state (as county matching reads ICE's COUNTY column), by redirection."""
    code, state = known_state(usps)
    match = match_county(code, name.replace("-", " "))
    if match.fips is None:
        raise NotFound(f"no single county of {state} is named {quoted(name)} ({match.rule})")
    return RedirectResponse(url(f"/counties/{match.fips}", as_of=as_of.isoformat() if as_of else None, model=model), status_code=301)

"""The fact sheet: one printable page (HTML with print CSS) and the same as PDF."""

from __future__ import annotations

from typing import Optional

from fastapi import APIRouter, Request
from fastapi.responses import Response

from g287 import days
from g287.errors import NotFound
from g287.exports.factsheet import factsheet, factsheet_pdf
from g287.geo.maps import map_figure
from g287.web.app import site_of
from g287.web.pages.common import AsOf, safe_figure
from g287.web.render import render
from g287.web.params import Day

router = APIRouter()


def build(session, as_of):
    return factsheet(session, as_of)


def sheet_map(session, as_of):
    """The sheet's map for the page: its texts set in HTML (the PDF sets them as text beside the map's image)."""
    try:
        figure = map_figure(session, "state", as_of or days.today(), None, "moas", None, map_id="factsheet-map")
    except NotFound:
        return None  # no participating list in force: the sheet says so
    return safe_figure(figure)


@router.get("/factsheet")
def factsheet_page(request: Request, as_of: Optional[Day] = AsOf):
    with site_of(request).read() as session:
        sheet = build(session, as_of)
        figure = sheet_map(session, as_of)
    return render("factsheet.html", sheet=sheet, map_fig=figure, as_of=as_of.isoformat() if as_of else "")


@router.get("/factsheet.pdf")
def factsheet_download(request: Request, as_of: Optional[Day] = AsOf):
    with site_of(request).read() as session:
        sheet = build(session, as_of)
    return Response(
        factsheet_pdf(sheet),
        media_type="application/pdf",
        headers={"content-disposition": f'inline; filename="{sheet["file_name"]}"'},
    )

"""The fact sheet: one printable page (HTML with print CSS) and the same as PDF."""

from __future__ import annotations

from typing import Optional

from fastapi import APIRouter, Request
from fastapi.responses import Response

from g287.exports.disposition import content_disposition
from g287.exports.factsheet import factsheet, factsheet_pdf
from g287.web.app import site_of
from g287.web.pages.common import AsOf, safe_figure
from g287.web.render import render
from g287.web.params import Day

router = APIRouter()


def build(session, as_of):
    return factsheet(session, as_of)


@router.get("/factsheet")
def factsheet_page(request: Request, as_of: Optional[Day] = AsOf):
    with site_of(request).read() as session:
        sheet = build(session, as_of)
    # The sheet's own map, its texts set in HTML (the PDF sets them as text beside the map's image); None when no
    # participating list is in force: the sheet says so.
    figure = safe_figure(sheet["map"]) if sheet["map"] is not None else None
    return render("factsheet.html", sheet=sheet, map_fig=figure, as_of=as_of.isoformat() if as_of else "")


@router.get("/factsheet.pdf")
def factsheet_download(request: Request, as_of: Optional[Day] = AsOf):
    with site_of(request).read() as session:
        sheet = build(session, as_of)
    return Response(
        factsheet_pdf(sheet, method_page=site_of(request).address(request).rstrip("/") + "/about#unmatched"),
        media_type="application/pdf",
        # Both forms of the name (an ASCII fallback and the exact one): a list's file name may be part of it.
        headers={"content-disposition": content_disposition(sheet["file_name"], "inline")},
    )

"""Server-rendered pages: one module per page type, each a thin layer over the registry's read services."""

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse

from g287.web.pages import about, agencies, changes, counties, data, documents, exports, factsheet, home, models, pending, search, states
from g287.web.app import STATIC_DIR
from g287.web.render import render

router = APIRouter(include_in_schema=False)
for _module in (home, states, counties, agencies, models, pending, changes, search, documents, data, about, factsheet, exports):
    router.include_router(_module.router)


@router.get("/favicon.ico")
def favicon():
    """Browsers ask for /favicon.ico where a page names no icon (a PDF, a JSON answer): the site's own icon."""
    return FileResponse(STATIC_DIR / "favicon.svg", media_type="image/svg+xml")


def error_page(request: Request, status: int, message: str):
    return render("error.html", status=status, code=status, message=message, path=request.url.path)

"""Server-rendered pages: one module per page type, each a thin layer over the registry's read services."""

from fastapi import APIRouter, Request

from g287.web.pages import about, agencies, changes, counties, data, exports, factsheet, home, models, pending, search, states
from g287.web.render import render

router = APIRouter(include_in_schema=False)
for _module in (home, states, counties, agencies, models, pending, changes, search, data, about, factsheet, exports):
    router.include_router(_module.router)


def error_page(request: Request, status: int, message: str):
    return render("error.html", status=status, code=status, message=message, path=request.url.path)

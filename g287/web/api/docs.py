"""Interactive API documentation, served from installed packages (Swagger UI from the fastapi-offline wheel,
never from a CDN); the page's own script is a file of this package, so no inline script is needed."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter
from fastapi.responses import FileResponse

from g287.errors import NotFound
from g287.web.app import API_PREFIX
from g287.web.render import render
from g287.wording import quoted

router = APIRouter(prefix=API_PREFIX, include_in_schema=False)
DOCS_PATH = f"{API_PREFIX}/docs"
ASSETS = {"swagger-ui.css": "text/css", "swagger-ui-bundle.js": "text/javascript"}


def assets_dir() -> Path:
    import fastapi_offline

    return Path(fastapi_offline.__file__).resolve().parent / "static"


@router.get(DOCS_PATH.removeprefix(API_PREFIX))
def docs():
    return render("api_docs.html", openapi_url=f"{API_PREFIX}/openapi.json")


@router.get(DOCS_PATH.removeprefix(API_PREFIX) + "/assets/{name}")
def docs_asset(name: str):
    if name not in ASSETS:
        raise NotFound(f"no documentation asset {quoted(name)}")
    return FileResponse(assets_dir() / name, media_type=ASSETS[name])

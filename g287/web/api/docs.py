"""Interactive API documentation, served from installed packages (Swagger UI from the fastapi-offline wheel,
never from a CDN); the page's own script is a file of this package, so no inline script is needed."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, Response

from g287.errors import NotFound
from g287.web.app import API_PREFIX
from g287.web.http import not_modified
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
def docs_asset(request: Request, name: str):
    """Swagger UI's script and style sheet (1.5 MB and 180 KB): sent in parts, they pass the site's cache by, so the
    route answers conditional requests itself, with the validators of the file (its time and size) and no-cache as
    every page has: the page loaded again costs two 304s, not the whole script again."""
    if name not in ASSETS:
        raise NotFound(f"no documentation asset {quoted(name)}")
    path = assets_dir() / name
    stat = path.stat()
    response = FileResponse(path, media_type=ASSETS[name], stat_result=stat, headers={"cache-control": "no-cache"})
    if not_modified(request.scope, response.headers["etag"].encode(), dt.datetime.fromtimestamp(stat.st_mtime, dt.timezone.utc)):
        return Response(status_code=304, headers={k: response.headers[k] for k in ("etag", "last-modified", "cache-control")})
    return response

"""A path written with a trailing slash too many, or one too few (`/agencies/`), redirects to the route's own path.

Starlette's own redirect (Router.redirect_slashes) writes an absolute Location built from the request's Host
header, which the client chooses: `GET /agencies/` with `Host: evil.example` was sent to
`http://evil.example/agencies`, a redirect to another site under this one's name (and one a shared cache in front of
the site may keep for everyone). The Location written here is a path on this site, with no scheme or host.
"""

from __future__ import annotations

from urllib.parse import quote

from starlette.responses import RedirectResponse
from starlette.routing import Match, Router
from starlette.types import ASGIApp, Receive, Scope, Send


def _on_this_site(path: str) -> bool:
    # "//host/..." is a network path, and browsers read a backslash as a slash ("/\host"): either would leave the site.
    return path.startswith("/") and not path.startswith(("//", "/\\"))


def redirect_slashes_to_paths(router: Router) -> None:
    """Turn off the router's redirect with a host and answer it with a path instead: when no route matches the path
    as written but one matches it with the trailing slash added or removed, a 307 to that path (its query kept);
    else the router's own answer (the 404)."""
    router.redirect_slashes = False
    not_found: ASGIApp = router.default

    async def default(scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "")
        if scope["type"] == "http" and path != "/":
            other = dict(scope, path=path.rstrip("/") if path.endswith("/") else path + "/")
            if _on_this_site(other["path"]) and any(route.matches(other)[0] is not Match.NONE for route in router.routes):
                # scope["path"] holds the root path too (ASGI), decoded: written again as a path's characters are.
                location = quote(other["path"], safe="/:@!$&'()*+,;=")
                # The query's bytes as sent, percent-encoded where they are not ASCII (UTF-8 sent raw by a script):
                # read as Latin-1, "Doña" came back as "DoÃ±a"; an encoded one ("Do%C3%B1a") is kept as it is.
                query = quote(scope.get("query_string", b""), safe="/?:@!$&'()*+,;=%")
                await RedirectResponse(location + (f"?{query}" if query else ""), status_code=307)(scope, receive, send)
                return
        await not_found(scope, receive, send)

    router.default = default

"""The API and the exports answer only the query parameters they take: any other is a 422 naming it.

A parameter an endpoint does not take was ignored: `/api/v1/stats?asof=2025-05-29` (for `as_of`) or `?date=...`
answered today's figures, and nothing said that the date was not read. The API and the exports are read by
programs, which send what they are written to send, and their answers are taken for what was asked. The pages
still ignore what they do not take: browsers and mail add parameters of their own to the links people follow. So
does the API's interactive documentation, a page under /api/ (/api/v1/docs and its assets).
/api/v1/openapi.json, which FastAPI serves without dependencies, answers its document whatever the query.

The parameters link trackers add to shared links (`utm_source`, `fbclid`, `mc_eid`...: the list is
g287/data/rules/tracking_parameters.toml) never reach this check: the site middleware drops them from every request
first (g287.web.http.without_tracking_parameters), so a download link shared by mail or on social media answers
the file, as the link without them does. Any other parameter is checked as sent.

A parameter a route takes, given more than once with different values (`?state=TX&state=CA`), is a 422 naming it,
on the pages too: it was read as its last value, silently, and the answer taken for one about both (or the first). No route takes a
parameter repeated; one declared as a list (which FastAPI reads repeated) would be left to take it.
"""

from __future__ import annotations

from collections import Counter
from typing import get_args, get_origin

from fastapi import Request
from fastapi.routing import APIRoute

from g287.web.api.docs import DOCS_PATH
from g287.web.api.errors import repeated_parameters, unknown_parameters
from g287.web.http import TAKEN_AS_SENT


def query_names(route: APIRoute) -> list[str]:
    """The names of the query parameters a route takes, as a request writes them (`from`, not `from_`), in the
    order the OpenAPI document gives them: the endpoint's own, then those of its dependencies (ListParameters)."""
    names: list[str] = []
    pending = [route.dependant]
    while pending:
        dependant = pending.pop(0)
        names += [field.alias for field in dependant.query_params if field.alias not in names]
        pending += dependant.dependencies
    return names


def repeatable_names(route: APIRoute) -> set[str]:
    """The query parameters a route takes as a list (`list[str]`, also optional), each value given by a repetition."""
    names: set[str] = set()
    pending = [route.dependant]
    while pending:
        dependant = pending.pop(0)
        for field in dependant.query_params:
            annotation = field.field_info.annotation
            if any(get_origin(kind) in (list, tuple, set, frozenset) for kind in (annotation, *get_args(annotation))):
                names.add(field.alias)
        pending += dependant.dependencies
    return names


def refuse_unknown_query_parameters(request: Request) -> None:
    """A dependency of every route (create_app): under /api/ and /exports/, a request naming a query parameter its
    route does not take is refused, before any other parameter is read; on every route, one giving a parameter the
    route takes two values (the pages' forms never send one twice)."""
    path = request.scope["path"]  # as the site middleware reads it for TAKEN_AS_SENT
    if path == DOCS_PATH or path.startswith(DOCS_PATH + "/"):
        return
    route = request.scope["route"]  # the APIRoute FastAPI chose (it runs the dependencies of no other)
    taken = query_names(route)
    if path.startswith(TAKEN_AS_SENT):
        unknown = [name for name in dict.fromkeys(request.query_params.keys()) if name not in taken]
        if unknown:
            raise unknown_parameters(unknown, taken)
    # keys() names each once; the same value given twice leaves nothing to choose, and is taken.
    values = Counter(name for name, _value in set(request.query_params.multi_items()))
    repeated = [name for name in taken if values[name] > 1 and name not in repeatable_names(route)]
    if repeated:
        raise repeated_parameters(repeated)

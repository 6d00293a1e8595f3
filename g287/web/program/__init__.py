"""The program workflow on the site: server-rendered forms under /program and the JSON API under
/api/v1/program, thin layers over the services of g287.program (the same functions back both, and they check
access and write the audit log). One module per page type; `core` holds what they share (the caller, CSRF,
errors mapped to statuses, private responses).

Pages and API responses that depend on the user or carry personal data are `PrivateRoute`s: always
`Cache-Control: private, no-store`, so the site's response cache never keeps them. The public ones (the
registry's own lists, a public application, a signed MOA) read only public views, as the public actor.
"""

from functools import cache

from fastapi import APIRouter


@cache
def router() -> APIRouter:
    """The workflow's routes, combined once per process (as g287.web.api.router: an application includes them)."""
    from g287.web.program import account, admin, api, applications, moas, nominees, office, public

    combined = APIRouter()
    for module in (account, applications, moas, nominees, office, admin):
        combined.include_router(module.router)
    combined.include_router(moas.public_router)
    combined.include_router(public.router)
    combined.include_router(api.router)
    combined.include_router(api.public_router)
    return combined

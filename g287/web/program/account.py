"""Signing in and out, changing one's password, and the dashboard each role starts from."""

from __future__ import annotations

from fastapi import APIRouter, Request

from g287.access import allowed, authorize
from g287.errors import G287Error
from g287.program import agencies, applications, auth, nominees, training
from g287.program.validation import InvalidInput
from g287.web.app import site_of
from g287.web.program.core import (
    CSRF_FIELD,
    PrivateRoute,
    caller_of,
    check_csrf,
    clear_session_cookie,
    form_of,
    page,
    problem_of,
    record_of,
    safe_next,
    see_other,
    set_session_cookie,
    text,
)
from g287.web.program.office import due_marked

router = APIRouter(route_class=PrivateRoute, include_in_schema=False)


def client_address(request: Request) -> str | None:
    return request.client.host if request.client else None


@router.get("/program/login")
def login_form(request: Request, next: str | None = None):
    caller = caller_of(request)
    if caller.signed_in:
        return see_other(safe_next(next))
    return page(request, "program/login.html", username="", next=safe_next(next))


@router.post("/program/login")
async def login(request: Request):
    values = await form_of(request)
    caller = caller_of(request)
    username, target = text(values, "username") or "", safe_next(text(values, "next"))
    try:
        check_csrf(request, caller, text(values, CSRF_FIELD))
        result = auth.login(site_of(request).db, username, text(values, "password") or "", client_address(request), replacing=caller.token)
    except G287Error as error:
        problem = problem_of(error)
        return page(request, "program/login.html", status=problem.status, headers=problem.headers(), problem=problem, username=username, next=target)
    response = see_other(target, "signed-in")
    set_session_cookie(request, response, result.token, result.expires_at)
    return response


@router.post("/program/logout")
async def logout(request: Request):
    values = await form_of(request)
    caller = caller_of(request)
    check_csrf(request, caller, text(values, CSRF_FIELD))
    with site_of(request).db.session(writing=True) as session:
        auth.logout(session, caller.token)
    response = see_other("/program/login", "signed-out")
    clear_session_cookie(request, response)
    return response


@router.get("/program/password")
def password_form(request: Request):
    authorize(caller_of(request).actor, "account.change_own_password")
    return page(request, "program/password.html")


@router.post("/program/password")
async def change_password(request: Request):
    values = await form_of(request)
    caller = caller_of(request)
    try:
        check_csrf(request, caller, text(values, CSRF_FIELD))
        if (text(values, "new_password") or "") != (text(values, "repeat_password") or ""):
            raise InvalidInput({"repeat_password": "the two new passwords differ"})
        client = request.client.host if request.client else None
        auth.change_password(site_of(request).db, caller.actor, text(values, "current_password") or "", text(values, "new_password") or "", client)
    except G287Error as error:
        problem = problem_of(error)
        return page(request, "program/password.html", status=problem.status, headers=problem.headers(), problem=problem)
    response = see_other("/program/login", "password")
    clear_session_cookie(request, response)
    return response


@router.get("/program")
def dashboard(request: Request):
    caller = caller_of(request)
    actor = caller.actor
    if not caller.signed_in:
        return see_other("/program/login")
    with site_of(request).db.session() as session:
        agency = agencies.AgencyInfo.of(agencies.get_agency(session, actor, actor.agency_id)) if actor.agency_id else None
        context = {
            "agency": agency,
            "applications": applications.list_applications(session, actor),
            "nominees": nominees.list_nominees(session, actor),
            "due": due_marked(training.due(session, actor)) if allowed(actor, "training.read_all") or actor.agency_id else [],
            "may_submit": allowed(actor, "application.submit", record_of(agency.id if agency else None)),
            "may_publish": allowed(actor, "program.publish"),
        }
    return page(request, "program/dashboard.html", **context)

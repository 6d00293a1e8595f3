"""Administration: accounts (add, list, disable), publishing the registry's own lists, and the applicant
agencies (create, update, link to the registry's agency)."""

from __future__ import annotations

from fastapi import APIRouter, Request

from g287.access import allowed, authorize
from g287.program import accounts, agencies, applications, publish
from g287.program.accounts import ACCOUNT_ROLES
from g287.registry.figures import AGENCY_TYPES
from g287.web.app import site_of
from g287.web.render import TYPE_LABELS
from g287.web.program.core import CSRF_FIELD, ROLE_LABELS, PrivateRoute, RecordId, caller_of, check_csrf, form_of, form_record_id, page, record_of, see_other, submit_form, text

router = APIRouter(route_class=PrivateRoute, include_in_schema=False)


def users_page(request: Request, *, problem=None, values: dict | None = None, created=None):
    actor = caller_of(request).actor
    with site_of(request).db.session() as session:
        users = accounts.list_users(session, actor)
        agency_choices = agencies.list_agencies(session, actor)
    return page(
        request,
        "program/users.html",
        status=problem.status if problem else 200,
        problem=problem,
        users=users,
        values=values or {},
        created=created,
        roles=[(role, ROLE_LABELS[role]) for role in ACCOUNT_ROLES],
        agency_choices=[(str(a.id), f"{a.name} ({a.state})") for a in agency_choices],
    )


@router.get("/program/users")
def users(request: Request):
    return users_page(request)


@router.post("/program/users")
async def add_user(request: Request):
    def work(session, actor, values):
        return accounts.add_user(
            session, actor, text(values, "username") or "", text(values, "role") or "",
            display_name=text(values, "display_name") or None, agency_id=form_record_id(values, "agency_id"), password=text(values, "password") or None,
        )

    submitted = await submit_form(request, work)
    if submitted.problem:
        return users_page(request, problem=submitted.problem, values=submitted.shown)
    # The generated password is shown once, on this response only (never stored, never cached).
    return users_page(request, created=submitted.result)


@router.post("/program/users/{username}/disable")
async def disable_user(request: Request, username: str):
    submitted = await submit_form(request, lambda session, actor, _values: accounts.disable_user(session, actor, username))
    if submitted.problem:
        return users_page(request, problem=submitted.problem)
    return see_other("/program/users", submitted.done("disabled"))


@router.post("/program/publish")
async def publish_lists(request: Request):
    caller = caller_of(request)
    values = await form_of(request)
    check_csrf(request, caller, text(values, CSRF_FIELD))
    result = publish.publish(site_of(request).db, caller.actor)
    site_of(request).changed()
    return page(request, "program/published.html", result=result)


# Applicant agencies ------------------------------------------------------------------------------------------


def agencies_page(request: Request, *, problem=None, values: dict | None = None):
    actor = caller_of(request).actor
    with site_of(request).db.session() as session:
        rows = agencies.list_agencies(session, actor)
    if not rows:
        authorize(actor, "agency.read", None)  # nothing readable: a visitor is asked to sign in, others refused
    return page(
        request, "program/agencies.html", status=problem.status if problem else 200, problem=problem, agencies=rows,
        values=values or {}, agency_types=[(t, TYPE_LABELS[t]) for t in AGENCY_TYPES], may_create=allowed(actor, "agency.create"),
    )


@router.get("/program/agencies")
def agency_list(request: Request):
    return agencies_page(request)


@router.post("/program/agencies")
async def create_agency(request: Request):
    def work(session, actor, values):
        return agencies.create_agency(
            session, actor, text(values, "name"), text(values, "state"), text(values, "agency_type"),
            county=text(values, "county") or None, address=text(values, "address") or None, registry_agency_id=form_record_id(values, "registry_agency_id"),
        ).id

    submitted = await submit_form(request, work)
    if submitted.problem:
        return agencies_page(request, problem=submitted.problem, values=submitted.shown)
    return see_other(f"/program/agencies/{submitted.result}", "agency")


def agency_page(request: Request, agency_id: int, *, problem=None, values: dict | None = None, link_value: str | None = None):
    """An applicant agency with its forms; after a refused change, that form open with the values sent (`values`
    for the details, `link_value` for the link)."""
    actor = caller_of(request).actor
    with site_of(request).db.session() as session:
        agency = agencies.AgencyInfo.of(agencies.get_agency(session, actor, agency_id))
        rows = [a for a in applications.list_applications(session, actor) if a["agency_id"] == agency_id]
    return page(
        request, "program/agency.html", status=problem.status if problem else 200, problem=problem, agency=agency, applications=rows,
        values=values or {"name": agency.name, "state": agency.state, "agency_type": agency.agency_type, "county": agency.county or "", "address": agency.address or ""},
        agency_types=[(t, TYPE_LABELS[t]) for t in AGENCY_TYPES], failed_link=link_value is not None,
        link_value=link_value if link_value is not None else str(agency.registry_agency_id or ""),
        may={action: allowed(actor, action, record_of(agency.id)) for action in ("agency.update", "agency.link", "application.submit")},
    )


@router.get("/program/agencies/{agency_id}")
def agency_view(request: Request, agency_id: RecordId):
    return agency_page(request, agency_id)


@router.post("/program/agencies/{agency_id}")
async def update_agency(request: Request, agency_id: RecordId):
    def work(session, actor, values):
        agencies.update_agency(
            session, actor, agency_id, name=text(values, "name"), state=text(values, "state"), agency_type=text(values, "agency_type"),
            county=text(values, "county") or None, address=text(values, "address") or None,
        )

    submitted = await submit_form(request, work)
    if submitted.problem:
        return agency_page(request, agency_id, problem=submitted.problem, values=submitted.shown)
    return see_other(f"/program/agencies/{agency_id}", submitted.done("agency"))


@router.post("/program/agencies/{agency_id}/link")
async def link_agency(request: Request, agency_id: RecordId):
    submitted = await submit_form(request, lambda session, actor, values: agencies.link_agency(session, actor, agency_id, form_record_id(values, "registry_agency_id")))
    if submitted.problem:
        return agency_page(request, agency_id, problem=submitted.problem, link_value=text(submitted.shown, "registry_agency_id") or "")
    return see_other(f"/program/agencies/{agency_id}", submitted.done("linked"))

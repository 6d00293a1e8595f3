"""The JSON API under /api/v1: resources declared once (path, parameters, response model)."""

from fastapi import APIRouter

from g287.web.api import docs, optional, resources


def router() -> APIRouter:
    """The API's routes for a new application; the optional ones depend on the parts installed now."""
    api = APIRouter()
    api.include_router(resources.router)
    api.include_router(optional.router())
    api.include_router(docs.router)
    return api

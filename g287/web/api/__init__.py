"""The JSON API under /api/v1: resources declared once (path, parameters, response model)."""

from functools import cache

from fastapi import APIRouter

from g287.web.api import docs, documents, geography, history, resources


@cache
def router() -> APIRouter:
    """The API's routes, combined once per process: FastAPI works out each route's parameters and response model
    for each combined router it is given, which took 0.1-0.3 s an application (a test makes hundreds)."""
    api = APIRouter()
    for module in (resources, history, geography, documents, docs):
        api.include_router(module.router)
    return api

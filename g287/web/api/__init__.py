"""The JSON API under /api/v1: resources declared once (path, parameters, response model)."""

from fastapi import APIRouter

from g287.web.api import docs, geography, history, resources


def router() -> APIRouter:
    api = APIRouter()
    for module in (resources, history, geography, docs):
        api.include_router(module.router)
    return api

"""The JSON API under /api/v1: resources declared once (path, parameters, response model)."""

from fastapi import APIRouter

from g287.web.api import docs, documents, geography, history, resources


def router() -> APIRouter:
    api = APIRouter()
    for module in (resources, history, geography, documents, docs):
        api.include_router(module.router)
    return api

"""The JSON API under /api/v1: resources declared once (path, parameters, response model)."""

from fastapi import APIRouter

from g287.web.api import docs, optional, resources

router = APIRouter()
router.include_router(resources.router)
router.include_router(optional.router())
router.include_router(docs.router)

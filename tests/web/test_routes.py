"""Every route of the site and the API answers: each route declared (pages, exports, API) has a sample request
here, so a new route without one fails this test. The program workflow's routes (g287/web/program, /api/v1/program)
are tested with its forms and sessions in tests/program/web."""

import importlib
import pkgutil

import pytest

from g287.web import pages
from g287.web.api import docs

SAMPLES = {
    "/": "/?as_of=2025-06-20&model=WSO&level=county",
    "/about": "/about",
    "/agencies": "/agencies?state=FL&county=12057&status=all&page=1",
    "/agencies/{agency_id}": "/agencies/{agency}",
    "/changes": "/changes?from=2025-05-29&to=2025-06-20&kind=participating",
    "/counties/{fips}": "/counties/12057?as_of=2025-06-20&model=TFM",
    "/states/{usps}/counties/{name}": "/states/FL/counties/hillsborough",
    "/data": "/data",
    "/publications/{publication_id}": "/publications/{publication}",
    "/exports/agreements.csv": "/exports/agreements.csv?state=TX&status=listed",
    "/exports/agreements.json": "/exports/agreements.json?model=JEM",
    "/exports/agreements.xlsx": "/exports/agreements.xlsx?state=GA",
    "/exports/states.geojson": "/exports/states.geojson?as_of=2025-06-20&model=TFM",
    "/exports/counties.geojson": "/exports/counties.geojson?state=GA&vintage=2000",
    "/exports/feed.atom": "/exports/feed.atom",
    "/exports/feed/{usps}.atom": "/exports/feed/TX.atom",
    "/exports/g287.sqlite": "/exports/g287.sqlite",
    "/factsheet": "/factsheet?as_of=2025-06-20",
    "/factsheet.pdf": "/factsheet.pdf",
    "/models": "/models",
    "/models/{code}": "/models/JEM",
    "/pending": "/pending?as_of=2025-06-20&model=TFM",
    "/search": "/search?q=sheriff",
    "/states": "/states?as_of=2025-06-20",
    "/states/{usps}": "/states/TX?model=JEM",
    "/api/v1/docs": "/api/v1/docs",
    "/api/v1/docs/assets/{name}": "/api/v1/docs/assets/swagger-ui.css",
    "/api/v1": "/api/v1",
    "/api/v1/stats": "/api/v1/stats?as_of=2025-06-20",
    "/api/v1/agreements": "/api/v1/agreements?state=FL&limit=5",
    "/api/v1/agreements/{agreement_id}": "/api/v1/agreements/{agreement}",
    "/api/v1/agencies": "/api/v1/agencies?county=12057",
    "/api/v1/agencies/{agency_id}": "/api/v1/agencies/{agency}",
    "/api/v1/publications": "/api/v1/publications?kind=pending",
    "/api/v1/publications/{publication_id}": "/api/v1/publications/{publication}",
    "/api/v1/quality": "/api/v1/quality?category=repaired&limit=3",
    "/api/v1/search": "/api/v1/search?q=Harris",
    "/api/v1/states": "/api/v1/states",
    "/api/v1/series": "/api/v1/series?kind=pending",
    "/api/v1/diff": "/api/v1/diff?from=2025-06-17pm&to=2025-06-20",
    "/api/v1/pending-changes": "/api/v1/pending-changes?from=2025-05-30pm&to=2025-07-03pm&state=TX",
    "/api/v1/timeline": "/api/v1/timeline?every=week&state=TX",
    "/api/v1/pipeline": "/api/v1/pipeline",
    "/api/v1/review": "/api/v1/review",
    "/api/v1/coverage": "/api/v1/coverage?vintage=2010",
    "/api/v1/counties": "/api/v1/counties?with_agreements=true",
    "/api/v1/counties/{fips}": "/api/v1/counties/48201",
    "/api/v1/openapi.json": "/api/v1/openapi.json",
    "/favicon.ico": "/favicon.ico",
    "/documents": "/documents?q=warrant",
    "/documents/{name}": "/documents/{document}.pdf",
    "/api/v1/documents": "/api/v1/documents?kind=pdf",
    "/api/v1/documents/search": "/api/v1/documents/search?q=detention&limit=3",
    "/api/v1/documents/{sha256}": "/api/v1/documents/{document}",
}
REDIRECTS = {"/states/{usps}/counties/{name}": 301}
PROGRAM = "/api/v1/program"


def declared_routes(site) -> set[str]:
    paths = set()
    for module in pkgutil.iter_modules(pages.__path__):
        router = getattr(importlib.import_module(f"g287.web.pages.{module.name}"), "router", None)
        paths |= {route.path for route in router.routes} if router is not None else set()
    paths |= {route.path for route in docs.router.routes} | {route.path for route in pages.router.routes if getattr(route, "path", None)}
    paths |= set(site.get("/api/v1/openapi.json").json()["paths"]) | {"/api/v1/openapi.json"}
    return {p for p in paths if not p.startswith(PROGRAM)}


def test_every_route_has_a_sample(sqlite_site):
    assert declared_routes(sqlite_site) == set(SAMPLES)


@pytest.mark.parametrize("route", sorted(SAMPLES))
def test_every_route_answers(sqlite_site, route):
    agreement = sqlite_site.get("/api/v1/agreements", params={"limit": 1}).json()["items"][0]
    publication = sqlite_site.get("/api/v1/publications").json()[0]["id"]
    document = sqlite_site.get("/api/v1/documents").json()["documents"][0]["sha256"]
    path = SAMPLES[route].format(agency=agreement["agency_id"], agreement=agreement["id"], publication=publication, document=document)
    answer = sqlite_site.get(path, follow_redirects=False)
    assert answer.status_code == REDIRECTS.get(route, 200), (path, answer.text[:300])
    assert answer.content or route in REDIRECTS


def test_applications_share_the_routers_and_each_answers_from_its_own_database(tmp_path):
    """The routers are combined once per process (g287.web.api.router, g287.web.program.router): an application
    made after another serves the same routes, over its own database."""
    from fastapi.testclient import TestClient

    from g287.access import Actor
    from g287.db.engine import Database
    from g287.registry.ingest import ingest_file
    from g287.web import api, program
    from g287.web.app import create_app
    from tests.conftest import ICE

    (tmp_path / "one").mkdir(), (tmp_path / "two").mkdir()
    one, two = (Database(f"sqlite:///{tmp_path / name / 'g287.sqlite'}") for name in ("one", "two"))
    ingest_file(one, ICE / "pending" / "pendingAgencies07112025am_b.xlsx", Actor.command_line())
    assert api.router() is api.router() and program.router() is program.router()
    answers = []
    for database in (one, two, one):
        with TestClient(create_app(database)) as client:
            listed = len(client.get("/api/v1/publications").json())
            answers.append((listed, client.get("/program/login").status_code, client.get("/pending").status_code))
        database.dispose()
    assert answers == [(1, 200, 200), (0, 200, 200), (1, 200, 200)]

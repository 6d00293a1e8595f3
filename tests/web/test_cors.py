"""The public data may be read from any web page (open data: a newsroom's chart), without credentials; the program's
API and the pages stay same-origin, and nothing is changed from another origin."""

import pytest

ORIGIN = {"Origin": "https://newsroom.example"}


@pytest.mark.parametrize("path", ["/api/v1", "/api/v1/stats", "/api/v1/agencies?limit=2", "/api/v1/openapi.json", "/exports/agreements.csv?limit=2", "/exports/states.geojson"])
def test_the_public_data_may_be_read_from_another_origin(site, path):
    for method in (site.get, site.head):
        for _ in range(2):  # the first answer, and the same from the site's cache
            answer = method(path, headers=ORIGIN)
            assert answer.status_code == 200, path
            assert answer.headers["access-control-allow-origin"] == "*"
            assert "access-control-allow-credentials" not in answer.headers  # never with cookies
            assert {"ETag", "Last-Modified", "X-Total-Count", "Content-Disposition"} <= {h.strip() for h in answer.headers["access-control-expose-headers"].split(",")}


@pytest.mark.parametrize("path", ["/", "/agencies", "/api/v1/program/applications", "/program"])
def test_the_pages_and_the_programs_api_stay_same_origin(site, path):
    assert "access-control-allow-origin" not in site.get(path, headers=ORIGIN, follow_redirects=False).headers


def test_nothing_is_changed_from_another_origin(site):
    # A preflight is not answered: a cross-origin change (or a JSON body) is never allowed by the browser.
    preflight = site.options("/api/v1/program/session", headers=dict(ORIGIN, **{"Access-Control-Request-Method": "POST"}))
    assert "access-control-allow-origin" not in preflight.headers and "access-control-allow-methods" not in preflight.headers
    posted = site.post("/api/v1/stats", headers=ORIGIN)
    assert posted.status_code == 405 and "access-control-allow-origin" not in posted.headers

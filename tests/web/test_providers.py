"""The parts built separately (maps and coverage from g287.geo, diff from g287.history) slot into the pages and
the API when installed: here stand-in modules with the published signatures show the wiring, and that a map's
SVG is sanitized before it is inlined. Without them, the pages leave those parts out."""

import sys
import types
import warnings

import pytest

from g287.web import providers
from g287.web.app import create_app

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient


@pytest.fixture
def with_parts(monkeypatch):
    calls = []
    geo = types.ModuleType("g287.geo")

    def render_map(session, level, as_of, model, measure, state):
        calls.append(("map", level, as_of, model, state))
        return f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10" onload="alert(1)"><path d="M0 0" data-fips="12057"><title>{level} map</title></path><script>alert(2)</script></svg>'

    def coverage(session, as_of, vintage, model):
        calls.append(("coverage", as_of, model))
        return {"counties_total": 3141, "counties_with_county_agency": 300, "counties_with_any_agency": 345, "states_with_agreement": 40, "by_state": {}}

    geo.render_map, geo.coverage = render_map, coverage
    history = types.ModuleType("g287.history")

    def diff(session, from_pub, to_pub):
        calls.append(("diff", from_pub.id, to_pub.id))
        return {"added": [{"state": "FL", "agency": "<b>New</b> Police Department", "model": "TFM"}], "removed": [], "renamed": [], "signed_date_changed": [], "from_pending": [], "to_pending": []}

    history.diff = diff
    monkeypatch.setitem(sys.modules, "g287.geo", geo)
    monkeypatch.setitem(sys.modules, "g287.history", history)
    return calls


def test_pages_show_the_parts_when_installed(bundled_db, with_parts):
    assert providers.available()["maps"] and providers.available()["diff"]
    with TestClient(create_app(bundled_db)) as client:
        home = client.get("/", params={"model": "TFM", "level": "county"}).text
        assert 'data-fips="12057"' in home and "county map" in home
        assert "onload" not in home and "<script>alert" not in home
        assert "345</strong> of 3,141 counties" in home
        assert "Latest changes" in home and "added: 1" in home
        changes = client.get("/changes").text
        assert "&lt;b&gt;New&lt;/b&gt; Police Department" in changes
        state = client.get("/states/FL").text
        assert "Map of Florida" in state
        assert ("map", "county", None, None, "FL") in with_parts
        document = client.get("/api/v1/openapi.json").json()
        assert "/api/v1/diff" in document["paths"] and "/api/v1/coverage" in document["paths"]
        assert client.get("/api/v1/coverage").json()["counties_total"] == 3141


def test_pages_leave_the_parts_out_when_absent(bundled_db, monkeypatch):
    monkeypatch.setitem(sys.modules, "g287.geo", None)  # import fails: not installed
    monkeypatch.setitem(sys.modules, "g287.history", None)
    with TestClient(create_app(bundled_db)) as client:
        home = client.get("/").text
        assert "of 3,141 counties" not in home and "Latest changes" not in home and 'id="map-title"' not in home
        assert "/api/v1/diff" not in client.get("/api/v1/openapi.json").json()["paths"]

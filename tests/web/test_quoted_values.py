"""The site's and the API's errors name the value a request gave as wording.quoted names it: in single quotes
whatever quotes it holds, a line break written \\n, a value of thousands of characters cut to its start with its
length. Python's repr, which they took, quoted "O'Brien's" in double quotes and a long value whole."""

import html
import re
import warnings
from urllib.parse import quote

import pytest

from g287.db.engine import Database
from g287.web.app import create_app

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

TRICKY = "O'Brien's\nlist"
LONG = "1" * 5000
CUT = f"'{'1' * 80}' … (cut: 5,000 characters in all)"


@pytest.fixture(scope="module")
def empty_site(tmp_path_factory):
    """The site over an empty registry: every error here is answered before any list would be read."""
    database = Database(f"sqlite:///{tmp_path_factory.mktemp('site') / 'g287.sqlite'}")
    with TestClient(create_app(database)) as client:
        yield client
    database.dispose()


def _field_message(answer, field: str) -> str:
    assert answer.status_code == 422, answer.text
    [refused] = answer.json()["error"]["fields"]
    assert refused["field"] == field
    return refused["message"]


def _page_message(answer, status: int) -> str:
    """The error a page gives, as a person reads it (the page's text, its markup and escapes undone)."""
    assert answer.status_code == status, answer.text
    return html.unescape(re.sub(r"<[^>]+>", " ", answer.text))


def test_a_query_parameter_refused_is_quoted(empty_site):
    assert _field_message(empty_site.get("/api/v1/agencies", params={"state": TRICKY}), "state") == (
        "state 'O'Brien's\\nlist': not a state's USPS code (two letters, in any case: TX or tx)"
    )
    assert _field_message(empty_site.get("/api/v1/agencies", params={"model": LONG}), "model") == f"model {CUT}: not a model: JEM, TFM, WSO (in any case)"
    assert _field_message(empty_site.get("/api/v1/agencies", params={"limit": LONG}), "limit") == f"{CUT}: not a whole number from 1 to 1000"
    assert _field_message(empty_site.get("/api/v1/counties", params={"with_agreements": TRICKY}), "with_agreements") == (
        "'O'Brien's\\nlist': not a boolean: true or false, in lower case"
    )
    assert _field_message(empty_site.get(f"/api/v1/agencies/{quote(TRICKY)}"), "agency_id") == (
        "'O'Brien's\\nlist': not a record's id (a whole number from 1 to 2147483647, in digits)"
    )


def test_a_path_naming_nothing_is_quoted(empty_site):
    answer = empty_site.get(f"/exports/feed/{quote(TRICKY)}.atom")
    assert answer.status_code == 404 and answer.json()["error"]["message"] == "no state with the code 'O'Brien's\\nlist'"
    answer = empty_site.get(f"/api/v1/docs/assets/{quote(TRICKY)}")
    assert answer.status_code == 404 and answer.json()["error"]["message"] == "no documentation asset 'O'Brien's\\nlist'"
    assert "no document 'O'Brien's\\nlist'" in _page_message(empty_site.get(f"/documents/{quote(TRICKY)}"), 404)
    assert "no state with the code ''x'" in _page_message(empty_site.get("/states/'x"), 404)
    assert "no model 'O'B': the models are JEM, TFM, WSO" in _page_message(empty_site.get("/models/O'B"), 404)
    assert "no single county of Texas is named 'O'Brien's\\nlist' (" in _page_message(empty_site.get(f"/states/tx/counties/{quote(TRICKY)}"), 404)

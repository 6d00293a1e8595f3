"""What the README says of the program workflow's JSON API (/api/v1/program), checked against what it answers."""

from __future__ import annotations

import re
from pathlib import Path

from g287.web.body_limit import BODY_LIMIT

README = Path(__file__).resolve().parents[3] / "README.md"


def readme() -> str:
    """The README's text, its line breaks and runs of spaces read as one space."""
    return re.sub(r"\s+", " ", README.read_text(encoding="utf-8"))


def test_a_change_without_its_token_is_refused_after_its_query_parameters_as_the_readme_says(clients, program_world):
    officer = clients["program_officer"]
    step = f"/api/v1/program/nominees/{program_world.veteran}/enrolment"
    # Without a token: a query parameter is named first (422), before the token is checked ...
    answer = officer.post(step + "?x=1", json={})
    assert answer.status_code == 422 and [f["field"] for f in answer.json()["error"]["fields"]] == ["x"], answer.text
    # ... while a wrong body or a wrong id is refused as the token's absence, 403.
    assert officer.post(step, json={"no_such_field": 1}).status_code == 403
    assert officer.post("/api/v1/program/nominees/abc/enrolment", json={}).status_code == 403
    text = readme()
    assert "checked before anything else the request says" not in text
    assert "only a query parameter, which no change takes, is refused first (422 naming it" in text


def test_the_readme_says_which_errors_under_the_program_api_are_private(clients):
    public = clients["public"]
    # An error of the workflow's public API, the same for everyone, is sent as the site's API sends its errors ...
    for path in ("/api/v1/program/public/applications/999", "/api/v1/program/public/figures?as_of=x", "/api/v1/agencies/999999"):
        answer = public.get(path)
        assert answer.status_code in (404, 422) and "no-store" not in answer.headers.get("cache-control", ""), path
    # ... while one of a path no route has is private, no-store.
    assert public.get("/api/v1/program/public/no-such-route").headers["cache-control"] == "private, no-store"
    assert "but for the errors the public API's routes answer (`/api/v1/program/public/...`" in readme()


def test_the_readme_says_which_errors_of_the_program_api_carry_reasons(clients, program_world):
    officer = clients["program_officer"]
    token = officer.get("/api/v1/program/session").json()["csrf_token"]
    answered_by_a_route = officer.get("/api/v1/program/nominees/999")
    assert answered_by_a_route.status_code == 404 and "reasons" in answered_by_a_route.json()["error"]
    not_answered_by_a_route = {
        404: officer.get("/api/v1/program/no-such-route"),
        405: officer.put("/api/v1/program/due", headers={"X-CSRF-Token": token}),
        413: officer.post("/api/v1/program/session", content=b"{" + b" " * BODY_LIMIT + b"}", headers={"X-CSRF-Token": token, "content-type": "application/json"}),
        400: officer.post(f"/api/v1/program/moas/{program_world.wso}/signed", content=b"a=1", headers={"X-CSRF-Token": token, "content-type": "multipart/form-data"}),
    }
    for status, answer in not_answered_by_a_route.items():
        assert answer.status_code == status and set(answer.json()["error"]) == {"status", "message", "fields"}, (status, answer.text)
    assert 'are the site\'s `{"error": {"status", "message", "fields"}}`, without `reasons`' in readme()


def test_the_readme_names_the_tags_of_the_program_api_in_the_openapi_document(clients):
    document = clients["public"].get("/api/v1/openapi.json").json()
    tags = {tag for path, operations in document["paths"].items() if path.startswith("/api/v1/program") for operation in operations.values() for tag in operation["tags"]}
    assert tags == {"program workflow", "program workflow: public"}
    text = readme()
    assert 'tags "program workflow" and, for the public views, "program workflow: public"' in text

"""Every error answered under /program and /api/v1/program is Cache-Control: private, no-store, also those the
workflow's routes do not answer themselves: a body too large (413, refused before any route reads it), a form
body that cannot be read (400), a path no route has (404), a method the path does not take (405). They were sent
with no Cache-Control, which a shared cache may keep."""

from __future__ import annotations

from g287.web.body_limit import BODY_LIMIT

FORM = {"content-type": "application/x-www-form-urlencoded"}


def test_errors_under_program_are_private_whoever_asks(clients):
    for role in ("public", "program_officer"):
        client = clients[role]
        answers = {
            "413 page": client.post("/program/login", content=b"x" * (BODY_LIMIT + 1), headers=FORM),
            "413 api": client.post("/api/v1/program/session", content=b"{" + b" " * BODY_LIMIT + b"}", headers={"content-type": "application/json"}),
            "400 page": client.post("/program/login", content=b"a=1", headers={"content-type": "multipart/form-data"}),  # no boundary: unreadable
            "404 page": client.get("/program/no-such-page"),
            "404 api": client.get("/api/v1/program/no-such-route"),
            "405 page": client.delete("/program/login"),
        }
        for name, response in answers.items():
            where = f"{name} as {role}: {response.status_code}"
            assert response.status_code == int(name[:3]), where
            assert response.headers.get("cache-control") == "private, no-store", where
            assert response.headers.get("x-content-type-options") == "nosniff", where  # the site's headers kept


def test_public_answers_stay_cacheable(clients):
    """The workflow's public pages (the same for everyone) and the errors of the rest of the site are as before."""
    public = clients["public"]
    registry = public.get("/program/registry")
    assert registry.status_code == 200 and "no-store" not in registry.headers.get("cache-control", "")
    for path in ("/no-such-page", "/programmes", "/api/v1/no-such-route"):
        response = public.get(path)
        assert response.status_code == 404 and "no-store" not in response.headers.get("cache-control", ""), path

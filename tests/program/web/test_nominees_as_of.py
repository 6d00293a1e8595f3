"""GET /api/v1/program/nominees takes as_of, as authorized, summary and due do and `program nominees --as-of` does:
the roster on that day (the officers nominated by then, their eligibility and standing then). It took none, so a
program asking for a past day's roster was refused the parameter. GET /api/v1/program/nominees/{id} takes it too, as
`program nominee --as-of` and /nominees/{id}/eligibility do: the nominee's eligibility and standing on that day."""

from __future__ import annotations

import datetime as dt

from g287.program import nominees
from tests.program.web.conftest import ADMIN


def test_the_api_gives_the_roster_of_a_past_day(program_world, clients):
    officer = clients["program_officer"]
    # Nominated on 2021-03-15; the veteran failed an examination on 2021-04-19 and passed on 2021-04-26.
    assert officer.get("/api/v1/program/nominees", params={"as_of": "2021-03-14"}).json() == []
    then = officer.get("/api/v1/program/nominees", params={"as_of": "2021-04-20"})
    assert then.status_code == 200, then.text
    assert {row["id"]: row["standing"] for row in then.json()}[program_world.veteran] == "remediation_due"
    with program_world.db.session() as session:
        expected = nominees.list_nominees(session, ADMIN, as_of=dt.date(2021, 4, 20))
    assert then.json() == officer.get("/api/v1/program/nominees", params={"as_of": "2021-04-20", "agency_id": program_world.agency_a}).json()
    assert [(row["id"], row["standing"], row["eligible"]) for row in then.json()] == [(row["id"], row["standing"], row["eligible"]) for row in expected]
    refused = officer.get("/api/v1/program/nominees", params={"as_of": "2021-02-30"})
    assert refused.status_code == 422 and [f["field"] for f in refused.json()["error"]["fields"]] == ["as_of"]


def test_the_api_gives_a_nominee_as_on_a_past_day(program_world, clients):
    officer = clients["program_officer"]
    # The veteran failed an examination on 2021-04-19, passed on 2021-04-26 and was certified on 2021-05-10.
    then = officer.get(f"/api/v1/program/nominees/{program_world.veteran}", params={"as_of": "2021-04-20"})
    assert then.status_code == 200, then.text
    assert then.json()["standing"]["status"] == "remediation_due"
    with program_world.db.session() as session:
        expected = nominees.nominee_detail(session, ADMIN, program_world.veteran, as_of=dt.date(2021, 4, 20))
    assert then.json() == expected
    assert then.json()["eligibility"] == officer.get(f"/api/v1/program/nominees/{program_world.veteran}/eligibility", params={"as_of": "2021-04-20"}).json()
    assert officer.get(f"/api/v1/program/nominees/{program_world.veteran}").json()["standing"] != then.json()["standing"]  # today's is another
    refused = officer.get(f"/api/v1/program/nominees/{program_world.veteran}", params={"as_of": "2021-02-30"})
    assert refused.status_code == 422 and [f["field"] for f in refused.json()["error"]["fields"]] == ["as_of"]


def test_the_api_document_declares_as_of_as_the_other_lists_do(clients):
    paths = clients["public"].get("/api/v1/openapi.json").json()["paths"]

    def as_of(path: str) -> dict:
        (parameter,) = [p for p in paths[path]["get"]["parameters"] if p["name"] == "as_of"]
        return parameter

    assert as_of("/api/v1/program/nominees") == as_of("/api/v1/program/due") == as_of("/api/v1/program/authorized")
    assert as_of("/api/v1/program/nominees/{nominee_id}") == as_of("/api/v1/program/nominees")


def test_the_nominee_s_page_shows_the_standing_of_a_past_day_as_the_api_does(program_world, clients):
    """/program/nominees/ID took no as_of (an unknown parameter): the page gave today's standing only."""
    import re

    officer = clients["program_officer"]
    path = f"/program/nominees/{program_world.veteran}"
    then = officer.get(path, params={"as_of": "2021-04-20"})
    assert then.status_code == 200, then.text
    api = officer.get(f"/api/v1/program/nominees/{program_world.veteran}", params={"as_of": "2021-04-20"}).json()
    assert api["standing"]["status"] == "remediation_due"
    standing = re.search(r'<p class="standing[^>]*id="standing">(.*?)</p>', then.text, re.S).group(1)
    assert standing.startswith("<strong>Not authorized</strong> on 2021-04-20: remediation due")
    assert "Eligibility on 2021-04-20: eligible" in then.text and 'name="as_of" type="date" value="2021-04-20"' in then.text
    now = officer.get(f"/api/v1/program/nominees/{program_world.veteran}").json()["standing"]["status"]
    assert now != "remediation_due"  # the certification of 2021-05-10 is recorded since
    for today in (officer.get(path), officer.get(path, params={"as_of": ""})):  # the form's empty field: today
        standing = re.search(r'<p class="standing[^>]*id="standing">(.*?)</p>', today.text, re.S).group(1)
        assert f"Eligibility on {dt.date.today().isoformat()}" in today.text and re.match(rf"<strong>[^<]+</strong>: {now.replace('_', ' ')}", standing), standing
    refused = officer.get(path, params={"as_of": "2021-02-30"})
    assert refused.status_code == 422 and "as_of" in refused.text

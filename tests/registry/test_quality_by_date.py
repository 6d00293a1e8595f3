"""`g287 quality DATE` names the lists in force on the date, of both kinds: it found only participating lists, so
the day of the first pending list was "no participating publication", and a day of both showed one."""

from __future__ import annotations

import json

from g287.access import Actor
from g287.registry.batch import ingest_many
from tests.conftest import ICE
from tests.in_process import run_g287

FILES = [
    ICE / "pending" / "pendingAgencies05152025am.xlsx",
    ICE / "participating" / "participatingAgencies07032025pm.xlsx",
    ICE / "participating" / "participatingAgencies07032025pm__v2.xlsx",
    ICE / "pending" / "pendingAgencies07032025pm.xlsx",
]


def register_files(database: str, *arguments: str) -> tuple[int, set[str], str]:
    status, out, err = run_g287(database, "quality", *arguments, "--json")
    return status, ({e["file"] for e in json.loads(out)} if status == 0 else set()), err


def test_a_date_names_the_participating_and_the_pending_list_in_force(db):
    results, errors = ingest_many(db, FILES, Actor.command_line())
    assert not errors and len(results) == 4
    url = db.engine.url.render_as_string(hide_password=False)
    assert register_files(url, "2025-05-15")[:2] == (0, {"pendingAgencies05152025am.xlsx"})  # no participating list yet
    # Both lists of 3 July, the participating one being the later of its two files that day.
    assert register_files(url, "2025-07-03")[:2] == (0, {"participatingAgencies07032025pm__v2.xlsx", "pendingAgencies07032025pm.xlsx"})
    status, _files, err = register_files(url, "2025-05-14")
    assert status == 1 and err.strip() == "g287: error: no publication on or before 2025-05-14"
    assert register_files(url, "participatingAgencies07032025pm.xlsx")[:2] == (0, {"participatingAgencies07032025pm.xlsx"})  # a file: that one

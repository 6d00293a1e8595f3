"""An agreement whose signed date ICE's list gives in no readable form (5025-06-12), after a list that gave one: the
commands say so, as they say any other change of its signed date."""

from __future__ import annotations

import csv

from g287.access import Actor
from g287.registry.ingest import ingest_file
from tests.in_process import run_g287

HEADER = ["STATE", "LAW ENFORCEMENT AGENCY", "TYPE", "COUNTY", "SUPPORT TYPE", "SIGNED", "MOA"]


def publish(db, folder, name: str, signed: str):
    path = folder / name
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        writer.writerow(["TEXAS", "Kerr County Sheriff's Office", "County", "Kerr County", "Warrant Service Officer", signed, "link pending"])
    ingest_file(db, path, Actor.command_line())


def test_an_agency_whose_signed_date_became_unknown_is_shown(db, tmp_path):
    # `g287 agency` ended in a traceback (TypeError: sequence item 0: expected str instance, NoneType found).
    publish(db, tmp_path, "participatingAgencies06202025am.csv", "2025-06-12")
    publish(db, tmp_path, "participatingAgencies07032025am.csv", "5025-06-12")
    status, out, err = run_g287(db.url, "agency", "Kerr County Sheriff")
    assert (status, err) == (0, ""), err
    assert "    signed dates as listed: 2025-06-12 from 2025-06-20 am; unknown from 2025-07-03 am\n" in out


def test_a_signed_date_with_no_reading_is_unknown_in_the_diff(bundled_db):
    # Grundy County, TN: ICE's list of 9 July 2025 gives its WSO MOA as signed 5025-07-07. The diff printed nothing
    # where the date goes, the site "signed no date" and the agency page "not given", though ICE gave a value.
    out = run_g287(bundled_db.url, "diff", "2025-07-03", "2025-07-09")[1]
    assert "  TN  Grundy County Sheriff's Office  WSO  unknown  \n" in out

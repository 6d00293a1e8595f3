"""A small participating list written by the tests, whose coverage is known by construction."""

import csv
import datetime as dt
from pathlib import Path

from g287.access import Actor
from g287.registry.ingest import ingest_file

HEADER = ["STATE", "LAW ENFORCEMENT AGENCY", "TYPE", "COUNTY", "SUPPORT TYPE", "SIGNED", "MOA"]
ROWS = [
    ["FLORIDA", "Hillsborough County Sheriff's Office", "County", "Hillsborough County", "Jail Enforcement Model", "2025-01-02", "link pending"],
    ["FLORIDA", "Hillsborough County Sheriff's Office", "County", "Hillsborough County", "Task Force Model", "2025-01-02", "link pending"],
    ["FLORIDA", "Tampa Police Department", "Municipality", "Hillsborough County", "Task Force Model", "2025-01-03", "link pending"],
    ["FLORIDA", "Miami Police Department", "Municipality", "Miami-Dade County", "Task Force Model", "2025-01-04", "link pending"],
    ["FLORIDA", "Florida Highway Patrol", "State Agency", "N/A", "Task Force Model", "2025-01-05", "link pending"],
    ["TEXAS", "Harris County Sheriff's Office", "County", "harris county", "Warrant Service Officer", "2025-01-06", "link pending"],
    ["ARKANSAS", "Texarkana Police Department", "Municipality", "Bowie County", "Task Force Model", "2025-01-07", "link pending"],
    ["VIRGINIA", "Richmond Sheriff's Office", "County", "Richmond", "Jail Enforcement Model", "2025-01-08", "link pending"],
    ["ALASKA", "Chugach Test Office", "County", "Chugach Census Area", "Task Force Model", "2025-01-09", "link pending"],
    ["CONNECTICUT", "Capitol Region Office", "County", "Capitol Planning Region", "Task Force Model", "2025-01-10", "link pending"],
    ["PUERTO RICO", "Policía de Puerto Rico", "State Agency", "", "Task Force Model", "2025-01-11", "link pending"],
]
PUBLISHED = dt.date(2025, 7, 9)
# A hostile file name: every text that reaches a map must be escaped.
FILE_NAME = 'list<script>&"x".csv'


def write_list(folder: Path) -> Path:
    path = folder / FILE_NAME
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        writer.writerows(ROWS)
    return path


def ingest_constructed(db, folder: Path):
    return ingest_file(db, write_list(folder), Actor.command_line(), kind="participating", published=(PUBLISHED, "am"))

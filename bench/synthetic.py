"""A generator of synthetic archives of ICE publications: realistic names, renames, exits, duplicates.

An archive is a folder of participating (and some pending) workbooks in ICE's layout, one every one or two days,
evolving as ICE's lists do: agreements arrive from the pending list, a few leave, some are omitted once and come
back, agencies are renamed (abbreviations, "City of" prefixes, spelling corrections), signed dates get corrected,
and now and then a row is listed twice. Deterministic for a given seed.

    .venv/bin/python -m bench.synthetic FOLDER [--publications 1000] [--agreements 3000] [--seed 287]
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
from dataclasses import dataclass, replace
from pathlib import Path

from g287.exports.ice_workbook import IceRow, write_ice_workbook
from g287.sources.rules import states

MODELS = {"JEM": "Jail Enforcement Model", "TFM": "Task Force Model", "WSO": "Warrant Service Officer"}
PLACE_WORDS = [
    "Oak", "Pine", "Cedar", "Maple", "Elm", "Willow", "River", "Lake", "Hill", "Spring", "Rock", "Green", "Fair",
    "Mill", "Bay", "Clear", "Stone", "North", "South", "East", "West", "Mount", "Glen", "Brook", "Field", "Wood",
    "Port", "Haven", "Ridge", "Grove", "Marsh", "Sand", "Silver", "Gold", "Iron", "Red", "White", "Black", "Blue",
]
PLACE_ENDS = ["ville", "ton", "field", "wood", "dale", "burg", "port", "view", "land", "ford", "mont", "side", " City", " Springs", " Beach", " Falls"]


@dataclass(frozen=True)
class Agreement:
    state: str
    agency: str
    agency_type: str
    county: str
    model: str
    signed: dt.date


def place(rng: random.Random) -> str:
    return rng.choice(PLACE_WORDS) + rng.choice(PLACE_ENDS)


def new_agreement(rng: random.Random, day: dt.date, used: set) -> Agreement:
    state = rng.choice([s for s in states() if s.category == "state"])
    while True:
        if rng.random() < 0.6:
            county = place(rng) + " County"
            agency, kind = f"{county} Sheriff's Office", "County"
        else:
            county = ""
            agency, kind = f"{place(rng)} Police Department", "Municipality"
        model = rng.choice(["JEM", "TFM", "TFM", "WSO"] if kind == "County" else ["TFM"])
        if (state.usps, agency, model) not in used:
            used.add((state.usps, agency, model))
            return Agreement(state.name.upper(), agency, kind, county, model, day - dt.timedelta(days=rng.randint(3, 40)))


def moa_address(a: Agreement) -> str:
    """A stable document address per agreement, named as ICE names its MOA files."""
    return f"https://www.ice.gov/doclib/287gMOA/{a.agency.replace(' ', '').replace(chr(39), '')}{a.state[:2]}_{a.model}_MOA_{a.signed:%m%d%Y}.pdf"


def rename(rng: random.Random, name: str) -> str:
    """A rename ICE might publish: an abbreviation, a prefix, or a one-letter typo fixed or made."""
    choice = rng.random()
    if name.endswith("Police Department") and choice < 0.4:
        return name.replace("Police Department", "Police Dept.") if "City of" in name else "City of " + name
    if "Sheriff's Office" in name and choice < 0.6:
        return name.replace("Sheriff's Office", "Sheriff’s Office")
    if name.startswith("Saint "):
        return "St. " + name[len("Saint "):]
    i = rng.randrange(1, max(2, len(name.split()[0]) - 1))
    return name[:i] + name[i + 1:] if len(name) > 12 else name + " "


def generate(folder: Path, publications: int = 1000, agreements: int = 3000, seed: int = 287) -> list[Path]:
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    day = dt.date(2023, 1, 2)
    used: set = set()
    start = int(agreements * 2 / 3)
    current = [new_agreement(rng, day, used) for _ in range(start)]
    pending = [new_agreement(rng, day + dt.timedelta(days=30), used) for _ in range(60)]
    grow = (agreements - start) / publications
    budget = 0.0
    omitted: list[Agreement] = []
    files = []
    for number in range(publications):
        day += dt.timedelta(days=rng.choice([1, 1, 2]))
        budget += grow
        # arrivals from the pending list
        while budget >= 1:
            budget -= 1
            arriving = pending.pop(0) if pending else new_agreement(rng, day, used)
            current.append(replace(arriving, signed=day - dt.timedelta(days=rng.randint(1, 20))))
            pending.append(new_agreement(rng, day + dt.timedelta(days=30), used))
        for _ in range(rng.choice([0, 0, 1])):  # exits
            current.pop(rng.randrange(len(current)))
            budget += 1  # keep growing towards the target
        if rng.random() < 0.15:  # a rename
            i = rng.randrange(len(current))
            current[i] = replace(current[i], agency=rename(rng, current[i].agency))
        if rng.random() < 0.1:  # a signed date corrected
            i = rng.randrange(len(current))
            current[i] = replace(current[i], signed=current[i].signed - dt.timedelta(days=1))
        back, omitted = omitted, []
        if rng.random() < 0.1:  # a one-off omission
            omitted = [current.pop(rng.randrange(len(current)))]
        listed = sorted(current + back, key=lambda a: (a.state, a.agency, a.model))
        current = [a for a in listed]
        rows = [IceRow(a.state, a.agency, a.agency_type, a.county, MODELS[a.model], a.signed, moa_address(a)) for a in listed]
        if rng.random() < 0.05:  # a row listed twice
            rows.insert(rng.randrange(len(rows)), rows[rng.randrange(len(rows))])
        half = rng.choice(["am", "pm"])
        path = folder / f"participatingAgencies{day:%m%d%Y}{half}.xlsx"
        write_ice_workbook(path, "participating", rows, modified=dt.datetime.combine(day, dt.time(9 if half == "am" else 15)))
        files.append(path)
        if number % 5 == 0:
            pending_rows = [IceRow(a.state, a.agency, a.agency_type, a.county, MODELS[a.model]) for a in sorted(pending, key=lambda a: (a.state, a.agency))]
            path = folder / f"pendingAgencies{day:%m%d%Y}{half}.xlsx"
            write_ice_workbook(path, "pending", pending_rows, modified=dt.datetime.combine(day, dt.time(10 if half == "am" else 16)))
            files.append(path)
    return files


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--publications", type=int, default=1000)
    parser.add_argument("--agreements", type=int, default=3000)
    parser.add_argument("--seed", type=int, default=287)
    args = parser.parse_args()
    files = generate(args.folder, args.publications, args.agreements, args.seed)
    print(f"{len(files)} workbooks in {args.folder}")


if __name__ == "__main__":
    main()

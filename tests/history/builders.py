"""Small constructed publications, written in ICE's layout and ingested like real ones."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from g287.access import Actor
from g287.exports.ice_workbook import IceRow, write_ice_workbook
from g287.registry.ingest import ingest_file

MODEL_LABELS = {"JEM": "Jail Enforcement Model", "TFM": "Task Force Model", "WSO": "Warrant Service Officer"}
STATES = {"FL": "FLORIDA", "TX": "TEXAS", "PA": "PENNSYLVANIA", "VA": "VIRGINIA", "TN": "TENNESSEE", "GA": "GEORGIA", "AR": "ARKANSAS", "OH": "OHIO"}


def row(state: str, agency: str, model: str, signed: str | None = "2025-04-14", agency_type: str = "Municipality", county: str = "") -> IceRow:
    return IceRow(
        state=STATES[state],
        agency=agency,
        agency_type=agency_type,
        county=county,
        model=MODEL_LABELS[model],
        signed=dt.date.fromisoformat(signed) if signed else None,
        moa_url=f"https://www.ice.gov/doclib/287gMOA/{agency.replace(' ', '')}_{model}.pdf" if signed else None,
    )


class Publisher:
    """Writes and ingests publications on successive days, one list at a time."""

    def __init__(self, db, folder: Path):
        self.db = db
        self.folder = folder
        self.actor = Actor.command_line()

    def publish(self, kind: str, day: str, rows: list[IceRow], half: str = "am"):
        date = dt.date.fromisoformat(day)
        path = self.folder / f"{kind}Agencies{date:%m%d%Y}{half}.xlsx"
        # The workbook's own time differs per publication, as ICE's do (identical bytes would be one file).
        write_ice_workbook(path, kind, rows, modified=dt.datetime.combine(date, dt.time(9 if half == "am" else 15)))
        return ingest_file(self.db, path, self.actor)

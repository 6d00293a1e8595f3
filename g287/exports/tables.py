"""Agreements as of a date, with any filter, as CSV and JSON: one row per agreement (agency x model), each
naming the publication it comes from. CSV cells a spreadsheet would run as formulas are neutralized."""

from __future__ import annotations

import csv
import io
import json

from g287.db.models.registry import Publication
from g287.exports.formulas import neutralize_csv
from g287.registry.queries import AgreementRow, InForce

COLUMNS = [
    "agreement_id", "agency_id", "state", "agency", "agency_type", "county", "county_fips", "model", "status", "signed", "moa_url",
    "addendum_url", "rows_in_list", "publication_id", "publication_file", "publication_date", "as_of",
]


def records(force: InForce, rows: list[AgreementRow], county_fips: dict[tuple[str | None, str | None], str | None]) -> list[dict]:
    """`county_fips`: the county each (state, COUNTY text) of the rows names (counties.county_fips_of_texts), so
    that the rows can be joined to other data by FIPS code."""
    files: dict[int, Publication] = {p.id: p for p in (force.participating, force.pending) if p is not None}
    result = []
    for row in rows:
        source = files.get(row.publication_id) if row.publication_id else None
        result.append(
            {
                "agreement_id": row.id,
                "agency_id": row.agency_id,
                "state": row.state,
                "agency": row.agency_name,
                "agency_type": row.agency_type,
                "county": row.county,
                "county_fips": county_fips.get((row.state, row.county)),
                "model": row.model,
                "status": row.status,
                "signed": row.signed_on.isoformat() if row.signed_on else None,
                "moa_url": row.moa_url,
                "addendum_url": row.addendum_url,
                "rows_in_list": row.rows,
                "publication_id": row.publication_id,
                "publication_file": source.file_name if source else None,
                "publication_date": (source.published_on.isoformat() + (f" {source.half}" if source.half else "")) if source else None,
                "as_of": force.as_of.isoformat(),
            }
        )
    return result


def to_csv(items: list[dict]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for item in items:
        writer.writerow(["" if item[c] is None else neutralize_csv(str(item[c]) if not isinstance(item[c], str) else item[c]) for c in COLUMNS])
    return buffer.getvalue()


def to_json(force: InForce, items: list[dict], filters: dict, *, total: int | None = None, limit: int | None = None, offset: int = 0) -> str:
    """`total`: the rows of the whole selection, of which `items` are those from `offset` (at most `limit`)."""
    def ref(p: Publication | None):
        if p is None:
            return None
        # Whose list, as every figure says (a list of this registry's own is never to be read as ICE's).
        return {
            "id": p.id, "file": p.file_name, "published": p.published_on.isoformat(), "half": p.half, "kind": p.kind,
            "source": "ICE" if p.origin == "ice" else "this registry",
        }

    document = {
        "as_of": force.as_of.isoformat(),
        "filters": {k: v for k, v in filters.items() if v not in (None, "")},
        "total": len(items) if total is None else total,
        "offset": offset,
        "limit": limit,
        "participating_publication": ref(force.participating),
        "pending_publication": ref(force.pending),
        "columns": COLUMNS,
        "agreements": items,
    }
    return json.dumps(document, ensure_ascii=False, indent=1)

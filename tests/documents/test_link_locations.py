"""Links to two places in one PDF (x.pdf and x.pdf#page=3, as a cell's location makes it) are one document address,
fetched once without the fragment (no HTTP request carries one); each listing keeps its link whole."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from g287.db.models.documents import Document, DocumentAddress, DocumentRowLink
from g287.db.models.registry import RawRow
from g287.exports.ice_workbook import IceRow
from g287.sources.sync import run_sync
from tests.documents.conftest import moa
from tests.documents.fakeice import FakeIce, Route
from tests.documents.test_sync import FOLDER, MOAS, PAGE, page_html, workbook_bytes

NAME = "OwyheeCoID_TFM_MOA_03.07.25.pdf"


def test_two_places_in_one_pdf_are_one_address_fetched_once(sqlite_db, actor):
    ice = FakeIce().start()
    try:
        address = ice.url(MOAS + NAME)
        rows = [
            IceRow("IDAHO", "Owyhee County Sheriff's Office", "County", "Owyhee", "Task Force Model", dt.date(2025, 3, 7), address),
            IceRow("IDAHO", "Owyhee County Sheriff's Office", "County", "Owyhee", "Warrant Service Officer", dt.date(2025, 3, 7), address + "#page=3"),
        ]
        ice.routes[PAGE] = Route(page_html(ice.base), "text/html; charset=utf-8")
        ice.routes[FOLDER + "participatingAgencies07112025am.xlsx"] = Route(workbook_bytes("participating", rows), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        ice.routes[FOLDER + "pendingAgencies07112025am.xlsx"] = Route(workbook_bytes("pending", [IceRow("OHIO", "Pending County Sheriff's Office", "County", "", "Jail Enforcement Model")]), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        ice.routes[MOAS + NAME] = Route(moa(NAME).read_bytes(), "application/pdf")
        report = run_sync(sqlite_db, actor, page_url=ice.url(PAGE))
        assert report.documents["stored"] == 1 and report.documents["already_held"] == 0, report.problems
        assert len(ice.requests_for(MOAS + NAME)) == 1
    finally:
        ice.stop()
    with sqlite_db.session() as session:
        assert sorted(session.scalars(select(RawRow.moa_url).where(RawRow.moa_url.is_not(None)))) == [address, address + "#page=3"]
        [held] = session.scalars(select(DocumentAddress).where(DocumentAddress.role == "moa")).all()
        assert held.url == address and held.status == "held"
        assert session.get(Document, held.document_id).file_name == NAME
        assert len(session.scalars(select(DocumentRowLink).where(DocumentRowLink.address_id == held.id)).all()) == 2

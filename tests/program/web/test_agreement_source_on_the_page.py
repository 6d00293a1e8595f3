"""An application's page names the source of its MOA's agreement in the registry: ICE's lists when the MOA was
recorded under an agreement ICE published, this registry's records when the registry created it."""

from __future__ import annotations

import re
import warnings

import pytest
from sqlalchemy import select

from g287.access import Actor
from g287.db.models.registry import Agency, Agreement
from g287.program import accounts, agencies, applications, moas
from g287.registry.ingest import ingest_file
from g287.web.app import create_app
from tests.conftest import ICE
from tests.program.web.conftest import PASSWORD, sign_in
from tests.program.world import OFFICER, SIGNATORIES, SIGNED_PDF, TODAY, build, letter

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

ADMIN = Actor.command_line()
PENDING = ICE / "pending" / "pendingAgencies07112025am_b.xlsx"


def registry_line(client: TestClient, application_id: int, moa_id: int) -> str:
    page = client.get(f"/program/applications/{application_id}").text
    section = re.search(rf'<section aria-labelledby="moa-{moa_id}-title".*?</section>', page, re.S).group()
    (line,) = re.findall(r"<dt>In the registry</dt><dd>(.*?)</dd>", section)
    return line


@pytest.fixture
def officer(db):
    with db.session() as session:
        accounts.add_user(session, ADMIN, "officer", "program_officer", password=PASSWORD)
    client = TestClient(create_app(db))
    assert sign_in(client, "officer").status_code == 303
    return client


def test_an_moa_recorded_under_an_agreement_ice_published_names_ices_lists(db, officer):
    """The page said "source: this registry's records" of an agreement from ICE's lists too."""
    ingest_file(db, PENDING, ADMIN)  # ICE's pending list names the agency and its (unsigned) agreement
    with db.session() as session:
        listed = session.scalars(select(Agreement).where(Agreement.signed_on.is_(None)).order_by(Agreement.id)).first()
        published = session.get(Agency, listed.agency_id)
        agency = agencies.create_agency(session, ADMIN, published.name, published.state_usps, "county")
        application = applications.submit_letter(session, ADMIN, agency.id, letter(models=[listed.model]), today=TODAY)
        (moa,) = applications.moas_of(session, application.id)
        moas.draft_moa(session, OFFICER, moa.id, today=TODAY)
        moas.record_signed_moa(session, OFFICER, moa.id, pdf=SIGNED_PDF.read_bytes(), signed_on=TODAY, signatories=SIGNATORIES, today=TODAY)
        assert moa.registry_agreement_id == listed.id and listed.origin == "ice"
    assert registry_line(officer, application.id, moa.id) == f"agreement {listed.id} (participating, source: ICE's lists)"
    assert officer.get(f"/api/v1/program/applications/{application.id}").json()["moas"][0]["registry_agreement_source"] == "ICE"


def test_an_moa_the_registry_created_the_agreement_of_names_its_records(db, officer):
    with db.session() as session:
        w = build(session, "signed")
        agreement_id = moas.get_moa(session, OFFICER, w.tfm, "application.read").registry_agreement_id
    assert registry_line(officer, w.application, w.tfm) == f"agreement {agreement_id} (participating, source: this registry's records)"
    answer = officer.get(f"/api/v1/program/applications/{w.application}").json()["moas"]
    assert [(m["id"], m["registry_agreement_source"]) for m in answer] == [(w.tfm, "this registry"), (w.wso, None)]

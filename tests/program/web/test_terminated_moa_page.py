"""An application's page after its MOA was terminated: the MOA is said to be terminated, not participating, and
the agency may still record a nomination made while the MOA was in effect (older history), as the API and
`g287 program nominate --on` may."""

from __future__ import annotations

import re
import warnings

import pytest

from g287.access import Actor
from g287.db.models.registry import Agreement
from g287.program import accounts, applications, moas, nominees
from g287.web.app import create_app
from tests.program.web.conftest import PASSWORD, csrf_of, sign_in
from tests.program.world import OFFICER, SIGNATORIES, SIGNED_PDF, TODAY, build, letter

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

ADMIN = Actor.command_line()


@pytest.fixture
def site(db):
    """The workflow world (agency A's TFM MOA signed 30 days before TODAY, a certified veteran), the TFM MOA then
    terminated on TODAY, and the agency user's account, signed in."""
    with db.session() as session:
        w = build(session, "certified")
        moas.terminate_moa(session, OFFICER, w.tfm, terminated_on=TODAY)
        accounts.add_user(session, ADMIN, "agency-a", "agency_user", agency_id=w.agency_a, password=PASSWORD)
    client = TestClient(create_app(db))
    assert sign_in(client, "agency-a").status_code == 303
    return db, w, client


def moa_section(page: str, moa_id: int) -> str:
    return re.search(rf'<section aria-labelledby="moa-{moa_id}-title".*?</section>', page, re.S).group()


def test_a_terminated_moa_is_not_said_to_be_participating(site):
    """The page said "In the registry: agreement 1 (participating, ...)" above "Terminated: 2025-07-01"."""
    _, w, client = site
    section = moa_section(client.get(f"/program/applications/{w.application}").text, w.tfm)
    assert "<dt>Terminated</dt><dd>2025-07-01</dd>" in section
    (registry,) = re.findall(r"<dt>In the registry</dt><dd>(.*?)</dd>", section)
    assert re.fullmatch(r"agreement \d+ \(terminated on 2025-07-01, source: this registry's records\)", registry), registry


def test_a_nomination_made_while_a_terminated_moa_was_in_effect_can_be_recorded_on_its_page(site):
    """The API and `g287 program nominate --on` record a nomination on a past day when the MOA was in effect (older
    history), also once it is terminated; the page offered no form for it: the form is there, its day required."""
    db, w, client = site
    page = client.get(f"/program/applications/{w.application}").text
    section = moa_section(page, w.tfm)
    assert f'action="/program/moas/{w.tfm}/nominees"' in section
    (day_field,) = re.findall(r'<input id="f-\d+-nominated_on" [^>]*>', section)
    assert ' required' in day_field
    assert "Nominated on (a day the MOA was in effect: from 2025-06-01, when it was signed, to before 2025-07-01, when it was terminated)" in section
    sent = client.post(
        f"/program/moas/{w.tfm}/nominees",
        data={"csrf_token": csrf_of(page), "full_name": "Olive Oldrecord", "nominated_on": "2025-06-15", "us_citizen": "yes"},
        follow_redirects=False,
    )
    assert sent.status_code == 303, sent.text
    nominee_id = int(re.fullmatch(r"/program/nominees/(\d+)\?done=nominated", sent.headers["location"]).group(1))
    with db.session() as session:
        assert nominees.nominee_detail(session, OFFICER, nominee_id)["nominated_on"] == "2025-06-15"


def test_the_public_agency_page_does_not_list_a_terminated_registry_agreement(site):
    """The registry's agency page said "This registry's own lists (not ICE's) also list: Task Force Model, signed
    2025-06-01" of the agreement whose MOA was terminated (and not signed again): it says it was terminated, and when,
    as the application's page does."""
    db, w, client = site
    with db.session() as session:
        agreement = session.get(Agreement, moas.get_moa(session, OFFICER, w.tfm, "application.read").registry_agreement_id)
        agency_id = agreement.agency_id
    page = client.get(f"/agencies/{agency_id}").text
    assert "also list:" not in page
    assert (
        "This registry's own records (not ICE's) also hold, terminated and no longer on its lists: Task Force Model, signed 2025-06-01, "
        f'terminated 2025-07-01 (<a href="/program/registry/applications/{w.application}">application {w.application}</a>).'
    ) in page
    public = client.get(f"/program/registry/applications/{w.application}").text
    assert "<td>terminated</td><td>2025-06-01" in public and "<td>2025-07-01</td>" in public


def test_the_public_agency_page_lists_a_registry_agreement_signed_again(site):
    db, w, client = site
    with db.session() as session:
        again = applications.submit_letter(session, ADMIN, w.agency_a, letter(models=["TFM"]), today=TODAY)
        (moa,) = applications.moas_of(session, again.id)
        moas.draft_moa(session, OFFICER, moa.id, today=TODAY)
        moas.record_signed_moa(session, OFFICER, moa.id, pdf=SIGNED_PDF.read_bytes(), signed_on=TODAY, signatories=SIGNATORIES, today=TODAY)
        agency_id = session.get(Agreement, moa.registry_agreement_id).agency_id
    page = client.get(f"/agencies/{agency_id}").text
    assert "This registry's own lists (not ICE's) also list: Task Force Model, signed 2025-07-01 (" in page
    assert "terminated and no longer on its lists" not in page

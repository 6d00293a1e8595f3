"""The jail-security requirement of the JEM and WSO MOAs on the site: the nomination form and the nominee's form ask
it of a WSO nominee in the words of the model's rule (never of a TFM nominee), the nominee's page shows it and the
reason when it is not met, and the API takes and gives it as `jail_security_and_inmate_rules`."""

from __future__ import annotations

import datetime as dt
import html
import warnings

import pytest

from g287.program import accounts, moas
from g287.web.app import create_app
from tests.program.web.conftest import PASSWORD, csrf_of, sign_in, token_of
from tests.program.world import ADMIN, OFFICER, SIGNATORIES, SIGNED_PDF, TODAY, build

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

QUESTION = "Has been trained in maintaining the security of the agency's facilities and has enforced the rules on inmate accountability and conduct?"
NOT_ATTESTED = "the agency does not attest that the nominee has been trained in maintaining the security of its facilities and has enforced the rules on inmate accountability and conduct"


@pytest.fixture
def site(db):
    """Agency A with a signed TFM and a signed WSO MOA, and its user signed in."""
    with db.session() as session:
        w = build(session, "signed")
        moas.draft_moa(session, OFFICER, w.wso, today=TODAY - dt.timedelta(days=40))
        moas.record_signed_moa(session, OFFICER, w.wso, pdf=SIGNED_PDF.read_bytes(), signed_on=TODAY - dt.timedelta(days=30), signatories=SIGNATORIES, today=TODAY)
        accounts.add_user(session, ADMIN, "agency-a", "agency_user", agency_id=w.agency_a, password=PASSWORD)
    client = TestClient(create_app(db))
    assert sign_in(client, "agency-a").status_code == 303
    yield w, client
    client.close()


def _form(page: str, action: str) -> str:
    """The form posting to ACTION, as the page holds it."""
    start = page.index(f'method="post" action="{action}"')
    return page[start : page.index("</form>", start)]


def test_the_forms_ask_a_wso_nominee_for_jail_security_in_the_rule_s_words_and_never_a_tfm_nominee(site):
    w, agency = site
    page = agency.get(f"/program/applications/{w.application}").text
    assert QUESTION in html.unescape(_form(page, f"/program/moas/{w.wso}/nominees"))
    assert "jail_security_and_inmate_rules" not in _form(page, f"/program/moas/{w.tfm}/nominees")
    sent = {"full_name": "Wes Warrant", "us_citizen": "yes", "enforced_jurisdiction_laws": "yes", "jail_security_and_inmate_rules": "no", "csrf_token": csrf_of(page)}
    nominated = agency.post(f"/program/moas/{w.wso}/nominees", data=sent, follow_redirects=False)
    assert nominated.status_code == 303, nominated.text
    shown = html.unescape(agency.get(nominated.headers["location"]).text)
    assert f"<dt>{QUESTION}</dt><dd>no</dd>" in shown and f"<li>{NOT_ATTESTED}</li>" in shown
    nominee_url = nominated.headers["location"].split("?")[0]
    facts = _form(agency.get(nominee_url).text, nominee_url)
    assert QUESTION in html.unescape(facts) and 'name="jail_security_and_inmate_rules" value="no" checked' in facts
    corrected = agency.post(nominee_url, data={"full_name": "Wes Warrant", "us_citizen": "yes", "enforced_jurisdiction_laws": "yes", "jail_security_and_inmate_rules": "yes", "csrf_token": csrf_of(shown)}, follow_redirects=False)
    assert corrected.status_code == 303, corrected.text
    shown = html.unescape(agency.get(nominee_url).text)
    assert f"<dt>{QUESTION}</dt><dd>yes</dd>" in shown and NOT_ATTESTED not in shown
    # A TFM nominee: neither asked nor shown, and a save of the facts form leaves what the API recorded as it is.
    tfm = agency.post(f"/api/v1/program/moas/{w.tfm}/nominees", json={"full_name": "Tia Taskforce", "jail_security_and_inmate_rules": True}, headers={"X-CSRF-Token": token_of(agency)})
    assert tfm.status_code == 201 and tfm.json()["jail_security_and_inmate_rules"] is True
    tfm_url = f"/program/nominees/{tfm.json()['id']}"
    tfm_page = agency.get(tfm_url).text
    assert "inmate" not in tfm_page
    saved = agency.post(tfm_url, data={"full_name": "Tia Taskforce", "us_citizen": "yes", "enforced_jurisdiction_laws": "", "csrf_token": csrf_of(tfm_page)}, follow_redirects=False)
    assert saved.status_code == 303
    assert agency.get(f"/api/v1/program/nominees/{tfm.json()['id']}").json()["jail_security_and_inmate_rules"] is True


def test_the_api_takes_and_gives_the_jail_security_fact(site):
    w, agency = site
    headers = {"X-CSRF-Token": token_of(agency)}
    body = {"full_name": "Ada Api", "us_citizen": True, "enforced_jurisdiction_laws": True, "service_periods": [{"start": "2010-01-04"}]}
    unattested = agency.post(f"/api/v1/program/moas/{w.wso}/nominees", json=body, headers=headers).json()
    rule = next(r for r in unattested["eligibility"]["rules"] if r["rule"] == "jail_security")
    assert unattested["jail_security_and_inmate_rules"] is None and rule["outcome"] == "missing" and rule["sources"] == ["MOA"]
    url = f"/api/v1/program/nominees/{unattested['id']}"
    attested = agency.patch(url, json={"jail_security_and_inmate_rules": True}, headers=headers)
    assert attested.status_code == 200 and attested.json()["jail_security_and_inmate_rules"] is True
    rule = next(r for r in attested.json()["eligibility"]["rules"] if r["rule"] == "jail_security")
    assert rule["outcome"] == "passed" and rule["requirement"] == QUESTION[:-1] + "."
    refused = agency.patch(url, json={"jail_security_and_inmate_rules": "yes"}, headers=headers)
    assert refused.status_code == 422 and "jail_security_and_inmate_rules" in refused.text
    assert agency.get(f"{url}/eligibility").json()["reasons"] == ["the background investigation has not been completed (the program office records its result)"]

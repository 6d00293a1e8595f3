"""The program workflow on the site: one world per database kind (agency A with a signed TFM MOA and two
nominees, agency B with none, one account per role), served by the real application, and a signed-in client
per role. Personal data in the world is distinctive, so tests can look for it in every response."""

from __future__ import annotations

import datetime as dt
import re
import warnings
from contextlib import ExitStack
from dataclasses import dataclass, field

import pytest

from g287.access import Actor
from g287.program import accounts, agencies, applications, moas, nominees, publish, training
from g287.program.applications import moas_of
from g287.web.app import create_app
from tests.program.world import SIGNED_PDF, SIGNATORIES, letter

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

ADMIN = Actor.command_line()
PASSWORD = "a long test password 287"
USERS = {"own_agency": "agency-a", "other_agency": "agency-b", "program_officer": "officer", "administrator": "admin"}
ROLES = ("public", "own_agency", "other_agency", "program_officer", "administrator")
NOVICE_START = (dt.date.today() - dt.timedelta(days=400)).isoformat()


@dataclass
class ProgramWorld:
    db: object
    app: object
    agency_a: int
    agency_b: int
    application: int
    tfm: int
    wso: int
    novice: int
    veteran: int
    # Values that are personal data (nominees) or private parts of the letter: never shown to the public or to
    # another agency.
    personal: set[str] = field(default_factory=set)


def build_world(db) -> ProgramWorld:
    with db.session() as session:
        a = agencies.create_agency(session, ADMIN, "Testville County Sheriff's Office", "FL", "county", county="Testville County")
        b = agencies.create_agency(session, ADMIN, "Otherton Police Department", "TX", "municipality")
        for role, username in USERS.items():
            account_role = "agency_user" if role.endswith("agency") else role
            agency_id = a.id if role == "own_agency" else b.id if role == "other_agency" else None
            accounts.add_user(session, ADMIN, username, account_role, agency_id=agency_id, password=PASSWORD)
        form = letter(contact_name="Quinn Contactperson", contact_email="quinn.contact@testville.example", justification="Justification text 7f3a, private to the agency.")
        application = applications.submit_letter(session, ADMIN, a.id, form, today=dt.date(2021, 1, 4))
        tfm, wso = moas_of(session, application.id)
        moas.draft_moa(session, ADMIN, tfm.id, today=dt.date(2021, 2, 1))
        moas.record_signed_moa(session, ADMIN, tfm.id, pdf=SIGNED_PDF.read_bytes(), signed_on=dt.date(2021, 3, 1), signatories=SIGNATORIES)
        novice = nominees.nominate(session, ADMIN, tfm.id, full_name="Nova Novicelady", us_citizen=True, enforced_jurisdiction_laws=True, service_periods=[{"start": NOVICE_START}], nominated_on="2021-03-15")
        veteran = nominees.nominate(session, ADMIN, tfm.id, full_name="Vera Veteranperson", us_citizen=True, enforced_jurisdiction_laws=True, service_periods=[{"start": "2004-09-13", "end": None}], nominated_on="2021-03-15")
        nominees.record_background(session, ADMIN, novice.id, result="passed", completed_on="2021-03-22")
        nominees.record_background(session, ADMIN, veteran.id, result="passed", completed_on="2021-03-23")
        training.enrol(session, ADMIN, veteran.id, enrolled_on="2021-04-05")
        training.record_exam(session, ADMIN, veteran.id, score=63.7, taken_on="2021-04-19")
        training.record_exam(session, ADMIN, veteran.id, score=88.3, taken_on="2021-04-26")
        certification = training.certify(session, ADMIN, veteran.id, certified_on="2021-05-10")
        world_ids = dict(agency_a=a.id, agency_b=b.id, application=application.id, tfm=tfm.id, wso=wso.id, novice=novice.id, veteran=veteran.id)
        personal = {
            "Nova Novicelady", "Vera Veteranperson", NOVICE_START, "2004-09-13", "2021-03-15", "2021-03-22", "2021-03-23", "2021-04-05", "2021-04-19", "2021-04-26",
            "63.7", "88.3", certification.expires_on.isoformat(), certification.certified_on.isoformat(),
            "Quinn Contactperson", "quinn.contact@testville.example", "Justification text 7f3a",
        }
    publish.publish(db, ADMIN)
    return ProgramWorld(db, create_app(db), personal=personal, **world_ids)


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def program_world(request, tmp_path_factory):
    from tests.conftest import make_database

    database, close = make_database(request.param, tmp_path_factory.mktemp("program-web"))
    yield build_world(database)
    close()


CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def csrf_of(html: str) -> str:
    return CSRF.search(html).group(1)


def sign_in(client: TestClient, username: str, password: str = PASSWORD):
    """Sign in through the form, as a browser does: the login page (seed cookie and token), then the POST."""
    page = client.get("/program/login")
    return client.post("/program/login", data={"username": username, "password": password, "csrf_token": csrf_of(page.text)}, follow_redirects=False)


def client_for(world: ProgramWorld, role: str) -> TestClient:
    client = TestClient(world.app, raise_server_exceptions=False)  # a crash is answered as the site answers it (500)
    if role != "public":
        response = sign_in(client, USERS[role])
        assert response.status_code == 303, response.text
    return client


def token_of(client: TestClient) -> str:
    """The CSRF token of the client's session (or, signed out, of its seed cookie)."""
    return client.get("/api/v1/program/session").json()["csrf_token"]


@pytest.fixture(scope="session")
def clients(program_world):
    # Each client's context is entered: it keeps one event loop, in one thread, for all its requests, as a server
    # does. Outside it, every request started a thread and a loop of its own, some 3-4 ms of each of the thousand
    # requests test_privacy_routes.py sends per database. (The application has no start-up or shut-down of its own.)
    with ExitStack() as stack:
        made = {role: stack.enter_context(client_for(program_world, role)) for role in ROLES}
        yield made
        for client in made.values():
            client.close()
